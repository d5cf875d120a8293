"""Regional benchmarking: this authority's counts written for others, small counts suppressed so that no
child can be picked out, and other authorities' files set beside ours with the caveats."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from caseaudit.api.actions import create_token
from caseaudit.core.benchmark import BenchmarkFile, benchmark_document, comparison, suppressed

pytestmark = pytest.mark.django_db


def test_counts_under_five_are_suppressed_and_cannot_be_worked_out_from_the_total():
    assert suppressed({"good": 20, "inadequate": 0, "outstanding": 7}, 27) == (
        {"good": 20, "inadequate": 0, "outstanding": 7}, 27,
    )  # fmt: skip
    # One small count alone would be the total less the others: the next smallest goes too.
    shown, total = suppressed({"good": 20, "inadequate": 2, "outstanding": 7}, 29)
    assert (shown, total) == ({"good": 20, "inadequate": None, "outstanding": None}, 29)
    # Two small counts hide each other.
    assert suppressed({"good": 20, "inadequate": 2, "outstanding": 3}, 25)[0] == {
        "good": 20, "inadequate": None, "outstanding": None,
    }  # fmt: skip
    # A row of fewer than five says nothing at all.
    assert suppressed({"good": 3, "inadequate": 1}, 4) == ({"good": None, "inadequate": None}, None)


def _file(authority: str, good: int, inadequate: int, compliant: int) -> dict:
    return benchmark_document(
        authority=authority,
        made_on=date(2026, 12, 1),
        grade_rows=[{"period": "2026", "cohort": "all", "total": good + inadequate,
                     "counts": {"inadequate": inadequate, "good": good}}],
        grade_by="year",
        grade_source="moderated",
        compliance_as_of=date(2026, 12, 1),
        compliance_rows=[{"check": "looked-after-review", "cohort": "looked-after", "applicable": 40,
                          "compliant": compliant, "overdue": 40 - compliant}],
    )  # fmt: skip


def test_files_are_compared_as_shares_and_a_suppressed_share_is_not_shown():
    files = [BenchmarkFile.model_validate(_file(name, g, i, c)) for name, g, i, c in
             (("Anytown", 30, 10, 30), ("Northtown", 19, 2, 20))]  # fmt: skip
    table = comparison(files)
    assert table["grades"] == [("2026", "all", [0.75, None])]
    assert table["compliance"] == [("looked-after-review", "looked-after", [0.75, 0.5])]
    # 36 compliant and 4 overdue: the 4 suppressed, and the 36 with it, or the total would give it away.
    nearly = BenchmarkFile.model_validate(_file("Southtown", 30, 10, 36))
    assert comparison([nearly])["compliance"] == [("looked-after-review", "looked-after", [None])]


def test_the_command_writes_our_file_and_compares_others_with_it(tmp_path, personas, settings):
    settings.COUNCIL_NAME = "Anytown Borough Council"
    ours = tmp_path / "ours.json"
    call_command("report", "benchmark", "--output", str(ours), stdout=io.StringIO(), stderr=io.StringIO())
    written = json.loads(ours.read_text())
    assert written["format"] == "caseaudit-benchmark" and written["authority"] == "Anytown Borough Council"
    assert "N000001" not in ours.read_text()  # counts only
    other = tmp_path / "northtown.json"
    other.write_text(json.dumps(_file("Northtown", 19, 2, 20)))
    out = io.StringIO()
    call_command("report", "compare", str(other), stdout=out)
    text = out.getvalue()
    assert "Anytown Borough Council" in text and "Northtown" in text and "Counts only" in text
    assert "looked-after-review" in text and "50%" in text
    out = io.StringIO()
    call_command("report", "compare", str(other), "--format", "csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["table", "row", "cohort", "Anytown Borough Council", "Northtown"]
    review = next(row for row in rows if row[0] == "compliance" and row[1] == "looked-after-review")
    assert review[-1] == "0.5"  # the share, for a spreadsheet to format
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**_file("X", 9, 1, 3), "version": 9}))
    with pytest.raises(CommandError, match=r"bad.json: not a caseaudit benchmark file \(version"):
        call_command("report", "compare", str(bad), stdout=io.StringIO())


def test_the_api_gives_the_same_file_to_those_who_read_reports(personas):
    leader = create_token(personas.senior_leader, name="region", acting_user=personas.senior_leader).secret
    response = Client(HTTP_AUTHORIZATION=f"Bearer {leader}").get("/api/v1/reports/benchmark")
    assert response.status_code == 200 and response.json()["format"] == "caseaudit-benchmark"
    BenchmarkFile.model_validate(response.json())
    worker = create_token(personas.worker, name="w", acting_user=personas.worker).secret
    assert Client(HTTP_AUTHORIZATION=f"Bearer {worker}").get("/api/v1/reports/benchmark").status_code == 403
