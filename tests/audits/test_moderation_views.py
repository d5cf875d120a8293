"""The moderation pages: the queue, one audit (agree, change, return, errors, conflicts), statistics."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caseaudit.accounts.models import AccessLog, ChangeEvent
from caseaudit.audits.models import Audit, AuditStatus, ModerationEvent, SectionResponse

from ..cycles.builders import make_cycle
from ..factories import make_case
from .test_moderation import submitted_audit


@pytest.fixture
def audit(personas):
    return submitted_audit(personas.own_case, personas.auditor, "requires-improvement", not_triangulated=True)


@pytest.fixture
def moderator(client, personas):
    client.force_login(personas.moderator)
    return personas.moderator


def _events(audit) -> list[tuple]:
    """The audit's moderation history after its submission: kind, grades, comments and who."""
    return list(
        audit.moderation_events.exclude(kind=ModerationEvent.Kind.SUBMITTED)
        .order_by("at", "pk")
        .values_list("kind", "from_grade", "to_grade", "comments", "by__username")
    )


def _post(client, audit, **data):
    data.setdefault("version", audit.version)
    action = data.pop("action")
    fields = {f"{action}-{key}": value for key, value in data.items()}
    return client.post(reverse("audits:moderate", args=[audit.pk]), {"action": action, **fields})


# The queue ------------------------------------------------------------------------------------------------


def test_queue_lists_waiting_audits_oldest_first(client, personas, moderator, django_assert_max_num_queries):
    newer = submitted_audit(personas.other_case, personas.auditor, "good", days_ago=1)
    older = submitted_audit(
        personas.own_case, personas.auditor, "inadequate", days_ago=5, not_triangulated=True
    )
    for n in range(5):
        submitted_audit(make_case(f"Q00000{n}"), personas.auditor, days_ago=3)
    done = submitted_audit(make_case("D000001"), personas.auditor, "good", status=AuditStatus.SUBMITTED)
    client.post(reverse("audits:moderate", args=[done.pk]), {"action": "agree", "agree-version": 1})

    with django_assert_max_num_queries(12):
        response = client.get(reverse("audits:moderation-queue"))
    assert response.status_code == 200
    text = response.text
    # (The success message of the agreement above shows first; the tabs come after it.)
    waiting, recent = text.split('id="waiting"')[1].split('id="recent"')
    assert waiting.index(older.case.child_id) < waiting.index("Q000000") < waiting.index(newer.case.child_id)
    assert "D000001" not in waiting and "D000001" in recent
    assert "Waiting (7)" in text
    assert waiting.count("Not triangulated") == 1
    assert "Inadequate" in waiting and "Care leaver" in waiting
    assert reverse("audits:moderate", args=[older.pk]) in waiting
    assert AccessLog.objects.filter(user=moderator, object_type="moderation-queue").exists()


def test_empty_queue_says_so(client, moderator):
    response = client.get(reverse("audits:moderation-queue"))
    assert "No audits are waiting" in response.text
    assert "No audits have been moderated yet" in response.text


def test_the_navigation_links_to_moderation_for_moderators_only(client, personas):
    client.force_login(personas.qa_lead)
    assert 'href="/audits/moderation/">Moderation</a>' in client.get(reverse("cycles:list")).text
    client.force_login(personas.auditor)
    assert "/audits/moderation/" not in client.get(reverse("audits:mine")).text


# One audit ------------------------------------------------------------------------------------------------


def test_the_page_shows_the_grades_sections_and_history(client, moderator, audit):
    SectionResponse.objects.create(
        audit=audit, section="childs-voice", grade="good", evidence="e", analysis="a"
    )
    response = client.get(reverse("audits:moderate", args=[audit.pk]))
    assert response.status_code == 200
    text = response.text
    assert "Requires improvement to be good" in text
    assert "Rationale for N000001." in text
    assert "Not triangulated" in text
    assert "Section grades" in text
    # The scale's descriptors are hints beside the radios.
    assert "There are serious failures" in text
    assert 'name="change-version" value="1"' in text
    assert "Submitted" in text and "auditor" in text  # the history's first entry
    assert AccessLog.objects.filter(user=moderator, object_type="audit", object_id=str(audit.pk)).exists()


def test_agree(client, moderator, audit):
    response = _post(client, audit, action="agree")
    assert response.status_code == 302 and response["Location"] == reverse("audits:moderate", args=[audit.pk])
    audit.refresh_from_db()
    assert (audit.status, audit.moderated_grade) == (AuditStatus.MODERATED, "requires-improvement")
    assert ChangeEvent.objects.filter(event="audit.moderated", actor=moderator, subject_id=audit.pk).exists()
    assert [(kind, by) for kind, *_, by in _events(audit)] == [(ModerationEvent.Kind.AGREED, "moderator")]
    page = client.get(response["Location"]).text
    assert "You agreed the grade of the audit of N000001" in page
    assert "Grade agreed" in page
    assert 'name="agree-version"' not in page  # agreed already; only a change is offered
    assert "Moderate again" in page


def test_change_with_a_reason(client, moderator, audit):
    response = _post(client, audit, action="change", grade="good", reason="Plan is clear and reviewed.")
    assert response.status_code == 302
    audit.refresh_from_db()
    assert (audit.status, audit.moderated_grade) == (AuditStatus.MODERATED, "good")
    assert _events(audit) == [
        (
            ModerationEvent.Kind.CHANGED,
            "requires-improvement",
            "good",
            "Plan is clear and reviewed.",
            "moderator",
        )
    ]
    page = client.get(response["Location"]).text
    assert "changed the grade of the audit of N000001 to Good" in page
    assert "Requires improvement to be good to Good" in page
    assert "Plan is clear and reviewed." in page


def test_change_without_a_reason_or_grade_shows_errors_and_keeps_the_typing(client, moderator, audit):
    response = _post(client, audit, action="change", grade="good", reason="")
    assert response.status_code == 200
    text = response.text
    assert "govuk-error-summary" in text and "Enter the reason for changing the grade" in text
    assert 'href="#id_change-reason"' in text
    assert "<title>Error: " in text
    assert 'value="good" checked' in text

    response = _post(client, audit, action="change", reason="Because")
    assert 'href="#id_change-grade"' in response.text and "Select the new grade" in response.text
    assert "Because</textarea>" in response.text
    assert Audit.objects.get().status == AuditStatus.SUBMITTED
    assert _events(audit) == []


def test_change_to_the_same_grade_shows_the_actions_message(client, moderator, audit):
    response = _post(client, audit, action="change", grade="requires-improvement", reason="Same")
    assert response.status_code == 200
    assert "To keep it, agree the grade instead." in response.text
    assert 'href="#id_change-grade"' in response.text
    stored = Audit.objects.get()
    assert (stored.status, stored.moderated_grade, _events(stored)) == (AuditStatus.SUBMITTED, "", [])


def test_return_with_comments_and_without(client, moderator, audit):
    response = _post(client, audit, action="return", comments="")
    assert response.status_code == 200 and "Enter comments for the auditor" in response.text
    assert (Audit.objects.get().status, _events(audit)) == (AuditStatus.SUBMITTED, [])
    response = _post(client, audit, action="return", comments="Add the worker interview.")
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.RETURNED
    assert [(kind, comments) for kind, _, _, comments, _ in _events(audit)] == [
        (ModerationEvent.Kind.RETURNED, "Add the worker interview.")
    ]
    page = client.get(response["Location"]).text
    assert "Returned to the auditor" in page and "Add the worker interview." in page
    assert "It can be moderated when they submit it again" in page


def test_a_stale_page_gets_a_conflict_and_keeps_what_was_typed(client, personas, moderator, audit):
    # The QA lead agrees first, while the moderator's page still says version 1.
    other = client.__class__()
    other.force_login(personas.qa_lead)
    assert _post(other, audit, action="agree").status_code == 302

    response = _post(client, audit, action="change", grade="good", reason="My careful reasoning", version=1)
    assert response.status_code == 409
    text = response.text
    assert "Someone else changed this audit" in text
    assert "changed by someone else after you opened it" in text
    assert "My careful reasoning</textarea>" in text
    assert "Grade agreed" in text  # the page shows what the other person did
    stored = Audit.objects.get()
    assert (stored.moderated_grade, stored.version) == ("requires-improvement", 2)
    assert stored.moderation_events.filter(kind=ModerationEvent.Kind.CHANGED).count() == 0
    assert not ChangeEvent.objects.filter(actor=moderator).exists()


@pytest.mark.parametrize(
    "data", [{}, {"action": "delete"}, {"action": "agree"}, {"action": "agree", "agree-version": "x"}]
)
def test_a_malformed_post_is_a_bad_request(client, moderator, audit, data):
    response = client.post(reverse("audits:moderate", args=[audit.pk]), data)
    assert response.status_code == 400
    assert Audit.objects.get().status == AuditStatus.SUBMITTED


def test_own_audit_has_no_choices(client, personas):
    audit = submitted_audit(personas.own_case, personas.moderator)
    client.force_login(personas.moderator)
    response = client.get(reverse("audits:moderate", args=[audit.pk]))
    assert "another moderator must moderate it" in response.text
    assert 'name="action"' not in response.text
    assert _post(client, audit, action="agree").status_code == 403
    audit.refresh_from_db()
    assert (audit.status, audit.moderated_grade, _events(audit)) == (AuditStatus.SUBMITTED, "", [])


def test_an_audit_not_submitted_has_nothing_to_moderate(client, personas, moderator):
    audit = submitted_audit(personas.own_case, personas.auditor, status=AuditStatus.IN_PROGRESS)
    response = client.get(reverse("audits:moderate", args=[audit.pk]))
    assert "has not been submitted" in response.text
    response = _post(client, audit, action="agree")
    assert response.status_code == 200 and "only a submitted audit can be moderated" in response.text
    assert 'href="#agree"' in response.text
    audit.refresh_from_db()
    assert (audit.status, audit.moderated_grade, _events(audit)) == (AuditStatus.IN_PROGRESS, "", [])


def test_unknown_audit_is_not_found(client, moderator):
    assert client.get(reverse("audits:moderate", args=[999])).status_code == 404


# Statistics -----------------------------------------------------------------------------------------------


def test_statistics_page_and_cycle_filter(client, personas, moderator):
    cycle = make_cycle([personas.own_case])
    in_cycle = cycle.audits.get()
    Audit.objects.filter(pk=in_cycle.pk).update(
        auditor=personas.auditor,
        status=AuditStatus.MODERATED,
        grade_scale=submitted_audit(personas.other_case, personas.auditor, "good").grade_scale,
        auditor_grade="good",
        moderated_grade="requires-improvement",
    )
    submitted_audit(
        make_case(), personas.auditor, "good", status=AuditStatus.MODERATED, moderated_grade="good"
    )
    submitted_audit(
        make_case(),
        personas.auditor,
        "inadequate",
        status=AuditStatus.MODERATED,
        moderated_grade="inadequate",
    )

    response = client.get(reverse("audits:moderation-statistics"))
    assert response.status_code == 200
    text = response.text
    assert "What the weighted kappa means" in text
    assert "All auditors" in text and "67%" in text
    assert "Autumn 2026" in text  # in the filter

    response = client.get(reverse("audits:moderation-statistics"), {"cycle": cycle.pk})
    assert "of Autumn 2026" in response.text
    assert "Too few to tell" in response.text  # one audit: no kappa
    assert ">0%<" in response.text
    assert AccessLog.objects.filter(object_type="moderation-statistics", object_id=str(cycle.pk)).exists()

    # An unknown cycle is ignored, not an error.
    assert client.get(reverse("audits:moderation-statistics"), {"cycle": "nope"}).status_code == 200


def test_statistics_with_nothing_moderated(client, moderator):
    assert "No audits have been moderated yet" in client.get(reverse("audits:moderation-statistics")).text
