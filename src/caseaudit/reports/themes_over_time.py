"""Themes over time, for the QA lead: how often each theme was found, as a strength and as a practice or
process issue, year by year of the audits completed. Learning from audits is seeing whether a theme the
last paper named is found less often now. Counts only: no child, no worker, no text of a finding."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear

from caseaudit.audits.models import DONE, Audit, Finding, FindingKind, of_kind


@dataclass(frozen=True)
class ThemeRow:
    theme: str
    counts: tuple[int, ...]  # one per year, oldest first

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class ThemesOverTime:
    years: tuple[int, ...]
    strengths: list[ThemeRow]
    issues: list[ThemeRow]
    audits: tuple[int, ...]  # completed audits with findings, per year: what the counts are out of


def themes_over_time(*, audit_type: str = "") -> ThemesOverTime:
    """Counts by theme and year of completion, of every kind of audit unless `audit_type` names one. Rows
    most found first; themes retired since still count in the years they were used."""
    findings = Finding.objects.filter(audit__status__in=DONE, audit__completed_on__isnull=False)
    if audit_type:
        findings = findings.filter(audit__in=Audit.objects.filter(of_kind(audit_type)).values("pk"))
    rows = (
        findings.annotate(year=ExtractYear("audit__completed_on"))
        .values_list("theme__label", "kind", "year")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, dict[str, dict[int, int]]] = {
        FindingKind.STRENGTH: defaultdict(dict),
        FindingKind.ISSUE: defaultdict(dict),
    }
    years: set[int] = set()
    for label, kind, year, n in rows:
        counts[kind][label][year] = n
        years.add(year)
    ordered = tuple(sorted(years))
    audits = dict(
        findings.annotate(year=ExtractYear("audit__completed_on"))
        .values_list("year")
        .annotate(n=Count("audit", distinct=True))
        .order_by()
    )
    return ThemesOverTime(
        ordered,
        _rows(counts[FindingKind.STRENGTH], ordered),
        _rows(counts[FindingKind.ISSUE], ordered),
        tuple(audits.get(year, 0) for year in ordered),
    )


def _rows(by_theme: dict[str, dict[int, int]], years: tuple[int, ...]) -> list[ThemeRow]:
    rows = [ThemeRow(label, tuple(found.get(year, 0) for year in years)) for label, found in by_theme.items()]
    return sorted(rows, key=lambda row: (-row.total, row.theme))
