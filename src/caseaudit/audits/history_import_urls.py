"""The audit-history import, mounted under /audits/history/ (names in the "audits" namespace)."""

from django.urls import path

from . import history_import_views as views

urlpatterns = [
    path("history/import/", views.history_upload, name="history-import"),
    path("history/import/check/<int:job_id>/", views.history_check, name="history-import-check"),
    path("history/import/confirm/", views.history_confirm, name="history-import-confirm"),
    path("history/import/run/<int:job_id>/", views.history_run, name="history-import-run"),
]
