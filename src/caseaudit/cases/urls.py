from django.urls import path

from . import import_views, quality_views, returns_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("data-quality/", quality_views.data_quality_page, name="data-quality"),
    path("import/", import_views.import_upload, name="import"),
    path("import/check/<int:job_id>/", import_views.import_check, name="import-check"),
    path("import/confirm/", import_views.import_confirm, name="import-confirm"),
    path("import/run/<int:job_id>/", import_views.import_run, name="import-run"),
    path("import/return/", returns_views.upload_return, name="import-return"),
    path("import/return/confirm/", returns_views.confirm_return, name="import-return-confirm"),
]
