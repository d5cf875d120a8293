"""The weekly progress export (cycles:export): the cycle's audits as CSV, or progress and audits as XLSX."""

from __future__ import annotations

import csv
import io

import polars as pl
from django.urls import reverse
from django.utils import timezone

from caseaudit.accounts.models import AccessLog

from .builders import allocate_to, make_cycle


def test_csv_export(qa_client, register, personas):
    cycle = make_cycle(register.cases[:3], year=2020)
    allocate_to(cycle, register.auditors[0], register.cases[:2])
    response = qa_client.get(reverse("cycles:export", args=[cycle.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert (
        response["Content-Disposition"] == f'attachment; filename="autumn-2020-progress-{today:%Y-%m-%d}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["child_id", "cohort", "team", "reason", "auditor", "status", "overdue"]
    assert rows[1] == [
        "N100000",
        "care-leaver",
        "North Children and Families",
        "never-audited",
        "ann-auditor",
        "not-started",
        "yes",
    ]
    assert rows[3][4] == ""  # not allocated
    assert AccessLog.objects.filter(
        user=personas.qa_lead, action="export", object_type="cycle", object_id=str(cycle.pk), detail="csv"
    ).exists()


def test_xlsx_export(moderator_client, register):
    cycle = make_cycle(register.cases[:3], name="Spring 2099", season="spring", year=2099)
    allocate_to(cycle, register.auditors[1])
    response = moderator_client.get(reverse("cycles:export", args=[cycle.pk, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    today = timezone.localdate()
    assert f'filename="spring-2099-progress-{today:%Y-%m-%d}.xlsx"' in response["Content-Disposition"]
    workbook = io.BytesIO(response.content)
    progress = pl.read_excel(workbook, sheet_name="Progress")
    assert progress.columns == [
        "group",
        "Not started",
        "In progress",
        "Returned for more work",
        "Submitted",
        "Moderated",
        "total",
        "overdue",
    ]
    assert progress.row(0) == ("Auditor: Ben Check", 3, 0, 0, 0, 0, 3, 0)
    assert progress.row(-1) == ("All audits", 3, 0, 0, 0, 0, 3, 0)
    assert pl.read_excel(workbook, sheet_name="Audits").height == 3


def test_an_unknown_format_is_not_found(qa_client, register):
    cycle = make_cycle(register.cases[:1])
    assert qa_client.get(reverse("cycles:export", args=[cycle.pk, "pdf"])).status_code == 404
