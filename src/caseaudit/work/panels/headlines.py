"""The headline figures, for senior leaders: this year's grades (the reports page's table, moderated
grades, all cohorts), compliance with timescales across the register (the compliance page's counts) and
the actions overdue. Aggregates only, like the pages each line opens."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.compliance.queries import compliance_summary_for_register
from caseaudit.core.grade_tables import ALL_COHORTS, cell_text
from caseaudit.improvement.meeting import counts_by_team
from caseaudit.reports.grades import GRADE_LABELS, grade_table

from ..panel import Line, Panel, plural


def _grades(today: date) -> list[Line]:
    table = grade_table(by="year")
    this_year = str(today.year)
    row = next((r for r in table.rows if r.period == this_year and r.cohort == ALL_COHORTS), None)
    href = reverse("reports:grades")
    if row is None or not row.total:
        return [Line(text=f"No audits graded in {this_year} yet", href=href)]
    percentages = row.percentages or (None,) * len(row.counts)
    small = " The sample is small: read the shares with care." if row.is_small else ""
    return [
        Line(
            text=f"Grades in {this_year}: "
            + ", ".join(
                f"{GRADE_LABELS[g]} {cell_text(n, p)}"
                for g, n, p in zip(row.grades, row.counts, percentages, strict=True)
            ),
            href=href,
            count=row.total,
            note=f"{plural(row.total, 'moderated audit')}.{small}",
        )
    ]


def _compliance(today: date) -> Line:
    summary = compliance_summary_for_register(today)
    compliant = int(summary["compliant"].sum()) if len(summary) else 0
    overdue = int(summary["overdue"].sum()) if len(summary) else 0
    due_soon = int(summary["due_soon"].sum()) if len(summary) else 0
    checked = compliant + overdue + due_soon  # the checks that apply and have their dates
    share = f" ({round(100 * compliant / checked)}%)" if checked else ""
    return Line(
        text=f"Timescales met: {compliant} of {plural(checked, 'check')}{share}",
        href=reverse("compliance:summary"),
        count=compliant,
        note=f"{overdue} overdue and {due_soon} due soon, across every open case",
    )


def _actions(today: date) -> Line:
    overdue = sum(counts.overdue for _, counts in counts_by_team(today))
    return Line(
        text=f"{plural(overdue, 'action')} overdue",
        href=reverse("actions:meeting"),
        count=overdue,
        note="Actions and recommendations from audits, across every team",
        late=bool(overdue),
    )


def panel(user: User, today: date) -> Panel | None:
    if not policy.can(user, policy.SEE_HEADLINES):
        return None
    lines = []
    if policy.can(user, policy.READ_REPORTS):
        lines += _grades(today)
    if policy.can(user, policy.READ_COMPLIANCE):
        lines.append(_compliance(today))
    if policy.can(user, policy.SEE_TRACKER_COUNTS):
        lines.append(_actions(today))
    return Panel(key="headlines", title="The headlines", lines=lines, child_level=False)
