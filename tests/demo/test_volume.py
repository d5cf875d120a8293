"""A demo register larger than the default grows everything that grows with a real one: staff and their
accounts, auditors, past audits, the cycle's work, the moderation queue, actions, follow-ups, concerns and
notifications. The default demo is left as it is (the other tests in this folder)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from caseaudit.accounts.models import Role, User
from caseaudit.audits.models import Audit, AuditStatus, ModerationEvent, SectionResponse
from caseaudit.cases.models import Case, Staff
from caseaudit.cycles.models import Cycle
from caseaudit.improvement.models import Action, ActionStatus, FollowUp, SafeguardingConcern
from caseaudit.notifications.models import Notification

TODAY = "2026-11-26"
CASES = 3000


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def large(db):
    out = StringIO()
    call_command("demo_data", "--cases", str(CASES), "--today", TODAY, stdout=out)
    return out.getvalue()


def test_staff_have_managers_in_proportion_and_everyone_an_account(large):
    managers = Case.objects.values("manager").distinct().count()
    workers = Case.objects.exclude(worker=None).values("worker").distinct().count()
    assert managers > 6 and workers / managers <= 8
    team_staff = Staff.objects.filter(team__isnull=False)
    assert not team_staff.filter(user__isnull=True).exists()
    auditors = User.objects.filter(role=Role.AUDITOR)
    assert auditors.count() == 3 + (CASES - 240) // 1000
    assert "Accounts for the rest of the staff" in large


def test_the_past_and_the_current_cycle_grow_with_the_register(large):
    past = Audit.objects.filter(cycle__status="closed").count()
    assert past > 0.25 * (CASES - 240)
    cycle = Cycle.objects.exclude(status="closed").get(audit_type="case-file")
    audits = Audit.objects.filter(cycle=cycle)
    # The moderation queue, moderated and returned work, and audits being written with sections saved.
    assert audits.filter(status=AuditStatus.SUBMITTED).count() > 30
    assert audits.filter(status=AuditStatus.MODERATED).count() > 30
    assert audits.filter(status=AuditStatus.RETURNED).exists()
    assert audits.filter(status=AuditStatus.IN_PROGRESS).count() > 30
    assert audits.filter(status=AuditStatus.NOT_STARTED).count() > audits.count() / 3
    done = audits.filter(status__in=[AuditStatus.SUBMITTED, AuditStatus.MODERATED])
    assert not done.filter(submitted_at__isnull=True).exists()
    assert not done.filter(completed_on__lt=cycle.starts_on).exists()
    submitted = ModerationEvent.objects.filter(audit__in=done, kind=ModerationEvent.Kind.SUBMITTED)
    assert submitted.values("audit").distinct().count() == done.count()
    assert SectionResponse.objects.filter(audit__status=AuditStatus.IN_PROGRESS).exists()


def test_the_improvement_work_follows_the_audits(large, client):
    actions = Action.objects.in_tracker()
    statuses = set(actions.values_list("status", flat=True))
    assert {ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.VERIFIED} <= statuses
    assert actions.filter(status=ActionStatus.OPEN, due_on__lt=TODAY).exists()  # overdue
    for action in actions.select_related("owner__staff", "case")[:50]:
        assert action.owner.staff.team_id == action.case.team_id
    assert FollowUp.objects.filter(status="allocated").exists()
    assert FollowUp.objects.filter(status="completed").exists()
    assert SafeguardingConcern.objects.exists()
    assert Notification.objects.filter(read_at__isnull=True).exists()
    # What the moderator and an owner of actions see on their pages.
    client.force_login(User.objects.get(username="moderator"))
    assert client.get("/audits/moderation/").status_code == 200
    owner = actions.filter(owner__role=Role.TEAM_MANAGER).first().owner
    client.force_login(owner)
    assert client.get("/actions/").status_code == 200
    assert client.get("/notifications/").status_code == 200
