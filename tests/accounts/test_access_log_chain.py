"""The access log as evidence: each entry says who, when, what and from where, and is chained to the one
before it, so `caseaudit verify-access-log` finds the first entry changed, removed or put out of order."""

from __future__ import annotations

import contextvars
import getpass
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from caseaudit import cli
from caseaudit.accounts import log_writer
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.chain import GENESIS
from caseaudit.accounts.log_verify import verify as verify_log
from caseaudit.accounts.models import AccessLog, Role, SecurityEvent
from caseaudit.accounts.origin import Origin, command_run_by, current
from caseaudit.accounts.security_log import record_security_event
from caseaudit.policy import SYSTEM

from ..factories import make_user


def verify() -> str:
    out = StringIO()
    call_command("verify_access_log", stdout=out, stderr=StringIO())
    return out.getvalue()


def broken_at() -> str:
    with pytest.raises(CommandError) as refusal:
        verify()
    return str(refusal.value)


def sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def logged(personas):
    """Five reads by three people, and two security events."""
    for user in (personas.qa_lead, personas.auditor, personas.team_manager, personas.qa_lead):
        record_access(user, "view", "case", personas.own_case.pk)
    record_access(SYSTEM, "export", "case-register", detail="2 cases, csv")
    record_security_event(SecurityEvent.Event.SIGNED_IN, user=personas.qa_lead, detail="password")
    record_security_event(SecurityEvent.Event.SIGN_IN_FAILED, username="nobody", detail="wrong password")
    return list(AccessLog.objects.order_by("seq"))


def test_entries_are_numbered_and_each_holds_the_hash_of_the_one_before(logged):
    assert [e.seq for e in logged] == [1, 2, 3, 4, 5]
    assert logged[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(logged))
    assert len({e.hash for e in logged}) == 5
    assert logged[1].username == "auditor" and logged[4].username == ""


def test_a_whole_chain_verifies(logged):
    assert verify() == (
        "The access log holds 5 entries and its chain is whole.\n"
        "The security log holds 2 entries and its chain is whole.\n"
    )


def test_an_empty_log_verifies(db):
    assert "The access log holds 0 entries and its chain is whole." in verify()


def test_an_edited_entry_is_named(logged):
    sql("UPDATE accounts_accesslog SET detail = %s WHERE id = %s", ["nothing to see", logged[2].pk])
    assert broken_at() == (
        f"The access log's chain is broken at entry id {logged[2].pk}, which has been changed since it "
        "was written."
    )


def test_an_entry_given_to_someone_else_is_named(logged, personas):
    sql("UPDATE accounts_accesslog SET username = %s WHERE id = %s", ["worker", logged[0].pk])
    assert f"entry id {logged[0].pk}, which has been changed" in broken_at()


def test_a_deleted_entry_is_named_by_the_entry_after_the_gap(logged):
    sql("DELETE FROM accounts_accesslog WHERE id = %s", [logged[2].pk])
    assert f"entry id {logged[3].pk}, which comes after a gap: entry 3 is missing" in broken_at()


def test_the_first_entry_deleted_is_a_gap_too(logged):
    sql("DELETE FROM accounts_accesslog WHERE id IN (%s, %s)", [logged[0].pk, logged[1].pk])
    assert f"entry id {logged[2].pk}, which comes after a gap: entries 1 to 2 are missing" in broken_at()


def test_two_entries_swapped_in_order_are_named(logged):
    first, second = logged[1], logged[2]
    sql("UPDATE accounts_accesslog SET seq = -1 WHERE id = %s", [first.pk])
    sql("UPDATE accounts_accesslog SET seq = %s WHERE id = %s", [first.seq, second.pk])
    sql("UPDATE accounts_accesslog SET seq = %s WHERE id = %s", [second.seq, first.pk])
    assert f"entry id {second.pk}, which does not follow the entry before it" in broken_at()


def test_two_entries_swapped_in_time_are_named(logged):
    first, second = logged[1], logged[2]
    sql("UPDATE accounts_accesslog SET at = %s WHERE id = %s", [second.at, first.pk])
    sql("UPDATE accounts_accesslog SET at = %s WHERE id = %s", [first.at, second.pk])
    assert f"entry id {first.pk}, which has been changed" in broken_at()


def test_an_entry_rehashed_after_editing_breaks_the_link_to_the_next(logged):
    """Someone who edits an entry and writes a new hash for it still breaks the chain at the next entry."""
    entry = logged[1]
    entry.detail = "edited"
    entry.hash = log_writer.entry_hash(entry.prev_hash, entry.chain_content())
    sql(
        "UPDATE accounts_accesslog SET detail = %s, hash = %s WHERE id = %s", ["edited", entry.hash, entry.pk]
    )
    assert f"entry id {logged[2].pk}, which does not follow the entry before it" in broken_at()


def test_an_entry_written_without_a_place_is_named(logged):
    sql("UPDATE accounts_accesslog SET seq = NULL WHERE id = %s", [logged[4].pk])
    assert f"entry id {logged[4].pk}, which has no place in the chain" in broken_at()


def test_an_edited_security_event_is_named(logged):
    event = SecurityEvent.objects.get(event=SecurityEvent.Event.SIGN_IN_FAILED)
    sql("UPDATE accounts_securityevent SET event = %s WHERE id = %s", ["signed-in", event.pk])
    message = broken_at()
    assert message == (
        f"The security log's chain is broken at entry id {event.pk}, which has been changed since it was "
        "written."
    )


def test_verifying_reads_a_long_log_a_chunk_at_a_time(personas):
    for n in range(25):
        record_access(personas.qa_lead, "view", "case", n)
    assert verify_log(AccessLog, chunk_size=4).count == 25
    assert verify_log(AccessLog, chunk_size=4).broken is None


def test_a_page_records_the_client_address(client, personas):
    client.force_login(personas.team_manager)
    client.get(reverse("cases:detail", args=[personas.own_case.pk]), REMOTE_ADDR="2001:db8::7")
    entry = AccessLog.objects.get()
    assert (entry.username, entry.address, entry.os_user) == ("team-manager", "2001:db8::7", "")
    assert "chain is whole" in verify()


def test_the_command_names_the_operating_system_account(monkeypatch):
    seen = []
    monkeypatch.setattr(cli, "run", lambda argv: seen.append(current()))
    # In a context of its own: the command marks its process, and this test's process lives on.
    contextvars.copy_context().run(cli.main, ["caseaudit", "export-cases"])
    assert seen == [Origin(address=None, os_user=getpass.getuser())]
    assert current() == Origin()


def test_a_command_records_the_operating_system_account_and_the_person_named(personas):
    def export(*args: str) -> None:
        command_run_by("ops-admin")
        call_command("export_cases", *args, stdout=StringIO())

    contextvars.copy_context().run(export, "--as", "qa-lead")
    contextvars.copy_context().run(export)
    by_person, by_system = AccessLog.objects.order_by("seq")
    assert (by_person.username, by_person.os_user, by_person.address) == ("qa-lead", "ops-admin", None)
    assert (by_system.username, by_system.os_user) == ("", "ops-admin")


def test_long_text_is_cut_to_its_column_before_it_is_hashed(personas):
    record_access(personas.qa_lead, "view", "case", "1", detail="x" * 400)
    assert len(AccessLog.objects.get().detail) == 300
    assert "chain is whole" in verify()


def test_a_read_is_kept_when_the_page_transaction_fails(personas):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_access(personas.qa_lead, "view", "case", personas.own_case.pk)
        raise RuntimeError("the page failed after reading")
    assert not AccessLog.objects.exists()  # waiting in the spool, not lost with the transaction
    assert log_writer.spool_of(AccessLog).count() == 1
    record_access(personas.auditor, "view", "case", personas.own_case.pk)
    assert [e.username for e in AccessLog.objects.order_by("seq")] == ["qa-lead", "auditor"]
    assert not log_writer.spool_of(AccessLog).waiting()
    assert "The access log holds 2 entries and its chain is whole." in verify()


def test_a_read_inside_a_transaction_is_written_when_it_commits(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record_access(personas.qa_lead, "view", "case", personas.own_case.pk)
    assert AccessLog.objects.get().username == "qa-lead"
    assert not log_writer.spool_of(AccessLog).waiting()


def test_a_security_event_about_a_change_rolled_back_is_not_kept(db, django_capture_on_commit_callbacks):
    person = make_user(Role.AUDITOR, "ada")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            record_security_event(SecurityEvent.Event.ROLE_CHANGED, user=person, detail="auditor → qa-lead")
            raise RuntimeError("the change failed")
        with transaction.atomic():
            record_security_event(SecurityEvent.Event.ROLE_CHANGED, user=person, detail="auditor → moderator")
    assert [e.detail for e in SecurityEvent.objects.all()] == ["auditor → moderator"]


def test_flushing_says_how_many_entries_waited(personas):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_access(personas.qa_lead, "view", "case", 1)
        record_access(personas.qa_lead, "view", "case", 2)
        raise RuntimeError
    out = StringIO()
    call_command("flush_access_log", stdout=out)
    assert out.getvalue() == "Added 2 waiting entries to the access log and 0 to the security log.\n"
    assert [e.object_id for e in AccessLog.objects.order_by("seq")] == ["1", "2"]


@pytest.mark.django_db(transaction=True)  # the failed write rolls back its own transaction, as in the service
def test_a_failing_database_keeps_the_entry_and_tells_the_operators(personas, monkeypatch, caplog):
    chain = log_writer._chain

    def full_disk(model, entries):
        raise DatabaseError("database or disk is full")

    monkeypatch.setattr(log_writer, "_chain", full_disk)
    record_access(personas.qa_lead, "view", "case", personas.own_case.pk)
    assert "The access log could not be written: the entry waits in its spool." in caplog.text
    assert log_writer.spool_of(AccessLog).count() == 1

    monkeypatch.setattr(log_writer, "_chain", chain)
    record_access(personas.auditor, "view", "case", personas.own_case.pk)
    assert [e.username for e in AccessLog.objects.order_by("seq")] == ["qa-lead", "auditor"]
