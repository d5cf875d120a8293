from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "caseaudit.cycles"
    label = "cycles"
    verbose_name = "Audit cycles"
