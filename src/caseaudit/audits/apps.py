from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "caseaudit.audits"
    label = "audits"
    verbose_name = "Audits"
