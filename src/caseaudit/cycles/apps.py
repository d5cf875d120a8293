from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "caseaudit.cycles"
    label = "cycles"
    verbose_name = "Audit cycles"

    def ready(self) -> None:
        from caseaudit.audits.history_import.cycles import register_cycle_names

        from .models import Cycle

        # Past audits imported from a spreadsheet may name the cycle they belonged to.
        register_cycle_names(lambda: Cycle.objects.values_list("id", "name"))
