"""Compliance with timescales for a set of cases: the register's key dates read into polars in one query,
then checked by the Django-free engine (`caseaudit.core.timescales`).

Only open cases are checked: a closed case has no timescales left to keep. Who sees which cases is decided
by the scoped queries (`cases_visible_to`); the aggregate summaries for the committee paper read the
whole register or a cycle's sample.

Checking the whole register takes a second or more at 100,000 cases, so its results are kept
(`caseaudit.kept`: in the database's cache, shared by every process, and in each process's memory) under a
key made of what they depend on: the day they are for, the rules, and a fingerprint of the register (how
many cases, the latest change to any of them, the highest id), which every import, closure or new case
changes. A person who sees part of the register, a cycle's sample and the summaries are cut from those
results, so a page reads one small query and the ids of its cases, however large the register."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from importlib.metadata import version
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db.models import QuerySet

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.audits.models import Audit
from caseaudit.bulk_read import read_frame
from caseaudit.cases.fingerprint import register_fingerprint
from caseaudit.cases.models import Case
from caseaudit.cases.scoping import cases_visible_to, scope_of
from caseaudit.core.register import ANSWER_COLUMNS, HISTORY_DATE_COLUMNS, KEY_DATE_COLUMNS
from caseaudit.core.timescales import (
    RESULT_COLUMNS,
    CheckResult,
    RuleSet,
    evaluate,
    evaluate_case,
    load_rules,
    summarise,
)
from caseaudit.cycles.models import Cycle
from caseaudit.gc_pause import gc_paused
from caseaudit.kept import cache_key, frame_bytes, frame_from, kept

# What the engine reads from each case; `case_id` (the primary key) is carried through for links.
DATE_FIELDS = ("birth_month", *KEY_DATE_COLUMNS, *HISTORY_DATE_COLUMNS)
FRAME_COLUMNS = ("case_id", "child_id", "cohort", *DATE_FIELDS, *ANSWER_COLUMNS)


# Dates a register may not record at all (caseaudit's CSV layout makes them optional, Annex A lacks them).
# An empty one means "nothing waiting" to the engine, so when no open case in the register has one, the
# register does not record it: the column is left out and the check says "data missing", never a guess.
OPTIONAL_DATE_FIELDS = ("recording_backlog_since",)


def unrecorded_fields() -> set[str]:
    """The optional dates that no open case in the register has: one short EXISTS query each."""
    return {
        name
        for name in OPTIONAL_DATE_FIELDS
        if not Case.objects.filter(closed_on__isnull=True, **{f"{name}__isnull": False}).exists()
    }


def timescale_rules() -> RuleSet:
    """The shipped rules with the local overrides of `CASEAUDIT_TIMESCALE_RULES`, if set (load_rules reads
    each file again only when it changes)."""
    overrides = settings.CASEAUDIT_TIMESCALE_RULES
    return load_rules(overrides=Path(overrides) if overrides else None)


def open_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.filter(closed_on__isnull=True)


def cases_frame(cases: QuerySet[Case]) -> pl.DataFrame:
    """The open cases of `cases` as a frame of FRAME_COLUMNS (dates as pl.Date), in Child Unique ID order,
    without the optional dates the register does not record. One query (`caseaudit.bulk_read`)."""
    frame = read_frame(
        open_cases(cases).order_by(),
        {"id": pl.Int64, "child_id": pl.Utf8, "cohort": pl.Utf8}
        | dict.fromkeys(DATE_FIELDS, pl.Date)
        | dict.fromkeys(ANSWER_COLUMNS, pl.Utf8),
    )
    # Sorted by polars, in parallel, rather than by the database, which would sort a million rows on one
    # core or read them in the order of the Child Unique ID index, a page here and a page there.
    return frame.sort("child_id").rename({"id": "case_id"}).drop(unrecorded_fields())


@gc_paused()  # every open case's row read as a tuple, a batch at a time
def compliance_results(cases: QuerySet[Case], as_of: date, rules: RuleSet | None = None) -> pl.DataFrame:
    """One row per open case and rule: child_id, cohort, check, due_date, status, days_overdue, case_id
    (and the dates read).

    Checked a batch of cases at a time: the engine's work for a million cases at once needs over a
    gigabyte, most of it let go only when the process ends. The frame is in Child Unique ID order, so the
    batches' results, one after the other, are in the order the whole frame's would be."""
    rules = rules or timescale_rules()
    frame = cases_frame(cases)
    parts = [evaluate(part, rules, as_of) for part in frame.iter_slices(CHECK_BATCH)]
    return pl.concat(parts) if parts else evaluate(frame, rules, as_of)  # none: no open case


CHECK_BATCH = 50_000


def results_visible_to(user: User, as_of: date, rules: RuleSet | None = None) -> pl.DataFrame:
    """The checks of the open cases `user` may see (their scope: whole register, team, own caseload or
    allocated audits): the register's kept results, cut to the ids of their open cases."""
    results = register_results(as_of, rules)
    if policy.can(user, policy.READ_EVERY_RECORD):
        return results
    return of_cases(results, open_cases(cases_visible_to(user)).order_by().values_list("pk", flat=True))


def of_cases(results: pl.DataFrame, case_ids: Iterable[int]) -> pl.DataFrame:
    """The rows of `results` for the cases of `case_ids` (a query's ids, read here), in the same order."""
    return results.filter(pl.col("case_id").is_in(list(case_ids)))


_VERSION = version("caseaudit")


def _register_key(name: str, as_of: date, rules: RuleSet, *parts: object) -> str:
    # The package's version and the results' columns too: an upgrade may check differently, and must not be
    # served a day's old results.
    return cache_key(
        name, _VERSION, RESULT_COLUMNS, as_of.isoformat(), repr(rules), register_fingerprint(), *parts
    )


def register_results(as_of: date, rules: RuleSet | None = None) -> pl.DataFrame:
    """The checks of every open case in the register, kept between requests (above): the command line, the
    summaries, and aggregates for those who see no child-level data."""
    rules = rules or timescale_rules()
    return kept(
        _register_key("compliance-register", as_of, rules),
        lambda: compliance_results(Case.objects.all(), as_of, rules),
        dump=frame_bytes,
        load=frame_from,
    )


def register_summary(
    as_of: date, rules: RuleSet | None = None, *, cohort: str = "", check: str = ""
) -> tuple[pl.DataFrame, int]:
    """`summarise` of the register's checks for one cohort and check (or all), and how many open cases they
    cover: kept too, so the whole register's counts cost a page nothing once counted."""
    rules = rules or timescale_rules()

    return kept(
        _register_key("compliance-summary", as_of, rules, cohort, check),
        lambda: _summary(register_results(as_of, rules), cohort, check),
        dump=_summary_bytes,
        load=_summary_from,
    )


def summary_visible_to(
    user: User, as_of: date, rules: RuleSet, *, cohort: str = "", check: str = ""
) -> tuple[pl.DataFrame, int]:
    """`register_summary` for the open cases `user` may see. Kept per person where their scope is theirs
    alone (a team manager's, a worker's): a team's thousands of cases are cut from the register's results
    once a day and register, not on every visit to the page. An auditor's scope is their allocations,
    which the register's fingerprint does not follow: theirs is kept under the ids of the cases they see,
    one short query, so that a page does not cut the register's million results on every visit."""

    scope = scope_of(user)
    ids: list[int] | None = None
    if scope is None and policy.can(user, policy.READ_ALLOCATED_RECORDS):
        ids = sorted(open_cases(cases_visible_to(user)).order_by().values_list("pk", flat=True))
        scope = "cases:" + hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()

    def counted() -> tuple[pl.DataFrame, int]:
        if ids is None:
            return _summary(results_visible_to(user, as_of, rules), cohort, check)
        return _summary(of_cases(register_results(as_of, rules), ids), cohort, check)

    if scope is None:
        return counted()
    key = _register_key("compliance-summary-of", as_of, rules, scope, cohort, check)
    return kept(key, counted, dump=_summary_bytes, load=_summary_from)


def summary_for(user: User, as_of: date, rules: RuleSet, cohort: str, check: str) -> tuple[pl.DataFrame, int]:
    """The summary's counts (`summarise`) for one cohort and check (or all), and the open cases they cover,
    as `user` may have them: their own scope's, or the whole register's for those who read every record or
    none (the compliance page and the API both ask this)."""
    if policy.can(user, policy.READ_CHILD_RECORDS) and not policy.can(user, policy.READ_EVERY_RECORD):
        return summary_visible_to(user, as_of, rules, cohort=cohort, check=check)
    # The whole register, whose counts are kept between requests. For those who see no child-level data
    # these aggregates are all they get: nothing child-level is in them.
    return register_summary(as_of, rules, cohort=cohort, check=check)


def _summary(results: pl.DataFrame, cohort: str, check: str) -> tuple[pl.DataFrame, int]:
    """`summarise` of the checks of one cohort and check (or all), and how many open cases they cover."""
    results = filter_results(results, cohort=cohort, checks=[check] if check else ())
    return summarise(results), results["case_id"].n_unique() if len(results) else 0


def _summary_bytes(value: tuple[pl.DataFrame, int]) -> bytes:
    summary, cases = value
    return frame_bytes(summary.with_columns(pl.lit(cases, dtype=pl.Int64).alias("_cases")))


def _summary_from(data: bytes) -> tuple[pl.DataFrame, int]:
    frame = frame_from(data)
    cases = int(frame["_cases"][0]) if len(frame) else 0
    return frame.drop("_cases"), cases


def allocations(cases: QuerySet[Case]) -> dict[int, tuple[str, str]]:
    """The team and allocated worker of each of `cases`, by case id, in one query: the drill-down shows them
    beside the checks, which the engine's frame does not carry."""
    rows = cases.values_list("pk", "team__name", "worker__name")
    return {pk: (team or "", worker or "") for pk, team, worker in rows}


def compliance_summary_for_register(as_of: date) -> pl.DataFrame:
    """Counts per check and cohort for the open cases of the whole register (`summarise` columns: check,
    cohort, applicable, compliant, overdue, due_soon, not_applicable, data_missing)."""
    return register_summary(as_of)[0]


def compliance_summary_for_cycle(cycle: Cycle, as_of: date) -> pl.DataFrame:
    """Counts per check and cohort for the open cases in `cycle`'s sample (as `compliance_summary_for_
    register`): the register's kept results, cut to the sample's cases."""
    sample = Audit.objects.filter(cycle=cycle).values_list("case_id", flat=True)
    return summarise(of_cases(register_results(as_of), sample))


def case_timescales(case: Case, as_of: date, rules: RuleSet | None = None) -> list[CheckResult]:
    """The checks of one case, as the case page and the audit form show them. A closed case has none."""
    if case.closed_on is not None:
        return []
    unrecorded = unrecorded_fields()
    dates = {name: getattr(case, name) for name in DATE_FIELDS if name not in unrecorded}
    answers = {name: getattr(case, name) for name in ANSWER_COLUMNS}
    return evaluate_case(dates, case.cohort, rules or timescale_rules(), as_of, answers)


def filter_results(
    results: pl.DataFrame,
    *,
    cohort: str = "",
    checks: Iterable[str] = (),
    statuses: Iterable[str] = (),
) -> pl.DataFrame:
    """The rows for one cohort (or all), some checks and statuses (or all)."""
    wanted_checks, wanted_statuses = list(checks), list(statuses)
    if cohort:
        results = results.filter(pl.col("cohort") == cohort)
    if wanted_checks:
        results = results.filter(pl.col("check").is_in(wanted_checks))
    if wanted_statuses:
        results = results.filter(pl.col("status").is_in(wanted_statuses))
    return results
