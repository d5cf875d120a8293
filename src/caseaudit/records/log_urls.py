from django.urls import path

from . import log_views

app_name = "logs"

urlpatterns = [
    path("", log_views.access_log, name="access"),
    path("download/", log_views.access_log_export, name="access-export"),
    path("security/", log_views.security_log, name="security"),
    path("security/download/", log_views.security_log_export, name="security-export"),
]
