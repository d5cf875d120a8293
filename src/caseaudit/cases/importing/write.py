"""Writing a planned import in bulk: a few statements per thousand rows, not one ORM save per case.

Django's bulk_create spends most of its time building model instances (about 43 s for a million rows
here, against 5 to 9 s for executemany), so new cases are written by `caseaudit.bulk_insert` (COPY on
PostgreSQL, executemany on SQLite) and changed ones with executemany, on Django's own connection, inside the
caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date

import polars as pl
from django.db import connection
from django.utils import timezone

from caseaudit.bulk_insert import insert_rows, sqlite_dates
from caseaudit.core.register import CODED_COLUMNS, DATE_COLUMNS, HISTORY_DATE_COLUMNS

from ..models import CREATED_WITH, Case, Staff, Team
from .plan import Plan

CHUNK = 20_000
_DATES = [*DATE_COLUMNS, "birth_month"]
_FOREIGN_KEYS = {"team": "team_id", "worker": "worker_id", "manager": "manager_id"}

Progress = Callable[[int], None]


def apply_plan(plan: Plan, *, batch_id: int, today: date, progress: Progress | None = None) -> None:
    names = _ensure_names(plan)
    batch = pl.lit(batch_id).alias("_batch")
    stamp = pl.lit(connection.ops.adapt_datetimefield_value(timezone.now())).alias("_stamp")
    create = _with_ids(plan.create, names)
    update = _with_ids(plan.update, names)

    history = [c for c in HISTORY_DATE_COLUMNS if c in create.columns]
    insert_columns = ["child_id", "cohort", *_FOREIGN_KEYS.values(), *CODED_COLUMNS, *_DATES, *history]
    insert_rows(
        Case,
        create.select(*insert_columns).with_columns(
            pl.lit(batch_id).alias("import_batch_id"),
            # Every date of a new case came with it: one entry says so (docs/domain.md#one-register).
            pl.lit(json.dumps({CREATED_WITH: batch_id})).alias("date_sources"),
        ),
        progress=progress,
    )
    update_columns = [_FOREIGN_KEYS.get(c, c) for c in plan.columns]
    assignments = ", ".join(f"{c} = %s" for c in [*update_columns, "import_batch_id", "updated_at"])
    _executemany(
        f"UPDATE {Case._meta.db_table} SET {assignments}, date_sources = {_merged()} WHERE id = %s",  # noqa: S608
        _rows(update.select(*update_columns, batch, stamp, _sources(batch_id), "_id")),
        progress,
    )
    closed_on = pl.lit(_date_value(today)).alias("_closed_on")
    closed_by = pl.lit(json.dumps({"closed_on": batch_id})).alias("date_sources")
    _executemany(
        f"UPDATE {Case._meta.db_table} SET closed_on = %s, import_batch_id = %s, updated_at = %s, "  # noqa: S608
        f"date_sources = {_merged()} WHERE id = %s",
        _rows(plan.close.select(closed_on, batch, stamp, closed_by, "_id")),
        progress,
    )


def _sources(batch_id: int) -> pl.Expr:
    """`date_sources` of a changed row: its `_dated` columns, each changed by the batch, as a JSON object
    merged into the row's own."""
    each = pl.col("_dated").str.replace_all(r"([a-z0-9_]+)", f'"${{1}}": {batch_id}')
    return pl.concat_str(pl.lit("{"), each, pl.lit("}")).alias("date_sources")


def _merged() -> str:
    """SQL for a row's `date_sources` with the import's merged in: the columns it brought now name it,
    the others keep their source."""
    if connection.vendor == "postgresql":
        return "COALESCE(date_sources, '{}'::jsonb) || %s::jsonb"
    return "json_patch(COALESCE(date_sources, '{}'), %s)"


def _ensure_names(plan: Plan) -> dict[str, dict[str, int]]:
    """Teams and staff by name, creating the ones the file brings. A new worker or manager joins the
    team of the first row naming them, in the file's order."""
    frames = [plan.create, plan.update]
    team_names = set(pl.concat([f["team"] for f in frames]).drop_nulls().unique().to_list())
    known_teams = dict(Team.objects.filter(name__in=team_names).values_list("name", "id"))
    Team.objects.bulk_create([Team(name=n) for n in sorted(team_names - known_teams.keys())])
    teams = dict(Team.objects.filter(name__in=team_names).values_list("name", "id"))

    # Each name's first row as worker and as manager, in each frame (a few thousand rows, not millions),
    # then the earliest of those: a worker before the manager of the same row.
    firsts = pl.concat(
        frame.select(pl.col(role).alias("name"), "team", "_source", "_row", pl.lit(order).alias("_order"))
        .drop_nulls("name")
        .unique("name", keep="first", maintain_order=True)
        for frame in frames
        for order, role in enumerate(("worker", "manager"))
    )
    first_team = dict(
        firsts.sort("_source", "_row", "_order")
        .unique("name", keep="first", maintain_order=True)
        .select("name", "team")
        .iter_rows()
    )
    known_staff = set(Staff.objects.filter(name__in=first_team).values_list("name", flat=True))
    Staff.objects.bulk_create(
        [
            Staff(name=n, team_id=teams.get(t) if t else None)
            for n, t in first_team.items()
            if n not in known_staff
        ]
    )
    staff = dict(Staff.objects.filter(name__in=first_team).values_list("name", "id"))
    return {"team": teams, "worker": staff, "manager": staff}


def _with_ids(frame: pl.DataFrame, names: dict[str, dict[str, int]]) -> pl.DataFrame:
    return frame.with_columns(
        pl.col(column).replace_strict(names[column], default=None, return_dtype=pl.Int64).alias(key)
        for column, key in _FOREIGN_KEYS.items()
        if column in frame.columns
    )


def _date_value(value: date) -> str | date:
    return value.isoformat() if connection.vendor == "sqlite" else value


def _rows(frame: pl.DataFrame) -> Iterator[list[tuple]]:
    for offset in range(0, frame.height, CHUNK):
        yield sqlite_dates(frame.slice(offset, CHUNK)).rows()


def _executemany(sql: str, chunks: Iterator[list[tuple]], progress: Progress | None) -> None:
    with connection.cursor() as cursor:
        for rows in chunks:
            cursor.executemany(sql, rows)
            if progress:
                progress(len(rows))
