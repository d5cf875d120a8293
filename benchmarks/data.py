"""Synthetic inputs for the benchmarks, generated fresh in each run from the demo generator (never real)."""

from __future__ import annotations

import csv
from datetime import date
from itertools import islice
from pathlib import Path

from caseaudit.cases.annex_a_writer import write_annex_a_workbook
from caseaudit.core.annex_a import LISTS
from caseaudit.core.register import COHORT_KEY_DATES, COLUMNS
from caseaudit.demo.authority import generate_register_rows

TODAY = date(2026, 11, 1)
# The Annex A list that carries each cohort, and the register columns that list has a header for.
_LIST_OF = {spec.cohort: spec.number for spec in LISTS.values()}
_FED_BY = {spec.number: {f for column in spec.columns for f in column.feeds} for spec in LISTS.values()}


def write_register_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(generate_register_rows(rows, today=TODAY))


def write_annex_a(path: Path, rows: int) -> int:
    """A workbook of `rows` list rows, one list per cohort, with real Excel dates. Returns the number of
    columns written per row on average (the parse cost grows with it)."""
    lists: dict[int, list[dict[str, object]]] = {number: [] for number in _LIST_OF.values()}
    for row in islice(generate_register_rows(rows, today=TODAY), rows):
        number = _LIST_OF[row["cohort"]]
        record: dict[str, object] = {"child_id": row["child_id"]}
        if row["birth_month"]:
            record["birth_month"] = date.fromisoformat(row["birth_month"] + "-15")
        for column in ("team", "worker", "opened_on", *COHORT_KEY_DATES[row["cohort"]]):
            value = row[column]
            if value and column in _FED_BY[number] and column not in record:
                record[column] = date.fromisoformat(value) if column not in ("team", "worker") else value
        lists[number].append(record)
    write_annex_a_workbook(path, {n: r for n, r in lists.items() if r})
    return round(sum(len(r) for rs in lists.values() for r in rs) / rows)
