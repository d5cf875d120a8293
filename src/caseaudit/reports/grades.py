"""The table of grades by period and cohort, read from the audits in one grouped query.

Reports are aggregates: nothing here names a child or a worker, so the table may go to senior leaders and
members. Reports use the moderated grade by default, the auditor's grade when asked
(docs/domain.md#moderation)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from django.db import connection
from django.db.models import CharField, Count, Func, Max, Q, QuerySet, Sum
from django.db.models.functions import Cast, ExtractYear, Substr
from django.utils import timezone

from caseaudit.audits.fingerprint import graded_fingerprint
from caseaudit.audits.models import Audit, AuditTemplate, GradeScale, of_kind
from caseaudit.cases.fingerprint import register_fingerprint
from caseaudit.core.audit_types import CASE_FILE
from caseaudit.core.cohorts import COHORT_LABELS, COHORT_SLUGS
from caseaudit.core.comparability import NOT_RECORDED, Basis, caveats, sampling_words
from caseaudit.core.grade_tables import ALL_COHORTS, OFSTED_GRADES, GradeRow, grade_rows
from caseaudit.cycles.models import Cycle
from caseaudit.kept import cache_key, kept

from .models import DisposedAudits

By = Literal["year", "cycle"]
GradeSource = Literal["moderated", "auditor"]
BY_CHOICES: tuple[By, ...] = ("year", "cycle")
GRADE_SOURCES: tuple[GradeSource, ...] = ("moderated", "auditor")
# The period of an audit that belongs to no cycle, in a table by cycle (historical audits, mostly).
NO_CYCLE = "No cycle"
GRADE_LABELS = {
    "inadequate": "Inadequate",
    "requires-improvement": "Requires improvement",
    "good": "Good",
    "outstanding": "Outstanding",
}


@dataclass
class GradeTable:
    by: By
    grade_source: GradeSource
    periods: list[str]
    cohorts: list[str]
    rows: list[GradeRow]
    bases: dict[str, dict[Basis, int]]
    caveats: list[str] = field(default_factory=list)
    # Why some audits are not in the table (awaiting moderation, graded on another scale), in words.
    exclusions: list[str] = field(default_factory=list)
    # A year counted only part of the way ("to 30 Nov", or "so far" for the year under way): the chart
    # marks it, so that nobody reads a part year against a whole one unwarned.
    partial: dict[str, str] = field(default_factory=dict)

    @property
    def grades(self) -> tuple[str, ...]:
        return OFSTED_GRADES

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows if row.cohort != ALL_COHORTS)

    @property
    def notes(self) -> list[str]:
        return [*self.caveats, *self.exclusions]


def cohort_label(cohort: str) -> str:
    return "All cohorts" if cohort == ALL_COHORTS else COHORT_LABELS.get(cohort, cohort)


def grade_table(
    *,
    by: By = "year",
    grade_source: GradeSource = "moderated",
    cohort: str | None = None,
    cycles: Sequence[Cycle] | None = None,
    up_to: date | None = None,
    within: QuerySet[Audit] | None = None,
    disposed: QuerySet[DisposedAudits] | None = None,
    audit_type: str = CASE_FILE,
) -> GradeTable:
    """Counts per period (a year of audit dates, or a cycle), cohort and grade, newest period first, with
    the caveats a reader needs. `cohort` keeps one cohort; `cycles` keeps the audits of those cycles; `up_to`
    keeps audits completed on or before that date (a paper for Autumn 2021 does not count Spring 2022);
    `within` keeps the audits a person's scope allows (`reports.scoping.graded_audits_for`: one team's).

    Audits disposed of under the retention schedule count from the figures kept when they went
    (`DisposedAudits`), so a past period keeps its true totals: all of them for the whole authority, or
    `disposed` (`reports.scoping.disposed_audits_for`) when the table is scoped with `within`.

    One kind of audit at a time, the case file audit unless `audit_type` names another: a Good in a
    practice observation is not a Good case, and the committee's table is of cases."""
    grade_field = f"{grade_source}_grade"
    # Only submitted audits carry an auditor's grade (a draft's is `draft_grade`), so the grade alone picks
    # the audits to count; an audit in a draft sample is never started, so it never has one.
    audits = (
        (Audit.objects.all() if within is None else within)
        .filter(completed_on__isnull=False)
        .filter(~Q(auditor_grade="") | ~Q(moderated_grade=""))
        .filter(of_kind(audit_type))
    )
    if cohort:
        audits = audits.filter(cohort=cohort)
    if cycles is not None:
        audits = audits.filter(cycle__in=list(cycles))
    if up_to is not None:
        audits = audits.filter(completed_on__lte=up_to)
    if disposed is None:
        disposed = DisposedAudits.objects.all() if within is None else DisposedAudits.objects.none()
    kept = (
        disposed.filter(completed_on__isnull=False)
        .filter(~Q(auditor_grade="") | ~Q(moderated_grade=""))
        .filter(of_kind(audit_type))
    )
    if cohort:
        kept = kept.filter(cohort=cohort)
    if cycles is not None:
        kept = kept.filter(cycle__in=list(cycles))
    if up_to is not None:
        kept = kept.filter(completed_on__lte=up_to)
    groups = _groups(audits, kept, grade_field, scoped=within is not None)
    gone: dict[str, int] = defaultdict(int)
    reader = _BasisReader()
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    bases: dict[str, dict[Basis, int]] = defaultdict(lambda: defaultdict(int))
    ungraded: dict[str, int] = defaultdict(int)
    off_scale: dict[str, int] = defaultdict(int)
    for audit_year, cycle_id, audit_cohort, grade, template_id, scale_id, n, was_disposed in groups:
        period = str(audit_year) if by == "year" else reader.cycle_name(cycle_id)
        if was_disposed:
            gone[period] += n
        if not grade:
            ungraded[period] += n
        elif grade not in OFSTED_GRADES or not reader.is_ofsted(scale_id):
            off_scale[period] += n
        else:
            counts[(period, audit_cohort)][grade] += n
            bases[period][reader.basis(cycle_id, template_id, scale_id)] += n
    periods = _ordered_periods({p for p, _ in counts} | set(ungraded) | set(off_scale), by, reader)
    seen_cohorts = {c for _, c in counts}
    cohorts = [cohort] if cohort else [c for c in COHORT_SLUGS if c in seen_cohorts]
    rows = grade_rows(counts, periods=periods, cohorts=cohorts)
    table = GradeTable(by, grade_source, periods, cohorts, rows, {p: dict(b) for p, b in bases.items()})
    table.caveats = caveats(table.bases, rows, periods=periods)
    table.exclusions = _exclusions(grade_source, ungraded, off_scale) + _disposed(gone)
    if by == "year":
        table.partial = _partial_year(periods, up_to)
    return table


def _partial_year(periods: Sequence[str], up_to: date | None) -> dict[str, str]:
    """The last year counted, when it is counted only part of the way: to `up_to`, or to today."""
    end = up_to or timezone.localdate()
    if str(end.year) not in periods or (end.month, end.day) == (12, 31):
        return {}
    return {str(end.year): f"to {end.day} {end:%b}" if up_to else "so far"}


Group = tuple[object, int | None, str, str, int | None, int | None, int, bool]
# The columns of the index `audit_graded` (audits/models.py), in its order.
_INDEX_ORDER = (
    "cycle_id",
    "completed_on",
    "cohort",
    "moderated_grade",
    "auditor_grade",
    "template_id",
    "grade_scale_id",
)


def _groups(
    audits: QuerySet[Audit], disposed: QuerySet[DisposedAudits], grade_field: str, *, scoped: bool
) -> list[Group]:
    """(year, cycle id, cohort, grade, template id, scale id, audits, disposed?) for the audits counted and
    the figures kept of those disposed of: two grouped queries, which read every completed audit (tens of
    milliseconds at 50,000, a second at a million), so kept between requests (`caseaudit.kept`) under
    the queries themselves and fingerprints of the completed audits and of the register (a team manager's
    audits are those of their team's cases, which an import may move)."""
    fields = ("year", "cycle_id", "cohort", grade_field, "template_id", "grade_scale_id")

    def read() -> list[Group]:
        # Grouped by the columns of the index of completed audits (`audit_graded`), in its order, so that
        # the database counts as it reads the index rather than sorting every audit first (on SQLite at a
        # million audits, 0.2 s rather than 1.1); each day's counts are then added up by year here, a few
        # tens of thousands of rows.
        by_year: Counter[tuple[object, ...]] = Counter()
        for cycle_id, day, cohort, moderated, auditor, template_id, scale_id, n in (
            # COUNT(*), not of ids: the index holds no id, and PostgreSQL would visit every row for them.
            audits.values_list(*_INDEX_ORDER).annotate(audits=Count("*")).order_by()
        ):
            grade = moderated if grade_field == "moderated_grade" else auditor
            by_year[(day.year, cycle_id, cohort, grade, template_id, scale_id)] += n
        groups: list[Group] = [(*group, n, False) for group, n in by_year.items()]  # type: ignore[misc]
        groups += [
            (*row, True)
            for row in disposed.annotate(year=_year_of("completed_on"))
            .values_list(*fields)
            .annotate(audits=Sum("audits"))
            .order_by()
        ]
        return groups

    disposed_now = DisposedAudits.objects.aggregate(n=Count("id"), last=Max("id"))
    key = cache_key(
        "grade-groups",
        graded_fingerprint(),
        # A scope's audits are those of its cases (a team's), which an import may move; the whole
        # authority's do not depend on the register.
        register_fingerprint() if scoped else "",
        disposed_now["n"],
        disposed_now["last"],
        _sql(audits),
        _sql(disposed),
        grade_field,
    )
    return kept(
        key,
        read,
        dump=lambda groups: json.dumps(groups).encode(),
        load=lambda data: [tuple(group) for group in json.loads(data)],
    )


def _sql(rows: QuerySet) -> str:
    """A query's SQL with its values, as a key; an empty query (`none()`) has none."""
    return "none" if rows.query.is_empty() else str(rows.query)


def _disposed(gone: dict[str, int]) -> list[str]:
    if not gone:
        return []
    total = sum(gone.values())
    return [
        f"{_audits(total)} disposed of under the retention schedule {'is' if total == 1 else 'are'} "
        f"counted from the figures kept when {'it was' if total == 1 else 'they were'} disposed of "
        f"({_per_period(gone)})."
    ]


def _year_of(date_field: str) -> Func:
    """The year of a date, in SQL: grouping by year rather than by day keeps the rows few. SQLite stores
    dates as ISO text, so the year is its first four characters; Django's ExtractYear would call a Python
    function per row there. PostgreSQL extracts it natively."""
    if connection.vendor == "sqlite":
        return Substr(Cast(date_field, output_field=CharField()), 1, 4)
    return ExtractYear(date_field)


def _ordered_periods(periods: set[str], by: By, reader: _BasisReader) -> list[str]:
    if by == "year":
        return sorted(periods, reverse=True)
    return sorted(periods, key=reader.cycle_order)


def _exclusions(grade_source: GradeSource, ungraded: dict[str, int], off_scale: dict[str, int]) -> list[str]:
    notes = []
    if ungraded:
        total = sum(ungraded.values())
        if grade_source == "moderated":
            notes.append(
                f"{_audits(total)} not yet moderated {'is' if total == 1 else 'are'} not counted "
                f"({_per_period(ungraded)}): the table uses moderated grades."
            )
        else:
            notes.append(
                f"{_audits(total)} without an auditor's grade are not counted ({_per_period(ungraded)})."
            )
    if off_scale:
        total = sum(off_scale.values())
        verb = "is" if total == 1 else "are"
        notes.append(
            f"{_audits(total)} graded on a scale other than Ofsted's four grades {verb} not in this table "
            f"({_per_period(off_scale)})."
        )
    return notes


def _audits(n: int) -> str:
    return "1 audit" if n == 1 else f"{n} audits"


def _per_period(by_period: dict[str, int]) -> str:
    return ", ".join(f"{period}: {n}" for period, n in sorted(by_period.items(), reverse=True))


class _BasisReader:
    """The cycles, audit tools and grade scales the grouped rows point at, each read once."""

    def __init__(self) -> None:
        self.cycles = {c.pk: c for c in Cycle.objects.all()}
        self.cycles_by_name = {c.name: c for c in self.cycles.values()}
        self.templates = {t.pk: f"{t.name} v{t.version}" for t in AuditTemplate.objects.all()}
        self.scales = {s.pk: s for s in GradeScale.objects.all()}

    def cycle_name(self, cycle_id: int | None) -> str:
        return self.cycles[cycle_id].name if cycle_id in self.cycles else NO_CYCLE

    def cycle_order(self, name: str) -> tuple[int, int, str]:
        """Newest cycle first; audits in no cycle last."""
        cycle = self.cycles_by_name.get(name)
        return (1, 0, name) if cycle is None else (0, -cycle.starts_on.toordinal(), name)

    def is_ofsted(self, scale_id: int | None) -> bool:
        return scale_id is None or tuple(self.scales[scale_id].slugs) == OFSTED_GRADES

    def basis(self, cycle_id: int | None, template_id: int | None, scale_id: int | None) -> Basis:
        cycle = self.cycles.get(cycle_id) if cycle_id else None
        scale = self.scales.get(scale_id) if scale_id else None
        return Basis(
            sampling=sampling_words(fraction=cycle.fraction, size=cycle.size) if cycle else NOT_RECORDED,
            focus_cohort=cycle.focus_cohort if cycle else "",
            tool=self.templates.get(template_id, NOT_RECORDED) if template_id else NOT_RECORDED,
            scale=f"{scale.name} v{scale.version}" if scale else NOT_RECORDED,
        )
