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
    header = page[page.index('id="navigation"') : page.index("</nav>")]
    offered = {label for label, name in NAVIGATION.items() if f'href="{reverse(name)}"' in header}
    assert offered == OFFERED[persona]
    for label in offered:  # and every page offered opens
        assert client.get(reverse(NAVIGATION[label])).status_code == 200, label


def test_sign_out_is_in_the_header_and_the_qa_lead_imports_from_the_case_register(client, personas):
    client.force_login(personas.qa_lead)
    page = client.get(reverse("cases:list")).text
    header = page[: page.index("</header>")]
    assert "Sign out" in header and f'action="{reverse("logout")}"' in header
    assert f'href="{reverse("cases:import")}"' in page[page.index("<main") :]
    client.force_login(personas.moderator)
    assert f'href="{reverse("cases:import")}"' not in client.get(reverse("cases:list")).text
