"""`/api/v1/reports/grades` and `/api/v1/compliance/summary`: the committee's grade table and the
compliance counts, the same rows, percentages and caveats as `caseaudit report grades --format json` and
the compliance page. Counts only: no child is named."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.compliance.queries import filter_results, results_visible_to, summary_for, timescale_rules
from caseaudit.core.audit_types import AUDIT_TYPES, CASE_FILE
from caseaudit.reports.benchmark import authority_benchmark
from caseaudit.reports.grade_formats import as_json
from caseaudit.reports.grades import grade_table

from .cases_api import Cohort
from .paging import PageAsked, paged
from .problems import ERRORS

router = Router(tags=["reports"])


AuditType = Literal["case-file", "thematic", "practice-observation", "management-oversight", "multi-agency"]
assert set(AuditType.__args__) == set(AUDIT_TYPES)  # type: ignore[attr-defined]


class GradeFilters(Schema):
    cohort: Cohort = ""  # one cohort, or every cohort
    by: Literal["year", "cycle"] = "year"
    grade_source: Literal["moderated", "auditor"] = "moderated"
    type: AuditType = CASE_FILE  # the kind of audit


class ComplianceFilters(Schema):
    as_of: date | None = None  # default today
    cohort: Cohort = ""
    # One of the timescale rules' checks (the authority's own rules may add some): an unknown one is a 422
    # naming them.
    check: str = Field("", max_length=60)


@router.get("/reports/grades", response={200: dict[str, Any], **ERRORS}, summary="The table of grades")
def grades(request: HttpRequest, filters: Query[GradeFilters]) -> dict[str, Any]:
    """Audits by period and cohort: counts and percentages per grade, the 95% intervals, caveats where
    periods were sampled or graded differently and where samples are small. As `caseaudit report grades
    --format json`."""
    policy.person(request.user, policy.READ_GRADE_TABLE)
    table = grade_table(
        by=filters.by,
        grade_source=filters.grade_source,
        cohort=filters.cohort or None,
        audit_type=filters.type,
    )
    return as_json(table)


@router.get(
    "/compliance/summary",
    response={200: dict[str, Any], **ERRORS},
    summary="Compliance with timescales, counted",
)
def compliance_summary(request: HttpRequest, filters: Query[ComplianceFilters]) -> dict[str, Any]:
    """For each check and cohort, how many open cases are compliant, overdue, due soon, not applicable or
    missing data on `as_of`, and how many one-off events were done late: for the cases this person may
    see (everyone's counts for those who see every case or none), as the compliance page counts them."""
    user = policy.person(request.user, policy.READ_COMPLIANCE)
    rules = timescale_rules()
    if filters.check and filters.check not in {rule.slug for rule in rules.rules}:
        raise HttpError(422, f"check: one of {', '.join(rule.slug for rule in rules.rules)}")
    as_of = filters.as_of or timezone.localdate()
    counts, cases = summary_for(user, as_of, rules, filters.cohort, filters.check)
    return {"as_of": as_of.isoformat(), "open_cases": cases, "rows": counts.to_dicts()}


@router.get(
    "/reports/benchmark",
    response={200: dict[str, Any], **ERRORS},
    summary="This authority's figures for regional benchmarking",
)
def benchmark(request: HttpRequest) -> dict[str, Any]:
    """The table of grades (case file audits by year, moderated) and today's compliance counts, counts
    only, with counts from 1 to 4 suppressed: the file `caseaudit report benchmark` writes, for other
    authorities' `caseaudit report compare`."""
    policy.person(request.user, policy.READ_REPORTS)
    return authority_benchmark(timezone.localdate())


class CheckFilters(PageAsked):
    as_of: date | None = None  # default today
    check: str = Field("", max_length=60, description="one check, or every check")
    status: Literal["", "compliant", "due-soon", "overdue", "not-applicable", "data-missing"] = ""
    cohort: Cohort = ""


class CaseCheck(Schema):
    case_id: int
    child_id: str
    cohort: str
    check: str
    status: str
    due_date: date | None
    days_overdue: int | None
    days_late: int | None


class CaseCheckPage(Schema):
    as_of: date
    total: int
    page: int
    page_size: int
    pages: int
    items: list[CaseCheck]


@router.get(
    "/compliance/cases", response={200: CaseCheckPage, **ERRORS}, summary="Each case's timescale checks"
)
def compliance_cases(request: HttpRequest, filters: Query[CheckFilters]) -> dict[str, Any]:
    """The checks of the open cases this person may see, one row a case and check, filtered by check,
    status and cohort: the cases behind each count of the summary, as the compliance page lists them."""
    user = policy.person(request.user, policy.READ_CHILD_RECORDS)
    rules = timescale_rules()
    if filters.check and filters.check not in {rule.slug for rule in rules.rules}:
        raise HttpError(422, f"check: one of {', '.join(rule.slug for rule in rules.rules)}")
    as_of = filters.as_of or timezone.localdate()
    results = filter_results(
        results_visible_to(user, as_of, rules),
        cohort=filters.cohort,
        checks=[filters.check] if filters.check else (),
        statuses=[filters.status] if filters.status else (),
    )
    page = results.slice(filters.start, filters.page_size)
    record_access(user, "view", "compliance-cases", "", f"API: {page.height} of {results.height} checks")
    columns = ("case_id", "child_id", "cohort", "check", "status", "due_date", "days_overdue", "days_late")
    return {"as_of": as_of, **paged(filters, results.height, page.select(columns).to_dicts())}
