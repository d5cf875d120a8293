from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "caseaudit.audits"
    label = "audits"
    verbose_name = "Audits"

    def ready(self) -> None:
        from caseaudit.cases.scoping import register_allocated_cases

        from .allocations import allocated_cases

        register_allocated_cases(allocated_cases)
