"""The analysts' export: one row per submitted or moderated audit, pseudonymised unless asked otherwise."""

from __future__ import annotations

import csv
import io
from datetime import date

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.crypto import salted_hmac

from caseaudit.accounts.models import AccessLog, ChangeEvent, Role
from caseaudit.audits.models import EvidenceUse, Finding, Theme
from caseaudit.cycles.models import Cycle
from caseaudit.policy import SYSTEM
from caseaudit.reports.audit_export import (
    _CHILD_PURPOSE,
    IDENTIFIABLE_COLUMNS,
    PSEUDONYMISED_COLUMNS,
    ExportFilter,
    child_reference,
    export_audit_data,
)
from tests.factories import make_case, make_user

from ..cycles.builders import make_cycle
from .grade_history import graded_audit, load_three_years

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(tmp_path):
    ada = make_user(Role.AUDITOR, "ada")
    ada.first_name, ada.last_name = "Ada", "Auditor"
    ada.save()
    load_three_years(tmp_path)


def export(**options) -> list[dict[str, str]]:
    out = io.StringIO()
    export_audit_data(out, acting_user=options.pop("acting_user", SYSTEM), **options)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "export", *args, stdout=out)
    return out.getvalue()


def test_one_pseudonymised_row_per_audit_without_ids_or_names(history):
    text = command()
    header, *lines = text.splitlines()
    assert tuple(header.split(",")) == PSEUDONYMISED_COLUMNS
    assert len(lines) == 48  # every audit in the history, the unmoderated one too
    rows = list(csv.DictReader(io.StringIO(text)))
    # (References are hex, so "ada" may well appear inside one: look at whole cells.)
    cells = {cell for row in rows for cell in row.values()}
    assert not cells & {"CL001", "LA001", "Ada Auditor", "Ada", "Auditor", "ada"}
    assert "CL001" not in text and "Ada Auditor" not in text
    first = next(r for r in rows if r["audit_date"] == "2019-10-02" and r["cohort"] == "care-leaver")
    assert first["child_ref"] == child_reference("CL001")
    assert first["audit_ref"].startswith("A-") and len(first["audit_ref"]) == 18
    assert (first["year"], first["cycle"], first["status"]) == ("2019", "Autumn 2019", "moderated")
    assert (first["auditor_grade"], first["moderated_grade"], first["grade_changed"]) == (
        "requires-improvement",
        "requires-improvement",
        "no",
    )
    assert first["grade_scale"].endswith("v1")
    # Historical audits recorded no evidence sources: not known, rather than "not triangulated".
    assert (first["triangulated"], first["evidence_sources"], first["strengths"]) == ("", "", "0")
    moved = [r for r in rows if r["grade_changed"] == "yes"]
    assert [(r["year"], r["auditor_grade"], r["moderated_grade"]) for r in moved] == [
        (year, "outstanding", "good") for year in ("2019", "2020", "2021")
    ]
    waiting = next(r for r in rows if r["status"] == "submitted")
    assert (waiting["moderated_grade"], waiting["grade_changed"]) == ("", "")


def test_a_child_keeps_one_reference_across_years_and_exports(history, settings):
    rows = export()
    by_ref: dict[str, list[str]] = {}
    for row in rows:
        by_ref.setdefault(row["child_ref"], []).append(row["year"])
    # CL001 was audited in each of the three years.
    assert sorted(by_ref[child_reference("CL001")]) == ["2019", "2020", "2021"]
    assert len(by_ref) == 24  # 24 children
    assert [r["child_ref"] for r in export()] == [r["child_ref"] for r in rows]
    # The reference is keyed: another secret key gives another reference, so it cannot be recomputed
    # from the Child Unique ID alone.
    before = child_reference("CL001")
    # The key is derived as Django's salted_hmac derives it, from SECRET_KEY and the export's purpose.
    assert before == "C-" + salted_hmac(_CHILD_PURPOSE, "CL001", algorithm="sha256").hexdigest()[:16]
    settings.SECRET_KEY = "another-secret-key-of-at-least-32-characters"
    assert child_reference("CL001") != before


def test_identifiable_export_adds_ids_and_names(history):
    rows = list(csv.DictReader(io.StringIO(command("--identifiable"))))
    assert tuple(rows[0]) == (*IDENTIFIABLE_COLUMNS, *PSEUDONYMISED_COLUMNS)
    first = next(r for r in rows if r["audit_date"] == "2019-10-02" and r["cohort"] == "care-leaver")
    assert (first["child_id"], first["auditor"]) == ("CL001", "Ada Auditor")
    assert first["child_ref"] == child_reference("CL001")


def test_filters_by_cycle_and_date(history):
    assert {
        r["cycle"] for r in export(export_filter=ExportFilter(cycle=Cycle.objects.get(name="Autumn 2020")))
    } == {"Autumn 2020"}
    assert {r["year"] for r in export(export_filter=ExportFilter(since=date(2021, 1, 1)))} == {"2021"}
    assert {r["year"] for r in list(csv.DictReader(io.StringIO(command("--cycle", "autumn 2019"))))} == {
        "2019"
    }
    assert {r["year"] for r in list(csv.DictReader(io.StringIO(command("--since", "2020-06-01"))))} == {
        "2020",
        "2021",
    }


def test_an_audit_done_in_caseaudit_shows_its_sources_and_findings(personas):
    audit = graded_audit(
        personas.own_case,
        completed_on=date(2025, 10, 20),
        auditor_grade="good",
        moderated_grade="outstanding",
    )
    for source in ("worker-interview", "record-review"):
        EvidenceUse.objects.create(audit=audit, source=source, used_on=date(2025, 10, 1))
    recording = Theme.objects.get_or_create(slug="recording", defaults={"label": "Recording"})[0]
    voice = Theme.objects.get_or_create(slug="voice", defaults={"label": "Voice of the child"})[0]
    Finding.objects.create(audit=audit, kind="strength", theme=voice, text="Seen alone every visit.")
    Finding.objects.create(audit=audit, kind="issue", theme=recording, text="Notes written up late.")
    Finding.objects.create(audit=audit, kind="issue", theme=recording, text="Visit not recorded.")
    record_alone = graded_audit(personas.other_case, completed_on=date(2025, 10, 21), auditor_grade="good",
                                not_triangulated=True)  # fmt: skip
    EvidenceUse.objects.create(audit=record_alone, source="record-review", used_on=date(2025, 10, 2))
    done, alone = export()
    assert (done["triangulated"], done["evidence_sources"]) == ("yes", "record-review; worker-interview")
    assert (done["strengths"], done["issues"], done["themes"]) == ("1", "2", "Recording; Voice of the child")
    assert (done["grade_changed"], done["status"]) == ("yes", "moderated")
    assert (alone["triangulated"], alone["evidence_sources"], alone["status"]) == (
        "no",
        "record-review",
        "submitted",
    )


def test_text_a_spreadsheet_would_run_is_neutralised(personas, tmp_path):
    cycle = Cycle.objects.create(
        name="=HYPERLINK(\"http://example.com\")", season="autumn", year=2025, starts_on=date(2025, 10, 1),
        ends_on=date(2025, 11, 30), seed=1, status="closed",
    )  # fmt: skip
    graded_audit(personas.own_case, completed_on=date(2025, 10, 20), auditor_grade="good", cycle=cycle)
    (row,) = export()
    assert row["cycle"] == '\'=HYPERLINK("http://example.com")'
    path = tmp_path / "audits.xlsx"
    command("--output", str(path))
    sheet = pl.read_excel(path, sheet_name="Audits")
    assert sheet["cycle"].to_list() == ['=HYPERLINK("http://example.com")']  # a string cell, not a formula
    assert sheet["strengths"].to_list() == [0]


def test_the_export_is_recorded_with_its_row_count(history, tmp_path):
    path = tmp_path / "audits.csv"
    command("--output", str(path), "--cycle", "Autumn 2019")
    entry = AccessLog.objects.filter(action="export", object_type="audit-data").get()
    assert entry.user is None
    assert entry.detail == "17 audits, csv, pseudonymised, cycle Autumn 2019"
    assert path.read_text().count("\n") == 18
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # child-level data: readable by its owner only


def test_queries_do_not_grow_with_the_number_of_audits(personas):
    theme = Theme.objects.get_or_create(slug="recording", defaults={"label": "Recording"})[0]

    def add(count: int) -> None:
        for _ in range(count):
            audit = graded_audit(make_case(cohort="looked-after"), completed_on=date(2025, 10, 20),
                                 auditor_grade="good")  # fmt: skip
            EvidenceUse.objects.create(audit=audit, source="worker-interview", used_on=date(2025, 10, 1))
            Finding.objects.create(audit=audit, kind="issue", theme=theme, text="Late.")

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert len(export()) == 2
    add(40)
    with CaptureQueriesContext(connection) as many:
        assert len(export()) == 42
    assert len(many) == len(few)


def test_who_may_export(personas):
    graded_audit(personas.own_case, completed_on=date(2025, 10, 20), auditor_grade="good")
    assert len(export(acting_user=personas.qa_lead, identifiable=True)) == 1
    assert len(export(acting_user=personas.moderator)) == 1
    with pytest.raises(PermissionDenied):
        export(acting_user=personas.moderator, identifiable=True)
    for role in ("senior_leader", "auditor", "team_manager", "worker"):
        with pytest.raises(PermissionDenied):
            export(acting_user=getattr(personas, role))


def test_the_command_exports_as_a_named_person_with_their_permissions(personas):
    graded_audit(personas.own_case, completed_on=date(2025, 10, 20), auditor_grade="good")
    changes = ChangeEvent.objects.count()
    with pytest.raises(CommandError, match="Only the QA lead exports audit data with child ids and names"):
        command("--identifiable", "--as", "moderator")
    with pytest.raises(CommandError, match="Only the QA lead and moderators export audit data"):
        command("--as", "worker")
    assert len(command("--as", "moderator").splitlines()) == 2
    entry = AccessLog.objects.get(action="export", object_type="audit-data")
    assert entry.user == personas.moderator
    assert (
        ChangeEvent.objects.count() == changes
    )  # an export is a read: the access log has it, not the history


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "xlsx"), "--output"),
        (("--cycle", "Winter 1999"), "No cycle called 'Winter 1999'"),
        (("--since", "last year"), "--since .last year.: not a date"),
    ],
)
def test_the_command_refuses_what_it_cannot_do(db, args, message):
    with pytest.raises(CommandError, match=message):
        command(*args)


def test_each_row_says_its_kind_of_audit(personas):
    graded_audit(
        personas.own_case, completed_on=date(2024, 10, 7), auditor_grade="good", moderated_grade="good"
    )
    observed = make_cycle([personas.other_case], name="Observed", audit_type="practice-observation")
    observed.audits.update(status="moderated", completed_on=date(2026, 10, 9), auditor_grade="good",
                           moderated_grade="good")  # fmt: skip
    kinds = {row["cycle"]: row["audit_type"] for row in export()}
    assert kinds == {"": "case-file", "Observed": "practice-observation"}
