"""The retention schedule: how long each cohort's closed cases are kept, read from a YAML file the authority
confirms (docs/operations.md#retention-and-disposal).

The schedule is the authority's decision, not caseaudit's: the shipped file (`records/data/retention.yaml`)
holds the defaults of a common local authority schedule and is unconfirmed. A file is validated strictly
(unknown keys refused, every cohort given exactly one rule), and every problem names the file, the line
and the key, so that a wrong file disposes of nothing. Plain Python: no Django."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from caseaudit.core.cohorts import COHORT_LABELS, COHORT_SLUGS
from caseaudit.core.dates import add_months
from caseaudit.core.yaml_documents import DocumentError, key_lines, load_document

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "retention.yaml"
MAX_SCHEDULE_CHARS = 100_000
# A child's 130th birthday or 200 years after closure is a typing slip, not a schedule.
Years = Annotated[int, Field(strict=True, ge=1, le=125)]


class ScheduleError(DocumentError):
    """A schedule file that cannot be used: every problem, each naming the file, the line and the key."""


@dataclass(frozen=True)
class Rule:
    """Keep a closed case until the child's `birthday`th birthday, or `years_after_closure` years after it
    closed, or the later of the two when both are given."""

    birthday: int | None = None
    years_after_closure: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.birthday is not None:
            parts.append(f"the {_ordinal(self.birthday)} birthday")
        if self.years_after_closure is not None:
            years = self.years_after_closure
            parts.append(f"{years} year{'' if years == 1 else 's'} after closure")
        if len(parts) == 2:
            return f"until {parts[0]} or {parts[1]}, whichever is later"
        return f"until {parts[0]}"

    @property
    def needs_birth_month(self) -> bool:
        return self.birthday is not None

    def due_on(self, *, birth_month: date | None, closed_on: date) -> date | None:
        """The day the case falls due for disposal, or None when the birth month this rule needs is not
        known. caseaudit keeps the birth month only, so the Nth birthday is taken as the last day of the
        birth month N years on: the latest the real birthday can be, so a case is never disposed of early."""
        dates = []
        if self.birthday is not None:
            if birth_month is None:
                return None
            dates.append(_last_day_of_month(add_months(birth_month.replace(day=1), 12 * self.birthday)))
        if self.years_after_closure is not None:
            dates.append(add_months(closed_on, 12 * self.years_after_closure))
        return max(dates)


@dataclass(frozen=True)
class Schedule:
    rules: dict[str, Rule]  # cohort slug -> its rule, every cohort
    source: str
    confirmed_by: str = ""
    confirmed_on: date | None = None

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_by) and self.confirmed_on is not None

    def describe(self) -> list[str]:
        """One line per cohort, highest need first: "Care leaver: until the 75th birthday"."""
        return [f"{COHORT_LABELS[slug]}: {self.rules[slug]}" for slug in COHORT_SLUGS]


# The file's shape ----------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _LaterOf(_Strict):
    birthday: Years
    years_after_closure: Years


class _CohortRule(_Strict):
    until_birthday: Years | None = None
    years_after_closure: Years | None = None
    later_of: _LaterOf | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> _CohortRule:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one rule: until_birthday, years_after_closure or later_of"
                + (f" (this gives {', '.join(given)})" if given else "")
            )
        return self

    def rule(self) -> Rule:
        if self.later_of is not None:
            return Rule(self.later_of.birthday, self.later_of.years_after_closure)
        return Rule(self.until_birthday, self.years_after_closure)


class _Cohorts(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    care_leaver: _CohortRule = Field(alias="care-leaver")
    looked_after: _CohortRule = Field(alias="looked-after")
    child_protection: _CohortRule = Field(alias="child-protection")
    child_in_need: _CohortRule = Field(alias="child-in-need")
    early_help: _CohortRule = Field(alias="early-help")


class _ScheduleFile(_Strict):
    version: Annotated[int, Field(strict=True, ge=1, le=1)]
    confirmed_by: str | None = ""
    confirmed_on: date | None = None
    cohorts: _Cohorts

    @model_validator(mode="after")
    def _confirmed_together(self) -> _ScheduleFile:
        if bool((self.confirmed_by or "").strip()) != (self.confirmed_on is not None):
            raise ValueError("give both confirmed_by and confirmed_on, or neither")
        return self


assert tuple(f.alias for f in _Cohorts.model_fields.values()) == COHORT_SLUGS


def load_schedule(path: Path | str | None) -> Schedule:
    """The schedule in `path`, or the shipped defaults (unconfirmed) when no file is named."""
    file = Path(path) if path else DEFAULT_FILE
    source = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScheduleError([f"{source}: cannot be read ({exc})"]) from None
    return parse_schedule(text, source)


def parse_schedule(text: str, source: str) -> Schedule:
    """Parse and validate a schedule document; ScheduleError names `source`, the line and the key of every
    problem. The shipped file's confirmation is ignored: only an authority's own copy is ever confirmed."""
    if len(text) > MAX_SCHEDULE_CHARS:
        raise ScheduleError([f"{source}: is too big for a retention schedule ({len(text):,} characters)"])
    root, data = load_document(text, source, ScheduleError)
    if not isinstance(data, dict) or root is None:
        raise ScheduleError([f"{source}: a retention schedule is a mapping with keys version and cohorts"])
    try:
        parsed = _ScheduleFile.model_validate(data)
    except ValidationError as exc:
        problems = sorted((_problem(error, root, source) for error in exc.errors()), key=lambda p: p[0])
        raise ScheduleError([words for _, words in problems]) from None
    rules = {
        field.alias or name: getattr(parsed.cohorts, name).rule()
        for name, field in _Cohorts.model_fields.items()
    }
    shipped = Path(source).resolve() == DEFAULT_FILE
    return Schedule(
        rules=rules,
        source=source,
        confirmed_by="" if shipped else (parsed.confirmed_by or "").strip(),
        confirmed_on=None if shipped else parsed.confirmed_on,
    )


def _problem(error: Any, root: yaml.Node, source: str) -> tuple[int, str]:
    """The line a validation error is on, and the error in words naming the file, the line and the key."""
    loc = tuple(part for part in error["loc"] if not str(part).startswith("function-"))
    line = root.start_mark.line
    for node_line in key_lines(root, loc):
        line = node_line
    key = ".".join(str(part) for part in loc)
    original = error.get("ctx", {}).get("error")
    if error["type"] == "value_error" and original is not None:
        message = str(original)
    elif error["type"] == "extra_forbidden":
        message = "unknown key" + (
            f" (the cohorts are {', '.join(COHORT_SLUGS)})"
            if loc[:1] == ("cohorts",) and len(loc) == 2
            else ""
        )
    elif error["type"] == "missing":
        message = "this key is required but missing"
    else:
        value = error.get("input")
        got = f" (got {value!r})" if isinstance(value, str | int | float | bool) or value is None else ""
        message = f"{error['msg']}{got}"
    where = f"{source} line {line + 1}"
    return line, f"{where}: {key}: {message}" if key else f"{where}: {message}"


def _last_day_of_month(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
