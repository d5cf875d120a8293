"""Safeguarding concerns: an auditor who finds a child at risk escalates at once to the team manager, and
the concern stays open until the manager (or the QA lead) records the response. It never waits for a
report (docs/domain.md#safeguarding-concern).

This module says who is told, what the message says, and, afterwards, exactly who was told and how: the
concern page may say "emailed" only of an email the mail server accepted. Raising and answering a concern
are the action functions of `improvement.actions.concerns`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.cases.models import Case
from caseaudit.notifications.models import Email, Kind, Notification
from caseaudit.notifications.notify import Message, told_about

from .models import SafeguardingConcern

DESCRIPTION_REQUIRED = "Describe the concern: what you found and why the child may be at risk"
RESPONSE_REQUIRED = "Enter the response: what has been done, or will be done, to keep the child safe"


def managers_of(case: Case) -> QuerySet[User]:
    """Who the concern goes to: the team managers of the case's team (the people who read its records),
    and the case's own manager if they have an account, with an email address or not: those without one
    are told in the app, and the auditor is told to phone them."""
    who = Q(pk__in=[])
    if case.team_id is not None:
        who |= Q(pk__in=policy.holders(policy.READ_TEAM_RECORDS).filter(staff__team_id=case.team_id))
    if case.manager_id is not None:
        who |= Q(staff_id=case.manager_id)
    return User.objects.filter(who, is_active=True).order_by("pk")


def qa_leads() -> QuerySet[User]:
    """Who hears of every concern, and chases a response when no manager could be reached."""
    return policy.holders(policy.HEAR_OF_CONCERNS).order_by("pk")


def concern_url(concern: SafeguardingConcern) -> str:
    return reverse("improvement:detail", args=[concern.pk])


def to_manager(concern: SafeguardingConcern) -> Message:
    """The email names neither the child nor their Child Unique ID (email leaves the authority's systems
    and subjects show in every inbox list): the link opens the concern after signing in."""
    team = concern.case.team.name if concern.case.team else "your team"
    return Message(
        kind=Kind.CONCERN_RAISED,
        text=f"Safeguarding concern about {concern.case.child_id}: it needs your response today.",
        link=concern_url(concern),
        subject="A safeguarding concern needs your response today",
        body=(
            f"An auditor has raised a safeguarding concern about a child of {team}.\n\n"
            "It needs a response today. Sign in, read the concern and record what has been done to keep "
            "the child safe:"
        ),
        about=concern,
    )


def to_qa_lead(concern: SafeguardingConcern, *, manager_reachable: bool) -> Message:
    team = concern.case.team.name if concern.case.team else "no team"
    if manager_reachable:
        text = f"Safeguarding concern raised about {concern.case.child_id} ({team}); its manager is told."
        subject, chase = "A safeguarding concern has been raised", ""
    else:
        text = (
            f"Safeguarding concern about {concern.case.child_id} ({team}): no team manager could be emailed. "
            "Make sure someone responds today."
        )
        subject = "A safeguarding concern has no team manager to email"
        chase = (
            "\n\nNo team manager could be emailed: the case has no team manager with an account and an email "
            "address. Please make sure a manager or the duty team responds today."
        )
    return Message(
        kind=Kind.CONCERN_RAISED,
        text=text,
        link=concern_url(concern),
        subject=subject,
        body=f"An auditor has raised a safeguarding concern about a child of {team}.{chase}\n\nRead it here:",
        about=concern,
    )


def answered(concern: SafeguardingConcern) -> Message:
    return Message(
        kind=Kind.CONCERN_ANSWERED,
        text=f"Your safeguarding concern about {concern.case.child_id} has a response.",
        link=concern_url(concern),
        subject="Your safeguarding concern has a response",
        body="The team manager has recorded a response to the safeguarding concern you raised. Read it here:",
        about=concern,
    )


@dataclass(frozen=True)
class Told:
    """One person told of a concern: in the app always; by email if they have an address, and then
    only "emailed" once the mail server accepted it."""

    person: User
    is_manager: bool
    email: Email | None

    @property
    def emailed(self) -> bool:
        return self.email is not None and self.email.status == Email.Status.SENT

    @property
    def email_failed(self) -> bool:
        return self.email is not None and self.email.status == Email.Status.FAILED


@dataclass(frozen=True)
class Escalation:
    """Who was told of a concern, and what the auditor must do now."""

    told: list[Told]

    @property
    def managers(self) -> list[Told]:
        return [t for t in self.told if t.is_manager]

    @property
    def manager_emailed(self) -> bool:
        return any(t.emailed for t in self.managers)

    @property
    def must_phone(self) -> bool:
        """Nobody who manages the case has the concern in their inbox: someone must pick up the phone."""
        return not self.manager_emailed

    def summary(self) -> str:
        """One sentence for the banner after raising: the truth about the managers, then what to do."""
        names = ", ".join(_name(t.person) for t in self.managers if t.emailed)
        if self.manager_emailed:
            return f"The concern is recorded and emailed to {names}. The QA lead is told too."
        if not self.managers:
            reason = "this case has no team manager with an account."
        elif any(t.email_failed for t in self.managers):
            reason = "the mail server did not accept the email. It will be tried again."
        elif any(t.email is not None for t in self.managers):
            reason = "the email is waiting to be sent."
        else:
            reason = "the team manager has no email address. They will see it in the app when they sign in."
        return (
            "The concern is recorded, but no team manager has been emailed: "
            f"{reason} Phone the team manager or the duty team now. The QA lead is told in the app."
        )


def _name(person: User) -> str:
    return person.get_full_name() or person.username


def escalation_of(concern: SafeguardingConcern) -> Escalation:
    """Who was told when the concern was raised: the managers, and the QA leads in copy."""
    notes: list[Notification] = [n for n in told_about(concern) if n.kind == Kind.CONCERN_RAISED]
    return _escalation(notes)


def escalations_of(concerns: Sequence[SafeguardingConcern]) -> dict[int, Escalation]:
    """`escalation_of` for many concerns in one query, by concern id: a list that must put first the
    concerns no manager has by email (the home page's)."""
    told: dict[int, list[Notification]] = defaultdict(list)
    for note in (
        Notification.objects.filter(
            about_type=SafeguardingConcern._meta.model_name,
            about_id__in=[str(c.pk) for c in concerns],
            kind=Kind.CONCERN_RAISED,
        )
        .select_related("recipient", "email")
        .order_by("pk")
    ):
        told[int(note.about_id)].append(note)
    return {c.pk: _escalation(told[c.pk]) for c in concerns}


def _escalation(notes: list[Notification]) -> Escalation:
    return Escalation(
        [Told(n.recipient, not policy.can(n.recipient, policy.HEAR_OF_CONCERNS), n.email) for n in notes]
    )
