"""A command refused for the person it was told to act as (`--as USERNAME`) is recorded in the security log,
as a page's refusal is: who, and what they may not do."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caseaudit.accounts.models import Role, SecurityEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_command_refused_for_the_person_it_acts_for_is_in_the_security_log(tmp_path):
    worker = make_user(Role.SOCIAL_WORKER)
    with pytest.raises(CommandError) as refused:
        call_command(
            "export_cases", "--output", str(tmp_path / "r.csv"), "--as", worker.username, stdout=StringIO()
        )
    [event] = SecurityEvent.objects.filter(event=SecurityEvent.Event.PERMISSION_DENIED)
    assert (event.user, event.username) == (worker, worker.username)
    assert event.detail == f"command line: {refused.value}"
    assert not (tmp_path / "r.csv").exists()


def test_a_command_the_person_may_run_records_no_refusal(tmp_path):
    lead = make_user(Role.QA_LEAD)
    call_command(
        "export_cases", "--output", str(tmp_path / "r.csv"), "--as", lead.username, stdout=StringIO()
    )
    assert not SecurityEvent.objects.filter(event=SecurityEvent.Event.PERMISSION_DENIED).exists()
