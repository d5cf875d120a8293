"""Safeguarding concerns: an auditor who finds a child at risk escalates at once to the team manager, and
the concern stays open until the manager (or the QA lead) records the response. It never waits for a
report (DOMAIN.md, "Safeguarding concern")."""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import Role, User
from caseaudit.audits.models import Audit
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.cases.models import Case
from caseaudit.cases.scoping import cases_visible_to

from .models import SafeguardingConcern

logger = logging.getLogger(__name__)

DESCRIPTION_REQUIRED = "Describe the concern: what you found and why the child may be at risk"
RESPONSE_REQUIRED = "Enter the response: what has been done, or will be done, to keep the child safe"


def concerns_visible_to(user: User | AnonymousUser) -> QuerySet[SafeguardingConcern]:
    """The QA lead and moderators see every concern; a team manager those of the cases they may see; an
    auditor the concerns they raised on audits still allocated to them; nobody else any."""
    if not isinstance(user, User) or not user.sees_child_level_data:
        return SafeguardingConcern.objects.none()
    if user.role in (Role.QA_LEAD, Role.MODERATOR):
        return SafeguardingConcern.objects.all()
    if user.role == Role.TEAM_MANAGER:
        return SafeguardingConcern.objects.filter(case__in=cases_visible_to(user))
    if user.role == Role.AUDITOR:
        return SafeguardingConcern.objects.filter(raised_by=user, audit__in=audits_visible_to(user))
    return SafeguardingConcern.objects.none()


def may_raise(user: User | AnonymousUser | None, audit: Audit) -> bool:
    """The auditor the audit is allocated to, or the QA lead or a moderator."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.role in (Role.QA_LEAD, Role.MODERATOR):
        return True
    return (
        user.role == Role.AUDITOR
        and audit.auditor_id == user.pk
        and audits_visible_to(user).filter(pk=audit.pk).exists()
    )


def may_respond(user: User | AnonymousUser | None, concern: SafeguardingConcern) -> bool:
    """The QA lead, or a team manager of the case (its team's, or the case's own manager)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.role == Role.QA_LEAD:
        return True
    return user.role == Role.TEAM_MANAGER and cases_visible_to(user).filter(pk=concern.case_id).exists()


def managers_of(case: Case) -> QuerySet[User]:
    """Who the concern goes to: every active team manager of the case's team, and the case's own manager
    if they have an account. Only people with an email address can be told."""
    who = Q(pk__in=[])
    if case.team_id is not None:
        who |= Q(role=Role.TEAM_MANAGER, staff__team_id=case.team_id)
    if case.manager_id is not None:
        who |= Q(staff_id=case.manager_id)
    return User.objects.filter(who, is_active=True).exclude(email="").order_by("pk")


def qa_leads() -> QuerySet[User]:
    return User.objects.filter(role=Role.QA_LEAD, is_active=True).exclude(email="").order_by("pk")


def escalate_concern(
    audit: Audit, *, description: str, acting_user: User | None, site_url: str = ""
) -> SafeguardingConcern:
    """Record a safeguarding concern about the audit's child and email the team manager(s), with the QA
    lead(s) in copy, once the concern is saved. With no team manager to tell, the QA lead gets it.

    `site_url` ("https://audits.example.gov.uk") makes the link in the email absolute."""
    if acting_user is None or not may_raise(acting_user, audit):
        raise PermissionDenied("Only the audit's auditor, the QA lead or a moderator may raise a concern.")
    description = description.strip()
    if not description:
        raise ValidationError(DESCRIPTION_REQUIRED)
    case = audit.case
    managers = list(managers_of(case))
    leads = [user for user in qa_leads() if user not in managers]
    with transaction.atomic():
        concern = SafeguardingConcern.objects.create(
            audit=audit, case=case, description=description, raised_by=acting_user
        )
        concern.notified.set([*managers, *leads])
        record_access(
            acting_user,
            "create",
            "concern",
            concern.pk,
            f"audit {audit.pk}; {len(managers)} manager(s) and {len(leads)} QA lead(s) notified",
        )
        # The managers, with the QA lead(s) in copy; with no manager, the QA lead(s) themselves.
        to = [u.email for u in managers or leads]
        cc = [u.email for u in leads] if managers else []
        url = site_url.rstrip("/") + reverse("improvement:detail", args=[concern.pk])
        message = _email(concern, case, url, to=to, cc=cc, has_manager=bool(managers))
        if message is not None:
            transaction.on_commit(lambda: _send(message, concern.pk))
    return concern


def _email(
    concern: SafeguardingConcern, case: Case, url: str, *, to: list[str], cc: list[str], has_manager: bool
) -> EmailMessage | None:
    """The email names the Child Unique ID and links to the concern; the description stays in the app,
    because whatever an auditor types may identify the child, and email leaves the authority's systems."""
    if not to:
        return None
    lines = [
        f"An auditor has raised a safeguarding concern about the child with Child Unique ID {case.child_id}"
        + (f" ({case.team.name})." if case.team else "."),
        "",
        "It needs a response today. Read the concern and record what has been done to keep the child safe:",
        url,
    ]
    if not has_manager:
        lines += [
            "",
            "No team manager could be told: the case has no team manager with an account and an email "
            "address. Please make sure a manager responds.",
        ]
    return EmailMessage(
        subject=f"Safeguarding concern: {case.child_id} needs a response today",
        body="\n".join(lines) + "\n",
        to=to,
        cc=cc,
    )


def _send(message: EmailMessage, concern_pk: int) -> None:
    # The concern is saved and listed whatever happens to the email: a mail server down must not hide it.
    try:
        message.send()
    except Exception:
        logger.exception("The email for safeguarding concern %s could not be sent", concern_pk)


def respond_to_concern(concern: SafeguardingConcern, *, response: str, acting_user: User | None) -> None:
    """Record the manager's response, which closes the concern."""
    if acting_user is None or not may_respond(acting_user, concern):
        raise PermissionDenied("Only a team manager of the case or the QA lead may respond to a concern.")
    response = response.strip()
    if not response:
        raise ValidationError(RESPONSE_REQUIRED)
    with transaction.atomic():
        now = timezone.now()
        closed = SafeguardingConcern.objects.filter(pk=concern.pk, responded_at__isnull=True).update(
            response=response, responded_by=acting_user, responded_at=now
        )
        if not closed:
            raise ValidationError("This concern already has a response.")
        record_access(acting_user, "update", "concern", concern.pk, "response recorded, closed")
    concern.response, concern.responded_by, concern.responded_at = response, acting_user, now
