"""Adding, changing, switching off and on: what the QA lead and the administrator do to accounts."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from caseaudit.accounts.models import ChangeEvent, User
from caseaudit.cases.models import Staff
from caseaudit.locking import EditConflict
from caseaudit.notifications.models import Email
from caseaudit.people import actions
from caseaudit.people.checking import check_fields
from caseaudit.policy import SYSTEM

from .helpers import fields


def test_a_new_account_has_no_password_and_is_emailed_a_link(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = actions.add_account(
            fields(email="nia@example.test", team="North Children and Families"),
            acting_user=personas.administrator,
            site_url="https://audits.example.gov.uk",
        )
    nia = User.objects.get(username="nia")
    assert not nia.has_usable_password()
    assert nia.get_full_name() == "Nia Newcomer" and nia.staff.team.name == "North Children and Families"
    assert sent.url.startswith("https://audits.example.gov.uk/set-password/")
    [message] = mail.outbox
    assert message.to == ["nia@example.test"] and sent.url in message.body
    assert "Nia" not in message.subject and Email.objects.get().status == Email.Status.SENT


def test_the_change_history_keeps_the_account_never_a_password_or_link(personas):
    sent = actions.add_account(fields(email="nia@example.test"), acting_user=personas.qa_lead)
    actions.choose_password(sent.user, "a long and unusual passphrase", acting_user=sent.user)
    stored = "".join(str(e.old) + str(e.new) for e in ChangeEvent.objects.all())
    token = sent.url.rstrip("/").rsplit("/", 1)[-1]
    assert token not in stored and "passphrase" not in stored
    assert ChangeEvent.objects.filter(event="user.added", actor=personas.qa_lead).exists()


def test_a_team_with_no_register_name_puts_the_person_in_the_register_under_their_name(personas):
    actions.add_account(fields(role="auditor", team="South Leaving Care"), acting_user=SYSTEM)
    staff = Staff.objects.get(name="Nia Newcomer")
    assert staff.team.name == "South Leaving Care" and staff.user.username == "nia"


def test_a_register_name_already_linked_to_an_account_is_refused(personas):
    checked, problems = check_fields(
        {"username": "will2", "name": "Will Again", "role": "social-worker", "staff": "Will Worker"}
    )
    assert checked is None
    assert problems == {"staff": "Will Worker in the register already belongs to the account worker."}


@pytest.mark.django_db
def test_only_an_auditor_has_a_capacity():
    assert check_fields({"username": "x", "name": "X", "role": "moderator", "capacity": "3"})[1] == {
        "capacity": "Only an auditor has a capacity: leave it empty for this role"
    }


@pytest.mark.django_db
def test_a_role_is_read_as_its_label_or_slug_and_an_unknown_one_refused():
    assert fields(role="Team Manager").role_slug == "team-manager"
    assert fields(role="administrator").role_slug == "administrator"
    assert "role" in check_fields({"username": "x", "name": "X", "role": "Director"})[1]


def test_a_change_moves_the_person_to_another_team_and_records_what_changed(personas):
    worker = personas.worker
    actions.change_account(
        worker,
        fields(
            worker,
            username="worker",
            name="Will Worker",
            role="social-worker",
            staff="Will Worker",
            team="South Leaving Care",
        ),
        expected_version=worker.version,
        acting_user=personas.administrator,
    )
    worker.refresh_from_db()
    assert worker.staff.name == "Will Worker" and worker.staff.team.name == "South Leaving Care"
    event = ChangeEvent.objects.get(event="user.changed")
    assert event.old["team"] == "North Children and Families" and event.new["team"] == "South Leaving Care"


def test_two_changes_on_the_same_version_never_overwrite_each_other(personas):
    worker, seen = personas.worker, personas.worker.version
    change = fields(worker, username="worker", name="First Change", staff="Will Worker")
    actions.change_account(worker, change, expected_version=seen, acting_user=personas.qa_lead)
    stale = User.objects.get(pk=worker.pk)
    with pytest.raises(EditConflict):
        actions.change_account(
            stale,
            fields(worker, username="worker", name="Second Change", staff="Will Worker"),
            expected_version=seen,
            acting_user=personas.administrator,
        )
    assert User.objects.get(pk=worker.pk).get_full_name() == "First Change"


def test_deactivating_keeps_everything_and_stops_sign_in(client, personas):
    worker = personas.worker
    actions.deactivate_account(worker, acting_user=personas.administrator)
    worker.refresh_from_db()
    assert not worker.is_active and worker.staff is not None
    assert User.objects.filter(pk=worker.pk).exists()
    assert not client.login(username="worker", password="correct-horse-battery-staple")
    actions.reactivate_account(worker, acting_user=personas.administrator)
    assert client.login(username="worker", password="correct-horse-battery-staple")


def test_nobody_deactivates_themselves_or_changes_their_own_role(personas):
    admin = personas.administrator
    with pytest.raises(ValidationError, match="your own account"):
        actions.deactivate_account(admin, acting_user=admin)
    with pytest.raises(ValidationError, match="your own role"):
        actions.change_account(
            admin, fields(admin, username="administrator", name="Admin", role="qa-lead"), acting_user=admin
        )


def test_people_who_do_not_manage_accounts_are_refused(personas):
    with pytest.raises(PermissionDenied):
        actions.add_account(fields(), acting_user=personas.moderator)
    with pytest.raises(PermissionDenied):
        actions.deactivate_account(personas.worker, acting_user=personas.senior_leader)
