"""Follow-up audits reach their auditor in My audits, with the case open to them until they complete it."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from caseaudit.accounts.models import Role
from caseaudit.improvement.models import FollowUp, FollowUpStatus

from ..factories import make_user


def _follow_up(personas, auditor, status=FollowUpStatus.ALLOCATED):
    return FollowUp.objects.create(
        case=personas.own_case, auditor=auditor, due_on=timezone.localdate(), status=status
    )


def test_my_audits_lists_the_follow_ups_to_do_with_links_to_the_case_and_the_follow_up(client, personas):
    follow_up = _follow_up(personas, personas.auditor)
    client.force_login(personas.auditor)
    text = client.get(reverse("audits:mine")).text
    assert "Follow-up audits" in text and personas.own_case.child_id in text
    assert reverse("actions:follow-up", args=[follow_up.pk]) in text
    assert reverse("cases:detail", args=[personas.own_case.pk]) in text
    assert client.get(reverse("cases:detail", args=[personas.own_case.pk])).status_code == 200


def test_a_completed_follow_up_is_counted_not_listed(client, personas):
    _follow_up(personas, personas.auditor, FollowUpStatus.COMPLETED)
    client.force_login(personas.auditor)
    text = client.get(reverse("audits:mine")).text
    assert "You have completed 1 follow-up audit" in text and "No follow-up audits to do" in text
    assert reverse("cases:detail", args=[personas.own_case.pk]) not in text


def test_another_auditors_follow_up_is_not_listed(client, personas):
    _follow_up(personas, make_user(Role.AUDITOR, "someone-else"))
    client.force_login(personas.auditor)
    text = client.get(reverse("audits:mine")).text
    assert "Follow-up audits" not in text and personas.own_case.child_id not in text
