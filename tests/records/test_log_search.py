"""Searching the access log and the security log: each filter narrows the entries to what it says, a
Child Unique ID finds the entries about the child's case and everything about it, and a search never
finds itself."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from caseaudit.accounts.models import AccessLog, SecurityEvent
from caseaudit.improvement.models import FollowUp, SafeguardingConcern
from caseaudit.records.log_search import (
    AccessLogFilters,
    SecurityLogFilters,
    access_entries,
    described,
    record_types,
    security_events,
)

from ..cycles.builders import allocate_to, make_cycle
from ..improvement.conftest import make_action

pytestmark = pytest.mark.django_db


def _at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _access(username: str, action: str, object_type: str, object_id: object = "", **fields) -> AccessLog:
    return AccessLog.objects.create(
        username=username, action=action, object_type=object_type, object_id=str(object_id), **fields
    )


def _found(filters: AccessLogFilters) -> list[str]:
    later = timezone.now() + timedelta(days=400)
    return [e.detail for e in access_entries(filters, asked_at=later)]


def test_each_filter_narrows_the_access_log():
    _access("alice", "view", "case", 1, detail="alice views", at=_at(date(2026, 3, 1)))
    _access("alice", "export", "grade-table", detail="alice exports", at=_at(date(2026, 3, 5)))
    _access("bob", "view", "audit", 1, detail="bob views", at=_at(date(2026, 3, 9)))

    assert _found(AccessLogFilters()) == ["bob views", "alice exports", "alice views"]  # newest first
    assert _found(AccessLogFilters(username="alice")) == ["alice exports", "alice views"]
    assert _found(AccessLogFilters(username="ALICE")) == ["alice exports", "alice views"]
    assert _found(AccessLogFilters(action="export")) == ["alice exports"]
    assert _found(AccessLogFilters(object_type="audit")) == ["bob views"]
    assert _found(AccessLogFilters(username="alice", action="view")) == ["alice views"]
    assert _found(AccessLogFilters(username="carol")) == []


def test_dates_are_whole_days_in_the_service_time_zone_both_ends_included():
    # In summer time, half past midnight on 1 April in London is still 31 March in UTC.
    late = timezone.make_aware(datetime(2026, 3, 31, 23, 30))
    early = timezone.make_aware(datetime(2026, 4, 1, 0, 30))
    _access("alice", "view", "case", 1, detail="late on the 31st", at=late)
    _access("alice", "view", "case", 1, detail="1 April", at=early)
    _access("alice", "view", "case", 1, detail="2 April", at=_at(date(2026, 4, 2), hour=23))

    assert _found(AccessLogFilters(date_from=date(2026, 4, 1))) == ["2 April", "1 April"]
    assert _found(AccessLogFilters(date_to=date(2026, 3, 31))) == ["late on the 31st"]
    one_day = AccessLogFilters(date_from=date(2026, 4, 2), date_to=date(2026, 4, 2))
    assert _found(one_day) == ["2 April"]


def test_a_child_id_finds_who_read_anything_about_the_child(personas):
    own, other = personas.own_case, personas.other_case
    cycle = make_cycle([own, other])
    allocate_to(cycle, personas.auditor)
    audit, other_audit = cycle.audits.get(case=own), cycle.audits.get(case=other)
    action = make_action(own, personas.worker, audit=audit)
    concern = SafeguardingConcern.objects.create(
        audit=audit, case=own, description="Risk found.", raised_by=personas.auditor
    )
    follow_up = FollowUp.objects.create(case=own, auditor=personas.auditor, due_on=timezone.localdate())
    about_the_child = [
        ("case", own.pk),
        ("audit", audit.pk),
        ("audit-feedback", audit.pk),
        ("action", action.pk),
        ("concern", concern.pk),
        ("follow-up", follow_up.pk),
    ]
    for kind, pk in about_the_child:
        _access("qa-lead", "view", kind, pk, detail=f"{kind} of the child")
    # Other children's records, and other kinds that happen to have the same number.
    _access("qa-lead", "view", "case", other.pk, detail="the other case")
    _access("qa-lead", "view", "audit", other_audit.pk, detail="the other audit")
    _access("qa-lead", "view", "cycle", own.pk, detail="a cycle")
    _access("qa-lead", "export", "grade-table", detail="a report")

    found = _found(AccessLogFilters(case=own))
    assert sorted(found) == sorted(f"{kind} of the child" for kind, _ in about_the_child)
    assert _found(AccessLogFilters(case=own, object_type="audit")) == ["audit of the child"]


def test_a_search_finds_nothing_written_after_it_was_asked():
    asked_at = timezone.now()
    _access("alice", "view", "access-log", detail="the search itself")
    assert not access_entries(AccessLogFilters(), asked_at=asked_at).exists()


def test_each_filter_narrows_the_security_log():
    SecurityEvent.objects.create(username="alice", event="signed-in", at=_at(date(2026, 5, 1)))
    SecurityEvent.objects.create(username="alice", event="sign-in-failed", at=_at(date(2026, 5, 2)))
    SecurityEvent.objects.create(username="mallory", event="sign-in-failed", at=_at(date(2026, 5, 3)))
    later = timezone.now() + timedelta(days=400)

    def found(filters: SecurityLogFilters) -> list[tuple[str, str]]:
        return [(e.username, e.event) for e in security_events(filters, asked_at=later)]

    assert found(SecurityLogFilters()) == [
        ("mallory", "sign-in-failed"),
        ("alice", "sign-in-failed"),
        ("alice", "signed-in"),
    ]
    assert found(SecurityLogFilters(event="sign-in-failed", username="alice")) == [
        ("alice", "sign-in-failed")
    ]
    assert found(SecurityLogFilters(date_to=date(2026, 5, 1))) == [("alice", "signed-in")]


def test_the_record_of_a_search_names_the_child_by_case_number_only(personas):
    filters = AccessLogFilters(username="alice", date_from=date(2026, 1, 2), case=personas.own_case)
    words = described(filters)
    assert words == f"username alice, from 2026-01-02, about case {personas.own_case.pk}"
    assert personas.own_case.child_id not in words
    assert described(SecurityLogFilters()) == "no filters"
    assert described(SecurityLogFilters(event="locked-out")) == "event locked-out"


def test_the_record_types_are_those_the_log_names_each_once_in_order():
    assert record_types() == []
    for kind in ("case", "grade-table", "audit", "case", "access-log", "audit"):
        _access("alice", "view", kind, 1)
    assert record_types() == ["access-log", "audit", "case", "grade-table"]
