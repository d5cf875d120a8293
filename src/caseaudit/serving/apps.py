from django.apps import AppConfig


class ServingConfig(AppConfig):
    name = "caseaudit.serving"
    label = "serving"
    verbose_name = "Serving the web app"
