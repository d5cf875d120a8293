"""caseaudit.bulk_read: many rows into a frame, by COPY on PostgreSQL and in batches on SQLite, alike."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from caseaudit import bulk_read
from caseaudit.cases.models import Case, Team
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_dates_numbers_and_nulls_come_back_as_they_were_written():
    north = Team.objects.create(name="North")
    make_case("B2", opened_on=date(2019, 2, 28), team=north)
    make_case("A1", opened_on=None, last_seen=date(2026, 11, 30))
    frame = bulk_read.read_frame(
        Case.objects.order_by("child_id"),
        {"child_id": pl.Utf8, "opened_on": pl.Date, "last_seen": pl.Date, "team_id": pl.Int64},
    )
    assert frame.rows() == [
        ("A1", None, date(2026, 11, 30), None),
        ("B2", date(2019, 2, 28), None, north.pk),
    ]
    assert frame.schema == {
        "child_id": pl.Utf8,
        "opened_on": pl.Date,
        "last_seen": pl.Date,
        "team_id": pl.Int64,
    }


def test_text_with_commas_quotes_and_lines_is_read_whole_and_empty_text_stays_text():
    names = ['Smith, "North"\nand South', "", "\\N", "plain"]
    Team.objects.bulk_create(Team(name=name) for name in names)
    frame = bulk_read.read_frame(Team.objects.order_by("name"), {"name": pl.Utf8})
    assert frame["name"].to_list() == sorted(names)


def test_no_rows_is_an_empty_frame_of_the_columns_asked_for():
    frame = bulk_read.read_frame(Case.objects.none() | Case.objects.filter(child_id="none"), {"id": pl.Int64})
    assert frame.is_empty() and frame.schema == {"id": pl.Int64}


def test_more_rows_than_a_batch_are_all_read_in_order(monkeypatch):
    monkeypatch.setattr(bulk_read, "BATCH", 3)
    Case.objects.bulk_create(Case(child_id=f"C{n:02d}", cohort="care-leaver") for n in range(10))
    frame = bulk_read.read_frame(Case.objects.order_by("-child_id"), {"child_id": pl.Utf8})
    assert frame["child_id"].to_list() == [f"C{n:02d}" for n in reversed(range(10))]
