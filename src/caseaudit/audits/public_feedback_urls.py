"""The feedback form a child, young person or carer opens from their single-use link, without signing in."""

from django.urls import path

from . import feedback_views

app_name = "feedback"

urlpatterns = [
    path("<str:token>/", feedback_views.form, name="form"),
]
