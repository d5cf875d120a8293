from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class ComplianceConfig(AppConfig):
    name = "caseaudit.compliance"
    label = "compliance"
    verbose_name = "Compliance with timescales"

    def ready(self) -> None:
        from caseaudit.cases.panels import register_case_panel
        from caseaudit.cases.signals import register_imported
        from caseaudit.jobs.scheduled import Scheduled, enqueue_scheduled, register

        from .panel import timescales_context
        from .tasks import count_register_compliance

        checks.register(check_timescale_rules)
        # The case page and the panel beside the audit form list the case's timescales.
        register_case_panel(timescales_context)
        # The register's compliance, counted before anyone asks: each night, and after every import.
        register(
            Scheduled(
                "compliance",
                count_register_compliance,
                "Count the register's compliance with timescales",
                "count today's compliance of the whole register, so that no page waits for it (after "
                "midnight)",
            )
        )
        register_imported.connect(
            lambda **_: enqueue_scheduled("compliance", after_running=True),
            weak=False,
            dispatch_uid="count-compliance",
        )


def check_timescale_rules(**kwargs: Any) -> list[checks.CheckMessage]:
    """A local rules file that cannot be used is reported when the service starts, not on the first page
    that shows a case."""
    from caseaudit.core.timescales import TimescaleRulesError

    from .queries import timescale_rules

    try:
        timescale_rules()
    except TimescaleRulesError as error:
        return [
            checks.Error(
                f"The timescale rules cannot be used:\n{error}",
                hint="Correct the file CASEAUDIT_TIMESCALE_RULES names, or unset CASEAUDIT_TIMESCALE_RULES.",
                id="caseaudit.compliance.E001",
            )
        ]
    return []
