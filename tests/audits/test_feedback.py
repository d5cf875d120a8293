"""Feedback actions: single-use, expiring links stored as hashes; answers checked against QUESTIONS; paper
feedback; who may gather feedback; the change history they write."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from caseaudit.accounts.models import ChangeEvent
from caseaudit.audits.actions.feedback import create_feedback_link, record_paper_feedback, submit_feedback
from caseaudit.audits.feedback import QUESTIONS, TEXT_MAX_LENGTH, LinkNotUsable, usable_link, validate_answers
from caseaudit.audits.models import FeedbackLink, FeedbackResponse, Respondent

from ..cycles.builders import allocate_to, make_cycle

ANSWERS = {"know-worker": "yes", "listened-to": "sometimes", "going-well": "My flat is nice."}


@pytest.fixture
def audit(personas):
    cycle = make_cycle([personas.own_case, personas.other_case])
    allocate_to(cycle, personas.auditor, [personas.own_case])
    return cycle.audits.get(case=personas.own_case)


def test_every_respondent_has_four_to_seven_plain_questions():
    for respondent in Respondent.values:
        questions = QUESTIONS[respondent]
        assert 4 <= len(questions) <= 7
        assert len({q.slug for q in questions}) == len(questions)
        # Short questions, short words: a reading age of about nine.
        for question in questions:
            assert len(question.text.split()) <= 12, question.text
            assert max(len(word.strip("?,.")) for word in question.text.split()) <= 9, question.text


def test_a_link_keeps_only_the_hash_of_its_token(audit, personas):
    token = create_feedback_link(audit, respondent=Respondent.YOUNG_PERSON, acting_user=personas.auditor)
    link = FeedbackLink.objects.get()
    assert len(token) >= 43
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in link.token_hash
    assert link.created_by == personas.auditor
    assert timedelta(days=13, hours=23) < link.expires_at - timezone.now() <= timedelta(days=14)
    event = ChangeEvent.objects.get(event="feedback-link.created")
    assert (event.actor, event.subject_type, event.subject_id) == (
        personas.auditor,
        "feedbacklink",
        str(link.pk),
    )
    assert event.new == {
        "audit": audit.pk,
        "respondent": "young-person",
        "expires_at": event.new["expires_at"],
    }
    assert event.new["expires_at"].startswith(link.expires_at.date().isoformat())
    assert token not in str(event.new) and link.token_hash not in str(event.new)


def test_each_link_is_different(audit, personas):
    tokens = {
        create_feedback_link(audit, respondent=Respondent.CARER, acting_user=personas.qa_lead)
        for _ in range(3)
    }
    assert len(tokens) == 3


def test_submitting_attaches_the_answers_to_the_audit_and_uses_the_link_up(audit, personas):
    token = create_feedback_link(audit, respondent=Respondent.YOUNG_PERSON, acting_user=personas.auditor)
    response = submit_feedback(token, {**ANSWERS, "could-be-better": "  "})
    assert response.audit == audit and response.respondent == Respondent.YOUNG_PERSON
    assert response.answers == ANSWERS  # empty answers are left out
    assert not response.on_paper and response.recorded_by is None
    assert response.received_on == timezone.localdate()
    assert FeedbackLink.objects.get().used_at is not None
    assert usable_link(token) is None
    # Nobody is signed in: the history names the respondent, and which questions they answered, not how.
    event = ChangeEvent.objects.get(event="feedback.received")
    assert (event.actor, event.actor_name, event.subject_type, event.subject_id) == (
        None,
        "respondent",
        "feedbackresponse",
        str(response.pk),
    )
    assert event.new == {
        "audit": audit.pk,
        "respondent": "young-person",
        "on_paper": False,
        "received_on": timezone.localdate().isoformat(),
        "answered": ["going-well", "know-worker", "listened-to"],
        "link": FeedbackLink.objects.get().pk,
    }
    assert "My flat" not in str(event.new) and token not in str(event.new)


def test_the_same_link_twice_is_refused_kindly(audit, personas):
    token = create_feedback_link(audit, respondent=Respondent.YOUNG_PERSON, acting_user=personas.auditor)
    submit_feedback(token, ANSWERS)
    with pytest.raises(LinkNotUsable, match="no longer works"):
        submit_feedback(token, ANSWERS)
    assert FeedbackResponse.objects.count() == 1
    assert ChangeEvent.objects.filter(event="feedback.received").count() == 1


def test_an_expired_link_is_refused(audit, personas):
    token = create_feedback_link(audit, respondent=Respondent.CARER, acting_user=personas.auditor, days=1)
    FeedbackLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert usable_link(token) is None
    with pytest.raises(LinkNotUsable):
        submit_feedback(token, {"know-worker": "no"})
    assert not FeedbackResponse.objects.exists()


def test_an_unknown_token_is_refused_the_same_way(db):
    with pytest.raises(LinkNotUsable) as unknown:
        submit_feedback("not-a-token", ANSWERS)
    assert unknown.value.messages == [str(LinkNotUsable().messages[0])]


def test_bad_answers_leave_the_link_unused(audit, personas):
    token = create_feedback_link(audit, respondent=Respondent.YOUNG_PERSON, acting_user=personas.auditor)
    with pytest.raises(ValidationError):
        submit_feedback(token, {"know-worker": "perhaps"})
    assert usable_link(token) is not None


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({}, "Answer at least one question"),
        ({"going-well": "   "}, "Answer at least one question"),
        ({"know-worker": "maybe"}, "Choose one of the answers"),
        ({"going-well": "x" * (TEXT_MAX_LENGTH + 1)}, f"{TEXT_MAX_LENGTH} characters or fewer"),
        ({"date-of-birth": "1 May 2010"}, "Unknown questions: date-of-birth"),
        ({"know-worker": 3}, "Answer in words"),
        # A carer's question is not a young person's.
        ({"child-listened-to": "yes"}, "Unknown questions"),
    ],
)
def test_answers_are_checked_against_the_questions(answers, message):
    with pytest.raises(ValidationError) as refused:
        validate_answers(Respondent.YOUNG_PERSON, answers)
    assert any(message in m for m in refused.value.messages), refused.value.messages


def test_answers_are_trimmed_and_a_long_answer_at_the_limit_is_kept():
    kept = validate_answers(Respondent.CARER, {"child-listened-to": "yes", "anything-else": " " + "x" * 2000})
    assert kept == {"child-listened-to": "yes", "anything-else": "x" * TEXT_MAX_LENGTH}


def test_paper_feedback_is_recorded_by_the_auditor(audit, personas):
    response = record_paper_feedback(
        audit,
        respondent=Respondent.CARER,
        answers={"helping": "a-bit"},
        received_on=date(2026, 10, 3),
        acting_user=personas.auditor,
    )
    assert response.on_paper and response.recorded_by == personas.auditor and response.link is None
    assert response.answers == {"helping": "a-bit"}
    assert response.received_on == date(2026, 10, 3)
    event = ChangeEvent.objects.get(event="feedback.recorded")
    assert (event.actor, event.subject_type, event.subject_id) == (
        personas.auditor,
        "feedbackresponse",
        str(response.pk),
    )
    assert event.new == {
        "audit": audit.pk,
        "respondent": "carer",
        "on_paper": True,
        "received_on": "2026-10-03",
        "answered": ["helping"],
    }


def test_paper_feedback_cannot_come_from_the_future(audit, personas):
    with pytest.raises(ValidationError, match="today or in the past"):
        record_paper_feedback(
            audit,
            respondent=Respondent.CARER,
            answers={"helping": "no"},
            received_on=timezone.localdate() + timedelta(days=1),
            acting_user=personas.qa_lead,
        )
    assert not FeedbackResponse.objects.exists()


@pytest.mark.parametrize("persona", ["moderator", "team_manager", "worker", "senior_leader", "outsider"])
def test_only_the_qa_lead_and_the_audits_auditor_gather_feedback(audit, personas, persona):
    user = getattr(personas, persona)
    with pytest.raises(PermissionDenied):
        create_feedback_link(audit, respondent=Respondent.CARER, acting_user=user)
    with pytest.raises(PermissionDenied):
        record_paper_feedback(
            audit,
            respondent=Respondent.CARER,
            answers=ANSWERS,
            received_on=date(2026, 10, 1),
            acting_user=user,
        )
    assert not FeedbackLink.objects.exists() and not FeedbackResponse.objects.exists()
    assert not ChangeEvent.objects.filter(event__startswith="feedback").exists()


def test_another_auditor_may_not_gather_feedback(audit, personas):
    from ..factories import make_user

    other = make_user("auditor", "other-auditor")
    with pytest.raises(PermissionDenied):
        create_feedback_link(audit, respondent=Respondent.CARER, acting_user=other)
    assert not FeedbackLink.objects.exists()


def test_a_link_works_for_a_sensible_number_of_days(audit, personas):
    for days in (0, 61):
        with pytest.raises(ValidationError):
            create_feedback_link(audit, respondent=Respondent.CARER, acting_user=personas.qa_lead, days=days)
