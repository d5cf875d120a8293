"""Everything caseaudit holds about one member of staff: their account (never the password hash), what
they did (the change history naming them), what they read (the access log), their signing in and the
changes to their account (the security log), their audits, the actions they own and the notifications and
emails sent to them.

The files name children's cases by caseaudit's internal ids, never by Child Unique ID: the children are
other people, and a member of staff's request is for their own information."""

from __future__ import annotations

from django.db.models import Q

from caseaudit.accounts.models import AccessLog, ChangeEvent, SecurityEvent, User
from caseaudit.audits.models import Audit
from caseaudit.improvement.models import Action
from caseaudit.notifications.models import Email, Notification, Preference

from .files import ExportFile, csv_file


def staff_files(user: User) -> list[ExportFile]:
    preference = Preference.objects.filter(person=user).first()
    files = [
        csv_file(
            "account.csv",
            "Their account: name, email, role and dates (the password is kept only as a one-way hash, "
            "which is not exported).",
            (
                "username",
                "first name",
                "last name",
                "email",
                "role",
                "active",
                "joined",
                "last signed in",
                "register name",
                "team",
                "audit capacity",
                "email notifications",
            ),
            [
                (
                    user.username,
                    user.first_name,
                    user.last_name,
                    user.email,
                    user.get_role_display(),
                    user.is_active,
                    user.date_joined,
                    user.last_login,
                    user.staff.name if user.staff else "",
                    user.staff.team.name if user.staff and user.staff.team else "",
                    user.audit_capacity,
                    "yes" if preference is None or preference.email else "no (the app only)",
                )
            ],
        ),
        csv_file(
            "change-history.csv",
            "Every change they made, as the change history recorded it: when, what, to which record "
            "(by kind and internal id), and the values before and after.",
            ("at", "event", "record type", "record id", "before", "after"),
            (
                (e.at, e.event, e.subject_type, e.subject_id, e.old, e.new)
                for e in ChangeEvent.objects.filter(actor=user).order_by("at", "pk")
            ),
        ),
        csv_file(
            "access-log.csv",
            "Every record they viewed or exported, as the access log recorded it, with the address of the "
            "computer it came from.",
            ("at", "did", "record type", "record id", "detail", "from"),
            (
                (e.at, e.action, e.object_type, e.object_id, e.detail, e.address or "")
                for e in AccessLog.objects.filter(user=user).order_by("at", "pk")
            ),
        ),
        csv_file(
            "security-log.csv",
            "Their signing in and out, failed attempts with their username, lockouts, changes to their "
            "authenticator app, account and role, and pages they were refused, as the security log "
            "recorded them.",
            ("at", "event", "detail", "from"),
            (
                (e.at, e.get_event_display(), e.detail, e.address or "")
                for e in SecurityEvent.objects.filter(
                    Q(user=user) | Q(username__iexact=user.username)
                ).order_by("at", "pk")
            ),
        ),
        csv_file(
            "audits.csv",
            "The audits allocated to them (the case by internal id only).",
            (
                "audit",
                "case (internal id)",
                "cycle",
                "status",
                "started",
                "submitted",
                "completed on",
                "auditor's grade",
                "moderated grade",
            ),
            (
                (
                    a.pk,
                    a.case_id,
                    a.cycle.name if a.cycle else "",
                    a.get_status_display(),
                    a.started_at,
                    a.submitted_at,
                    a.completed_on,
                    a.auditor_grade,
                    a.moderated_grade,
                )
                for a in Audit.objects.filter(auditor=user).select_related("cycle").order_by("pk")
            ),
        ),
        csv_file(
            "actions.csv",
            "The actions and recommendations they own (the case by internal id only).",
            (
                "action",
                "kind",
                "case (internal id)",
                "description",
                "due on",
                "status",
                "evidence",
                "created at",
                "updated at",
            ),
            (
                (
                    a.pk,
                    a.get_kind_display(),
                    a.case_id,
                    a.description,
                    a.due_on,
                    a.get_status_display(),
                    a.evidence,
                    a.created_at,
                    a.updated_at,
                )
                for a in Action.objects.filter(owner=user).order_by("pk")
            ),
        ),
        csv_file(
            "notifications.csv",
            "The notifications the service sent them, the record each was about (by kind and internal id) "
            "and when they read it. The wording is left out: it names the child concerned.",
            ("at", "kind", "about", "read at"),
            (
                (n.created_at, n.kind, f"{n.about_type} {n.about_id}".strip(), n.read_at)
                for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
            ),
        ),
        csv_file(
            "emails.csv",
            "The emails the service sent them or tried to: the address, the subject (which never names a "
            "child) and what the mail server did with it.",
            ("created at", "kind", "to", "subject", "status", "sent at"),
            (
                (e.created_at, e.kind, e.to, e.subject, e.get_status_display(), e.sent_at)
                for e in Email.objects.filter(recipient=user).order_by("created_at", "pk")
            ),
        ),
    ]
    return files
