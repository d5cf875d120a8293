from django.urls import include, path

from . import views

app_name = "audits"

urlpatterns = [
    path("mine/", views.my_audits, name="mine"),
    # Each area of the audit owns its URL module (names stay in the "audits" namespace).
    path("", include("caseaudit.audits.completion_urls")),
    path("", include("caseaudit.audits.moderation_urls")),
    path("", include("caseaudit.audits.feedback_urls")),
    path("", include("caseaudit.audits.history_import_urls")),
]
