from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "caseaudit.cycles"
    label = "cycles"
    verbose_name = "Audit cycles"

    def ready(self) -> None:
        from caseaudit.audits.history_import.cycles import register_cycle_names
        from caseaudit.cases.importing.closing import register_live_sample_cases

        from .models import Cycle
        from .samples import live_sample_cases

        # Past audits imported from a spreadsheet may name the cycle they belonged to.
        register_cycle_names(lambda: Cycle.objects.values_list("id", "name"))
        # A full register import asks before it closes a case that a live sample is waiting to audit.
        register_live_sample_cases(live_sample_cases)
