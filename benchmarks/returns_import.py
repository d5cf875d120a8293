"""Importing a regional-size SSDA903 return (`import-returns --ssda903`), against a floor.

The floor is the least work that leaves the same rows: the Header, Episodes and Reviews tables read by
polars with their dates parsed, one case per child (its latest episode), and the cases, episodes and
reviews written in one transaction into a freshly migrated database, with executemany on SQLite and COPY
on PostgreSQL, through a plain connection: no checking of codes, no comparison with the register, no
Django. `benchmarks/__main__.py` checks after the runs that the floor's episodes and caseaudit's agree."""

from __future__ import annotations

import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from benchmarks.harness import connect, django_for, is_postgresql, placeholders, report_from_child

EPISODE_COLUMNS = {"starts_on": "value", "ends_on": "value", "reason": "value", "case_id": "key"}
_PLACES = ("U1", "U3", "U4", "U6", "K2", "P1")
_STATUSES = ("C1", "C2", "E1", "V2")


def write_return(folder: Path, episodes: int, seed: int = 903) -> None:
    """Synthetic Header, Episodes and Reviews tables with about `episodes` episodes: each child's care
    starts ("S") on a day of the last eight years, then changes placement ("P") or legal status ("L") a
    few times; a third of the children have left care. Reviews every six months or so."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    today = date(2026, 3, 31)
    headers, rows, reviews = [], [], []
    child = 0
    while len(rows) < episodes:
        child += 1
        child_id = f"C{child:07d}"
        born = today - timedelta(days=rng.randint(365, 17 * 365))
        headers.append((child_id, rng.choice("12"), born.strftime("%d/%m/%Y"), "WBRI"))
        start = max(born, today - timedelta(days=rng.randint(30, 8 * 365)))
        changes = sorted(start + timedelta(days=rng.randint(1, max((today - start).days - 1, 1)))
                         for _ in range(rng.randint(0, 4)))  # fmt: skip
        days = [start, *dict.fromkeys(d for d in changes if d > start)]
        left = today - timedelta(days=rng.randint(1, 200)) if rng.random() < 0.33 else None
        for number, began in enumerate(days):
            ends = days[number + 1] if number + 1 < len(days) else (left if left and left > began else None)
            reason = "S" if number == 0 else rng.choice("PPL")
            rows.append((child_id, began.strftime("%d/%m/%Y"), reason, rng.choice(_STATUSES), "N1",
                         rng.choice(_PLACES), ends.strftime("%d/%m/%Y") if ends else ""))  # fmt: skip
        review = start + timedelta(days=20)
        while review < (left or today):
            reviews.append((child_id, born.strftime("%d/%m/%Y"), review.strftime("%d/%m/%Y"), "PN1"))
            review += timedelta(days=rng.randint(90, 190))
    pl.DataFrame(headers, schema=["CHILD", "SEX", "DOB", "ETHNIC"], orient="row").write_csv(
        folder / "Header.csv"
    )
    pl.DataFrame(rows, schema=["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "DEC"], orient="row").write_csv(
        folder / "Episodes.csv"
    )
    pl.DataFrame(reviews, schema=["CHILD", "DOB", "REVIEW", "REVIEW_CODE"], orient="row").write_csv(
        folder / "Reviews.csv"
    )


def _dates(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    return frame.with_columns(pl.col(c).str.to_date("%d/%m/%Y", strict=False) for c in columns)


def floor(url: str, folder: Path) -> None:
    connection = connect(url)  # connecting is not timed, for caseaudit either (harness.django_for)

    def work() -> None:
        episodes = _dates(pl.read_csv(folder / "Episodes.csv", infer_schema=False), "DECOM", "DEC")
        reviews = _dates(pl.read_csv(folder / "Reviews.csv", infer_schema=False), "REVIEW")
        pl.read_csv(folder / "Header.csv", infer_schema=False)
        latest = episodes.sort("CHILD", "DECOM").group_by("CHILD", maintain_order=True).last()
        cases = latest.select(
            pl.col("CHILD").alias("child_id"),
            pl.lit("looked-after").alias("cohort"),
            pl.col("DEC").cast(pl.Utf8).alias("closed_on"),
        )
        _insert(connection, url, cases, episodes, reviews)

    report_from_child(work)


def _insert(
    connection: Any, url: str, cases: pl.DataFrame, episodes: pl.DataFrame, reviews: pl.DataFrame
) -> None:
    stamp = datetime.now(UTC).isoformat(" ")
    cursor = connection.cursor()
    rows = cases.with_columns(pl.lit(stamp).alias("updated_at"))
    _write(cursor, url, "cases_case", rows)
    ids = dict(cursor.execute("SELECT child_id, id FROM cases_case").fetchall())
    _write(
        cursor,
        url,
        "cases_careepisode",
        episodes.select(
            pl.col("CHILD").replace_strict(ids, return_dtype=pl.Int64).alias("case_id"),
            pl.col("DECOM").cast(pl.Utf8).alias("starts_on"),
            pl.col("DEC").cast(pl.Utf8).alias("ends_on"),
            pl.col("RNE").alias("reason"),
            pl.col("LS").alias("legal_status"),
            pl.col("PLACE").alias("placement_type"),
        ),
    )
    _write(
        cursor,
        url,
        "cases_statutoryreview",
        reviews.unique(["CHILD", "REVIEW"]).select(
            pl.col("CHILD").replace_strict(ids, return_dtype=pl.Int64).alias("case_id"),
            pl.col("REVIEW").cast(pl.Utf8).alias("held_on"),
        ),
    )
    connection.commit()


def _write(cursor: Any, url: str, table: str, rows: pl.DataFrame) -> None:
    names = ", ".join(rows.columns)
    if is_postgresql(url):
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(rows.write_csv(include_header=False))
    else:
        marks = ", ".join("?" * rows.width)
        cursor.executemany(
            placeholders(f"INSERT INTO {table} ({names}) VALUES ({marks})", url), rows.iter_rows()
        )


def ours(url: str, folder: Path) -> None:
    django_for(url)
    from caseaudit.cases.actions import import_return
    from caseaudit.cases.importing.ssda903 import read_ssda903
    from caseaudit.policy import SYSTEM

    def work() -> None:
        import_return(read_ssda903([folder]), acting_user=SYSTEM, file_name="SSDA903 return")

    report_from_child(work)


if __name__ == "__main__":
    mode, url, path = sys.argv[1:]
    if mode == "floor":
        floor(url, Path(path))
    elif mode == "ours":
        ours(url, Path(path))
    else:
        raise SystemExit(f"unknown mode {mode}")
