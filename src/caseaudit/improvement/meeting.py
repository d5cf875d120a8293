"""The improvement meeting's view of the tracker ("Getting from Good to Outstanding", docs/domain.md#act):
the actions a person may see, filtered, overdue first then by due date, grouped by owner or by team, with
the counts at the top. The page, the printable agenda and the XLSX export all read it from here, so they
always agree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.db.models import Count, Q, QuerySet

from caseaudit.accounts.models import User
from caseaudit.cases.models import Team
from caseaudit.cycles.models import Cycle

from .models import Action, ActionKind, ActionStatus
from .scoping import actions_visible_to
from .tracker import STILL_TO_DO, person

CURRENT = "current"  # open, in progress, or done and waiting to be verified: what the meeting goes through
ALL = "all"
STATUS_CHOICES = [
    (CURRENT, "Open, in progress or done (not yet verified)"),
    *ActionStatus.choices,
    (ALL, "Any status"),
]
GROUP_CHOICES = [("owner", "Owner"), ("team", "Team")]
NO_TEAM = "No team"


class MeetingFilterForm(forms.Form):
    """The meeting's filters, read from the query string. Choices come from the actions the person may
    see, so no filter offers a team or a person they could not otherwise know about."""

    group = forms.ChoiceField(label="Group by", choices=GROUP_CHOICES, required=False)
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    kind = forms.ChoiceField(
        label="Type", choices=[("", "Actions and recommendations"), *ActionKind.choices], required=False
    )
    team = forms.ChoiceField(label="Team", required=False)
    owner = forms.ChoiceField(label="Owner", required=False)
    cycle = forms.ChoiceField(label="Cycle", required=False)

    def __init__(self, data: Any, *, visible: QuerySet[Action]) -> None:
        super().__init__(data)
        teams = Team.objects.filter(pk__in=visible.filter(team__isnull=False).values("team_id"))
        owners = User.objects.filter(pk__in=visible.values("owner_id")).select_related("staff")
        cycles = Cycle.objects.filter(
            Q(pk__in=visible.values("cycle_id")) | Q(pk__in=visible.values("audit__cycle_id"))
        )
        self._choices("team", "Any team", [(str(t.pk), t.name) for t in teams])
        self._choices("owner", "Anyone", sorted(((str(u.pk), person(u)) for u in owners), key=lambda c: c[1]))
        self._choices("cycle", "Any cycle", [(str(c.pk), c.name) for c in cycles])

    def _choices(self, name: str, empty: str, choices: list[tuple[str, str]]) -> None:
        choice_field = self.fields[name]
        assert isinstance(choice_field, forms.ChoiceField)
        choice_field.choices = [("", empty), *choices]

    def value(self, name: str, default: str = "") -> str:
        """The cleaned value, or the default for a value that is missing or not on the list."""
        if not self.is_bound:
            return default
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return str(cleaned.get(name) or default) if name not in self.errors else default


@dataclass
class Row:
    action: Action
    owner_name: str
    team_name: str
    days_overdue: int

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass
class Group:
    label: str
    rows: list[Row] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.is_overdue)


@dataclass
class Counts:
    open: int
    in_progress: int
    done: int
    verified: int
    cancelled: int
    overdue: int

    @property
    def still_to_do(self) -> int:
        return self.open + self.in_progress


@dataclass
class Meeting:
    form: MeetingFilterForm
    group_by: str
    status: str
    counts: Counts
    groups: list[Group]
    today: date

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    def filters(self) -> dict[str, str]:
        """The filters in force, as the access log records them: a team, an owner and a cycle by id."""
        chosen = {name: self.form.value(name) for name in ("kind", "team", "owner", "cycle")}
        return {"status": self.status, **chosen}


def counts(actions: QuerySet[Action], today: date) -> Counts:
    """Per status, and overdue (still to do, past its due date), in one query."""
    totals = actions.aggregate(
        **{status.replace("-", "_"): Count("pk", filter=Q(status=status)) for status in ActionStatus.values},
        overdue=Count("pk", filter=Q(status__in=STILL_TO_DO, due_on__lt=today)),
    )
    return Counts(
        open=totals["open"],
        in_progress=totals["in_progress"],
        done=totals["done"],
        verified=totals["verified"],
        cancelled=totals["cancelled"],
        overdue=totals["overdue"],
    )


def sort_key(row: Row) -> tuple[bool, date, int]:
    """Overdue first, then by due date (the most overdue is the earliest due), then oldest first."""
    return (not row.is_overdue, row.action.due_on, row.action.pk)


def meeting(user: User, params: Any, *, today: date) -> Meeting:
    """The meeting for `user`, filtered by `params` (a query string). A constant number of queries."""
    visible = actions_visible_to(user)
    form = MeetingFilterForm(params, visible=visible)
    actions = visible
    if kind := form.value("kind"):
        actions = actions.filter(kind=kind)
    if team := form.value("team"):
        actions = actions.filter(team_id=int(team))
    if owner := form.value("owner"):
        actions = actions.filter(owner_id=int(owner))
    if cycle := form.value("cycle"):
        actions = actions.filter(Q(cycle_id=int(cycle)) | Q(audit__cycle_id=int(cycle)))
    totals = counts(actions, today)
    status = form.value("status", CURRENT)
    if status == CURRENT:
        actions = actions.filter(status__in=(*STILL_TO_DO, ActionStatus.DONE))
    elif status != ALL:
        actions = actions.filter(status=status)
    rows = [
        Row(
            action,
            person(action.owner),
            action.team.name if action.team else NO_TEAM,
            action.days_overdue(today),
        )
        for action in actions.select_related("owner", "owner__staff", "team", "case", "cycle", "audit__cycle")
    ]
    rows.sort(key=sort_key)
    group_by = form.value("group", "owner")
    groups: dict[str, Group] = {}
    for row in rows:
        label = row.owner_name if group_by == "owner" else row.team_name
        groups.setdefault(label, Group(label)).rows.append(row)
    # The groups with overdue actions first (the most overdue first), then by name.
    ordered = sorted(groups.values(), key=lambda g: (-g.overdue, g.label.casefold()))
    return Meeting(form, group_by, status, totals, ordered, today)


def counts_by_team(today: date) -> list[tuple[str, Counts]]:
    """For senior leaders: how many actions and recommendations each team has per status, and overdue.
    Aggregates only, no action and no child (docs/domain.md#roles: senior leaders see aggregate reports
    only)."""
    per_team: dict[str | None, Counter[str]] = {}
    for team, status, overdue, n in (
        Action.objects.in_tracker()
        .values_list("team__name", "status")
        .annotate(
            overdue=Count("pk", filter=Q(status__in=STILL_TO_DO, due_on__lt=today)),
            n=Count("pk"),
        )
        .order_by()
    ):
        tally = per_team.setdefault(team, Counter())
        tally[status] += n
        tally["overdue"] += overdue
    rows = [
        (
            name or NO_TEAM,
            Counts(
                open=tally[ActionStatus.OPEN],
                in_progress=tally[ActionStatus.IN_PROGRESS],
                done=tally[ActionStatus.DONE],
                verified=tally[ActionStatus.VERIFIED],
                cancelled=tally[ActionStatus.CANCELLED],
                overdue=tally["overdue"],
            ),
        )
        for name, tally in per_team.items()
    ]
    return sorted(rows, key=lambda r: (r[0] == NO_TEAM, r[0].casefold()))
