"""Everything caseaudit holds about one child: the case record, every audit of the case (drafts and
proposals included), changes to the samples it was in, the actions and their notes, follow-up audits,
safeguarding concerns, feedback, the access log of reads of their records and the change history of those
records.

A subject access request covers everything held, wider than any person's scope, so these queries select
by the child's case rather than through the scoped queries; `SUBJECT_ACCESS` in the policy is the gate
(`package.export_child`)."""

from __future__ import annotations

from django.db.models import Q
from django.template.loader import render_to_string

from caseaudit.accounts.models import AccessLog, ChangeEvent
from caseaudit.audits.models import Audit, FeedbackResponse
from caseaudit.cases.export import iter_register_rows
from caseaudit.cases.models import Case
from caseaudit.core.register import COLUMNS
from caseaudit.cycles.models import SampleSwap
from caseaudit.improvement.models import Action, ActionNote, FollowUp, FollowUpItem, SafeguardingConcern

from ..child_records import naming, records_about
from .audit_page import audit_context
from .files import ExportFile, csv_file, person_name


def child_files(case: Case) -> list[ExportFile]:
    audits = list(
        Audit.objects.filter(case=case)
        .select_related("cycle", "auditor", "template", "grade_scale")
        .order_by("created_at", "pk")
    )
    actions = list(
        Action.objects.filter(Q(case=case) | Q(audit__case=case)).select_related("owner").order_by("pk")
    )
    notes = list(ActionNote.objects.filter(action__in=actions).select_related("author").order_by("at", "pk"))
    follow_ups = list(FollowUp.objects.filter(case=case).select_related("auditor").order_by("pk"))
    items = list(FollowUpItem.objects.filter(follow_up__in=follow_ups).order_by("pk"))
    concerns = list(
        SafeguardingConcern.objects.filter(case=case)
        .select_related("raised_by", "responded_by")
        .order_by("raised_at", "pk")
    )
    feedback = list(FeedbackResponse.objects.filter(audit__case=case).order_by("received_on", "pk"))

    files = [
        csv_file(
            "case.csv",
            "The child's record in the case register, in the register's columns.",
            COLUMNS,
            iter_register_rows(Case.objects.filter(pk=case.pk)),
        )
    ]
    files += [
        ExportFile(
            f"audit-{audit.pk}.html",
            f"Audit {audit.pk} of the case: sections, grades, evidence, findings, moderation history, "
            "reallocations and feedback. Open it in a web browser.",
            render_to_string("records/subject_access_audit.html", audit_context(audit)),
        )
        for audit in audits
    ]
    files.append(
        csv_file(
            "actions.csv",
            "Actions about the child's case, from its audits or added by the QA lead.",
            (
                "action",
                "kind",
                "from audit",
                "description",
                "owner",
                "due on",
                "status",
                "evidence",
                "cancel reason",
                "created at",
                "updated at",
            ),
            (
                (
                    a.pk,
                    a.get_kind_display(),
                    a.audit_id,
                    a.description,
                    person_name(a.owner),
                    a.due_on,
                    a.get_status_display(),
                    a.evidence,
                    a.cancel_reason,
                    a.created_at,
                    a.updated_at,
                )
                for a in actions
            ),
        )
    )
    files.append(
        csv_file(
            "action-notes.csv",
            "The notes written on those actions, each with any change of status.",
            ("action", "at", "author", "note", "evidence", "status before", "status after"),
            (
                (n.action_id, n.at, person_name(n.author), n.text, n.evidence, n.from_status, n.to_status)
                for n in notes
            ),
        )
    )
    files.append(
        csv_file(
            "follow-ups.csv",
            "Follow-up audits of the case, one row for each action they checked (or one row with none).",
            (
                "follow-up",
                "auditor",
                "due on",
                "status",
                "note",
                "completed at",
                "action",
                "done",
                "evidence",
            ),
            _follow_up_rows(follow_ups, items),
        )
    )
    files.append(
        csv_file(
            "safeguarding-concerns.csv",
            "Safeguarding concerns raised about the child during an audit, and the responses.",
            (
                "concern",
                "audit",
                "raised at",
                "raised by",
                "concern text",
                "response",
                "responded by",
                "responded at",
            ),
            (
                (
                    c.pk,
                    c.audit_id,
                    c.raised_at,
                    person_name(c.raised_by),
                    c.description,
                    c.response,
                    person_name(c.responded_by),
                    c.responded_at,
                )
                for c in concerns
            ),
        )
    )
    files.append(
        csv_file(
            "feedback.csv",
            "Feedback received from the child or young person, or their parent or carer, for an audit.",
            ("audit", "respondent", "received on", "on paper", "answers"),
            (
                (f.audit_id, f.get_respondent_display(), f.received_on, f.on_paper, f.answers)
                for f in feedback
            ),
        )
    )
    swaps = SampleSwap.objects.filter(Q(removed=case) | Q(added=case)).select_related("cycle", "by")
    files.append(
        csv_file(
            "sample-changes.csv",
            "Times the planner took the case out of a draft sample, or put it in, and why (the other case "
            "of each swap is left out).",
            ("at", "cycle", "change", "reason", "by"),
            (
                (
                    swap.at,
                    swap.cycle.name,
                    "taken out of the sample" if swap.removed_id == case.pk else "put into the sample",
                    swap.reason,
                    person_name(swap.by),
                )
                for swap in swaps.order_by("at", "pk")
            ),
        )
    )
    named = records_about(case)
    access = AccessLog.objects.filter(naming(named, "object_type", "object_id")).select_related("user")
    files.append(
        csv_file(
            "access-log.csv",
            "Every time someone viewed or exported the child's case, audits, actions, concerns or "
            "follow-ups, as the access log recorded it (an empty 'who' is the command line).",
            ("at", "who", "did", "record type", "record id", "detail"),
            (
                (e.at, person_name(e.user), e.action, e.object_type, e.object_id, e.detail)
                for e in access.order_by("at", "pk")
            ),
        )
    )
    changes = ChangeEvent.objects.filter(naming(named, "subject_type", "subject_id"))
    files.append(
        csv_file(
            "change-history.csv",
            "Every recorded change to those records: who, when, and the values before and after (free "
            "text is recorded as its length only; the words are in the other files).",
            ("at", "who", "event", "record type", "record id", "before", "after"),
            (
                (e.at, e.actor_name, e.event, e.subject_type, e.subject_id, e.old, e.new)
                for e in changes.order_by("at", "pk")
            ),
        )
    )
    return files


def _follow_up_rows(follow_ups: list[FollowUp], items: list[FollowUpItem]) -> list[tuple]:
    rows: list[tuple] = []
    for follow_up in follow_ups:
        start = (
            follow_up.pk,
            person_name(follow_up.auditor),
            follow_up.due_on,
            follow_up.get_status_display(),
            follow_up.note,
            follow_up.completed_at,
        )
        mine = [item for item in items if item.follow_up_id == follow_up.pk]
        rows += [(*start, i.action_id, i.done, i.evidence) for i in mine] or [(*start, "", "", "")]
    return rows
