"""The reports page: the committee's table of grades by year or cycle and cohort, its chart, its caveats and
its downloads (issue 5), and the analysts' export of the audit data.

The table is an aggregate with no child-level data, so senior leaders see it as the QA team do; a team
manager sees the same page counting their own team's audits only (`scoping.graded_audits_for`). The audit
data export is child-level (pseudonymised by default): the QA lead and moderators only, and with ids and
names the QA lead only."""

from __future__ import annotations

import io
import tempfile
from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit
from caseaudit.core.audit_types import CASE_FILE, audit_type_label
from caseaudit.core.grade_tables import ALL_COHORTS, GradeRow, cell_text, rounding_note
from caseaudit.cycles.models import Cycle, CycleStatus
from caseaudit.read_replica import reports_read_replica

from .audit_export import XLSX_MAX_ROWS, ExportRefused, export_audit_data, exported_audits
from .charts import IMAGE_TYPES, chart_alt_text, kept_grade_chart
from .export_jobs import start_audit_export
from .forms import DEFAULTS, AuditExportForm, GradeFilterForm
from .grade_formats import grade_xlsx_bytes, write_grade_csv
from .grades import GRADE_LABELS, GradeTable, cohort_label, grade_table
from .scoping import disposed_audits_for, graded_audits_for, report_team

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NBSP = "\u00a0"


def _table(request: HttpRequest) -> tuple[GradeFilterForm, dict[str, str], GradeTable]:
    form = GradeFilterForm(request.GET)
    filters = form.filters()
    table = grade_table(
        by=filters["by"],  # type: ignore[arg-type]
        grade_source=filters["grade_source"],  # type: ignore[arg-type]
        cohort=filters["cohort"] or None,
        audit_type=filters["audit_type"],
        within=graded_audits_for(request.user),
        disposed=disposed_audits_for(request.user),
    )
    return form, filters, table


def _query(filters: dict[str, str]) -> str:
    """The filters as a query string for the chart and the downloads; defaults left out."""
    query = QueryDict(mutable=True)
    for name, value in filters.items():
        if value != DEFAULTS[name]:
            query[name] = value
    return query.urlencode()


# The page ---------------------------------------------------------------------------------------------


@policy.capability_required(policy.READ_GRADE_TABLE)
@require_safe
@reports_read_replica
def grades(request: HttpRequest) -> HttpResponse:
    """A constant number of queries, however many audits there are: one grouped query for the table, three
    small ones for the cycles, audit tools and grade scales it names, one for the list of cycles."""
    user = policy.person(request.user, policy.READ_GRADE_TABLE)
    form, filters, table = _table(request)
    whole_authority = policy.can(user, policy.READ_REPORTS)

    chart_cohort = filters["cohort"] or ALL_COHORTS
    context: dict[str, Any] = {
        "form": form,
        "filters": filters,
        "kind_label": audit_type_label(filters["audit_type"]),
        "query": _query(filters),
        "table": table,
        "period_word": "Year" if table.by == "year" else "Cycle",
        "grade_labels": [GRADE_LABELS[g] for g in table.grades],
        "rows": [_display_row(row) for row in table.rows],
        "has_small": any(row.is_small for row in table.rows),
        "rounding_note": rounding_note(table.rows),
        "chart_alt": chart_alt_text(table, cohort=chart_cohort),
        "source_words": "moderated grades" if table.grade_source == "moderated" else "auditors' grades",
        # Committee papers cover the whole authority: not for a team manager reading their team's table.
        "cycles": _cycles_with_papers() if whole_authority else [],
        "team": None if whole_authority else report_team(user),
        # Filters can empty a table that the whole history would fill; say which.
        "any_graded": bool(table.rows) or _any_graded(user),
    }
    return render(request, "reports/grades.html", context)


def _display_row(row: GradeRow) -> dict[str, Any]:
    percentages = row.percentages or (None,) * len(row.counts)
    intervals = row.intervals or ((0.0, 0.0),) * len(row.counts)
    return {
        "period": row.period,
        "cohort": cohort_label(row.cohort),
        "is_total": row.cohort == ALL_COHORTS,
        "total": row.total,
        "is_small": row.is_small,
        "cells": [
            {
                "label": GRADE_LABELS[grade],
                # No-break spaces keep "5 (39%)" on one line in a narrow column.
                "text": cell_text(count, percentage).replace(" ", NBSP),
                "interval": f"{round(100 * low)}%{NBSP}to{NBSP}{round(100 * high)}%",
            }
            for grade, count, percentage, (low, high) in zip(
                row.grades, row.counts, percentages, intervals, strict=True
            )
        ],
    }


def _any_graded(user: User) -> bool:
    graded = graded_audits_for(user).filter(completed_on__isnull=False)
    return graded.filter(~Q(auditor_grade="")).exists()


def _cycles_with_papers() -> list[Cycle]:
    """Every confirmed cycle, newest first, with how many of its audits are completed: each has a committee
    paper."""
    # Counted per cycle from the index of completed audits (audits/models.py), rather than by joining every
    # audit to its cycle and grouping.
    completed = (
        Audit.objects.filter(cycle=OuterRef("pk"), completed_on__isnull=False)
        .order_by()
        .values("cycle")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Cycle.objects.exclude(status=CycleStatus.DRAFT)
        .annotate(completed=Coalesce(Subquery(completed, output_field=IntegerField()), 0))
        .order_by("-starts_on", "name")
    )


# The chart and the downloads --------------------------------------------------------------------------


@policy.capability_required(policy.READ_GRADE_TABLE)
@require_safe
@reports_read_replica
def chart(request: HttpRequest) -> HttpResponse:
    """The table's chart as SVG, for the page's img. An SVG in an img runs no script."""
    _, filters, table = _table(request)
    image = kept_grade_chart(table, cohort=filters["cohort"] or ALL_COHORTS, image_format="svg")
    response = HttpResponse(image, content_type=IMAGE_TYPES["svg"])
    response["Cache-Control"] = "private, no-cache"
    return response


def _file_name(table: GradeTable, filters: dict[str, str], extension: str) -> str:
    cohort = f"-{filters['cohort']}" if filters["cohort"] else ""
    kind = f"{filters['audit_type']}-" if filters["audit_type"] != CASE_FILE else ""
    day = f"{timezone.localdate():%Y-%m-%d}"
    return f"{kind}grades-by-{table.by}-{table.grade_source}{cohort}-{day}.{extension}"


def _download(request: HttpRequest, extension: str) -> HttpResponse:
    _, filters, table = _table(request)
    if extension == "csv":
        text = io.StringIO()
        write_grade_csv(table, text)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(grade_xlsx_bytes(table), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_file_name(table, filters, extension)
    )
    cohort = filters["cohort"] or "all cohorts"
    kind = f", {filters['audit_type']}" if filters["audit_type"] != CASE_FILE else ""
    detail = f"{extension}{kind}, by {table.by}, {table.grade_source} grades, {cohort}"
    record_access(request.user, "export", "grade-table", detail=detail)
    return response


@policy.capability_required(policy.READ_GRADE_TABLE)
@require_safe
@reports_read_replica
def grades_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


@policy.capability_required(policy.READ_GRADE_TABLE)
@require_safe
@reports_read_replica
def grades_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


# The analysts' export ---------------------------------------------------------------------------------


@policy.capability_required(policy.EXPORT_AUDIT_DATA)
@require_http_methods(["GET", "HEAD", "POST"])
@reports_read_replica
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The form (GET), and the file (POST): a POST, so that no link can start an export of child-level
    data on someone's behalf. The file is written to a temporary file and sent from there, so memory stays
    flat however many audits there are. More audits than CASEAUDIT_EXPORT_JOB_ROWS are written by a worker
    instead, as a job, whose page shows its progress and then the file, to this person only."""
    user = policy.person(request.user, policy.EXPORT_AUDIT_DATA)
    may_identify = policy.can(user, policy.EXPORT_IDENTIFIABLE)
    if request.method != "POST":
        form = AuditExportForm(initial={"file_format": "csv"}, may_identify=may_identify)
        return _export_page(request, form, may_identify)
    form = AuditExportForm(request.POST, may_identify=may_identify)
    if not form.is_valid():
        return _export_page(request, form, may_identify)
    file_format = form.cleaned_data["file_format"]
    identifiable = bool(form.cleaned_data.get("identifiable"))
    audits = exported_audits(form.export_filter()).count()
    if file_format == "xlsx" and audits > XLSX_MAX_ROWS:
        form.add_error(
            "file_format",
            f"{audits:,} audits do not fit on one Excel sheet ({XLSX_MAX_ROWS:,} rows): use CSV.",
        )
        return _export_page(request, form, may_identify)
    if audits > settings.CASEAUDIT_EXPORT_JOB_ROWS:
        job = start_audit_export(
            user, file_format=file_format, identifiable=identifiable, export_filter=form.export_filter()
        )
        return redirect("jobs:detail", job.pk)
    # FileResponse closes the file when it has been sent.
    output = tempfile.TemporaryFile(mode="w+b")  # noqa: SIM115
    try:
        _write_export(output, file_format, identifiable, form, user)
    except ExportRefused as error:
        output.close()
        form.add_error("file_format", str(error))
        return _export_page(request, form, may_identify)
    output.seek(0)
    content_type = "text/csv; charset=utf-8" if file_format == "csv" else XLSX_TYPE
    kind = "identifiable" if identifiable else "pseudonymised"
    name = f"audit-data-{kind}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    return FileResponse(output, as_attachment=True, filename=name, content_type=content_type)


def _export_page(request: HttpRequest, form: AuditExportForm, may_identify: bool) -> HttpResponse:
    context = {
        "form": form,
        "may_identify": may_identify,
        "job_rows": settings.CASEAUDIT_EXPORT_JOB_ROWS,
        "keep_days": settings.CASEAUDIT_JOB_KEEP_DAYS,
    }
    return render(request, "reports/export.html", context)


def _write_export(
    output: Any, file_format: str, identifiable: bool, form: AuditExportForm, user: User
) -> None:
    options: dict[str, Any] = {
        "file_format": file_format,
        "identifiable": identifiable,
        "export_filter": form.export_filter(),
        "acting_user": user,
    }
    if file_format == "xlsx":
        export_audit_data(output, **options)
        return
    text = io.TextIOWrapper(output, encoding="utf-8", newline="")
    export_audit_data(text, **options)
    text.flush()
    text.detach()  # leave the binary file open for the response
