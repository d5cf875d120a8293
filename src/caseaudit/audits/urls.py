from django.urls import include, path

from . import theme_views, views

app_name = "audits"

urlpatterns = [
    path("mine/", views.my_audits, name="mine"),
    path("themes/", theme_views.themes, name="themes"),
    path("themes/<slug:slug>/retire/", theme_views.retire, name="retire-theme"),
    # Each area of the audit owns its URL module (names stay in the "audits" namespace).
    path("", include("caseaudit.audits.completion_urls")),
    path("", include("caseaudit.audits.moderation_urls")),
    path("", include("caseaudit.audits.feedback_urls")),
    path("", include("caseaudit.audits.history_import_urls")),
]
