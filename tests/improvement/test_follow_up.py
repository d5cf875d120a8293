"""Follow-up audits: the QA lead arranges one for a case's actions, an auditor of another team answers,
and completing it verifies what was done and reopens the rest."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from caseaudit.accounts.changes import redacted
from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.improvement.actions.follow_ups import complete_follow_up, create_follow_up
from caseaudit.improvement.follow_up import Answer, follow_up_auditors
from caseaudit.improvement.models import Action, ActionStatus, FollowUpStatus

from ..factories import make_staff, make_user
from .conftest import days, make_action


@pytest.fixture
def checked(personas):
    """The own case's actions: open, done, and one already verified (not checked again)."""
    return (
        make_action(personas.own_case, personas.worker, description="Review the pathway plan."),
        make_action(personas.own_case, personas.worker, status="done", evidence="Plan on file."),
        make_action(personas.own_case, personas.worker, status="verified"),
    )


def _follow_up_events():
    """The change events of follow-ups and the actions they check (the fixtures' cycle has its own)."""
    return ChangeEvent.objects.filter(subject_type__in=("followup", "action")).order_by("pk")


def test_the_qa_lead_arranges_a_follow_up_with_an_auditor_of_another_team(personas, checked):
    north_auditor = make_user(
        Role.AUDITOR, "north-auditor", staff=make_staff("Nell North", personas.own_case.team)
    )
    assert north_auditor not in follow_up_auditors(personas.own_case)
    with pytest.raises(PermissionDenied):
        create_follow_up(
            personas.own_case, auditor=personas.auditor, due_on=days(14), acting_user=personas.moderator
        )
    with pytest.raises(ValidationError, match="never one from the case's own team"):
        create_follow_up(
            personas.own_case, auditor=north_auditor, due_on=days(14), acting_user=personas.qa_lead
        )
    assert not personas.own_case.follow_ups.exists()
    follow_up = create_follow_up(
        personas.own_case, auditor=personas.auditor, due_on=days(14), acting_user=personas.qa_lead
    )
    assert {item.action for item in follow_up.items.all()} == set(checked[:2])
    with pytest.raises(ValidationError, match="already has a follow-up audit waiting"):
        create_follow_up(
            personas.own_case, auditor=personas.auditor, due_on=days(14), acting_user=personas.qa_lead
        )
    # The moderator's and the refused arrangements left no trace.
    assert list(_follow_up_events().values_list("event", "subject_id")) == [
        ("follow-up.arranged", str(follow_up.pk))
    ]
    assert list(personas.own_case.follow_ups.all()) == [follow_up]


def test_a_case_without_actions_to_check_gets_no_follow_up(personas):
    with pytest.raises(ValidationError, match="no open or done actions"):
        create_follow_up(
            personas.other_case, auditor=personas.auditor, due_on=days(7), acting_user=personas.qa_lead
        )
    assert not personas.other_case.follow_ups.exists()


def test_completing_verifies_what_was_done_and_reopens_the_rest(personas, checked):
    open_one, done_one, _ = checked
    follow_up = create_follow_up(
        personas.own_case, auditor=personas.auditor, due_on=days(7), acting_user=personas.qa_lead
    )
    with pytest.raises(PermissionDenied):
        complete_follow_up(follow_up, answers={}, acting_user=personas.qa_lead)
    assert [event.event for event in _follow_up_events()] == ["follow-up.arranged"]
    with pytest.raises(ValidationError) as refused:
        complete_follow_up(follow_up, answers={open_one.pk: Answer(True, "")}, acting_user=personas.auditor)
    assert refused.value.messages == [
        "Action 1: enter the evidence that it was done",
        "Action 2: select whether it was done",
    ]
    assert [Action.objects.get(pk=a.pk).status for a in (open_one, done_one)] == ["open", "done"]
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.ALLOCATED
    complete_follow_up(
        follow_up,
        answers={
            open_one.pk: Answer(True, "Plan reviewed in May."),
            done_one.pk: Answer(False, "No record of it."),
        },
        note="Checked with the team manager.",
        acting_user=personas.auditor,
    )
    open_one.refresh_from_db()
    done_one.refresh_from_db()
    assert (open_one.status, open_one.evidence, open_one.version) == ("verified", "Plan reviewed in May.", 2)
    assert (done_one.status, done_one.evidence) == (ActionStatus.OPEN, "")
    note = done_one.notes.get()
    assert (note.from_status, note.to_status, note.author) == ("done", "open", personas.auditor)
    assert "not done. No record of it. Checked with the team manager." in note.text
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.COMPLETED
    arranged, completed = ChangeEvent.objects.filter(subject_type="followup").order_by("pk")
    assert (arranged.event, arranged.actor, arranged.new) == (
        "follow-up.arranged",
        personas.qa_lead,
        {
            "case": personas.own_case.pk,
            "auditor": personas.auditor.pk,
            "due_on": days(7).isoformat(),
            "actions": [open_one.pk, done_one.pk],
        },
    )
    assert (completed.event, completed.actor, completed.subject_id, completed.old, completed.new) == (
        "follow-up.completed",
        personas.auditor,
        str(follow_up.pk),
        {"status": "allocated"},
        {
            "status": "completed",
            "note": redacted("Checked with the team manager."),
            "verified": [open_one.pk],
            "reopened": [done_one.pk],
        },
    )
    moved = ChangeEvent.objects.filter(subject_type="action").order_by("subject_id")
    assert [(e.event, e.subject_id, e.actor, e.old, e.new) for e in moved] == [
        (
            "action.verified",
            str(open_one.pk),
            personas.auditor,
            {"status": "open", "evidence": ""},
            {"status": "verified", "evidence": redacted("Plan reviewed in May."), "follow_up": follow_up.pk},
        ),
        (
            "action.reopened",
            str(done_one.pk),
            personas.auditor,
            {"status": "done", "evidence": redacted("Plan on file.")},
            {"status": "open", "evidence": "", "follow_up": follow_up.pk},
        ),
    ]
    with pytest.raises(ValidationError, match="already complete"):
        complete_follow_up(follow_up, answers={}, acting_user=personas.auditor)


def test_the_follow_up_pages(client, personas, checked):
    open_one, done_one, _ = checked
    client.force_login(personas.qa_lead)
    page = client.get(reverse("actions:detail", args=[open_one.pk]))
    new_url = reverse("actions:follow-up-new", args=[personas.own_case.pk])
    assert new_url in page.text
    due = days(10)
    response = client.post(
        new_url,
        {"auditor": personas.auditor.pk, "due_on_0": due.day, "due_on_1": due.month, "due_on_2": due.year},
    )
    follow_up = personas.own_case.follow_ups.get()
    assert response["Location"] == reverse("actions:follow-up", args=[follow_up.pk])
    assert (follow_up.auditor, follow_up.due_on, follow_up.created_by) == (
        personas.auditor,
        due,
        personas.qa_lead,
    )
    assert {item.action for item in follow_up.items.all()} == {open_one, done_one}

    url = reverse("actions:follow-up", args=[follow_up.pk])
    assert "Complete the follow-up audit" not in client.get(url).text  # the QA lead reads it
    client.force_login(personas.auditor)
    assert personas.own_case.child_id in client.get(reverse("actions:follow-ups")).text
    page = client.get(url)
    assert "Review the pathway plan." in page.text and "Complete the follow-up audit" in page.text
    missing = client.post(url, {f"done_{open_one.pk}": "yes"})
    assert missing.status_code == 200 and "Action 2: select whether it was done" in missing.text
    assert [a.status for a in Action.objects.filter(pk__in=[open_one.pk, done_one.pk]).order_by("pk")] == [
        "open",
        "done",
    ]  # refused: nothing verified or reopened
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.ALLOCATED
    client.post(
        url,
        {
            f"done_{open_one.pk}": "yes",
            f"evidence_{open_one.pk}": "Seen in the record.",
            f"done_{done_one.pk}": "no",
            f"evidence_{done_one.pk}": "",
        },
    )
    assert [a.status for a in Action.objects.filter(pk__in=[open_one.pk, done_one.pk]).order_by("pk")] == [
        "verified",
        "open",
    ]
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.COMPLETED
    # Another auditor cannot find it at all.
    client.force_login(make_user(Role.AUDITOR, "someone-else"))
    assert client.get(url).status_code == 404


def test_the_command_arranges_lists_and_completes_a_follow_up(personas, checked):
    import io
    import json

    from django.core.management import CommandError, call_command

    def follow_ups(*args: str) -> str:
        out = io.StringIO()
        call_command("follow_ups", *args, stdout=out)
        return out.getvalue()

    child = personas.own_case.child_id
    due = days(14).isoformat()
    with pytest.raises(CommandError, match="Only"):
        follow_ups("arrange", child, "--auditor", "auditor", "--due", due, "--as", "moderator")
    said = follow_ups("arrange", child, "--auditor", "auditor", "--due", due, "--as", "qa-lead")
    follow_up = personas.own_case.follow_ups.get()
    assert said.startswith(f"Follow-up audit {follow_up.pk} of {child} arranged for auditor, due ")
    assert said.endswith(": 2 actions to check.\n")
    mine = json.loads(follow_ups("list", "--format", "json", "--as", "auditor"))
    assert [(row["id"], sorted(row["actions"])) for row in mine] == [
        (follow_up.pk, sorted(a.pk for a in checked[:2]))
    ]  # fmt: skip
    open_action, done_action = checked[:2]
    number = str(follow_up.pk)
    with pytest.raises(CommandError, match="select whether it was done"):
        follow_ups("complete", number, "--done", f"{done_action.pk}=Plan on file", "--as", "auditor")
    said = follow_ups("complete", number, "--done", f"{done_action.pk}=Plan on file",
                      "--not-done", f"{open_action.pk}=No review yet", "--as", "auditor")  # fmt: skip
    assert said == f"Follow-up audit {follow_up.pk} is complete: 1 action(s) verified, 1 reopened.\n"
    open_action.refresh_from_db()
    done_action.refresh_from_db()
    assert (open_action.status, done_action.status) == (ActionStatus.OPEN, ActionStatus.VERIFIED)
