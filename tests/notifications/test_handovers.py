"""Every hand-over in the process tells the person who acts next, in the app and by email: audits
allocated and reallocated, returned, moderated; actions given from a submitted audit (not before),
a recommendation or a reassignment; a follow-up audit given to an auditor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from caseaudit.audits.actions import completion as completing
from caseaudit.audits.actions.moderation import change_grade, return_audit
from caseaudit.cycles.actions import allocate_cycle, reallocate_audit
from caseaudit.improvement.actions.follow_ups import create_follow_up
from caseaudit.improvement.actions.tracker import add_recommendation, reassign_action
from caseaudit.notifications.models import Notification
from caseaudit.policy import SYSTEM

from ..audits.completion_helpers import ready_to_submit
from ..cycles.builders import make_cycle
from ..factories import Role, make_staff, make_user
from ..improvement.conftest import make_action


@pytest.fixture
def people(personas):
    for user in personas.by_role().values():
        user.email = f"{user.username}@example.test"
        user.save()
    return personas


def _told(person, kind=None):
    notes = Notification.objects.filter(recipient=person)
    return list(notes.filter(kind=kind) if kind else notes)


def _emails_to(person):
    return [m for m in mail.outbox if m.to == [person.email]]


def test_allocation_tells_each_auditor_once_with_the_count_and_deadline(
    people, django_capture_on_commit_callbacks
):
    cycle = make_cycle([people.own_case, people.other_case])
    with django_capture_on_commit_callbacks(execute=True):
        allocate_cycle(cycle, acting_user=SYSTEM)
    [note] = _told(people.auditor, "audit-allocated")
    assert note.text == f"{cycle.name}: 2 audits allocated to you, due by {cycle.ends_on:%-d %B %Y}."
    [email] = _emails_to(people.auditor)
    assert email.subject == f"{cycle.name}: 2 audits allocated to you"
    assert people.own_case.child_id not in email.subject + email.body


def test_reallocation_tells_the_new_auditor_and_the_old(people, django_capture_on_commit_callbacks):
    cycle = make_cycle([people.own_case])
    allocate_cycle(cycle, acting_user=SYSTEM)
    audit = cycle.audits.get()
    other = make_user(Role.AUDITOR, "second-auditor")
    with django_capture_on_commit_callbacks(execute=True):
        reallocate_audit(audit, to_auditor=other, reason="Leave.", acting_user=people.qa_lead)
    [given] = _told(other)
    assert given.text.startswith(f"The audit of {people.own_case.child_id} is allocated to you, due by")
    assert given.link == f"/audits/{audit.pk}/"
    assert (
        _told(people.auditor)[0].text
        == f"The audit of {people.own_case.child_id} is moved to another auditor."
    )


def test_actions_are_told_to_their_owners_when_the_audit_is_submitted_not_before(
    people, django_capture_on_commit_callbacks
):
    audit = ready_to_submit(people)
    due = timezone.localdate() + timedelta(days=30)
    for text in ("Update the plan.", "Hold a review."):
        completing.add_action(
            audit,
            description=text,
            owner=people.worker,
            due_on=due,
            expected_version=audit.version,
            acting_user=people.auditor,
        )
        audit.refresh_from_db()
    assert not _told(people.worker)  # still the auditor's draft
    with django_capture_on_commit_callbacks(execute=True):
        completing.submit_audit(audit, expected_version=audit.version, acting_user=people.auditor)
    [note] = _told(people.worker, "action-assigned")
    assert note.text == f"The audit of {people.own_case.child_id} gives you 2 actions."
    assert _emails_to(people.worker)[0].subject == "An audit gives you actions"


def test_return_and_moderation_tell_the_auditor(people, django_capture_on_commit_callbacks):
    audit = ready_to_submit(people)
    completing.submit_audit(audit, expected_version=audit.version, acting_user=people.auditor)
    audit.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        return_audit(
            audit, comments="Say more.", expected_version=audit.version, acting_user=people.moderator
        )
    [returned] = _told(people.auditor, "audit-returned")
    assert returned.link == f"/audits/{audit.pk}/" and "read the moderator's comments" in returned.text
    audit.refresh_from_db()
    completing.submit_audit(audit, expected_version=audit.version, acting_user=people.auditor)
    audit.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        change_grade(
            audit,
            grade="requires-improvement",
            reason="Plans are late.",
            expected_version=audit.version,
            acting_user=people.moderator,
        )
    [moderated] = _told(people.auditor, "grade-moderated")
    assert "the moderator changed its grade" in moderated.text
    assert [m.subject for m in _emails_to(people.auditor)] == [
        "An audit is returned to you",
        "Your audit is moderated",
    ]


def test_a_recommendation_a_reassignment_and_a_follow_up_tell_who_is_given_them(
    people, django_capture_on_commit_callbacks
):
    cycle = make_cycle([people.own_case])
    due = timezone.localdate() + timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        recommendation = add_recommendation(
            cycle,
            text="Train on plans.",
            owner=people.team_manager,
            team=None,
            due_on=due,
            acting_user=people.qa_lead,
        )
    assert _told(people.team_manager)[0].link == f"/actions/{recommendation.pk}/"
    action = make_action(people.own_case, people.worker)
    second = make_user(
        Role.SOCIAL_WORKER, "second-worker", staff=make_staff("Second Worker", people.own_case.team)
    )
    reassign_action(action, owner=second, due_on=action.due_on, acting_user=people.qa_lead)
    assert _told(second, "action-assigned")[0].text.startswith(
        f"Action {action.pk} about {people.own_case.child_id}"
    )
    follow_up = create_follow_up(
        people.own_case, auditor=people.auditor, due_on=due, acting_user=people.qa_lead
    )
    [note] = _told(people.auditor, "audit-allocated")
    assert note.link == f"/actions/follow-ups/{follow_up.pk}/"
