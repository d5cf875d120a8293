"""The timescale compliance engine: per case and rule, is the child's plan, visit or review in time?

See docs/domain.md#timescales. The rules are data (`timescale_rules`, defaults in
`core/data/timescales.yaml`); this module applies them to the case register, all cases at once with polars
expressions (a million cases in a few seconds: see `evaluate`).

Statuses, for a case whose cohort the rule names (a case of another cohort gets no row):
- `overdue`: the due date is before the as-of date and the event has not happened (days_overdue = as_of -
  due).
- `due-soon`: due today or within the rule's window: by default the smaller of DUE_SOON_DAYS (14) and a
  third of the interval the due date was counted with (`Rule.due_soon_days`), so a pathway plan due in 14
  days is due soon, in 15 is not, and a visit due every 10 working days is due soon in its last 4 days.
- `compliant`: due later than that, or a one-off event (an initial conference, an assessment's completion)
  that has happened. A missed date stays a fact, not a state: one that happened after its deadline is
  compliant now, with `days_late` saying how late it was, so that the breach is still counted
  (`summarise`'s `done_late`) without calling done work overdue.
- `not-applicable`: the rule's own condition excludes the case: the case closed on or before the as-of date
  (`closed_on`, when the frame has it), or the rule's `not_applicable_once` event has happened (the initial
  conference check once a review conference has been held).
- `data-missing`: a date the rule needs is not recorded, never a guess: no latest pathway plan, no strategy
  discussion, a column the frame lacks altogether (an older Annex A without pathway plan dates), or no
  birth month for a rule that depends on age.

How due dates are found (Annex A gives only the latest date of each event, so sequences infer the step):
- A recurring event (`latest` + `then`): due the step's interval after the latest event. For sequences
  with a `start`, only events on or after the start count; with none, the first is due `first` after the
  start (the first looked after review 20 working days after becoming looked after; the first visit 1 week
  after the current placement started).
- Which step applies: the first whose conditions hold. A looked after review within 20 working days of the
  start is the first review, so the next is due 3 months after it; one in the 3 months after that could
  be a late first or the second, and is read the stricter way, as the first (the step's `reading` says so
  on the case page); any later review is the third or later (next due 6 months after it). A visit within
  the placement's first 12 months is followed by one within 6 weeks; a later one within 3 months where the
  register answers yes to "intended to last until 18" (`when_yes`), else within 6 weeks: no answer is not
  a yes.
- Age (health assessments: every 6 months under 5, else 12 months): the child is under 5 on the date the
  6-month interval gives if that date is before the first day of the birth month 5 years on (the register
  keeps the birth month only, so the birthday counts from the 1st). Needed whenever the rule counts from the
  latest assessment, so a missing birth month is data-missing there.
- A one-off event (`done`): met when it happened on or after the start (an older one belongs to an earlier
  episode and is ignored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import polars as pl

from .cohorts import COHORT_SLUGS
from .register import ANSWER_COLUMNS
from .timescale_rules import (
    ANSWER_LABELS,
    CHECK_SLUGS,
    DATE_LABELS,
    DUE_SOON_DAYS,
    RULE_DATE_COLUMNS,
    Rule,
    RuleSet,
    Step,
    TimescaleRulesError,
    merge_rules,
    read_rules_file,
)
from .working_days import england_bank_holidays

__all__ = [
    "CHECK_SLUGS",
    "DUE_SOON_DAYS",
    "RESULT_COLUMNS",
    "CheckResult",
    "Rule",
    "RuleSet",
    "Status",
    "TimescaleRulesError",
    "default_rules_path",
    "evaluate",
    "evaluate_case",
    "load_rules",
    "summarise",
]


class Status(StrEnum):
    COMPLIANT = "compliant"
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    NOT_APPLICABLE = "not-applicable"
    DATA_MISSING = "data-missing"


RESULT_COLUMNS = ("child_id", "cohort", "check", "due_date", "status", "days_overdue", "days_late")
# What `evaluate` reads rather than carries through to its result.
_INPUT_DATES = ("birth_month", "closed_on", *RULE_DATE_COLUMNS)
_EPOCH = date(1970, 1, 1)


def default_rules_path() -> Path:
    return Path(__file__).with_name("data") / "timescales.yaml"


def load_rules(path: Path | None = None, overrides: Path | None = None) -> RuleSet:
    """The rules in `path` (default: the shipped defaults), with the authority's `overrides` file applied:
    its rules replace those of the same slug and add new ones. Raises TimescaleRulesError (a ValueError)
    naming the file, the line and the rule. Cached until either file changes."""
    base = Path(path) if path is not None else default_rules_path()
    local = Path(overrides) if overrides is not None else None
    return _load(base, _stamp(base), local, _stamp(local) if local is not None else None)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None  # reading it will report the problem
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=8)
def _load(base: Path, _: object, local: Path | None, __: object) -> RuleSet:
    return merge_rules(read_rules_file(base), read_rules_file(local) if local is not None else None)


def evaluate(cases: pl.DataFrame, rules: RuleSet, as_of: date) -> pl.DataFrame:
    """One row per case and rule whose cohorts include the case's: child_id, cohort, check, due_date
    (null when data-missing or not-applicable), status (a Status value), days_overdue (null unless
    overdue), days_late (null unless a one-off event happened after its deadline), then the frame's other
    columns unchanged (not its dates), sorted by child_id then rule order.

    `cases` needs child_id and cohort; date columns are optional (a missing one is data-missing for every
    case that needs it); text or datetime columns are cast to dates. Other columns are carried through
    (their names must not clash with the result's or start with "_").

    Vectorised: no Python code runs per case. Cases already sorted by child_id (ORDER BY child_id) skip a
    sort. Measured on a busy 2-core machine: 1,000,000 cases of mixed cohorts (4 million result rows) take
    about 1.9 s of CPU sorted, 3.6 s unsorted, where reading their dates with one SQLite query takes 5.6 s."""
    lacking = [c for c in ("child_id", "cohort") if c not in cases.columns]
    if lacking:
        raise ValueError(f"the cases lack the column(s) {', '.join(lacking)}")
    used = {c for rule in rules.rules for c in rule.columns}
    dates = [c for c in dict.fromkeys((*_INPUT_DATES, *sorted(used))) if c in cases.columns]
    answers = [c for c in ANSWER_COLUMNS if c in cases.columns]
    carried = [c for c in cases.columns if c not in ("child_id", "cohort", *dates, *answers)]
    clashing = [c for c in carried if c in RESULT_COLUMNS or c.startswith("_")]
    if clashing:
        raise ValueError(f"the cases have column(s) the result needs for itself: {', '.join(clashing)}")
    frame = cases.select(
        pl.col("child_id"),
        pl.col("cohort").cast(pl.String),
        *(_as_date(c, cases.schema[c]) for c in dates),
        *(_as_yes(c, cases.schema[c]) for c in answers),
        *carried,
    )
    if not frame["child_id"].is_sorted():  # a query with ORDER BY child_id saves this sort
        frame = frame.sort("child_id", maintain_order=True)
    holidays = _holidays_for(frame, [c for c in dates if c in used], rules)
    present = {*dates, *answers}
    # One sort key for case then rule, so that the result is sorted once, on one integer column.
    frame = frame.with_columns(_key=pl.int_range(pl.len(), dtype=pl.Int64) * max(len(rules.rules), 1))
    cohorts = set(frame["cohort"].unique())
    parts = [
        _apply(rule, frame.lazy().filter(pl.col("cohort").is_in(rule.cohorts)), present, as_of, holidays)
        .with_columns(_key=pl.col("_key") + rank, check=pl.lit(rule.slug))
        .select("_key", *RESULT_COLUMNS, *carried)
        for rank, rule in enumerate(rules.rules)
        if cohorts.intersection(rule.cohorts)  # one case (the case page) needs only its cohort's rules
    ]
    if not parts:
        schema: dict[str, pl.DataType | type[pl.DataType]] = {
            "child_id": frame.schema["child_id"],
            "cohort": pl.String,
            "check": pl.String,
            "due_date": pl.Date,
            "status": pl.String,
            "days_overdue": pl.Int64,
            "days_late": pl.Int64,
        }
        return pl.DataFrame(schema={**schema, **{c: frame.schema[c] for c in carried}})
    return pl.concat(parts).sort("_key").drop("_key").collect(engine="in-memory")


def _as_date(column: str, dtype: pl.DataType) -> pl.Expr:
    """A date column as dates: ISO text (as a CSV or SQLite gives it) parsed, datetimes truncated."""
    if dtype == pl.String:
        return pl.col(column).str.to_date("%Y-%m-%d")
    return pl.col(column).cast(pl.Date)


def _as_yes(column: str, dtype: pl.DataType) -> pl.Expr:
    """A yes-or-no answer as a boolean: the register's "Y" or "N" (null where it does not say)."""
    if dtype == pl.Boolean:
        return pl.col(column)
    return pl.col(column).cast(pl.String).str.to_uppercase() == "Y"


def _holidays_for(frame: pl.DataFrame, columns: list[str], rules: RuleSet) -> list[date]:
    """England's bank holidays over the years the frame's dates and the working-day sums span."""
    if not columns or not any(i.unit == "working-days" for r in rules.rules for i in r.intervals):
        return []
    bounds = frame.select(
        pl.min_horizontal(pl.col(c).min() for c in columns).alias("low"),
        pl.max_horizontal(pl.col(c).max() for c in columns).alias("high"),
    ).row(0)
    if bounds[0] is None:
        return []
    # Intervals are at most 999 working days: about 4 years.
    return england_bank_holidays(bounds[0].year, bounds[1].year + 5)


def _apply(
    rule: Rule, cases: pl.LazyFrame, present: set[str], as_of: date, holidays: list[date]
) -> pl.LazyFrame:
    """`cases` with the columns due_date, status and days_overdue of `rule` (and some working columns
    starting with "_"). Computed in stages, each a with_columns, so that no date sum runs twice."""

    def column(name: str | None) -> pl.Expr:
        return pl.col(name) if name is not None and name in present else pl.lit(None, pl.Date)

    def known(name: str) -> pl.Expr:
        """A date the history says of the latest event: none where it is before the start (it belongs
        to an earlier period of care)."""
        return pl.when(column(name) >= start).then(column(name)) if has_start else column(name)

    starts = [c for c in rule.start if c in present]
    has_start = bool(rule.start)
    start = pl.col("_start")
    latest = pl.col("_latest")
    birthdays = [
        column("birth_month").dt.offset_by(f"{step.when_under_age}y").alias(f"_age{i}")
        for i, step in enumerate(rule.then)
        if step.when_under_age is not None
    ]
    cases = cases.with_columns(
        (pl.coalesce(starts) if len(starts) > 1 else column(starts[0] if starts else None)).alias("_start"),
        column(rule.latest).alias("_latest"),
        column(rule.done).alias("_done"),
        column(rule.not_applicable_once).alias("_ends"),
        *birthdays,
    )
    if has_start:
        # An event before the start belongs to an earlier episode (a previous placement, plan, assessment).
        cases = cases.with_columns(
            _latest=pl.when(latest >= start).then(latest),
            _done=pl.when(pl.col("_done") >= start).then(pl.col("_done")),
            # Without a start (no strategy discussion), a review conference still ends the initial check.
            _ends=pl.when(start.is_null() | (pl.col("_ends") >= start)).then(pl.col("_ends")),
        )
    sums = [step.every.expr(latest, holidays).alias(f"_next{i}") for i, step in enumerate(rule.then)]
    sums += [
        step.when_latest_within.expr(start, holidays).alias(f"_within{i}")
        for i, step in enumerate(rule.then)
        if step.when_latest_within is not None
    ]
    if rule.first is not None:
        sums.append(rule.first.expr(start, holidays).alias("_first"))
    cases = cases.with_columns(sums)

    # The due date, and the "due soon" window of the interval it was counted with.
    due: pl.Expr | None = None
    window: pl.Expr | None = None
    for i, step in reversed(list(enumerate(rule.then))):
        following, days = pl.col(f"_next{i}"), pl.lit(rule.due_soon_days(step.every))
        condition = pl.lit(True)
        if step.when_latest_within is not None:
            condition = condition & (latest <= pl.col(f"_within{i}"))
        if step.when_under_age is not None:
            condition = condition & (following < pl.col(f"_age{i}"))
        if step.when_yes is not None:
            # No answer is not a yes: the stricter step applies (a visit every 6 weeks, not 3 months).
            said = pl.col(step.when_yes).fill_null(False) if step.when_yes in present else pl.lit(False)
            condition = condition & said
        if step.when_latest_is is not None:
            condition = condition & (latest == known(step.when_latest_is)).fill_null(False)
        if step.when_latest_after is not None:
            condition = condition & (latest > known(step.when_latest_after)).fill_null(False)
        if due is None or window is None:
            due, window = following, days
        else:
            due = pl.when(condition).then(following).otherwise(due)
            window = pl.when(condition).then(days).otherwise(window)
    if rule.first is not None:
        first, days = pl.col("_first"), pl.lit(rule.due_soon_days(rule.first))
        if due is None or window is None:
            due, window = first, days
        else:
            due = pl.when(latest.is_null()).then(first).otherwise(due)
            window = pl.when(latest.is_null()).then(days).otherwise(window)
    assert due is not None and window is not None  # the schema requires `start` + `first`, `latest` + `then`

    # A column the frame lacks is data-missing for every case, not "no such event yet".
    missing: pl.Expr = pl.lit(any(c not in present for c in (rule.latest, rule.done) if c))
    if has_start and rule.empty_start_means_none_waiting:
        # Nothing waiting is compliant; a register without the column at all still says nothing.
        missing = missing | pl.lit(not starts)
    else:
        missing = missing | (start.is_null() if has_start else latest.is_null())
    if rule.aged is not None:
        missing = missing | column("birth_month").is_null()
    elif rule.uses_age:
        missing = missing | (latest.is_not_null() & column("birth_month").is_null())
    excluded = pl.col("_ends").is_not_null()
    if rule.aged is not None:
        excluded = excluded | ~_aged(column("birth_month"), rule.aged, as_of).fill_null(True)
    if "closed_on" in present:
        excluded = excluded | (pl.col("closed_on") <= as_of).fill_null(False)
    held = pl.col("_done").is_not_null()
    cases = cases.with_columns(
        _due=due,
        _window=window,
        _held=held,
        _excluded=excluded,
        _missing=missing.fill_null(False) & ~excluded,
    )
    reference = pl.when(held).then(pl.col("_done")).otherwise(pl.lit(as_of, pl.Date))
    cases = cases.with_columns(_late=reference.cast(pl.Int32) - pl.col("_due").cast(pl.Int32))
    late = ~pl.col("_excluded") & ~pl.col("_missing") & (pl.col("_late") > 0)
    cases = cases.with_columns(_overdue=late & ~pl.col("_held"), _done_late=late & pl.col("_held"))
    return cases.with_columns(
        due_date=pl.when(pl.col("_excluded") | pl.col("_missing"))
        .then(pl.lit(None, pl.Date))
        .otherwise("_due"),
        status=pl.when("_excluded")
        .then(pl.lit(Status.NOT_APPLICABLE.value))
        .when("_missing")
        .then(pl.lit(Status.DATA_MISSING.value))
        .when("_overdue")
        .then(pl.lit(Status.OVERDUE.value))
        .when(~pl.col("_held") & (pl.col("_late") >= -pl.col("_window")))
        .then(pl.lit(Status.DUE_SOON.value))
        .otherwise(pl.lit(Status.COMPLIANT.value)),
        days_overdue=pl.when("_overdue").then(pl.col("_late").cast(pl.Int64)),
        days_late=pl.when("_done_late").then(pl.col("_late").cast(pl.Int64)),
    )


def _aged(birth_month: pl.Expr, band: tuple[int, int], as_of: date) -> pl.Expr:
    """Whether the child is in the age band on `as_of`, the birthday counted from the first of the month."""
    on = pl.lit(as_of, pl.Date)
    return (birth_month.dt.offset_by(f"{band[0]}y") <= on) & (birth_month.dt.offset_by(f"{band[1]}y") > on)


def summarise(results: pl.DataFrame) -> pl.DataFrame:
    """Counts per check and cohort: applicable (every row), then one column per status, then done_late (the
    compliant one-off events that happened after their deadline). Ordered by CHECK_SLUGS (other checks
    after, by slug) then cohort precedence (caseaudit.core.cohorts.COHORTS)."""
    counts = [
        (pl.col("status") == status.value).sum().cast(pl.Int64).alias(status.value.replace("-", "_"))
        for status in (
            Status.COMPLIANT,
            Status.OVERDUE,
            Status.DUE_SOON,
            Status.NOT_APPLICABLE,
            Status.DATA_MISSING,
        )
    ]
    check_rank = {slug: rank for rank, slug in enumerate(CHECK_SLUGS)}
    cohort_rank = {slug: rank for rank, slug in enumerate(COHORT_SLUGS)}
    return (
        results.group_by("check", "cohort")
        .agg(
            pl.len().cast(pl.Int64).alias("applicable"),
            *counts,
            pl.col("days_late").is_not_null().sum().cast(pl.Int64).alias("done_late"),
        )
        .sort(
            pl.col("check").replace_strict(check_rank, default=len(check_rank), return_dtype=pl.Int32),
            "check",
            pl.col("cohort").replace_strict(cohort_rank, default=len(cohort_rank), return_dtype=pl.Int32),
            "cohort",
        )
    )


@dataclass(frozen=True)
class CheckResult:
    check: str
    label: str
    kind: str
    due_date: date | None
    status: Status
    days_overdue: int | None
    days_late: int | None  # a one-off event that happened after its deadline: by how many days
    anchor_label: str  # what the due date counts from, or what is missing: "latest pathway plan 3 May 2026"
    description: str  # the rule in words, from the rules file
    source: str = ""  # the regulation, guidance or local standard the rule comes from
    # How the register's answer chose the interval, where one did: "placement intended to last until 18: not
    # recorded, so every 6 weeks".
    interval_note: str = ""


def evaluate_case(
    dates: Mapping[str, date | None],
    cohort: str,
    rules: RuleSet,
    as_of: date,
    answers: Mapping[str, str | None] | None = None,
) -> list[CheckResult]:
    """`evaluate` for one case (the case page, the audit form), run through `evaluate` itself on a
    one-row frame so that the two can never disagree. `dates` maps register columns (and `birth_month`)
    to dates; a key left out is a column the register lacks (data-missing), a None is an unrecorded date.
    `answers` maps the register's yes-or-no columns to "Y", "N" or None (not said)."""
    answers = answers or {}
    frame = pl.DataFrame(
        [pl.Series("child_id", ["case"]), pl.Series("cohort", [cohort])]
        + [pl.Series(name, [value], dtype=pl.Date) for name, value in dates.items()]
        + [pl.Series(name, [value], dtype=pl.String) for name, value in answers.items()]
    )
    results = []
    for row in evaluate(frame, rules, as_of).iter_rows(named=True):
        rule = rules.get(row["check"])
        status = Status(row["status"])
        results.append(
            CheckResult(
                check=rule.slug,
                label=rule.label,
                kind=rule.kind,
                due_date=row["due_date"],
                status=status,
                days_overdue=row["days_overdue"],
                days_late=row["days_late"],
                anchor_label=_anchor_label(rule, dates, status, as_of),
                description=rule.description,
                source=rule.source,
                interval_note=_interval_note(rule, dates, answers, status),
            )
        )
    return results


def format_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _named(column: str, day: date) -> str:
    return f"{DATE_LABELS.get(column, column.replace('_', ' '))} {format_day(day)}"


def _anchor_label(rule: Rule, dates: Mapping[str, date | None], status: Status, as_of: date) -> str:
    """Words for what the due date counts from (or what is missing, or why the rule does not apply)."""
    start_column = next((c for c in rule.start if dates.get(c)), None)
    start = dates.get(start_column) if start_column else None
    if status is Status.NOT_APPLICABLE:
        closed = dates.get("closed_on")
        if closed is not None and closed <= as_of:
            return _named("closed_on", closed)
        event = dates.get(rule.not_applicable_once or "")
        if rule.not_applicable_once and event:
            return _named(rule.not_applicable_once, event)
        return f"not aged {rule.aged[0]} to {rule.aged[1] - 1}" if rule.aged else ""
    if status is Status.DATA_MISSING:
        unrecorded = []
        if rule.start and start is None:
            unrecorded.append(" or ".join(DATE_LABELS.get(c, c) for c in rule.start))
        for column in (rule.latest, rule.done):
            if column and (column not in dates or (not rule.start and dates[column] is None)):
                unrecorded.append(DATE_LABELS.get(column, column))
        if rule.uses_age and dates.get("birth_month") is None:
            unrecorded.append(DATE_LABELS["birth_month"])
        return "not recorded: " + ", ".join(unrecorded)
    if rule.empty_start_means_none_waiting and start is None:
        return "nothing waiting"
    latest = dates.get(rule.latest) if rule.latest else None
    if latest is not None and (start is None or latest >= start):
        return _named(rule.latest or "", latest)
    parts = [_named(start_column, start)] if start_column and start else []
    done = dates.get(rule.done) if rule.done else None
    if done is not None and start is not None and done >= start:
        parts.append(_named(rule.done or "", done))
    return "; ".join(parts)


def _interval_note(
    rule: Rule, dates: Mapping[str, date | None], answers: Mapping[str, str | None], status: Status
) -> str:
    """How the interval after the latest event was chosen, where the register could not settle it alone:
    the step's `reading` ("could be the first review or the second: read as the first"), or the register's
    yes-or-no answer ("placement intended to last until 18: not recorded, so every 6 weeks")."""
    if status in (Status.NOT_APPLICABLE, Status.DATA_MISSING) or not rule.latest:
        return ""
    start = next((dates[c] for c in rule.start if dates.get(c)), None)
    latest = dates.get(rule.latest)
    if latest is None or (start is not None and latest < start):
        return ""  # the first event is still awaited
    for index, step in enumerate(rule.then):
        if not _step_holds(step, latest, start, dates):
            continue
        if step.when_yes is None:
            return step.reading
        label = ANSWER_LABELS.get(step.when_yes, step.when_yes.replace("_", " "))
        answer = answers.get(step.when_yes)
        if answer == "Y":
            return f"{label}: yes, so every {step.every}"
        following = rule.then[index + 1 :]
        otherwise = next(
            (s.every for s in following if _step_holds(s, latest, start, dates)),
            step.every,
        )
        return f"{label}: {'no' if answer == 'N' else 'not recorded'}, so every {otherwise}"
    return ""


def _step_holds(step: Step, latest: date, start: date | None, dates: Mapping[str, date | None]) -> bool:
    """Whether the step's conditions other than a yes-or-no answer hold: `_apply`'s, for one case."""
    if step.when_latest_within is not None and (
        start is None or latest > step.when_latest_within.after(start)
    ):
        return False
    if step.when_latest_is is not None or step.when_latest_after is not None:
        known = dates.get(step.when_latest_is or step.when_latest_after or "")
        if known is None or (start is not None and known < start):
            return False
        if latest != known if step.when_latest_is else latest <= known:
            return False
    birth_month = dates.get("birth_month")
    if step.when_under_age is not None:
        if birth_month is None:
            return False
        birthday = birth_month.replace(year=birth_month.year + step.when_under_age)
        if step.every.after(latest) >= birthday:
            return False
    return True
