"""The 403 page says who may do what was refused, and whom to ask for access."""

from __future__ import annotations

from html import unescape

from django.urls import reverse

from caseaudit import policy
from caseaudit.accounts.models import SecurityEvent


def test_a_page_refused_by_role_names_who_may_use_it_and_whom_to_ask(client, personas):
    client.force_login(personas.worker)
    response = client.get(reverse("cases:import"))
    assert response.status_code == 403
    assert policy.IMPORT_REGISTER.refused() in unescape(response.text)
    assert "Only the QA lead may import the case register." in unescape(response.text)
    assert "ask your QA lead or your IT administrator for access" in unescape(response.text)


def test_a_senior_leader_refused_child_records_is_told_who_reads_them(client, personas):
    client.force_login(personas.senior_leader)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 403
    assert policy.READ_CHILD_RECORDS.refused() in unescape(response.text)
    assert "Your role does not give you access" not in unescape(response.text)


def test_a_refusal_is_kept_in_the_security_log_without_the_object(client, personas):
    client.force_login(personas.worker)
    client.get(reverse("cases:import"), REMOTE_ADDR="192.0.2.33")
    client.force_login(personas.moderator)
    client.get(reverse("cases:import"))
    refusals = SecurityEvent.objects.filter(event=SecurityEvent.Event.PERMISSION_DENIED).order_by("seq")
    first = refusals[0]
    assert (first.user, first.username, first.address) == (personas.worker, "worker", "192.0.2.33")
    assert first.detail == f"cases:import, {policy.IMPORT_REGISTER.slug}"
    assert [r.username for r in refusals] == ["worker", "moderator"]
