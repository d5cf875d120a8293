"""The committee paper's equality tables: how the audited children's grades and the open cases' timescales
compare by sex, ethnic group, disability and age band, with small groups kept from view.

A group of fewer than 5 children is never shown as a number: in a paper that goes to members and the
public, "1 disabled child of Black heritage, graded inadequate" is as good as a name. Where hiding one group
alone would let a reader work it out from the total, the next smallest group is hidden too (secondary
suppression, as the Department for Education's own statistics do).

Django-free: it counts what it is given."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from .characteristics import (
    AGE_BANDS,
    DISABILITY_LABELS,
    ETHNIC_GROUPS,
    NOT_RECORDED,
    SEX_LABELS,
    age_band,
    ethnic_group,
)

SMALLEST_SHOWN = 5
GOOD_GRADES = frozenset({"outstanding", "good"})


@dataclass(frozen=True)
class Child:
    """What the equality tables know about one child: the register's codes, never a name or an ID."""

    sex: str | None
    ethnicity: str | None
    disability: str | None
    birth_month: date | None


@dataclass(frozen=True)
class Characteristic:
    name: str  # "Sex"
    groups: tuple[str, ...]  # every group, in the order the table lists them
    group_of: Callable[[Child, date], str]


CHARACTERISTICS = (
    Characteristic(
        "Sex",
        (*SEX_LABELS.values(), NOT_RECORDED),
        lambda child, on: SEX_LABELS.get(child.sex or "", NOT_RECORDED),
    ),
    Characteristic(
        "Ethnic group", (*ETHNIC_GROUPS, NOT_RECORDED), lambda child, on: ethnic_group(child.ethnicity)
    ),
    Characteristic(
        "Disability",
        (*DISABILITY_LABELS.values(), NOT_RECORDED),
        lambda child, on: DISABILITY_LABELS.get(child.disability or "", NOT_RECORDED),
    ),
    Characteristic(
        "Age band",
        (*(label for _, label in AGE_BANDS), NOT_RECORDED),
        lambda child, on: age_band(child.birth_month, on),
    ),
)


@dataclass(frozen=True)
class Share:
    """`part` of `whole` children in one group; `shown` False where the group is kept from view."""

    part: int
    whole: int
    shown: bool

    def text(self) -> tuple[str, str]:
        """The group's count and share, as the table prints them."""
        if not self.whole:
            return ("0", "none")
        if not self.shown:
            return (
                f"fewer than {SMALLEST_SHOWN}" if self.whole < SMALLEST_SHOWN else "not shown",
                "not shown",
            )
        return (str(self.whole), f"{self.part} ({round(100 * self.part / self.whole)}%)")


@dataclass(frozen=True)
class GroupRow:
    group: str
    grades: Share  # completed audits, and how many were good or outstanding
    timescales: Share  # open cases in the sample, and how many had a check overdue


@dataclass(frozen=True)
class EqualityTable:
    characteristic: str
    rows: tuple[GroupRow, ...]
    recorded: bool  # False when the register records this for none of the children


def equality_tables(
    audits: Iterable[tuple[Child, str]], open_cases: Iterable[tuple[Child, bool]], *, on: date
) -> list[EqualityTable]:
    """One table per characteristic. `audits`: each completed audit's child and grade; `open_cases`: each
    open case in the sample and whether any of its checks was overdue; ages as on `on`."""
    audits, open_cases = list(audits), list(open_cases)
    tables = []
    for characteristic in CHARACTERISTICS:
        audited, good = Counter[str](), Counter[str]()
        for child, grade in audits:
            group = characteristic.group_of(child, on)
            audited[group] += 1
            good[group] += grade in GOOD_GRADES
        checked, overdue = Counter[str](), Counter[str]()
        for child, late in open_cases:
            group = characteristic.group_of(child, on)
            checked[group] += 1
            overdue[group] += late
        hidden_audits, hidden_cases = hidden(audited), hidden(checked)
        rows = tuple(
            GroupRow(
                group,
                Share(good[group], audited[group], group not in hidden_audits),
                Share(overdue[group], checked[group], group not in hidden_cases),
            )
            for group in characteristic.groups
            if audited[group] or checked[group]
        )
        recorded = any(row.group != NOT_RECORDED for row in rows)
        tables.append(EqualityTable(characteristic.name, rows, recorded))
    return tables


def hidden(counts: Counter[str]) -> set[str]:
    """The groups kept from view: each of 1 to 4 children, and, where that is one group alone (which the
    total would give away), the next smallest too."""
    small = {group for group, n in counts.items() if 0 < n < SMALLEST_SHOWN}
    if len(small) == 1:
        others = sorted((n, group) for group, n in counts.items() if n and group not in small)
        if others:
            small.add(others[0][1])
    return small
