"""Learning from audits (issue 15, section 3): the auditor's feedback to the case's worker and manager,
written with the audit, sent when the audit is moderated, acknowledged by the worker."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from caseaudit.accounts.models import ChangeEvent
from caseaudit.audits.actions import completion as completing
from caseaudit.audits.actions.moderation import agree_grade
from caseaudit.audits.actions.practice_feedback import acknowledge_practice_feedback, save_practice_feedback
from caseaudit.audits.models import PracticeFeedback
from caseaudit.notifications.models import Kind, Notification
from caseaudit.work.panels import practice_feedback as panel

from .completion_helpers import ready_to_submit

WENT_WELL = "Maya's own words shaped the plan."
NEXT = "Review the contingency plan with the family by March."


def _page(audit):
    return reverse("audits:practice-feedback", args=[audit.pk])


def _written(personas):
    audit = ready_to_submit(personas)
    save_practice_feedback(audit, went_well=WENT_WELL, next_steps=NEXT, expected_version=audit.version,
                           acting_user=personas.auditor)  # fmt: skip
    return audit


def _moderated(personas):
    audit = _written(personas)
    completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    agree_grade(audit, expected_version=audit.version, acting_user=personas.moderator)
    return PracticeFeedback.objects.get(audit=audit)


def test_the_auditor_writes_feedback_from_the_task_list_and_both_parts_are_needed(client, personas):
    audit = ready_to_submit(personas)
    client.force_login(personas.auditor)
    assert "Feedback to the worker and manager" in client.get(reverse("audits:detail", args=[audit.pk])).text
    refused = client.post(_page(audit), {"version": audit.version, "went_well": WENT_WELL, "next_steps": " "})
    assert refused.status_code == 200
    assert "Enter what to do next" in refused.text and WENT_WELL.replace("'", "&#x27;") in refused.text
    saved = client.post(_page(audit), {"version": audit.version, "went_well": WENT_WELL, "next_steps": NEXT})
    assert saved.status_code == 302
    feedback = PracticeFeedback.objects.get(audit=audit)
    assert (feedback.went_well, feedback.next_steps, feedback.sent_at) == (WENT_WELL, NEXT, None)
    # The change history says it was written, never what it says: it may name the child.
    event = ChangeEvent.objects.get(event="practice-feedback.written")
    assert WENT_WELL not in str(event.new)


def test_the_worker_reads_nothing_until_the_audit_is_moderated(client, personas):
    audit = _written(personas)
    completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    client.force_login(personas.worker)
    assert client.get(_page(audit)).status_code == 404
    assert not Notification.objects.filter(kind=Kind.PRACTICE_FEEDBACK).exists()


def test_moderation_sends_it_to_the_worker_and_manager_once(personas):
    feedback = _moderated(personas)
    assert feedback.sent_at is not None
    told = Notification.objects.filter(kind=Kind.PRACTICE_FEEDBACK)
    assert {n.recipient for n in told} == {personas.worker, personas.team_manager}
    assert ChangeEvent.objects.get(event="practice-feedback.sent").new == {"people_told": 2}


def test_the_worker_acknowledges_with_a_reply_and_the_auditor_hears(client, personas):
    feedback = _moderated(personas)
    audit = feedback.audit
    client.force_login(personas.worker)
    page = client.get(_page(audit)).text
    assert "Maya&#x27;s own words shaped the plan." in page and "Acknowledge" in page
    assert panel.panel(personas.worker, feedback.sent_at.date()).lines[0].href == _page(audit)
    done = client.post(reverse("audits:practice-feedback-acknowledge", args=[audit.pk]),
                       {"reply": "Done at the review."})  # fmt: skip
    assert done.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.acknowledged_by, feedback.reply) == (personas.worker, "Done at the review.")
    assert Notification.objects.filter(kind=Kind.PRACTICE_FEEDBACK, recipient=personas.auditor).exists()
    assert "Acknowledged on" in client.get(_page(audit)).text
    assert panel.panel(personas.worker, feedback.sent_at.date()) is None
    with pytest.raises(ValidationError, match="You acknowledged this feedback on"):
        acknowledge_practice_feedback(feedback, reply="", acting_user=personas.worker)


def test_the_manager_reads_and_follows_but_only_the_worker_acknowledges(client, personas):
    feedback = _moderated(personas)
    client.force_login(personas.team_manager)
    page = client.get(_page(feedback.audit)).text
    assert "Not acknowledged by the worker yet." in page
    assert panel.panel(personas.team_manager, feedback.sent_at.date()).title == (
        "Feedback your team has not acknowledged (1)"
    )
    with pytest.raises(PermissionDenied):
        acknowledge_practice_feedback(feedback, reply="", acting_user=personas.team_manager)


def test_a_worker_of_another_team_never_reads_it(client, personas):
    feedback = _moderated(personas)
    client.force_login(personas.outsider)
    assert client.get(_page(feedback.audit)).status_code == 404
    assert panel.panel(personas.outsider, feedback.sent_at.date()) is None


def test_the_command_writes_acknowledges_and_makes_a_families_link(client, personas):
    import io

    from django.core.management import CommandError, call_command

    def feedback(*args: str) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        call_command("feedback", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    audit = ready_to_submit(personas)
    number = str(audit.pk)
    with pytest.raises(CommandError, match="Enter what to do next"):
        feedback("practice", number, "--went-well", WENT_WELL, "--next-steps", " ", "--as", "auditor")
    said, _ = feedback("practice", number, "--went-well", WENT_WELL, "--next-steps", NEXT, "--as", "auditor")
    assert "get it when the audit is moderated" in said
    with pytest.raises(CommandError, match="There is no audit"):  # a draft is not the team's to read
        feedback("acknowledge", number, "--as", "worker")
    audit.refresh_from_db()
    completing.submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    with pytest.raises(CommandError, match="has not been sent yet"):
        feedback("acknowledge", number, "--as", "worker")
    agree_grade(audit, expected_version=audit.version, acting_user=personas.moderator)
    said, _ = feedback("acknowledge", number, "--reply", "Thank you", "--as", "worker")
    assert "acknowledged: its auditor is told" in said
    assert PracticeFeedback.objects.get(audit=audit).reply == "Thank you"

    link, told = feedback("link", number, "--respondent", "young-person", "--site-url", "https://qa.example",
                          "--as", "auditor")  # fmt: skip
    assert link.startswith("https://qa.example/feedback/") and "once only" in told
    path = link.strip().removeprefix("https://qa.example")
    assert client.get(path).status_code == 200  # the form opens, with no sign-in
    with pytest.raises(CommandError, match="There is no audit"):
        feedback("link", number, "--respondent", "carer", "--as", "outsider")
