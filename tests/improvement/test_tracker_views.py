"""The tracker's pages: the meeting view (order, groups, filters, counts), the agenda, the export, one
action with its forms, the QA lead's decisions and recommendations, and who sees what."""

from __future__ import annotations

import io
import re
import zipfile

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseaudit.improvement.actions import tracker as actions
from caseaudit.improvement.models import Action, ActionStatus

from ..factories import make_case
from .conftest import days, make_action


def _order(text: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-action="(\d+)"', text)]


def _groups(text: str) -> list[str]:
    return re.findall(r'data-group="([^"]+)"', text)


@pytest.fixture
def meeting_actions(personas, cycle):
    """The worker's: one due in 10 days, one 3 days overdue, one 20 days overdue, one done; the
    manager's: one due in 2 days; the outsider's: one overdue."""
    audit = cycle.audits.get(case=personas.own_case)
    mine = {
        "later": make_action(personas.own_case, personas.worker, due_in=10, audit=audit),
        "late": make_action(personas.own_case, personas.worker, due_in=-3, audit=audit),
        "very_late": make_action(personas.own_case, personas.worker, due_in=-20, audit=audit),
        "done": make_action(personas.own_case, personas.worker, due_in=-30, status="done", audit=audit),
        "verified": make_action(
            personas.own_case, personas.worker, due_in=-40, status="verified", audit=audit
        ),
        "manager": make_action(personas.own_case, personas.team_manager, due_in=2, audit=audit),
    }
    mine["south"] = make_action(
        personas.other_case, personas.outsider, due_in=-1, audit=cycle.audits.get(case=personas.other_case)
    )
    return mine


def test_the_meeting_puts_overdue_first_then_by_due_date(client, personas, meeting_actions):
    a = meeting_actions
    client.force_login(personas.qa_lead)
    page = client.get(reverse("actions:meeting"))
    assert page.status_code == 200
    # Grouped by owner: the groups with overdue actions first, the most overdue first.
    assert _groups(page.text) == ["Will Worker", "Olu Outsider", "Nadia Manager"]
    order = _order(page.text)
    assert order == [
        a["very_late"].pk,
        a["late"].pk,
        a["done"].pk,  # done is not overdue, whatever its date: it waits for verification
        a["later"].pk,
        a["south"].pk,
        a["manager"].pk,
    ]
    assert a["verified"].pk not in order
    assert "5 open, 0 in progress, 3 overdue, 1 done waiting to be verified" in page.text


def test_grouping_by_team(client, personas, meeting_actions):
    client.force_login(personas.qa_lead)
    page = client.get(reverse("actions:meeting"), {"group": "team"})
    assert _groups(page.text) == ["North Children and Families", "South Leaving Care"]


def test_the_filters(client, personas, meeting_actions, cycle):
    a = meeting_actions
    recommendation = make_action(None, personas.team_manager, cycle=cycle, team=personas.own_case.team)
    client.force_login(personas.qa_lead)
    url = reverse("actions:meeting")

    def shown(**params) -> set[int]:
        return set(_order(client.get(url, params).text))

    assert shown(status="verified") == {a["verified"].pk}
    assert shown(status="all") >= {a["verified"].pk, a["done"].pk}
    assert shown(team=personas.other_case.team.pk) == {a["south"].pk}
    assert shown(owner=personas.team_manager.pk) == {a["manager"].pk, recommendation.pk}
    assert shown(kind="recommendation") == {recommendation.pk}
    assert recommendation.pk in shown(cycle=cycle.pk) and a["south"].pk in shown(cycle=cycle.pk)
    # A value not on the list is ignored rather than failing the page.
    assert a["later"].pk in shown(owner="999999", status="nonsense")


def test_a_team_manager_sees_their_team_and_a_worker_their_own(client, personas, meeting_actions):
    client.force_login(personas.team_manager)
    text = client.get(reverse("actions:meeting")).text
    assert meeting_actions["south"].pk not in _order(text) and personas.other_case.child_id not in text
    assert meeting_actions["manager"].pk in _order(text)
    client.force_login(personas.worker)
    mine = set(_order(client.get(reverse("actions:meeting")).text))
    assert meeting_actions["manager"].pk not in mine and meeting_actions["late"].pk in mine


def test_the_meeting_reads_in_a_constant_number_of_queries(client, personas, meeting_actions, cycle):
    client.force_login(personas.qa_lead)
    url = reverse("actions:meeting")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        case = make_case(team=personas.own_case.team)
        make_action(case, personas.worker, due_in=n - 4)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_a_senior_leader_sees_counts_only(client, personas, meeting_actions):
    client.force_login(personas.senior_leader)
    page = client.get(reverse("actions:meeting"))
    assert page.status_code == 200
    assert "North Children and Families" in page.text
    assert personas.own_case.child_id not in page.text and "Update the pathway plan" not in page.text
    assert reverse("actions:detail", args=[meeting_actions["late"].pk]) not in page.text
    for name in ("actions:agenda", "actions:export"):
        assert client.get(reverse(name)).status_code == 403


def test_the_agenda_is_a_page_to_print(client, personas, meeting_actions):
    client.force_login(personas.team_manager)
    page = client.get(reverse("actions:agenda"), {"group": "team"})
    assert page.status_code == 200
    assert "govuk-service-navigation" not in page.text and "<form" not in page.text
    assert "Improvement meeting agenda" in page.text and "4 open, 0 in progress, 2 overdue" in page.text
    assert _groups(page.text) == ["North Children and Families"]


def _xlsx(response) -> dict[str, pl.DataFrame]:
    data = io.BytesIO(response.content)
    return {name: pl.read_excel(data, sheet_name=name) for name in ("Actions", "Counts")}


def test_the_export_lists_the_meeting_in_order_without_formulas(client, personas, meeting_actions):
    late = meeting_actions["late"]
    Action.objects.filter(pk=late.pk).update(description='=HYPERLINK("http://evil.test","click")')
    client.force_login(personas.team_manager)
    response = client.get(reverse("actions:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="actions-')
    sheets = _xlsx(response)
    actions = sheets["Actions"]
    assert actions.columns[:3] == ["action_id", "kind", "child_id"]
    assert actions["action_id"].to_list()[:2] == [meeting_actions["very_late"].pk, late.pk]
    assert set(actions["child_id"].to_list()) == {personas.own_case.child_id}
    assert actions.filter(pl.col("action_id") == late.pk)["description"].item().startswith("=HYPERLINK")
    assert actions.filter(pl.col("action_id") == late.pk)["days_overdue"].item() == 3
    # The text is a string cell, never a formula.
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert dict(sheets["Counts"].iter_rows())["overdue"] == 2


def test_the_export_has_no_child_id_column_for_those_who_may_not_see_cases(personas, meeting_actions):
    from caseaudit.improvement.meeting import meeting
    from caseaudit.improvement.tracker_export import export_meeting_xlsx

    binary = io.BytesIO()
    export_meeting_xlsx(meeting(personas.qa_lead, {}, today=days(0)), binary, include_child_id=False)
    binary.seek(0)
    assert "child_id" not in pl.read_excel(binary, sheet_name="Actions").columns


# One action -----------------------------------------------------------------------------------------------


def test_the_owner_adds_a_note_and_marks_the_action_done(client, personas, own_action):
    client.force_login(personas.worker)
    url = reverse("actions:detail", args=[own_action.pk])
    page = client.get(url)
    assert "Update the action" in page.text and ">QA lead</h2>" not in page.text
    update = reverse("actions:update", args=[own_action.pk])
    response = client.post(update, {"version": 1, "status": "open", "note": "Review booked."}, follow=True)
    assert "The action is updated." in response.text and "Review booked." in response.text
    assert list(own_action.notes.values_list("text", flat=True)) == ["Review booked."]
    missing = client.post(update, {"version": 2, "status": "done", "note": "", "evidence": ""})
    assert missing.status_code == 200
    assert (
        'href="#id_evidence"' in missing.text and "Enter the evidence that the action is done" in missing.text
    )
    own_action.refresh_from_db()
    assert (own_action.status, own_action.version) == (ActionStatus.OPEN, 2)  # refused: not done
    client.post(update, {"version": 2, "status": "done", "evidence": "Review held 3 March."})
    own_action.refresh_from_db()
    assert (own_action.status, own_action.evidence) == (ActionStatus.DONE, "Review held 3 March.")


def test_a_stale_update_gets_a_conflict_and_keeps_the_text(client, personas, own_action):
    actions.update_action(own_action, note="Manager's note.", acting_user=personas.team_manager)
    client.force_login(personas.worker)
    response = client.post(
        reverse("actions:update", args=[own_action.pk]), {"version": 1, "status": "open", "note": "My words."}
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.text and "My words." in response.text
    assert own_action.notes.count() == 1


def test_only_the_owner_team_manager_and_qa_lead_may_post_an_update(
    client, personas, own_action, other_action
):
    client.force_login(personas.moderator)
    page = client.get(reverse("actions:detail", args=[own_action.pk]))
    assert page.status_code == 200 and "Update the action" not in page.text
    data = {"version": 1, "status": "done", "note": "Not mine to add.", "evidence": "None."}
    assert client.post(reverse("actions:update", args=[own_action.pk]), data).status_code == 403
    own_action.refresh_from_db()
    assert (own_action.status, own_action.evidence, own_action.notes.count()) == (ActionStatus.OPEN, "", 0)
    client.force_login(personas.worker)
    assert client.get(reverse("actions:detail", args=[other_action.pk])).status_code == 404


def test_the_qa_lead_verifies_after_confirming(client, personas, own_action):
    actions.update_action(own_action, status="done", evidence="Plan on file.", acting_user=personas.worker)
    client.force_login(personas.qa_lead)
    page = client.get(reverse("actions:detail", args=[own_action.pk]))
    assert reverse("actions:verify", args=[own_action.pk]) in page.text
    confirm = client.get(reverse("actions:verify", args=[own_action.pk]))
    assert "Verify only when the evidence shows" in confirm.text and "Plan on file." in confirm.text
    done = client.post(
        reverse("actions:verify", args=[own_action.pk]), {"version": 2, "note": ""}, follow=True
    )
    assert "The action is verified." in done.text
    assert Action.objects.get(pk=own_action.pk).status == ActionStatus.VERIFIED


def test_cancelling_asks_for_the_reason(client, personas, own_action):
    client.force_login(personas.qa_lead)
    url = reverse("actions:cancel", args=[own_action.pk])
    refused = client.post(url, {"version": 1, "reason": ""})
    assert "Enter the reason" in refused.text and Action.objects.get(pk=own_action.pk).status == "open"
    client.post(url, {"version": 1, "reason": "Duplicate of another action."})
    cancelled = Action.objects.get(pk=own_action.pk)
    assert (cancelled.status, cancelled.cancel_reason) == (
        ActionStatus.CANCELLED,
        "Duplicate of another action.",
    )


def test_reopen_and_reassign_pages(client, personas, own_action):
    actions.cancel_action(own_action, reason="Mistake.", acting_user=personas.qa_lead)
    client.force_login(personas.qa_lead)
    client.post(reverse("actions:reopen", args=[own_action.pk]), {"version": 2, "reason": "Still needed."})
    assert Action.objects.get(pk=own_action.pk).status == ActionStatus.OPEN
    url = reverse("actions:reassign", args=[own_action.pk])
    assert "Nadia Manager (Team manager)" in client.get(url).text
    due = days(40)
    client.post(
        url,
        {
            "version": 3,
            "owner": personas.team_manager.pk,
            "due_on_0": due.day,
            "due_on_1": due.month,
            "due_on_2": due.year,
        },
    )
    reassigned = Action.objects.get(pk=own_action.pk)
    assert (reassigned.owner, reassigned.due_on) == (personas.team_manager, due)


def test_the_recommendation_form(client, personas, cycle):
    client.force_login(personas.qa_lead)
    url = reverse("actions:recommend")
    page = client.get(url, {"cycle": cycle.pk})
    assert f'<option value="{cycle.pk}" selected>' in page.text
    empty = client.post(url, {})
    assert "Enter the recommendation" in empty.text and "Select the cycle" in empty.text
    assert not Action.objects.filter(kind="recommendation").exists()
    due = days(90)
    response = client.post(
        url,
        {
            "cycle": cycle.pk,
            "text": "Every pathway plan reviewed within 6 months.",
            "owner": personas.team_manager.pk,
            "team": personas.own_case.team.pk,
            "due_on_0": due.day,
            "due_on_1": due.month,
            "due_on_2": due.year,
        },
        follow=True,
    )
    made = Action.objects.get(kind="recommendation")
    assert (made.cycle, made.description, made.owner, made.team, made.due_on, made.case) == (
        cycle,
        "Every pathway plan reviewed within 6 months.",
        personas.team_manager,
        personas.own_case.team,
        due,
        None,
    )
    assert response.redirect_chain[-1][0] == reverse("actions:detail", args=[made.pk])
    assert "Recommendation of Autumn 2026" in response.text
    client.force_login(personas.team_manager)
    assert made.pk in _order(client.get(reverse("actions:meeting")).text)
