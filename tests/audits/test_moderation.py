"""The moderation actions: who may moderate, what each decision needs, the status it moves the audit to,
the history it records, and no lost updates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from caseaudit.accounts.models import ChangeEvent, User
from caseaudit.audits.actions.moderation import agree_grade, change_grade, return_audit
from caseaudit.audits.models import Audit, AuditStatus, ModerationEvent
from caseaudit.audits.templates_store import default_template
from caseaudit.cases.models import Case
from caseaudit.cycles.models import Cycle
from caseaudit.locking import EditConflict
from caseaudit.policy import SYSTEM

from ..factories import make_user

Kind = ModerationEvent.Kind


def submitted_audit(
    case: Case,
    auditor: User | None,
    grade: str = "good",
    *,
    cycle: Cycle | None = None,
    status: str = AuditStatus.SUBMITTED,
    moderated_grade: str = "",
    not_triangulated: bool = False,
    days_ago: int = 1,
) -> Audit:
    """An audit as the auditor's submit leaves it (or, with `status`, further on), on the default tool's
    Ofsted scale, with its "submitted" event."""
    template = default_template()
    submitted_at = timezone.now() - timedelta(days=days_ago)
    audit = Audit.objects.create(
        case=case,
        cycle=cycle,
        auditor=auditor,
        cohort=case.cohort,
        status=status,
        template=template,
        grade_scale=template.grade_scale,
        auditor_grade=grade,
        moderated_grade=moderated_grade,
        overall_rationale=f"Rationale for {case.child_id}.",
        not_triangulated=not_triangulated,
        started_at=submitted_at - timedelta(days=3),
        submitted_at=submitted_at,
        completed_on=submitted_at.date(),
    )
    ModerationEvent.objects.create(audit=audit, kind=Kind.SUBMITTED, to_grade=grade, by=auditor)
    return audit


@pytest.fixture
def audit(personas) -> Audit:
    return submitted_audit(personas.own_case, personas.auditor, "requires-improvement")


def audit_changes():
    """The change events about audits (the default tool the audits are on records its own loading)."""
    return ChangeEvent.objects.filter(subject_type="audit")


def _events(audit: Audit) -> list[tuple[str, str, str, str, str | None]]:
    return [
        (e.kind, e.from_grade, e.to_grade, e.comments, e.by.username if e.by else None)
        for e in audit.moderation_events.all()
    ]


# Agree ----------------------------------------------------------------------------------------------------


def test_agreeing_makes_the_auditors_grade_the_moderated_grade(personas, audit):
    event = agree_grade(audit, expected_version=1, acting_user=personas.moderator)
    audit.refresh_from_db()
    assert (audit.status, audit.auditor_grade, audit.moderated_grade, audit.version) == (
        AuditStatus.MODERATED,
        "requires-improvement",
        "requires-improvement",
        2,
    )
    assert event.kind == Kind.AGREED
    assert _events(audit) == [
        (Kind.SUBMITTED, "", "requires-improvement", "", "auditor"),
        (Kind.AGREED, "requires-improvement", "requires-improvement", "", "moderator"),
    ]
    change = audit_changes().get()
    assert (change.actor, change.event, change.subject_type, change.subject_id) == (
        personas.moderator,
        "audit.moderated",
        "audit",
        str(audit.pk),
    )
    assert change.old == {"status": "submitted", "moderated_grade": ""}
    assert change.new == {
        "status": "moderated",
        "moderated_grade": "requires-improvement",
        "decision": "agreed",
        "moderation_event": event.pk,
    }


def test_the_qa_lead_may_moderate(personas, audit):
    agree_grade(audit, expected_version=1, acting_user=personas.qa_lead)
    assert Audit.objects.get().status == AuditStatus.MODERATED


@pytest.mark.parametrize("role", ["auditor", "team_manager", "worker", "senior_leader", "outsider"])
def test_no_one_else_may_moderate(personas, audit, role):
    user = getattr(personas, role)
    with pytest.raises(PermissionDenied):
        agree_grade(audit, expected_version=1, acting_user=user)
    with pytest.raises(PermissionDenied):
        change_grade(audit, grade="good", reason="Better", expected_version=1, acting_user=user)
    with pytest.raises(PermissionDenied):
        return_audit(audit, comments="More", expected_version=1, acting_user=user)
    assert Audit.objects.get().status == AuditStatus.SUBMITTED
    assert audit.moderation_events.count() == 1
    assert not audit_changes().exists()


def test_the_command_line_never_moderates(audit):
    with pytest.raises(PermissionDenied):
        agree_grade(audit, expected_version=1, acting_user=SYSTEM)
    assert Audit.objects.get().status == AuditStatus.SUBMITTED and not audit_changes().exists()


def test_an_inactive_moderator_may_not_moderate(personas, audit):
    personas.moderator.is_active = False
    personas.moderator.save()
    with pytest.raises(PermissionDenied):
        agree_grade(audit, expected_version=1, acting_user=personas.moderator)
    audit.refresh_from_db()
    assert (audit.status, audit.moderated_grade, len(_events(audit))) == (AuditStatus.SUBMITTED, "", 1)


def test_a_moderator_never_moderates_an_audit_they_wrote(personas):
    audit = submitted_audit(personas.own_case, personas.moderator)
    for act in (
        lambda: agree_grade(audit, expected_version=1, acting_user=personas.moderator),
        lambda: change_grade(
            audit, grade="outstanding", reason="Mine", expected_version=1, acting_user=personas.moderator
        ),
        lambda: return_audit(audit, comments="Mine", expected_version=1, acting_user=personas.moderator),
    ):
        with pytest.raises(PermissionDenied, match="never one they audited themselves"):
            act()
    assert not audit_changes().exists()
    # Another moderator may.
    agree_grade(audit, expected_version=1, acting_user=make_user("moderator", "second-moderator"))
    assert Audit.objects.get().status == AuditStatus.MODERATED


@pytest.mark.parametrize(
    "status", [AuditStatus.NOT_STARTED, AuditStatus.IN_PROGRESS, AuditStatus.RETURNED, AuditStatus.MODERATED]
)
def test_only_a_submitted_audit_is_agreed(personas, status):
    audit = submitted_audit(personas.own_case, personas.auditor, status=status)
    with pytest.raises(ValidationError, match="only a submitted audit"):
        agree_grade(audit, expected_version=1, acting_user=personas.moderator)
    audit.refresh_from_db()
    # Refused inside the transaction: the version claimed is rolled back, here and in memory.
    assert (audit.status, audit.version) == (status, 1)
    assert audit.moderation_events.count() == 1
    assert not audit_changes().exists()


# Change ---------------------------------------------------------------------------------------------------


def test_changing_the_grade_keeps_the_auditors_and_records_the_reason(personas, audit):
    event = change_grade(
        audit,
        grade="inadequate",
        reason="  No visit for 14 weeks; risk not assessed.  ",
        expected_version=1,
        acting_user=personas.moderator,
    )
    audit.refresh_from_db()
    assert (audit.status, audit.auditor_grade, audit.moderated_grade) == (
        AuditStatus.MODERATED,
        "requires-improvement",
        "inadequate",
    )
    assert _events(audit)[-1] == (
        Kind.CHANGED,
        "requires-improvement",
        "inadequate",
        "No visit for 14 weeks; risk not assessed.",
        "moderator",
    )
    # The reason is free text that may name the child: the change event names the moderation event
    # that keeps it, never its words.
    change = audit_changes().get()
    assert (change.actor, change.event, change.subject_id) == (
        personas.moderator,
        "audit.moderated",
        str(audit.pk),
    )
    assert change.old == {"status": "submitted", "moderated_grade": ""}
    assert change.new == {
        "status": "moderated",
        "moderated_grade": "inadequate",
        "decision": "changed",
        "moderation_event": event.pk,
    }


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_change_needs_a_reason(personas, audit, reason):
    with pytest.raises(ValidationError, match="Enter the reason"):
        change_grade(audit, grade="good", reason=reason, expected_version=1, acting_user=personas.moderator)
    assert Audit.objects.get().status == AuditStatus.SUBMITTED


@pytest.mark.parametrize("grade", ["excellent", "", "Good"])
def test_a_change_is_to_a_grade_on_the_audits_scale(personas, audit, grade):
    with pytest.raises(ValidationError, match="Select a grade on the Ofsted four-point scale"):
        change_grade(audit, grade=grade, reason="Why", expected_version=1, acting_user=personas.moderator)
    audit.refresh_from_db()
    assert (audit.status, audit.moderated_grade, audit.version) == (AuditStatus.SUBMITTED, "", 1)


def test_a_change_to_the_auditors_own_grade_is_an_agreement(personas, audit):
    with pytest.raises(ValidationError, match="agree the grade instead"):
        change_grade(
            audit,
            grade="requires-improvement",
            reason="Same",
            expected_version=1,
            acting_user=personas.moderator,
        )
    audit.refresh_from_db()
    assert (audit.status, audit.moderated_grade, len(_events(audit))) == (AuditStatus.SUBMITTED, "", 1)


def test_a_moderated_audit_may_be_moderated_again(personas, audit):
    agree_grade(audit, expected_version=1, acting_user=personas.moderator)
    change_grade(
        audit,
        grade="good",
        reason="QA lead: the plan is clear.",
        expected_version=2,
        acting_user=personas.qa_lead,
    )
    # Back to the auditor's grade, from the previous moderated grade.
    change_grade(
        audit,
        grade="requires-improvement",
        reason="On reflection.",
        expected_version=3,
        acting_user=personas.moderator,
    )
    audit.refresh_from_db()
    assert (audit.status, audit.moderated_grade, audit.version) == (
        AuditStatus.MODERATED,
        "requires-improvement",
        4,
    )
    assert [event[:3] for event in _events(audit)] == [
        (Kind.SUBMITTED, "", "requires-improvement"),
        (Kind.AGREED, "requires-improvement", "requires-improvement"),
        (Kind.CHANGED, "requires-improvement", "good"),
        (Kind.CHANGED, "good", "requires-improvement"),
    ]
    with pytest.raises(ValidationError, match="Select a different grade"):
        change_grade(
            audit, grade="requires-improvement", reason="x", expected_version=4, acting_user=personas.qa_lead
        )
    # Moderating again changes the grade only: the status was moderated already.
    overruled = audit_changes().filter(event="audit.moderated", actor=personas.qa_lead).get()
    assert overruled.old == {"moderated_grade": "requires-improvement"}
    assert (overruled.new["moderated_grade"], overruled.new["decision"]) == ("good", "changed")
    assert audit_changes().count() == 3
    audit.refresh_from_db()
    assert (audit.version, len(_events(audit))) == (4, 4)


@pytest.mark.parametrize("status", [AuditStatus.IN_PROGRESS, AuditStatus.RETURNED])
def test_an_audit_not_submitted_cannot_have_its_grade_changed(personas, status):
    audit = submitted_audit(personas.own_case, personas.auditor, status=status)
    with pytest.raises(ValidationError, match="only a submitted audit"):
        change_grade(
            audit, grade="outstanding", reason="Why", expected_version=1, acting_user=personas.moderator
        )
    audit.refresh_from_db()
    assert (audit.status, audit.moderated_grade, len(_events(audit))) == (status, "", 1)


# Return ---------------------------------------------------------------------------------------------------


def test_returning_sends_the_audit_back_with_comments(personas, audit):
    event = return_audit(
        audit,
        comments="Please add the manager discussion.",
        expected_version=1,
        acting_user=personas.moderator,
    )
    audit.refresh_from_db()
    assert (audit.status, audit.moderated_grade) == (AuditStatus.RETURNED, "")
    assert _events(audit)[-1] == (
        Kind.RETURNED,
        "requires-improvement",
        "requires-improvement",
        "Please add the manager discussion.",
        "moderator",
    )
    change = audit_changes().get()
    assert (change.actor, change.event, change.subject_id) == (
        personas.moderator,
        "audit.returned",
        str(audit.pk),
    )
    assert (change.old, change.new) == (
        {"status": "submitted"},
        {"status": "returned", "decision": "returned", "moderation_event": event.pk},
    )


def test_a_return_needs_comments(personas, audit):
    with pytest.raises(ValidationError, match="Enter comments"):
        return_audit(audit, comments=" ", expected_version=1, acting_user=personas.moderator)
    assert Audit.objects.get().status == AuditStatus.SUBMITTED
    assert not audit_changes().exists()


def test_a_moderated_audit_is_not_returned(personas, audit):
    agree_grade(audit, expected_version=1, acting_user=personas.moderator)
    with pytest.raises(ValidationError, match="only a submitted audit"):
        return_audit(audit, comments="More", expected_version=2, acting_user=personas.moderator)
    audit.refresh_from_db()
    assert (audit.status, audit.moderated_grade) == (AuditStatus.MODERATED, "requires-improvement")
    assert [event[0] for event in _events(audit)] == [Kind.SUBMITTED, Kind.AGREED]


def test_a_returned_and_resubmitted_audit_keeps_its_whole_history(personas, audit):
    return_audit(
        audit, comments="Add the worker interview.", expected_version=1, acting_user=personas.moderator
    )
    # The auditor's submit (another module) records a new "submitted" event; simulated here.
    Audit.objects.filter(pk=audit.pk).update(status=AuditStatus.SUBMITTED, auditor_grade="good", version=3)
    ModerationEvent.objects.create(audit=audit, kind=Kind.SUBMITTED, to_grade="good", by=personas.auditor)
    audit.refresh_from_db()
    agree_grade(audit, expected_version=3, acting_user=personas.moderator)
    assert [event[0] for event in _events(audit)] == [
        Kind.SUBMITTED,
        Kind.RETURNED,
        Kind.SUBMITTED,
        Kind.AGREED,
    ]
    assert Audit.objects.get().moderated_grade == "good"


# No lost updates ------------------------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_nothing_is_overwritten(personas, audit):
    second_look = Audit.objects.get(pk=audit.pk)
    change_grade(audit, grade="good", reason="First", expected_version=1, acting_user=personas.moderator)
    with pytest.raises(EditConflict, match="changed by someone else"):
        change_grade(
            second_look, grade="inadequate", reason="Second", expected_version=1, acting_user=personas.qa_lead
        )
    with pytest.raises(EditConflict):
        return_audit(second_look, comments="Second", expected_version=1, acting_user=personas.qa_lead)
    assert second_look.version == 1  # what the QA lead was looking at, untouched
    stored = Audit.objects.get()
    assert (stored.moderated_grade, stored.version) == ("good", 2)
    assert [e[3] for e in _events(stored)] == ["", "First"]
    assert audit_changes().get().actor == personas.moderator  # the refused decisions recorded nothing
