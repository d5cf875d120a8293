"""Listing commands print their data as text for a person, CSV for a spreadsheet or JSON for a script."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from caseaudit.api.actions import create_token

from .audits.completion_helpers import started_audit
from .cycles.builders import allocate_to, make_cycle

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_cycles_in_every_format(personas):
    cycle = make_cycle([personas.own_case, personas.other_case])
    allocate_to(cycle, personas.auditor)
    assert "Autumn 2026" in run("cycles")
    rows = json.loads(run("cycles", "--format", "json"))
    assert rows == [{
        "cycle": "Autumn 2026", "kind": "case-file", "starts_on": "2026-10-01", "ends_on": "2026-11-30",
        "status": "planned", "cases": 2, "done": 0, "unallocated": 0,
    }]  # fmt: skip
    table = list(csv.DictReader(io.StringIO(run("cycles", "--format", "csv"))))
    assert table[0]["cycle"] == "Autumn 2026" and table[0]["cases"] == "2"


def test_tokens_listed_in_every_format_never_with_the_token(personas):
    made = create_token(personas.qa_lead, name="warehouse", acting_user=personas.qa_lead)
    listed = json.loads(run("tokens", "list", "--format", "json"))
    assert [(row["owner"], row["name"], row["state"]) for row in listed] == [("qa-lead", "warehouse", "live")]
    assert made.secret not in run("tokens", "list", "--format", "csv") + run("tokens", "list")


def test_auditors_in_every_format(personas):
    assert "auditor" in run("auditors")
    rows = json.loads(run("auditors", "--format", "json"))
    assert {"auditor": "auditor", "team": None, "capacity": None, "active": True} in rows
    table = list(csv.DictReader(io.StringIO(run("auditors", "--format", "csv"))))
    assert any(row["auditor"] == "auditor" for row in table)


def test_templates_and_themes_in_every_format(personas):
    out, err = io.StringIO(), io.StringIO()
    call_command("themes", "--add", "Voice of the child", "--format", "json", stdout=out, stderr=err)
    # The data alone on standard output, what changed on standard error.
    themes = json.loads(out.getvalue())
    assert {"slug": "voice-of-the-child", "theme": "Voice of the child", "offered": True}.items() <= next(
        t for t in themes if t["slug"] == "voice-of-the-child"
    ).items()
    assert "Added 'Voice of the child'" in err.getvalue()
    started_audit(personas)  # the default tool loads itself for the first audit
    templates = json.loads(run("templates", "list", "--format", "json"))
    assert templates and templates[0]["version"] >= 1 and templates[0]["audits"] == 1
    table = list(csv.DictReader(io.StringIO(run("templates", "list", "--format", "csv"))))
    assert table[0]["template"] == templates[0]["template"]
