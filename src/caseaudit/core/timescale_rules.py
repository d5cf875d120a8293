"""Timescale rules as versioned data: a YAML document of rules, validated strictly, with local overrides.

docs/domain.md#timescales: each rule names its anchor date, interval and unit, and each
authority may change local rules (CONTRIBUTING.md, convention 4: versioned data in YAML, unknown keys
rejected). The defaults ship in `core/data/timescales.yaml`; an authority's own file replaces rules by slug
and may add new ones.

The shape of a rule (every interval is written "<number> <unit>", the unit being `days` (calendar days),
`weeks`, `months` (calendar months: 31 January + 1 month = 28 or 29 February) or `working-days` (England)):

- `latest` + `then`: a recurring event. The next one is due `then` after the latest. `then` is a list of
  steps, each `every: <interval>`; the first step whose conditions hold applies, so the last has none.
  Conditions: `when_latest_within: <interval>` (the latest event fell within that long of `start`: a looked
  after review within the first review's window was the first review; a list of intervals adds them up in
  turn, so `[20 working-days, 3 months]` is 3 months after the 20th working day), `when_under_age: <years>`
  (the child is under that age on the date the step gives: health assessments of under-5s), `when_yes:
  <answer>` (the register answers yes: a placement intended to last until the child is 18; where it says
  no or does not say, the step does not apply), and `when_latest_is: <date>` or `when_latest_after: <date>`
  (the latest event is that date, or later: a date worked out from the history a return brings, such as
  the first looked after review, which says for sure whether the latest review was the first; where that
  date is empty or before `start`, the step does not apply). A step's `reading` says, on the case page, how
  the latest event was read (a latest review that may be the first or the second, read the stricter way).
- `start` + `first`: the first event is due `first` after `start` (a list of columns: the first one that has
  a date is used). With `latest` too, only events on or after `start` count, and until there is one, the
  first is due from `start`.
- `done`: a one-off event (an assessment's completion): the check is met when it happened on or after
  `start`; `start` and `first` give its deadline.
- `not_applicable_once`: the check stops applying once this event has happened (on or after `start`).
- `empty_start_means_none_waiting: true`: an empty `start` means nothing is waiting (no event left to write
  up), so the case is compliant; only a register that lacks the column altogether is data missing.
- `due_soon: <interval>`: how long before its due date an event is "due soon". By default the smaller of 14
  days and a third of the interval the due date was counted with.
- `aged: {at_least: <years>, under: <years>}`: the rule applies only to children of that age on the day
  checked (personal education plans: school age, 5 to 15); for others it does not apply, and without a
  birth month it is data missing. The birthday counts from the first of the birth month.
- `enabled: false`: a rule shipped off, because the law sets no timescale for it (early help assessments)
  or it is a local standard many authorities do not keep (child in need visits). It is listed as "not
  checked"; an authority turns it on by giving the whole rule, with `enabled: true`, in its own file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import polars as pl
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from .audit_tools import CohortSlug, OptionalText, Slug, Text, Version
from .cohorts import COHORT_SLUGS
from .dates import add_months
from .register import ANSWER_COLUMNS, DATE_COLUMNS, HISTORY_DATE_COLUMNS
from .working_days import add_working_days, england_bank_holidays
from .yaml_documents import DocumentError, key_lines, load_document

# The checks caseaudit knows, in the order reports list them (cohort precedence, then the cross-cohort ones).
CHECK_SLUGS: tuple[str, ...] = (
    "pathway-plan-review",
    "personal-adviser-contact",
    "looked-after-review",
    "looked-after-visit",
    "personal-education-plan",
    "initial-health-assessment",
    "health-assessment",
    "dental-check",
    "initial-conference",
    "first-core-group",
    "review-conference",
    "child-protection-visit",
    "assessment-completion",
    "child-in-need-visit",
    "child-in-need-plan-review",
    "early-help-assessment",
    "case-recording",
    "supervision",
)
# The register's dates a rule may anchor on, with the words the case page shows beside them.
DATE_LABELS: dict[str, str] = {
    "opened_on": "case opened",
    "closed_on": "case closed",
    "latest_pathway_plan": "latest pathway plan",
    "latest_contact": "latest contact",
    "looked_after_since": "started to be looked after",
    "placement_start": "current placement started",
    "latest_statutory_review": "latest looked after review",
    "first_looked_after_review": "first looked after review (from the review history)",
    "last_social_work_visit": "last social work visit",
    "last_health_assessment": "last health assessment",
    "last_dental_check": "last dental check",
    "strategy_discussion": "strategy discussion",
    "initial_conference": "initial conference",
    "first_core_group": "first core group",
    "initial_health_assessment": "initial health assessment",
    "referral_date": "referral",
    "cin_plan_start": "child in need plan started",
    "latest_cin_plan_review": "latest child in need plan review",
    "cp_plan_start": "child protection plan started",
    "last_statutory_visit": "last statutory visit",
    "latest_review_conference": "latest review conference",
    "assessment_start": "assessment started",
    "assessment_completed": "assessment completed",
    "last_seen": "child last seen",
    "last_supervision": "last supervision",
    "recording_backlog_since": "oldest event not yet recorded",
    "latest_pep": "latest personal education plan review",
    "birth_month": "birth month",
}
# The register's yes-or-no answers a step may depend on, with the words the case page shows beside them.
ANSWER_LABELS: dict[str, str] = {"placement_intended_until_18": "placement intended to last until 18"}
RULE_DATE_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys((*DATE_COLUMNS, "last_supervision", "recording_backlog_since", *HISTORY_DATE_COLUMNS))
)
MAX_RULES_CHARS = 200_000
# The longest "due soon" window: a rule's is the smaller of this and a third of its interval.
DUE_SOON_DAYS = 14
UNITS = ("days", "weeks", "months", "working-days")
_INTERVAL = re.compile(r"^(\d{1,3}) +(day|week|month|working[- ]day)s?$", re.ASCII)


class TimescaleRulesError(DocumentError):
    """A rules file that cannot be loaded: every problem, each naming the file, the line and the rule."""


@dataclass(frozen=True)
class Interval:
    amount: int
    unit: str  # one of UNITS

    def __str__(self) -> str:
        word = self.unit.replace("-", " ")
        return f"{self.amount} {word[:-1] if self.amount == 1 else word}"

    def after(self, day: date) -> date:
        """The scalar sum, for one date (the vectorised one is `expr`; tests hold them equal)."""
        if self.unit == "days":
            return day + timedelta(days=self.amount)
        if self.unit == "weeks":
            return day + timedelta(weeks=self.amount)
        if self.unit == "months":
            return add_months(day, self.amount)
        return add_working_days(day, self.amount, england_bank_holidays(day.year, day.year + 5))

    @property
    def days(self) -> int:
        """About how many calendar days the interval spans: a month as 30, a working week as 7 days."""
        per_unit = {"days": 1, "weeks": 7, "months": 30}
        if self.unit in per_unit:
            return self.amount * per_unit[self.unit]
        return self.amount * 7 // 5

    def expr(self, day: pl.Expr, holidays: list[date]) -> pl.Expr:
        """The same sum over a Date column. `holidays` must cover the years the sums pass through."""
        if self.unit == "days":
            return day.dt.offset_by(f"{self.amount}d")
        if self.unit == "weeks":
            return day.dt.offset_by(f"{self.amount}w")
        if self.unit == "months":
            # Calendar months, clamped to the month's end as add_months does.
            return day.dt.offset_by(f"{self.amount}mo")
        # "backward" rolls a weekend or holiday start back to the working day before, so that the first
        # working day counted is the one after the start, as add_working_days counts.
        return day.dt.add_business_days(self.amount, holidays=holidays, roll="backward")


@dataclass(frozen=True)
class Span:
    """One interval after another: "20 working days, then 3 months"."""

    parts: tuple[Interval, ...]

    def __str__(self) -> str:
        return ", then ".join(str(part) for part in self.parts)

    def after(self, day: date) -> date:
        for part in self.parts:
            day = part.after(day)
        return day

    def expr(self, day: pl.Expr, holidays: list[date]) -> pl.Expr:
        for part in self.parts:
            day = part.expr(day, holidays)
        return day


@dataclass(frozen=True)
class Step:
    every: Interval
    when_latest_within: Span | None = None
    when_under_age: int | None = None
    when_yes: str | None = None  # one of ANSWER_COLUMNS
    reading: str = ""  # how the latest event was read, where this step applies
    # The latest event is this date, or after it (a date column; empty, or before `start`: the step does
    # not apply): what the history says of the latest event, where the register alone cannot.
    when_latest_is: str | None = None
    when_latest_after: str | None = None


@dataclass(frozen=True)
class Rule:
    slug: str
    label: str
    kind: str  # "statutory" or "local"
    cohorts: tuple[str, ...]
    description: str
    source: str = ""
    start: tuple[str, ...] = ()
    first: Interval | None = None
    latest: str | None = None
    then: tuple[Step, ...] = ()
    done: str | None = None
    not_applicable_once: str | None = None
    empty_start_means_none_waiting: bool = False
    due_soon: Interval | None = None  # the window before a due date in which it is "due soon"
    enabled: bool = True
    # The ages the rule applies to: from the first up to, not including, the second (None: every age).
    aged: tuple[int, int] | None = None

    def due_soon_days(self, interval: Interval) -> int:
        """How many days before a due date counted with `interval` the event is "due soon": the rule's own
        window where it sets one, else the smaller of DUE_SOON_DAYS and a third of the interval, so that a
        visit due every 10 working days, done 3 days ago, is not yet due soon."""
        if self.due_soon is not None:
            return self.due_soon.days
        return min(DUE_SOON_DAYS, interval.days // 3)

    @property
    def uses_age(self) -> bool:
        return self.aged is not None or any(step.when_under_age is not None for step in self.then)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every register column the rule reads."""
        known = (c for step in self.then for c in (step.when_latest_is, step.when_latest_after))
        named = (*self.start, self.latest, self.done, self.not_applicable_once, *known)
        return tuple(dict.fromkeys(c for c in (*named, "birth_month" if self.uses_age else None) if c))

    @property
    def intervals(self) -> tuple[Interval, ...]:
        within = [part for s in self.then if s.when_latest_within for part in s.when_latest_within.parts]
        return tuple(i for i in (self.first, *(s.every for s in self.then), *within) if i is not None)


@dataclass(frozen=True)
class RuleSet:
    name: str
    version: int
    rules: tuple[Rule, ...]  # the rules checked
    local_name: str = ""  # the authority's override file, when one was applied
    local_version: int | None = None
    off: tuple[Rule, ...] = ()  # the rules not checked (`enabled: false`), listed so that people know

    def get(self, slug: str) -> Rule:
        for rule in self.rules:
            if rule.slug == slug:
                return rule
        raise KeyError(f"no timescale rule {slug!r} (rules: {', '.join(r.slug for r in self.rules)})")

    def for_cohort(self, cohort: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if cohort in rule.cohorts)


# --- the document's schema ----------------------------------------------------------------------------


def _interval(value: str) -> str:
    if not _INTERVAL.match(value.strip()) or int(value.split()[0]) < 1:
        raise ValueError(
            f"{value!r} is not an interval: write a whole number from 1 and a unit, such as '6 months' "
            f"(units: {', '.join(UNITS)})"
        )
    return value.strip()


def _date_column(value: str) -> str:
    if value not in RULE_DATE_COLUMNS:
        raise ValueError(f"{value!r} is not a date of the case register (use {', '.join(RULE_DATE_COLUMNS)})")
    return value


def _answer_column(value: str) -> str:
    if value not in ANSWER_COLUMNS:
        raise ValueError(
            f"{value!r} is not a yes-or-no answer of the register (use {', '.join(ANSWER_COLUMNS)})"
        )
    return value


def _unique_cohorts(cohorts: list[str]) -> list[str]:
    if len(set(cohorts)) != len(cohorts):
        raise ValueError("a cohort is listed twice")
    return cohorts


IntervalText = Annotated[str, AfterValidator(_interval)]
# One interval, or a list of them added up in turn.
IntervalsText = Annotated[
    list[IntervalText], BeforeValidator(lambda v: [v] if isinstance(v, str) else v), Field(min_length=1)
]
DateColumn = Annotated[str, AfterValidator(_date_column)]
AnswerColumn = Annotated[str, AfterValidator(_answer_column)]
# One column, or a list of them of which the first with a date is used.
DateColumns = Annotated[
    list[DateColumn], BeforeValidator(lambda v: [v] if isinstance(v, str) else v), Field(min_length=1)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepModel(_Strict):
    every: IntervalText
    when_latest_within: IntervalsText | None = None
    when_under_age: Annotated[int, Field(strict=True, ge=1, le=25)] | None = None
    when_yes: AnswerColumn | None = None
    when_latest_is: DateColumn | None = None
    when_latest_after: DateColumn | None = None
    reading: OptionalText = ""

    @model_validator(mode="after")
    def _one_history_condition(self) -> StepModel:
        if self.when_latest_is is not None and self.when_latest_after is not None:
            raise ValueError(
                "the latest event is that date or after it, not both: give `when_latest_is` or "
                "`when_latest_after`"
            )
        return self


class AgedModel(_Strict):
    at_least: Annotated[int, Field(strict=True, ge=0, le=25)]
    under: Annotated[int, Field(strict=True, ge=1, le=26)]

    @model_validator(mode="after")
    def _band(self) -> AgedModel:
        if self.under <= self.at_least:
            raise ValueError("`under` is an age above `at_least`")
        return self


class RuleModel(_Strict):
    slug: Slug
    label: Text
    kind: Literal["statutory", "local"]
    # Left out: every cohort (supervision and case recording apply to every case).
    cohorts: Annotated[list[CohortSlug], Field(min_length=1), AfterValidator(_unique_cohorts)] | None = None
    description: Text
    source: OptionalText = ""
    start: DateColumns | None = None
    first: IntervalText | None = None
    latest: DateColumn | None = None
    then: Annotated[list[StepModel], Field(min_length=1)] | None = None
    done: DateColumn | None = None
    not_applicable_once: DateColumn | None = None
    empty_start_means_none_waiting: bool = False
    due_soon: IntervalText | None = None
    enabled: bool = True
    aged: AgedModel | None = None

    @model_validator(mode="after")
    def _shape(self) -> RuleModel:
        if self.start is None and self.latest is None:
            raise ValueError(
                "a rule needs `start` (the date its first timescale counts from), `latest`, or both"
            )
        if (self.start is None) != (self.first is None):
            raise ValueError("`start` and `first` go together: `first` is the timescale counted from `start`")
        if (self.latest is None) != (self.then is None):
            raise ValueError(
                "`latest` and `then` go together: `then` is the timescale after the latest event"
            )
        if self.empty_start_means_none_waiting and (self.start is None or self.latest is not None):
            raise ValueError("`empty_start_means_none_waiting` is for a rule with `start` and no `latest`")
        if self.done is not None and self.latest is not None:
            raise ValueError("`done` is for a one-off event, so a rule with `done` has no `latest`")
        for index, step in enumerate(self.then or []):
            if step.when_latest_within is not None and self.start is None:
                raise ValueError(f"then.{index}: `when_latest_within` counts from `start`: give `start` too")
            last = index == len(self.then or []) - 1
            conditions = (
                step.when_latest_within,
                step.when_under_age,
                step.when_yes,
                step.when_latest_is,
                step.when_latest_after,
            )
            if last and any(condition is not None for condition in conditions):
                raise ValueError(
                    "the last `then` step applies when no other does: it takes no `when_` condition"
                )
        return self


def _unique_rules(rules: list[RuleModel]) -> list[RuleModel]:
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        if rule.slug in seen:
            raise ValueError(f"rule {rule.slug!r} is defined twice (rules {seen[rule.slug]} and {index})")
        seen[rule.slug] = index
    return rules


class RulesFile(_Strict):
    version: Version
    name: Annotated[str, Field(min_length=1, max_length=200)]
    rules: Annotated[list[RuleModel], Field(min_length=1), AfterValidator(_unique_rules)]


# --- loading ----------------------------------------------------------------------------------------------


def parse_interval(text: str) -> Interval:
    match = _INTERVAL.match(_interval(text))
    assert match is not None
    unit = {"day": "days", "week": "weeks", "month": "months"}.get(match[2], "working-days")
    return Interval(int(match[1]), unit)


def _rule(model: RuleModel) -> Rule:
    return Rule(
        slug=model.slug,
        label=model.label,
        kind=model.kind,
        cohorts=tuple(model.cohorts) if model.cohorts else COHORT_SLUGS,
        description=model.description,
        source=model.source,
        start=tuple(model.start or ()),
        first=parse_interval(model.first) if model.first else None,
        latest=model.latest,
        then=tuple(
            Step(
                parse_interval(s.every),
                Span(tuple(map(parse_interval, s.when_latest_within))) if s.when_latest_within else None,
                s.when_under_age,
                s.when_yes,
                s.reading,
                s.when_latest_is,
                s.when_latest_after,
            )
            for s in model.then or ()
        ),
        done=model.done,
        not_applicable_once=model.not_applicable_once,
        empty_start_means_none_waiting=model.empty_start_means_none_waiting,
        due_soon=parse_interval(model.due_soon) if model.due_soon else None,
        enabled=model.enabled,
        aged=(model.aged.at_least, model.aged.under) if model.aged else None,
    )


def parse_rules(text: str, source: str) -> RulesFile:
    """Parse and validate a rules document; TimescaleRulesError names `source`, the line, the rule and the
    key of every problem."""
    if len(text) > MAX_RULES_CHARS:
        raise TimescaleRulesError([f"{source}: is too big for a rules file ({len(text):,} characters)"])
    root, data = load_document(text, source, TimescaleRulesError)
    if not isinstance(data, dict) or root is None:
        raise TimescaleRulesError([f"{source}: a rules file is a mapping with keys version, name and rules"])
    try:
        return RulesFile.model_validate(data)
    except ValidationError as exc:
        problems = sorted((_problem(e, root, data, source) for e in exc.errors()), key=lambda p: p[0])
        raise TimescaleRulesError([text for _, text in problems]) from None


def _problem(error: Any, root: yaml.Node, data: dict[str, Any], source: str) -> tuple[int, str]:
    """The line a validation error is on, and the error in words naming the file, line, rule and key."""
    loc: tuple[str | int, ...] = tuple(error["loc"])
    line = root.start_mark.line
    for node_line in key_lines(root, loc):
        line = node_line
    where = f"{source} line {line + 1}"
    path = loc
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = data.get("rules")
        item = rules[loc[1]] if isinstance(rules, list) and loc[1] < len(rules) else None
        slug = item.get("slug") if isinstance(item, dict) else None
        where += f": rule {slug!r}" if isinstance(slug, str) else f": rule {loc[1] + 1}"
        path = loc[2:]
    original = error.get("ctx", {}).get("error")
    if error["type"] == "value_error" and original is not None:
        message = str(original)
    elif error["type"] == "extra_forbidden":
        message = f"unknown key (allowed here: {', '.join(_allowed_keys(loc))})"
    elif error["type"] == "missing":
        message = "this key is required but missing"
    elif error["type"] == "int_type" and loc == ("version",):
        message = (
            f"a version is a whole number from 1, such as 2, without quotes (got {error.get('input')!r})"
        )
    else:
        value = error.get("input")
        got = f" (got {value!r})" if isinstance(value, str | int | float | bool) or value is None else ""
        message = f"{error['msg']}{got}"
    # Pydantic adds a union branch or a validator's name to the path; people need the keys only.
    keys = ".".join(str(p) for p in path if not (isinstance(p, str) and ("[" in p or p == "function-after")))
    return line, f"{where}: {keys}: {message}" if keys else f"{where}: {message}"


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    model: type[BaseModel] = RulesFile
    if len(loc) >= 3 and loc[0] == "rules":
        model = RuleModel
        if len(loc) >= 5 and loc[2] == "then":
            model = StepModel
        elif len(loc) >= 4 and loc[2] == "aged":
            model = AgedModel
    return list(model.model_fields)


def merge_rules(defaults: RulesFile, local: RulesFile | None) -> RuleSet:
    """The defaults with the local file's rules replacing those of the same slug and adding new ones; known
    checks in CHECK_SLUGS order, then the new ones in the local file's order. The rules turned off are kept
    apart, in `off`."""
    rules = {model.slug: _rule(model) for model in defaults.rules}
    if local is not None:
        rules.update({model.slug: _rule(model) for model in local.rules})
    order = {slug: rank for rank, slug in enumerate(CHECK_SLUGS)}
    ordered = sorted(rules.values(), key=lambda r: order.get(r.slug, len(order)))
    return RuleSet(
        name=defaults.name,
        version=defaults.version,
        rules=tuple(rule for rule in ordered if rule.enabled),
        local_name=local.name if local else "",
        local_version=local.version if local else None,
        off=tuple(rule for rule in ordered if not rule.enabled),
    )


def read_rules_file(path: Path) -> RulesFile:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TimescaleRulesError([f"{path}: cannot be read ({exc})"]) from None
    return parse_rules(text, str(path))
