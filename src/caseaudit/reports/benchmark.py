"""This authority's figures for regional benchmarking (`caseaudit.core.benchmark`): the committee's grade
table of case file audits by year, moderated grades, and the register's compliance counts on a day. The
command line and the API both make it here."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings

from caseaudit.compliance.queries import register_summary
from caseaudit.core.benchmark import benchmark_document

from .grade_formats import as_json
from .grades import grade_table


def authority_benchmark(today: date) -> dict[str, Any]:
    table = as_json(grade_table(by="year", grade_source="moderated"))
    summary, _ = register_summary(today)
    return benchmark_document(
        authority=settings.COUNCIL_NAME,
        made_on=today,
        grade_rows=table["rows"],
        grade_by="year",
        grade_source="moderated",
        compliance_as_of=today,
        compliance_rows=summary.to_dicts(),
    )
