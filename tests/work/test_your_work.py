"""Your work, the home page: per role, the panels and lines a person needs, with their counts and links,
read only through the scoped queries; the empty state; the access log; the queries it takes."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseaudit.accounts.models import AccessLog, Role, User
from caseaudit.audits.models import Audit, AuditStatus, ModerationEvent
from caseaudit.improvement.models import SafeguardingConcern

from ..improvement.conftest import make_action
from .conftest import (
    RETURN_COMMENTS,
    TODAY,
    audit_of,
    follow_up,
    page,
    panel,
    panels,
    raise_concern,
    return_to_auditor,
    submit,
)


def _href(name: str, *args) -> str:
    return f'href="{reverse(name, args=args)}"'


# The QA lead ---------------------------------------------------------------------------------------------


def test_the_qa_lead_sees_concerns_first_the_unreached_one_at_the_very_top(client, personas, late_cycle):
    personas.team_manager.email = "nadia@example.org"
    personas.team_manager.save()
    reached = raise_concern(
        audit_of(late_cycle, personas.own_case), personas.auditor, days_ago=4, emailed=True
    )
    # The other case's manager has no account: nobody could be emailed about this one.
    unreached = raise_concern(audit_of(late_cycle, personas.other_case), personas.auditor, days_ago=1)

    text = page(client, personas.qa_lead)

    assert panels(text)[0] == "open-concerns"
    concerns = panel(text, "open-concerns")
    assert "app-work-panel--warning" in text.split('id="panel-open-concerns"')[0][-80:]
    assert "Safeguarding concerns waiting for a response (2)" in concerns
    assert "1 concern reached no team manager by email" in concerns
    assert concerns.index(_href("improvement:detail", unreached.pk)) < concerns.index(
        _href("improvement:detail", reached.pk)
    )
    assert "Raised 1 day ago. No team manager has it by email" in concerns
    assert concerns.count("Phone now</strong>") == 1
    assert "Raised 4 days ago" in concerns


def test_an_answered_concern_leaves_the_list(client, personas, late_cycle):
    concern = raise_concern(audit_of(late_cycle, personas.own_case), personas.auditor)
    SafeguardingConcern.objects.filter(pk=concern.pk).update(
        responded_at=timezone.now(), response="Seen today."
    )
    assert panel(page(client, personas.qa_lead), "open-concerns") == ""


def test_the_qa_lead_sees_the_audits_waiting_late_and_returned(client, personas, late_cycle, current_cycle):
    submit(audit_of(current_cycle, current_cycle.audits.first().case), days_ago=6)
    return_to_auditor(audit_of(late_cycle, personas.own_case), personas.moderator, days_ago=2)

    text = page(client, personas.qa_lead)

    moderation = panel(text, "moderation-queue")
    assert "1 audit waiting for moderation" in moderation and "Oldest submitted 6 days ago" in moderation
    assert _href("audits:moderation-queue") in moderation
    # Per auditor and cycle: both of last year's audits are past the deadline and not submitted (the
    # returned one is back with its auditor); next year's are not late.
    overdue = panel(text, "overdue-audits")
    assert "Overdue audits (2)" in overdue
    assert f"auditor, {late_cycle.name}" in overdue and current_cycle.name not in overdue
    assert _href("cycles:detail", late_cycle.pk) in overdue
    returned = panel(text, "returned-audits")
    assert "Audit of N000001, with auditor" in returned and "Returned 2 days ago" in returned
    assert _href("audits:detail", audit_of(late_cycle, personas.own_case).pk) in returned


def test_the_qa_lead_sees_overdue_actions_per_team_follow_ups_and_re_audits(client, personas, late_cycle):
    make_action(personas.own_case, personas.worker, due_in=-10, audit=audit_of(late_cycle, personas.own_case))
    make_action(personas.own_case, personas.worker, due_in=-3, audit=audit_of(late_cycle, personas.own_case))
    make_action(
        personas.other_case, personas.outsider, due_in=5, audit=audit_of(late_cycle, personas.other_case)
    )
    due = follow_up(personas.own_case, personas.auditor, due_in=-1)
    follow_up(personas.other_case, personas.auditor, due_in=30)  # not due yet
    # The other case was graded Inadequate 20 weeks ago: its re-audit fell due 8 weeks ago.
    inadequate = audit_of(late_cycle, personas.other_case)
    decided = timezone.now() - timedelta(weeks=20)
    Audit.objects.filter(pk=inadequate.pk).update(
        status=AuditStatus.MODERATED, moderated_grade="inadequate", completed_on=decided.date()
    )
    event = ModerationEvent.objects.create(audit=inadequate, kind=ModerationEvent.Kind.AGREED)
    ModerationEvent.objects.filter(pk=event.pk).update(at=decided)

    text = page(client, personas.qa_lead)

    actions = panel(text, "overdue-actions")
    assert "Overdue actions (2)" in actions
    assert "North Children and Families" in actions and "South Leaving Care" not in actions
    assert "2 actions overdue, the longest by 10 days" in actions
    assert f"?team={personas.own_case.team_id}" in actions
    follow_ups = panel(text, "follow-ups-due")
    assert "Follow-up audits due (1)" in follow_ups and _href("actions:follow-up", due.pk) in follow_ups
    assert "Due 1 day ago" in follow_ups
    reaudits = panel(text, "reaudits-due")
    assert "1 case due for re-audit now" in reaudits and _href("actions:reaudits") in reaudits


def test_a_register_import_waiting_is_not_listed_because_it_lives_in_the_uploaders_session(client, personas):
    # The web import keeps its upload in the QA lead's session until they confirm: nothing in the
    # database to list, so the page shows no such panel (and says nothing needs them).
    assert "Nothing needs you today" in page(client, personas.qa_lead)


# The auditor ---------------------------------------------------------------------------------------------


def test_the_auditor_sees_returned_audits_with_comments_then_deadlines_late_ones_marked(
    client, personas, late_cycle, current_cycle
):
    return_to_auditor(audit_of(late_cycle, personas.other_case), personas.moderator)
    given = follow_up(personas.own_case, personas.auditor, due_in=3)

    text = page(client, personas.auditor)

    assert panels(text)[:3] == ["returned-to-me", "my-audits", "my-follow-ups"]
    returned = panel(text, "returned-to-me")
    assert "S000001: returned for more work" in returned and RETURN_COMMENTS in returned
    mine = panel(text, "my-audits")
    assert "Audits to complete (3), 1 late" in mine
    assert mine.count("govuk-tag--red") == 1  # the own case's audit of last year; next year's are not late
    assert mine.index("N000001") < mine.index("N100000")  # the earliest deadline first
    assert _href("audits:detail", audit_of(late_cycle, personas.own_case).pk) in mine
    assert _href("audits:mine") in mine
    follow_ups = panel(text, "my-follow-ups")
    assert _href("actions:follow-up", given.pk) in follow_ups and "Due on" in follow_ups


def test_the_auditor_sees_whether_their_concerns_have_a_response(client, personas, late_cycle):
    waiting = raise_concern(audit_of(late_cycle, personas.own_case), personas.auditor)
    answered = raise_concern(audit_of(late_cycle, personas.other_case), personas.auditor, days_ago=2)
    SafeguardingConcern.objects.filter(pk=answered.pk).update(
        responded_at=timezone.now(), response="Visited."
    )

    raised = panel(page(client, personas.auditor), "concerns-raised")

    waiting_at = raised.index(_href("improvement:detail", waiting.pk))
    answered_at = raised.index(_href("improvement:detail", answered.pk))
    assert "Waiting for a manager&#x27;s response" in raised[waiting_at:answered_at]
    assert "No response yet</strong>" in raised[waiting_at:answered_at]
    assert "Answered on" in raised[answered_at:] and "No response yet" not in raised[answered_at:]


# The moderator -------------------------------------------------------------------------------------------


def test_the_moderator_sees_the_moderation_queue_and_nothing_else(client, personas, late_cycle):
    submit(audit_of(late_cycle, personas.own_case))
    submit(audit_of(late_cycle, personas.other_case))
    raise_concern(audit_of(late_cycle, personas.own_case), personas.auditor)

    text = page(client, personas.moderator)

    assert panels(text) == ["moderation-queue"]
    assert "2 audits waiting for moderation" in panel(text, "moderation-queue")


def test_a_moderator_is_not_asked_to_moderate_their_own_audit(client, personas, late_cycle):
    Audit.objects.filter(pk=audit_of(late_cycle, personas.own_case).pk).update(auditor=personas.moderator)
    submit(audit_of(late_cycle, personas.own_case))
    assert "Nothing needs you today" in page(client, personas.moderator)


# The team manager ----------------------------------------------------------------------------------------


def test_the_team_manager_sees_their_teams_concerns_actions_and_audits_and_nothing_of_another_team(
    client, personas, late_cycle
):
    own_audit, other_audit = (
        audit_of(late_cycle, personas.own_case),
        audit_of(late_cycle, personas.other_case),
    )
    own_concern = raise_concern(own_audit, personas.auditor)
    raise_concern(other_audit, personas.auditor)
    soon = make_action(
        personas.own_case, personas.worker, due_in=5, audit=own_audit, description="Plan review."
    )
    late = make_action(
        personas.own_case, personas.worker, due_in=-2, audit=own_audit, description="Visit now."
    )
    make_action(personas.other_case, personas.outsider, due_in=-9, audit=other_audit)
    submit(own_audit, grade="requires-improvement")
    submit(other_audit, grade="inadequate")

    text = page(client, personas.team_manager)

    assert panels(text) == ["open-concerns", "my-actions", "case-audits"]
    concerns = panel(text, "open-concerns")
    assert "(1)" in concerns and _href("improvement:detail", own_concern.pk) in concerns
    assert "phone" not in concerns  # the manager is reading it: the QA lead chases the unreached
    actions = panel(text, "my-actions")
    assert "Your team&#x27;s actions (2 to do, 1 overdue)" in actions
    assert actions.index(_href("actions:detail", late.pk)) < actions.index(_href("actions:detail", soon.pk))
    audits = panel(text, "case-audits")
    assert "Latest audits of your team&#x27;s cases" in audits and "N000001" in audits
    assert _href("audits:detail", own_audit.pk) in audits
    # Nothing of the South team's: its case, concern, action or audit.
    assert "S000001" not in text and "inadequate" not in text.lower()


# The social worker ---------------------------------------------------------------------------------------


def test_the_worker_sees_their_actions_and_the_audits_of_their_cases(client, personas, late_cycle):
    own_audit = audit_of(late_cycle, personas.own_case)
    mine = make_action(personas.own_case, personas.worker, due_in=-4, audit=own_audit)
    make_action(personas.own_case, personas.team_manager, due_in=-4, audit=own_audit)  # not theirs
    make_action(personas.other_case, personas.outsider, audit=audit_of(late_cycle, personas.other_case))
    submit(own_audit, grade="good")
    Audit.objects.filter(pk=own_audit.pk).update(status=AuditStatus.MODERATED, moderated_grade="good")

    text = page(client, personas.worker)

    assert panels(text) == ["my-actions", "case-audits"]
    actions = panel(text, "my-actions")
    assert "Your actions (1 to do, 1 overdue)" in actions and _href("actions:detail", mine.pk) in actions
    assert "Late</strong>" in actions and "Due 4 days ago" in actions
    assert "n000001: good (moderated grade)" in panel(text, "case-audits").lower()
    assert "S000001" not in text


# The senior leader ---------------------------------------------------------------------------------------


def test_the_senior_leader_sees_the_headlines_and_no_child(client, personas, late_cycle):
    for case, grade in ((personas.own_case, "good"), (personas.other_case, "inadequate")):
        audit = audit_of(late_cycle, case)
        submit(audit, grade=grade, days_ago=0)
        Audit.objects.filter(pk=audit.pk).update(status=AuditStatus.MODERATED, moderated_grade=grade)
    make_action(personas.own_case, personas.worker, due_in=-1, audit=audit_of(late_cycle, personas.own_case))

    text = page(client, personas.senior_leader)

    assert panels(text) == ["headlines"]
    headlines = panel(text, "headlines")
    assert f"Grades in {TODAY.year}: Inadequate 1 (50%), Requires improvement 0, Good 1 (50%)" in headlines
    assert "Timescales met:" in headlines and _href("compliance:summary") in headlines
    assert "1 action overdue" in headlines and _href("reports:grades") in headlines
    assert "N000001" not in text and "S000001" not in text
    assert not AccessLog.objects.filter(object_type="your-work").exists()


def test_the_administrator_sees_who_has_not_chosen_a_password_and_no_child(client, personas):
    text = page(client, personas.administrator)
    assert "Nothing needs you today" in text and _href("people:import") in text
    assert _href("cases:list") not in text
    newcomer = User.objects.create_user("newcomer", role=Role.SOCIAL_WORKER)  # no password given
    assert not newcomer.has_usable_password()
    text = page(client, personas.administrator)
    assert panels(text) == ["accounts-waiting"]
    assert "1 person has not chosen a password yet" in panel(text, "accounts-waiting")
    assert "N000001" not in text and not AccessLog.objects.filter(object_type="your-work").exists()


# Everyone ------------------------------------------------------------------------------------------------


def test_nothing_needs_you_today_with_links_to_the_usual_pages(client, personas):
    text = page(client, personas.worker)
    assert "Nothing needs you today" in text and not panels(text)
    assert _href("cases:list") in text and _href("actions:meeting") in text
    assert _href("audits:mine") not in text  # a worker has no audits of their own


def test_the_header_links_every_person_to_your_work(client, personas):
    for person in personas.by_role().values():
        client.force_login(person)
        response = client.get(reverse("compliance:summary"))
        assert f'href="{reverse("home")}">Your work</a>' in response.text


def test_child_level_lines_are_recorded_in_the_access_log(client, personas, late_cycle):
    raise_concern(audit_of(late_cycle, personas.own_case), personas.auditor)
    page(client, personas.qa_lead)
    entry = AccessLog.objects.get(object_type="your-work")
    assert entry.user == personas.qa_lead and "open-concerns 1" in entry.detail
    assert "N000001" not in entry.detail


def test_the_page_takes_a_bounded_number_of_queries(
    client, personas, late_cycle, django_assert_max_num_queries
):
    for case in (personas.own_case, personas.other_case):
        audit = audit_of(late_cycle, case)
        raise_concern(audit, personas.auditor)
        for due_in in (-5, -1, 3):
            make_action(case, personas.worker, due_in=due_in, audit=audit)
        follow_up(case, personas.auditor, due_in=-1)
    return_to_auditor(audit_of(late_cycle, personas.own_case), personas.moderator)
    client.force_login(personas.qa_lead)
    with django_assert_max_num_queries(20):
        assert client.get("/").status_code == 200


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_more_work_takes_no_more_queries(client, personas, late_cycle):
    """Each panel reads its lines in a fixed number of queries: three times the concerns, actions and
    follow-ups cost the QA lead, the auditor and the team manager nothing more."""

    def add_work() -> None:
        for case in (personas.own_case, personas.other_case):
            audit = audit_of(late_cycle, case)
            raise_concern(audit, personas.auditor)
            make_action(case, personas.worker, due_in=-2, audit=audit)
            make_action(case, personas.team_manager, due_in=4, audit=audit)
            follow_up(case, personas.auditor, due_in=-1)

    add_work()
    return_to_auditor(audit_of(late_cycle, personas.own_case), personas.moderator)
    people = (personas.qa_lead, personas.auditor, personas.team_manager)
    before = [_queries(client, person) for person in people]
    add_work()
    add_work()
    assert [_queries(client, person) for person in people] == before
