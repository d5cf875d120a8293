"""The demo's tracker has what an improvement meeting works through: recommendations and overdue actions."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from caseaudit.accounts.models import User
from caseaudit.improvement.models import Action, ActionKind

pytestmark = pytest.mark.django_db


def test_the_demo_tracker_has_last_autumns_recommendations_and_overdue_actions_first(client, capsys):
    call_command("demo_data", "--cases", "120", "--today", "2026-11-26")
    recommendations = Action.objects.filter(kind=ActionKind.RECOMMENDATION)
    assert recommendations.count() == 3
    assert {a.cycle.name for a in recommendations} == {"Autumn 2025"}
    overdue = Action.objects.filter(kind=ActionKind.ACTION, due_on__lt=timezone.localdate())
    assert overdue.exists()
    assert "Improvement tracker: 3 recommendations of Autumn 2025's report" in capsys.readouterr().out

    client.force_login(User.objects.get(username="qa-lead"))
    page = client.get(reverse("actions:meeting")).text

    # The meeting view puts an overdue action before any recommendation, all due later.
    def link(action: Action) -> str:
        return f'href="{reverse("actions:detail", args=[action.pk])}"'

    assert page.index(link(overdue.first())) < page.index(link(recommendations.first()))
    assert date(2026, 11, 26) <= min(a.due_on for a in recommendations)
