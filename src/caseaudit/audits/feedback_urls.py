"""The audit's feedback pages, for the QA lead and the audit's auditor (names in the "audits" namespace)."""

from django.urls import path

from . import feedback_views

urlpatterns = [
    path("<int:pk>/feedback/", feedback_views.feedback, name="feedback"),
    path("<int:pk>/feedback/link/", feedback_views.new_link, name="feedback-link"),
    path("<int:pk>/feedback/paper/", feedback_views.paper, name="feedback-paper"),
]
