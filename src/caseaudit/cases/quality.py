"""The register's implausible data (caseaudit.core.data_quality), read from the database for the data
quality page and the committee paper, and kept until the register changes."""

from __future__ import annotations

from datetime import date
from importlib.metadata import version

import polars as pl

from caseaudit.core import data_quality
from caseaudit.kept import cache_key, frame_bytes, frame_from, kept

from .fingerprint import register_fingerprint
from .importing.plan import load_register

_VERSION = version("caseaudit")


def register_problems(today: date) -> pl.DataFrame:
    """One row per case and problem across the whole register, open and closed: case_id, child_id, cohort,
    problem (a slug of caseaudit.core.data_quality.PROBLEMS), in problem then Child Unique ID order."""
    key = cache_key("register-problems", _VERSION, today.isoformat(), register_fingerprint())
    return kept(key, lambda: _problems(today), dump=frame_bytes, load=frame_from)


def _problems(today: date) -> pl.DataFrame:
    register = load_register()
    found = data_quality.problems(register, today)
    order = {problem.slug: rank for rank, problem in enumerate(data_quality.PROBLEMS)}
    return (
        found.join(register.select(pl.col("_id").alias("case_id"), "child_id", "cohort"), on="child_id")
        .select("case_id", "child_id", "cohort", "problem")
        .sort(pl.col("problem").replace_strict(order, return_dtype=pl.Int32), "child_id")
    )
