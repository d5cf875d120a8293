from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "caseaudit.audits"
    label = "audits"
    verbose_name = "Audits"

    def ready(self) -> None:
        from caseaudit.cases.panels import register_case_history
        from caseaudit.cases.scoping import register_allocated_cases

        from .allocations import allocated_cases
        from .case_history import audit_history

        register_allocated_cases(allocated_cases)
        # The case page lists the case's audits and the feedback received for them.
        register_case_history(audit_history)
