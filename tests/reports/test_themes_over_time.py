"""Themes over time (learning from audits): findings by theme and year, strengths apart from issues."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from caseaudit.audits.models import Finding, FindingKind, Theme
from caseaudit.reports.themes_over_time import themes_over_time
from tests.factories import make_case

from ..cycles.builders import make_cycle
from .grade_history import graded_audit


def _found(audit, theme, kind=FindingKind.ISSUE, n=1):
    for _ in range(n):
        Finding.objects.create(audit=audit, kind=kind, theme=theme, text="Notes were late for Maya.")


def test_each_theme_is_counted_by_year_most_found_first(personas):
    recording = Theme.objects.create(slug="recording-x", label="Recording")
    voice = Theme.objects.create(slug="voice-x", label="Child's voice")
    old = graded_audit(personas.own_case, completed_on=date(2025, 10, 3), auditor_grade="good",
                       moderated_grade="good")  # fmt: skip
    new = graded_audit(personas.other_case, completed_on=date(2026, 10, 3), auditor_grade="good",
                       moderated_grade="good")  # fmt: skip
    _found(old, recording, n=3)
    _found(new, recording)
    _found(new, voice, n=2)
    _found(new, voice, FindingKind.STRENGTH)
    found = themes_over_time()
    assert found.years == (2025, 2026)
    assert [(r.theme, r.counts) for r in found.issues] == [("Recording", (3, 1)), ("Child's voice", (0, 2))]
    assert [(r.theme, r.counts) for r in found.strengths] == [("Child's voice", (0, 1))]
    assert found.audits == (1, 1)


def test_one_kind_of_audit_on_request(personas):
    theme = Theme.objects.create(slug="oversight-x", label="Oversight")
    observed = make_cycle([make_case("OBS0001")], name="Observed", audit_type="practice-observation")
    audit = observed.audits.get()
    audit.status, audit.completed_on, audit.auditor_grade = "submitted", date(2026, 11, 2), "good"
    audit.save()
    _found(audit, theme)
    assert [r.theme for r in themes_over_time(audit_type="practice-observation").issues] == ["Oversight"]
    assert themes_over_time(audit_type="case-file").years == ()


def test_the_page_shows_counts_and_never_a_findings_words(client, personas):
    theme = Theme.objects.create(slug="planning-x", label="Planning")
    audit = graded_audit(personas.own_case, completed_on=date(2026, 10, 3), auditor_grade="good",
                         moderated_grade="good")  # fmt: skip
    _found(audit, theme, n=2)
    client.force_login(personas.qa_lead)
    page = client.get(reverse("reports:themes")).text
    assert "Themes over time" in page and "Planning" in page
    assert "Maya" not in page and personas.own_case.child_id not in page
    client.force_login(personas.worker)
    assert client.get(reverse("reports:themes")).status_code == 403


def test_the_command_gives_the_same_counts_as_a_table_or_a_spreadsheet(personas):
    import csv
    import io

    from django.core.management import call_command

    recording = Theme.objects.create(slug="recording-y", label="Recording")
    old = graded_audit(personas.own_case, completed_on=date(2025, 10, 3), auditor_grade="good",
                       moderated_grade="good")  # fmt: skip
    new = graded_audit(personas.other_case, completed_on=date(2026, 10, 3), auditor_grade="good",
                       moderated_grade="good")  # fmt: skip
    _found(old, recording, n=3)
    _found(new, recording, FindingKind.STRENGTH)

    def report(*args: str) -> str:
        out = io.StringIO()
        call_command("report", "themes", *args, stdout=out)
        return out.getvalue()

    text = report()
    assert "Audits with findings" in text and "Maya" not in text
    assert any(line.split() == ["Recording", "3", "0"] for line in text.split("Issues")[1].splitlines())
    rows = list(csv.DictReader(io.StringIO(report("--format", "csv"))))
    assert rows == [
        {"kind": "strength", "theme": "Recording", "2025": "0", "2026": "1"},
        {"kind": "issue", "theme": "Recording", "2025": "3", "2026": "0"},
    ]
    assert report("--type", "thematic") == "No findings yet in completed audits.\n"
