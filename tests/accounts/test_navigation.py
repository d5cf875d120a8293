"""The header offers each person the pages the policy lets them open, and no others."""

from __future__ import annotations

import pytest
from django.urls import reverse

NAVIGATION = {
    "My audits": "audits:mine",
    "Cases": "cases:list",
    "Compliance": "compliance:summary",
    "Audit cycles": "cycles:list",
    "Moderation": "audits:moderation-queue",
    "Concerns": "improvement:list",
    "Actions": "actions:meeting",
    "Reports": "reports:grades",
    "Import register": "cases:import",
}
OFFERED = {
    "qa_lead": {
        "Cases",
        "Compliance",
        "Audit cycles",
        "Moderation",
        "Concerns",
        "Actions",
        "Reports",
        "Import register",
    },
    "moderator": {"Cases", "Compliance", "Audit cycles", "Moderation", "Concerns", "Actions", "Reports"},
    "auditor": {"My audits", "Cases", "Compliance"},
    "team_manager": {"Cases", "Compliance", "Concerns", "Actions", "Reports"},  # their team's grades
    "worker": {"Cases", "Compliance", "Actions"},
    "senior_leader": {"Compliance", "Actions", "Reports"},
}


@pytest.mark.parametrize("persona", OFFERED)
def test_the_header_offers_what_the_person_may_open(client, personas, persona):
    client.force_login(getattr(personas, persona))
    page = client.get(reverse("compliance:summary")).text
    header = page[page.index('id="navigation"') : page.index("Sign out")]
    offered = {label for label, name in NAVIGATION.items() if f'href="{reverse(name)}"' in header}
    assert offered == OFFERED[persona]
    for label in offered:  # and every page offered opens
        assert client.get(reverse(NAVIGATION[label])).status_code == 200, label
