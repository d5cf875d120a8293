from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "caseaudit.improvement"
    label = "improvement"
    verbose_name = "From findings to change"
