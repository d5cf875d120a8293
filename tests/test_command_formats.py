"""Listing commands print their data as text for a person, CSV for a spreadsheet or JSON for a script."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from caseaudit.api.actions import create_token

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
