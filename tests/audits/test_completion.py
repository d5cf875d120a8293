"""The actions that complete an audit (audits.actions.completion): who may, what they check, optimistic
locking, and the change history they write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.audits import completion
from caseaudit.audits.actions import completion as completing
from caseaudit.audits.actions.feedback import create_feedback_link, submit_feedback
from caseaudit.audits.actions.templates import load_template
from caseaudit.audits.completion import Progress
from caseaudit.audits.models import (
    Audit,
    AuditStatus,
    EvidenceSource,
    EvidenceUse,
    Finding,
    ModerationEvent,
    Respondent,
    SectionResponse,
    Theme,
)
from caseaudit.audits.templates_store import default_template, default_template_text
from caseaudit.improvement.actions import tracker as tracker_actions
from caseaudit.improvement.models import Action
from caseaudit.improvement.scoping import actions_visible_to
from caseaudit.locking import EditConflict
from caseaudit.policy import SYSTEM

from ..cycles.builders import allocate_to, make_cycle
from ..factories import make_user
from .completion_helpers import allocated_audit, fill_sections, ready_to_submit, started_audit, yesterday

pytestmark = pytest.mark.django_db


def _row(audit) -> dict:
    """The audit as stored, to show that a refused action left it as it was."""
    return Audit.objects.filter(pk=audit.pk).values().get()


# Starting -------------------------------------------------------------------------------------------------


def test_start_attaches_the_default_template_and_its_scale(personas):
    audit = allocated_audit(personas)
    completing.start_audit(audit, acting_user=personas.auditor)
    audit.refresh_from_db()
    template = default_template()
    assert audit.template == template and audit.grade_scale == template.grade_scale
    assert audit.status == AuditStatus.IN_PROGRESS and audit.started_at is not None
    assert audit.version == 2


def test_a_new_template_version_does_not_change_a_started_audit(personas):
    audit = started_audit(personas)
    started_on = audit.template
    newer = load_template(
        default_template_text().replace("version: 1\nname: Case", "version: 2\nname: Case"),
        source="v2.yaml",
        acting_user=SYSTEM,
    )
    audit.refresh_from_db()
    assert audit.template == started_on != newer
    assert default_template() == newer


@pytest.mark.parametrize("who", ["qa_lead", "moderator", "team_manager", "worker", "senior_leader"])
def test_only_the_allocated_auditor_may_start(personas, who):
    audit = allocated_audit(personas)
    before = _row(audit)
    with pytest.raises(PermissionDenied):
        completing.start_audit(audit, acting_user=getattr(personas, who))
    assert _row(audit) == before and before["status"] == AuditStatus.NOT_STARTED


def test_another_auditor_may_not_start(personas):
    audit = allocated_audit(personas)
    before = _row(audit)
    with pytest.raises(PermissionDenied):
        completing.start_audit(audit, acting_user=make_user(Role.AUDITOR, "other-auditor"))
    assert _row(audit) == before


def test_an_audit_in_a_draft_cycle_may_not_be_started(personas):
    cycle = make_cycle([personas.own_case], draft=True)
    allocate_to(cycle, personas.auditor)
    before = _row(cycle.audits.get())
    with pytest.raises(PermissionDenied):
        completing.start_audit(cycle.audits.get(), acting_user=personas.auditor)
    assert _row(cycle.audits.get()) == before and before["status"] == AuditStatus.NOT_STARTED


def test_starting_twice_is_refused(personas):
    audit = started_audit(personas)
    before = _row(audit)
    with pytest.raises(ValidationError, match="already been started"):
        completing.start_audit(audit, acting_user=personas.auditor)
    assert _row(audit) == before  # the start date and version kept


def test_a_section_cannot_be_saved_before_the_audit_starts(personas):
    audit = allocated_audit(personas)
    with pytest.raises(ValidationError, match="Start the audit first"):
        completing.save_section(
            audit, "recording", grade="", evidence="x", analysis="", answers={},
            expected_version=audit.version, acting_user=personas.auditor,
        )  # fmt: skip
    assert not SectionResponse.objects.exists()
    assert Audit.objects.get(pk=audit.pk).status == AuditStatus.NOT_STARTED


# Sections -------------------------------------------------------------------------------------------------


def _part(audit, section):
    return next(part for part in completion.parts_of(audit) if part.section == section)


def _save(audit, user, slug="recording", **changes):
    values = {"grade": "", "evidence": "", "analysis": "", "answers": {}} | changes
    return completing.save_section(audit, slug, expected_version=audit.version, acting_user=user, **values)


def test_a_draft_section_saves_partial_content(personas):
    audit = started_audit(personas)
    response = _save(audit, personas.auditor, evidence="Notes so far", answers={"up-to-date": "no"})
    assert _part(audit, "recording").progress == Progress.IN_PROGRESS
    assert response.answers["up-to-date"] == "no"
    _save(audit, personas.auditor, grade="good", evidence="E", analysis="A")
    assert _part(audit, "recording").progress == Progress.COMPLETED
    assert SectionResponse.objects.filter(audit=audit).count() == 1


def test_a_section_must_apply_to_the_cohort(personas):
    # The own case is a care leaver; the other case, a child in need, has no care leaver sections.
    cycle = make_cycle([personas.other_case], name="Other")
    allocate_to(cycle, personas.auditor)
    audit = cycle.audits.get()
    completing.start_audit(audit, acting_user=personas.auditor)
    with pytest.raises(ValidationError, match="not part of the audit"):
        _save(audit, personas.auditor, slug="care-leaver-living", evidence="x")
    with pytest.raises(ValidationError, match="not part of the audit"):
        _save(audit, personas.auditor, slug="no-such-section", evidence="x")
    assert not SectionResponse.objects.filter(audit=audit).exists()
    assert "care-leaver-living" not in [s.slug for s in completion.sections_of(audit)]
    assert "care-leaver-living" in [s.slug for s in completion.sections_of(started_audit(personas))]


def test_grade_must_be_on_the_audits_scale(personas):
    audit = started_audit(personas)
    with pytest.raises(ValidationError, match="not a grade"):
        _save(audit, personas.auditor, grade="excellent")
    assert not SectionResponse.objects.exists()


def test_answers_only_for_the_sections_questions(personas):
    audit = started_audit(personas)
    with pytest.raises(ValidationError, match="not in the section"):
        _save(audit, personas.auditor, answers={"seen": "yes"})  # a question of another section
    with pytest.raises(ValidationError, match="yes or no"):
        _save(audit, personas.auditor, answers={"up-to-date": "maybe"})
    assert not SectionResponse.objects.exists()


def test_two_saves_on_the_same_version_the_second_is_refused_and_changes_nothing(personas):
    audit = started_audit(personas)
    version = audit.version
    completing.save_section(
        audit, "recording", grade="good", evidence="First person's evidence", analysis="",
        answers={}, expected_version=version, acting_user=personas.auditor,
    )  # fmt: skip
    with pytest.raises(EditConflict):
        completing.save_section(
            audit, "recording", grade="inadequate", evidence="Second tab's evidence", analysis="",
            answers={}, expected_version=version, acting_user=personas.auditor,
        )  # fmt: skip
    response = SectionResponse.objects.get(audit=audit)
    assert (response.grade, response.evidence) == ("good", "First person's evidence")
    audit.refresh_from_db()
    assert audit.version == version + 1


# Evidence, overall, findings and actions ------------------------------------------------------------------


def test_record_and_remove_evidence(personas):
    audit = started_audit(personas)
    user = personas.auditor
    completing.record_evidence(
        audit, "record-review", used_on=yesterday(), note="", expected_version=audit.version, acting_user=user
    )
    completing.record_evidence(
        audit,
        "record-review",
        used_on=yesterday(),
        note="again",
        expected_version=audit.version,
        acting_user=user,
    )
    assert EvidenceUse.objects.get(audit=audit).note == "again"
    with pytest.raises(ValidationError, match="today or in the past"):
        completing.record_evidence(
            audit, "worker-interview", used_on=timezone.localdate() + timedelta(days=1), note="",
            expected_version=audit.version, acting_user=user,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Select a source"):
        completing.record_evidence(
            audit, "gossip", used_on=yesterday(), note="", expected_version=audit.version, acting_user=user
        )
    assert list(EvidenceUse.objects.values_list("source", "note")) == [("record-review", "again")]
    with pytest.raises(EditConflict):
        completing.remove_evidence(audit, "record-review", expected_version=1, acting_user=user)
    completing.remove_evidence(audit, "record-review", expected_version=audit.version, acting_user=user)
    assert not EvidenceUse.objects.exists()
    # Refused before anything is claimed: the audit's version, here and in the database, stays as it was.
    version = audit.version
    with pytest.raises(ValidationError, match="not recorded on this audit"):
        completing.remove_evidence(audit, "record-review", expected_version=version, acting_user=user)
    audit.refresh_from_db()
    assert audit.version == version


def test_save_overall_checks_the_scale(personas):
    audit = started_audit(personas)
    with pytest.raises(ValidationError):
        completing.save_overall(
            audit,
            grade="excellent",
            rationale="Refused",
            expected_version=audit.version,
            acting_user=personas.auditor,
        )
    assert (_row(audit)["draft_grade"], _row(audit)["overall_rationale"]) == ("", "")
    completing.save_overall(
        audit, grade="good", rationale="Because", expected_version=audit.version, acting_user=personas.auditor
    )
    audit.refresh_from_db()
    assert (audit.draft_grade, audit.overall_rationale, audit.status) == ("good", "Because", "in-progress")
    assert audit.auditor_grade == ""  # a draft is never the auditor's grade until it is submitted


def test_findings_use_active_themes(personas):
    audit = started_audit(personas)
    theme = Theme.objects.filter(active=True).first()
    assert theme is not None  # seeded by a migration
    finding = completing.add_finding(
        audit, kind="issue", theme=theme, text="Late recording", expected_version=audit.version,
        acting_user=personas.auditor,
    )  # fmt: skip
    retired = Theme.objects.create(slug="retired", label="Retired", active=False)
    with pytest.raises(ValidationError, match="theme"):
        completing.add_finding(
            audit, kind="issue", theme=retired, text="x", expected_version=audit.version,
            acting_user=personas.auditor,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="strength or an issue"):
        completing.add_finding(
            audit,
            kind="meh",
            theme=theme,
            text="x",
            expected_version=audit.version,
            acting_user=personas.auditor,
        )
    # The refused ones were not kept.
    assert list(Finding.objects.values_list("text", flat=True)) == ["Late recording"]
    completing.remove_finding(audit, finding.pk, expected_version=audit.version, acting_user=personas.auditor)
    assert not Finding.objects.exists()


def test_actions_need_an_owner_of_the_team_and_a_due_date_not_past(personas):
    audit = started_audit(personas)
    user = personas.auditor
    due = timezone.localdate() + timedelta(days=30)
    assert set(completion.action_owners(audit)) == {personas.team_manager, personas.worker}
    action = completing.add_action(
        audit, description="Update the pathway plan", owner=personas.team_manager, due_on=due,
        expected_version=audit.version, acting_user=user,
    )  # fmt: skip
    assert (action.case, action.team, action.created_by) == (personas.own_case, personas.own_case.team, user)
    with pytest.raises(ValidationError, match="owner"):
        completing.add_action(
            audit, description="x", owner=personas.outsider, due_on=due, expected_version=audit.version,
            acting_user=user,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="today or in the future"):
        completing.add_action(
            audit, description="x", owner=personas.worker, due_on=yesterday(), expected_version=audit.version,
            acting_user=user,
        )  # fmt: skip
    personas.worker.is_active = False
    personas.worker.save()
    with pytest.raises(ValidationError, match="owner"):
        completing.add_action(
            audit, description="x", owner=personas.worker, due_on=due, expected_version=audit.version,
            acting_user=user,
        )  # fmt: skip
    assert list(Action.objects.values_list("pk", flat=True)) == [action.pk]  # the refused ones not kept
    completing.remove_action(audit, action.pk, expected_version=audit.version, acting_user=user)
    assert not Action.objects.exists()


def test_an_action_added_to_the_draft_reaches_its_owner_only_when_the_audit_is_submitted(personas):
    """Until submission an audit's actions are the auditor's draft: not in the owner's or the team
    manager's tracker, and not in the QA team's either."""
    audit = started_audit(personas)
    due = timezone.localdate() + timedelta(days=30)
    action = completing.add_action(
        audit, description="Update the pathway plan", owner=personas.worker, due_on=due,
        expected_version=audit.version, acting_user=personas.auditor,
    )  # fmt: skip
    for person in (personas.worker, personas.team_manager, personas.qa_lead):
        assert action not in actions_visible_to(person)
    Audit.objects.filter(pk=audit.pk).update(submitted_at=timezone.now())  # as submission does
    for person in (personas.worker, personas.team_manager, personas.qa_lead):
        assert action in actions_visible_to(person)


def test_an_action_someone_has_worked_on_is_never_removed(personas):
    """An audit returned after submission may still be changed, but an action its owner has worked on is
    theirs too: taking it back is refused and nothing of theirs is deleted (the QA lead may cancel it)."""
    audit = started_audit(personas)
    due = timezone.localdate() + timedelta(days=30)
    action = completing.add_action(
        audit, description="Update the pathway plan", owner=personas.worker, due_on=due,
        expected_version=audit.version, acting_user=personas.auditor,
    )  # fmt: skip
    Audit.objects.filter(pk=audit.pk).update(submitted_at=timezone.now())
    tracker_actions.update_action(action, note="Booked the review.", acting_user=personas.worker)
    audit.refresh_from_db()
    with pytest.raises(ValidationError, match="ask the QA lead to cancel it"):
        completing.remove_action(
            audit, action.pk, expected_version=audit.version, acting_user=personas.auditor
        )
    assert Action.objects.filter(pk=action.pk).exists() and action.notes.count() == 1
    assert not ChangeEvent.objects.filter(event="action.removed").exists()


# Submitting -----------------------------------------------------------------------------------------------


def test_submission_names_what_is_missing(personas):
    audit = started_audit(personas)
    _save(audit, personas.auditor, grade="good", evidence="E")  # recording: no analysis
    with pytest.raises(ValidationError) as raised:
        completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    messages = raised.value.messages
    assert "Recording: add the analysis" in messages
    assert "The child's lived experience and voice: add a grade, the evidence and the analysis" in messages
    assert "Record the review of the case record in the evidence sources" in messages
    assert "Select the overall grade" in messages
    assert "Explain the overall grade in the rationale" in messages
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS


def test_submit_sets_the_grade_status_dates_and_history(personas):
    audit = ready_to_submit(personas)
    completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED and audit.auditor_grade == "good"
    assert audit.submitted_at is not None and audit.completed_on == timezone.localdate()
    assert not audit.not_triangulated
    event = ModerationEvent.objects.get(audit=audit)
    assert (event.kind, event.to_grade, event.by) == ("submitted", "good", personas.auditor)
    # A submitted audit cannot be changed.
    with pytest.raises(ValidationError, match="cannot be changed"):
        _save(audit, personas.auditor, evidence="late change")
    assert SectionResponse.objects.get(audit=audit, section="recording").evidence == "Evidence for recording"


def test_an_audit_on_the_record_alone_needs_confirmation(personas):
    audit = ready_to_submit(personas, triangulated=False)
    with pytest.raises(completion.NotTriangulated):
        completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    assert _row(audit)["status"] == AuditStatus.IN_PROGRESS and not ModerationEvent.objects.exists()
    completing.submit_audit(
        audit, confirm_not_triangulated=True, expected_version=audit.version, acting_user=personas.auditor
    )
    audit.refresh_from_db()
    assert audit.not_triangulated and audit.status == AuditStatus.SUBMITTED


def test_online_feedback_from_the_child_counts_as_the_childs_voice(personas):
    """Triangulation: a child who answered a feedback link is a source besides the record, so the audit is
    submitted without the "record alone" confirmation and is not flagged."""
    audit = ready_to_submit(personas, triangulated=False)
    assert not completion.is_triangulated(audit)
    token = create_feedback_link(audit, respondent=Respondent.YOUNG_PERSON, acting_user=personas.auditor)
    submit_feedback(token, {"know-worker": "yes"})
    assert completion.evidence_sources(audit) == {
        EvidenceSource.RECORD_REVIEW,
        EvidenceSource.CHILD_FEEDBACK,
    }
    assert completion.is_triangulated(audit)
    audit.refresh_from_db()
    completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED and not audit.not_triangulated


def test_a_returned_audit_is_submitted_again(personas):
    audit = ready_to_submit(personas)
    completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    audit.refresh_from_db()
    # As moderation returns it.
    audit.status = AuditStatus.RETURNED
    audit.save()
    _save(audit, personas.auditor, grade="requires-improvement", evidence="More", analysis="More")
    completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    assert ModerationEvent.objects.filter(audit=audit, kind="submitted").count() == 2


def test_submit_on_a_stale_version_is_a_conflict(personas):
    audit = ready_to_submit(personas)
    with pytest.raises(EditConflict):
        completing.submit_audit(audit, expected_version=audit.version - 1, acting_user=personas.auditor)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS
    assert not ModerationEvent.objects.exists()


def test_only_the_auditor_may_submit(personas):
    audit = ready_to_submit(personas)
    before = _row(audit)
    with pytest.raises(PermissionDenied):
        completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.qa_lead)
    assert _row(audit) == before and not ModerationEvent.objects.exists()


def test_fill_sections_completes_every_applicable_section(personas):
    audit = started_audit(personas)
    fill_sections(audit, personas.auditor)
    assert all(part.complete for part in completion.parts_of(audit) if part.task == "section")
    assert audit.sections.count() == len(completion.sections_of(audit))


# The change history ---------------------------------------------------------------------------------------


def _event(name):
    """The one event of that name, its values as stored (dates as text)."""
    return ChangeEvent.objects.get(event=name)


def _by(event, user, subject):
    return (event.actor, event.actor_name, event.subject_type, event.subject_id) == (
        user,
        user.username,
        subject._meta.model_name,
        str(subject.pk),
    )


def test_starting_records_the_template_the_audit_keeps(personas):
    audit = started_audit(personas)
    event = _event("audit.started")
    assert _by(event, personas.auditor, audit)
    template = default_template()
    assert event.old == {"status": "not-started"}
    assert event.new == {
        "status": "in-progress",
        "template": template.slug,
        "template_version": template.version,
    }


def test_a_saved_section_records_its_grades_and_which_texts_changed_never_the_words(personas):
    audit = started_audit(personas)
    response = _save(audit, personas.auditor, grade="good", evidence="Seen by Jamie Smith")
    first = _event("section.saved")
    assert _by(first, personas.auditor, response)
    assert first.old == {}
    assert first.new == {"section": "recording", "grade": "good", "texts_changed": ["evidence"]}
    ChangeEvent.objects.all().delete()
    _save(audit, personas.auditor, grade="inadequate", evidence="Seen by Jamie Smith", analysis="Drift",
          answers={"up-to-date": "no"})  # fmt: skip
    again = _event("section.saved")
    assert again.old == {"grade": "good"}
    assert again.new == {"grade": "inadequate", "texts_changed": ["analysis", "answers.up-to-date"]}
    assert "Jamie" not in str(first.new) + str(again.old) + str(again.new)


def test_evidence_sources_record_when_they_were_used_and_their_removal(personas):
    audit = started_audit(personas)
    user = personas.auditor
    use = completing.record_evidence(
        audit, "worker-interview", used_on=yesterday(), note="Spoke to Jamie's worker",
        expected_version=audit.version, acting_user=user,
    )  # fmt: skip
    event = _event("evidence-source.set")
    assert _by(event, user, use) and event.old == {}
    assert event.new == {
        "audit": audit.pk, "source": "worker-interview", "used_on": yesterday().isoformat(),
        "texts_changed": ["note"],
    }  # fmt: skip
    completing.remove_evidence(audit, "worker-interview", expected_version=audit.version, acting_user=user)
    removed = _event("evidence-source.removed")
    assert _by(removed, user, use) and removed.new == {}
    assert removed.old == {
        "audit": audit.pk,
        "source": "worker-interview",
        "used_on": yesterday().isoformat(),
    }


def test_findings_and_actions_record_their_addition_and_removal_without_their_words(personas):
    audit = started_audit(personas)
    user = personas.auditor
    theme = Theme.objects.filter(active=True).first()
    finding = completing.add_finding(
        audit, kind="issue", theme=theme, text="Jamie's plan is late", expected_version=audit.version,
        acting_user=user,
    )  # fmt: skip
    due = timezone.localdate() + timedelta(days=30)
    action = completing.add_action(
        audit, description="Update Jamie's plan", owner=personas.worker, due_on=due,
        expected_version=audit.version, acting_user=user,
    )  # fmt: skip
    finding_values = {"audit": audit.pk, "kind": "issue", "theme": theme.slug}
    action_values = {
        "audit": audit.pk,
        "case": audit.case_id,
        "owner": personas.worker.pk,
        "due_on": due.isoformat(),
    }
    added = _event("finding.added")
    assert _by(added, user, finding) and (added.old, added.new) == ({}, finding_values)
    added = _event("action.added")
    assert _by(added, user, action) and (added.old, added.new) == ({}, action_values)
    completing.remove_finding(audit, finding.pk, expected_version=audit.version, acting_user=user)
    completing.remove_action(audit, action.pk, expected_version=audit.version, acting_user=user)
    removed = _event("finding.removed")
    assert _by(removed, user, finding) and (removed.old, removed.new) == (finding_values, {})
    removed = _event("action.removed")
    assert _by(removed, user, action) and (removed.old, removed.new) == (action_values, {})
    assert not [event for event in ChangeEvent.objects.all() if "Jamie" in f"{event.old}{event.new}"]


def test_the_overall_grade_and_submission_record_the_grades(personas):
    audit = ready_to_submit(personas, triangulated=False)
    graded = _event("audit.graded")
    assert _by(graded, personas.auditor, audit)
    assert (graded.old, graded.new) == (
        {"draft_grade": ""},
        {"draft_grade": "good", "texts_changed": ["overall_rationale"]},
    )
    completing.submit_audit(
        audit, confirm_not_triangulated=True, expected_version=audit.version, acting_user=personas.auditor
    )
    submitted = _event("audit.submitted")
    assert _by(submitted, personas.auditor, audit)
    assert submitted.old == {"status": "in-progress", "auditor_grade": ""}
    assert submitted.new == {"status": "submitted", "auditor_grade": "good", "not_triangulated": True}


def test_a_refused_change_records_nothing(personas):
    audit = ready_to_submit(personas)
    ChangeEvent.objects.all().delete()
    with pytest.raises(PermissionDenied):
        completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.qa_lead)
    with pytest.raises(EditConflict):
        completing.submit_audit(audit, expected_version=audit.version - 1, acting_user=personas.auditor)
    with pytest.raises(ValidationError):
        _save(audit, personas.auditor, grade="excellent")
    with pytest.raises(ValidationError):
        completing.remove_finding(audit, 999, expected_version=audit.version, acting_user=personas.auditor)
    assert not ChangeEvent.objects.exists()
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS
