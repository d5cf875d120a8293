"""Importing the case register: a generated CSV and a generated Annex A workbook, each against a floor.

CSV floor: the csv module plus sqlite3 executemany of the same rows into the same table (same columns,
same indexes, copied from a migrated database). XLSX floor: fastexcel's parse of the workbook plus the
same insert."""

from __future__ import annotations

import csv
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

from benchmarks.harness import django_for, report_from_child

_NAMES = ("team", "worker", "manager")


def copy_schema(source: Path, target: Path) -> None:
    """The register's tables and indexes exactly as migrations make them, in an empty database."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        statements = src.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name LIKE 'cases_%' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY type DESC"
        ).fetchall()
        dst.execute("PRAGMA journal_mode=WAL")
        for (sql,) in statements:
            dst.execute(sql)


def insert_floor(database: Path, header: list[str], rows: list[list[str]]) -> None:
    """The least any importer must do: give names their ids and executemany the rows."""
    from caseaudit.core.register import COLUMNS

    position = {name: header.index(name) for name in COLUMNS if name in header}
    ids: dict[str, dict[str, int]] = {name: {} for name in _NAMES}
    stamp = datetime.now().isoformat(" ")
    dates = [c for c in COLUMNS if c not in ("child_id", "cohort", *_NAMES)]
    out = []
    for row in rows:
        record: list[object] = [row[position["child_id"]], row[position["cohort"]]]
        for name in _NAMES:
            value = row[position[name]] if name in position else ""
            record.append(ids[name].setdefault(value, len(ids[name]) + 1) if value else None)
        record.extend((row[position[c]] or None) if c in position else None for c in dates)
        record.extend((1, stamp))
        out.append(record)
    columns = [
        "child_id",
        "cohort",
        "team_id",
        "worker_id",
        "manager_id",
        *dates,
        "import_batch_id",
        "updated_at",
    ]
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.executemany(
            f"INSERT INTO cases_case ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            out,
        )


def floor_csv(source: Path, schema_from: Path, database: Path) -> None:
    copy_schema(schema_from, database)

    def work() -> None:
        with source.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            insert_floor(database, header, list(reader))

    report_from_child(work)


def floor_xlsx(source: Path, schema_from: Path, database: Path) -> None:
    import fastexcel
    import polars as pl

    from caseaudit.core.annex_a import identify_list, match_headers

    copy_schema(schema_from, database)

    def work() -> None:
        reader = fastexcel.read_excel(source)
        for name in reader.sheet_names:
            spec = identify_list(name)
            if spec is None:
                continue
            frame = reader.load_sheet(name, dtypes="string").to_polars()
            matched = match_headers(spec, frame.columns)
            header = list(matched.columns)
            picked = frame.select(pl.col(frame.columns[i]).alias(c) for c, i in matched.columns.items())
            rows = [["" if v is None else v for v in r] for r in picked.iter_rows()]
            if "cohort" not in header:
                header.append("cohort")
                rows = [[*r, spec.cohort] for r in rows]
            insert_floor(database, header, rows)

    report_from_child(work)


def caseaudit_import(source: Path, database: Path) -> None:
    django_for(database)
    from caseaudit.cases.actions import import_case_register
    from caseaudit.policy import SYSTEM

    def work() -> None:
        result = import_case_register(source, acting_user=SYSTEM)
        assert result.written and not result.errors, result.errors[:5]

    report_from_child(work)


if __name__ == "__main__":
    mode, *paths = sys.argv[1:]
    if mode == "schema":
        django_for(Path(paths[0]))
    elif mode == "floor-csv":
        floor_csv(*map(Path, paths))
    elif mode == "floor-xlsx":
        floor_xlsx(*map(Path, paths))
    elif mode == "caseaudit":
        caseaudit_import(*map(Path, paths))
    else:
        raise SystemExit(f"unknown mode {mode}")
