"""Importing the case register: a generated CSV and a generated Annex A workbook, each against a floor.

The floor is the least work that leaves the same rows in the same table: the file read by polars (CSV) or
fastexcel (the workbook), the team and staff names given ids, and the cases written in one transaction into
a freshly migrated database (the same table, the same indexes), with executemany on SQLite and COPY on
PostgreSQL, through a plain connection: no validation, no comparison with the register, no Django.
`benchmarks/__main__.py` checks after the runs that the floor's table and caseaudit's agree."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from benchmarks.harness import connect, django_for, is_postgresql, placeholders, report_from_child

_NAMES = {"team": "team_id", "worker": "worker_id", "manager": "manager_id"}


def _dates() -> list[str]:
    from caseaudit.core.register import DATE_COLUMNS

    return [*DATE_COLUMNS, "birth_month"]


def case_columns() -> dict[str, str]:
    """The columns `summary` compares, and how."""
    return {
        "child_id": "value",
        "cohort": "value",
        **dict.fromkeys(_NAMES.values(), "key"),
        **dict.fromkeys(_dates(), "value"),
        "import_batch_id": "key",
    }


def insert_floor(connection: Any, url: str, frame: pl.DataFrame, kind: str) -> None:
    """`frame`: child_id, cohort, team, worker, manager and the dates (ISO text or polars dates, any of them
    absent). Names become ids, the batch gets its row, and the cases go in, all in one transaction."""
    postgresql = is_postgresql(url)
    dates = [c for c in _dates() if c in frame.columns]
    frame = frame.with_columns(
        pl.col(c).cast(pl.Date).dt.to_string("%Y-%m-%d") if frame.schema[c] != pl.Utf8 else pl.col(c)
        for c in dates
    )
    stamp = datetime.now(UTC).isoformat(" ")
    cursor = connection.cursor()
    sql = placeholders(
        "INSERT INTO cases_importbatch (started_at, file_name, kind, partial, created, updated, closed, "
        "unchanged, rejected) VALUES (%s, %s, %s, %s, 0, 0, 0, 0, 0)",
        url,
    )
    cursor.execute(sql, (stamp, "floor", kind, False))
    batch = cursor.execute("SELECT MAX(id) FROM cases_importbatch").fetchone()[0]
    ids = _names_to_ids(cursor, url, frame)
    frame = frame.with_columns(
        pl.col(name).replace_strict(ids[name], default=None, return_dtype=pl.Int64).alias(key)
        for name, key in _NAMES.items()
        if name in frame.columns
    )
    columns = ["child_id", "cohort", *[k for n, k in _NAMES.items() if n in frame.columns], *dates]
    rows = frame.select(columns).with_columns(
        pl.lit(batch).alias("import_batch_id"), pl.lit(stamp).alias("updated_at")
    )
    names = ", ".join(rows.columns)
    if postgresql:
        with cursor.copy(f"COPY cases_case ({names}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(rows.write_csv(include_header=False))
    else:
        marks = ", ".join("?" * rows.width)
        cursor.executemany(f"INSERT INTO cases_case ({names}) VALUES ({marks})", rows.iter_rows())
    connection.commit()


def _names_to_ids(cursor: Any, url: str, frame: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Teams, then staff (each in the team of the first row naming them), inserted and numbered."""
    teams = (
        frame["team"].drop_nulls().unique(maintain_order=True).to_list() if "team" in frame.columns else []
    )
    cursor.executemany(placeholders("INSERT INTO cases_team (name) VALUES (%s)", url), [(t,) for t in teams])
    team_ids = dict(cursor.execute("SELECT name, id FROM cases_team").fetchall())
    people = pl.concat(
        frame.select(pl.col(name).alias("name"), pl.col("team") if "team" in frame.columns else pl.lit(None))
        for name in ("worker", "manager")
        if name in frame.columns
    ).drop_nulls("name")
    first_team = people.unique("name", keep="first", maintain_order=True).rows()
    cursor.executemany(
        placeholders("INSERT INTO cases_staff (name, team_id) VALUES (%s, %s)", url),
        [(name, team_ids.get(team)) for name, team in first_team],
    )
    staff_ids = dict(cursor.execute("SELECT name, id FROM cases_staff").fetchall())
    return {"team": team_ids, "worker": staff_ids, "manager": staff_ids}


def floor_csv(url: str, source: Path) -> None:
    connection = connect(url)  # connecting is not timed, for caseaudit either (harness.django_for)

    def work() -> None:
        frame = pl.read_csv(source, infer_schema=False)
        # The register's CSV gives a month of birth; the table keeps its first day.
        insert_floor(connection, url, frame.with_columns(pl.col("birth_month") + "-01"), "csv")

    report_from_child(work)


def floor_xlsx(url: str, source: Path) -> None:
    import fastexcel

    from caseaudit.core.annex_a import identify_list, match_headers

    connection = connect(url)

    def work() -> None:
        reader = fastexcel.read_excel(source)
        frames = []
        for name in reader.sheet_names:
            spec = identify_list(name)
            if spec is None:
                continue
            sheet = reader.load_sheet(name).to_polars()
            matched = match_headers(spec, sheet.columns)
            picked = sheet.select(pl.col(sheet.columns[i]).alias(c) for c, i in matched.columns.items())
            frames.append(picked.with_columns(pl.lit(spec.cohort).alias("cohort")))
        frame = pl.concat(frames, how="diagonal_relaxed")
        if "birth_month" in frame.columns:
            frame = frame.with_columns(pl.col("birth_month").cast(pl.Date).dt.month_start())
        insert_floor(connection, url, frame, "annex-a")

    report_from_child(work)


def caseaudit_import(url: str, source: Path) -> None:
    django_for(url)
    from caseaudit.cases.actions import import_case_register
    from caseaudit.policy import SYSTEM

    def work() -> None:
        result = import_case_register(source, acting_user=SYSTEM)
        assert result.written and not result.errors, result.errors[:5]

    report_from_child(work)


if __name__ == "__main__":
    mode, url, path = sys.argv[1:]
    if mode == "floor-csv":
        floor_csv(url, Path(path))
    elif mode == "floor-xlsx":
        floor_xlsx(url, Path(path))
    elif mode == "ours":
        caseaudit_import(url, Path(path))
    else:
        raise SystemExit(f"unknown mode {mode}")
