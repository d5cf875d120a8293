"""The demo tells a believable story on whatever day it is built: the current cycle is under way with its
submitted work on time, audit text agrees with its grades, and every team has people who can be reached."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from caseaudit.accounts.models import Role, User
from caseaudit.audits.models import Audit, SectionResponse
from caseaudit.cases.models import Team
from caseaudit.cycles.models import Cycle
from caseaudit.demo.audits import band
from caseaudit.demo.authority import demo_users_table

# Past the season's own window (autumn ends on 30 November): the demo's cycle must still be under way.
DECEMBER = date(2026, 12, 4)


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db):
    out = StringIO()
    call_command("demo_data", "--cases", "160", "--today", DECEMBER.isoformat(), stdout=out)
    return out.getvalue()


def test_the_current_cycle_is_under_way_and_its_submitted_audits_are_on_time(demo):
    cycle = Cycle.objects.exclude(status="closed").get(audit_type="case-file")
    assert cycle.starts_on < DECEMBER < cycle.ends_on
    done = Audit.objects.filter(cycle=cycle, status__in=["submitted", "moderated"])
    assert done.count() == 12
    assert not done.filter(completed_on__gt=cycle.ends_on).exists()
    assert not done.filter(completed_on__lt=cycle.starts_on).exists()
    assert not done.filter(completed_on__gt=DECEMBER).exists()


def test_the_paper_of_the_current_cycle_counts_its_submitted_audits_as_on_time(demo, client):
    cycle = Cycle.objects.exclude(status="closed").get(audit_type="case-file")
    client.force_login(User.objects.get(username="qa-lead"))
    page = client.get(f"/reports/cycles/{cycle.pk}/paper/").content.decode()
    assert "So far 12 of" in page


def test_last_autumn_had_most_audits_on_time_and_some_late(demo):
    last = Cycle.objects.get(name="Autumn 2025")
    audits = Audit.objects.filter(cycle=last)
    late = audits.filter(completed_on__gt=last.ends_on).count()
    assert 0 < late < audits.count() / 4


def test_section_text_agrees_with_its_grade(demo):
    responses = SectionResponse.objects.exclude(grade="").select_related("audit__grade_scale")
    assert responses.count() > 20
    for response in responses:
        scale = response.audit.grade_scale.slugs
        text = f"{response.evidence} {response.analysis}".lower()
        if band(scale, response.grade) <= 1:
            assert "consistent" not in text and "strong" not in text, (response.grade, text)
        else:
            assert "drift" not in text and "missing" not in text, (response.grade, text)


def test_an_overall_grade_is_never_far_above_the_worst_section(demo):
    cycle = Cycle.objects.exclude(status="closed").get(audit_type="case-file")
    checked = 0
    for audit in Audit.objects.filter(cycle=cycle, status__in=["submitted", "moderated"]):
        scale = audit.grade_scale.slugs
        worst = min(scale.index(r.grade) for r in audit.sections.exclude(grade=""))
        assert scale.index(audit.auditor_grade) <= worst + 1
        if band(scale, audit.auditor_grade) >= 2:
            assert "serious gaps" not in audit.overall_rationale
        checked += 1
    assert checked == 12


def test_every_team_has_a_manager_and_a_worker_who_can_sign_in_and_be_emailed(demo, client):
    teams = Team.objects.all()
    assert teams.count() == 6
    for team in teams:
        people = User.objects.filter(staff__team=team, is_active=True)
        managers = people.filter(role=Role.TEAM_MANAGER)
        workers = people.filter(role=Role.SOCIAL_WORKER)
        assert managers.exists() and workers.exists(), team.name
        for user in (*managers, *workers):
            assert user.email.endswith("@example.gov.uk"), user.username
            assert client.login(username=user.username, password="caseaudit-demo")
            client.logout()
    assert not User.objects.filter(email="").exists()


def test_the_sign_ins_name_every_teams_accounts(demo):
    out = StringIO()
    call_command("demo_data", "--sign-ins", stdout=out)
    text = out.getvalue()
    for team in Team.objects.exclude(name="Children and Families North"):
        assert team.name in text
    assert "manager-south and worker-south" in text


# Each thing the sign-ins table says an account can see, and the pages where they see it.
PROMISED_PAGES = {
    "cases": ("/cases/",),
    "audits": ("/audits/mine/", "/audits/moderation/", "/cases/"),
    "cycles": ("/cycles/",),
    "actions": ("/actions/",),
    "reports": ("/reports/",),
    "imports": ("/cases/import/",),
    "moderates": ("/audits/moderation/",),
    "users": (),  # no page lists users: an account that promised them would be wrong
    "templates": (),
}


def test_the_sign_ins_promise_only_pages_each_account_can_open(demo, client):
    for _role, username, _password, sees in demo_users_table():
        client.force_login(User.objects.get(username=username))
        for word, pages in PROMISED_PAGES.items():
            if word in sees:
                answers = [client.get(page).status_code for page in pages]
                assert 200 in answers, (username, word, answers)
        client.logout()
