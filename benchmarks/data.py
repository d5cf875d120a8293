"""Synthetic inputs for the benchmarks, generated fresh in each run from the demo generator (never real)."""

from __future__ import annotations

import csv
from datetime import date
from itertools import islice
from pathlib import Path

from caseaudit.cases.annex_a_writer import write_annex_a_workbook
from caseaudit.cases.demo_data import generate_register_rows
from caseaudit.core.register import COLUMNS

TODAY = date(2026, 11, 1)
# Which Annex A list carries each cohort, and the register columns each list has in the workbook.
_LISTS = {
    "care-leaver": (9, ("team", "worker", "latest_pathway_plan", "latest_contact")),
    "looked-after": (
        8,
        (
            "team",
            "worker",
            "looked_after_since",
            "latest_statutory_review",
            "last_social_work_visit",
            "last_health_assessment",
            "last_dental_check",
        ),
    ),
    "child-protection": (
        7,
        ("team", "worker", "cp_plan_start", "last_statutory_visit", "latest_review_conference"),
    ),
    "child-in-need": (6, ("team", "worker", "opened_on", "last_seen")),
    "early-help": (2, ("assessment_start", "assessment_completed")),
}


def write_register_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(generate_register_rows(rows, today=TODAY))


def write_annex_a(path: Path, rows: int) -> int:
    """A workbook of `rows` list rows, one list per cohort, with real Excel dates. Returns the number of
    columns written per row on average (the parse cost grows with it)."""
    lists: dict[int, list[dict[str, object]]] = {number: [] for number, _ in _LISTS.values()}
    for row in islice(generate_register_rows(rows, today=TODAY), rows):
        number, columns = _LISTS[row["cohort"]]
        record: dict[str, object] = {"child_id": row["child_id"]}
        if row["birth_month"]:
            record["birth_month"] = date.fromisoformat(row["birth_month"] + "-15")
        for column in columns:
            value = row[column]
            if value:
                record[column] = date.fromisoformat(value) if column not in ("team", "worker") else value
        lists[number].append(record)
    write_annex_a_workbook(path, {n: r for n, r in lists.items() if r})
    return round(sum(len(r) for rs in lists.values() for r in rs) / rows)
