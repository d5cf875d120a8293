"""The administrator is IT staff: every page of children's data refuses them, whatever the policy grows."""

from __future__ import annotations

from django.urls import reverse

from ..test_role_matrix import FORBIDDEN, MATRIX, TARGETS, _view_capability, cycles  # noqa: F401 (fixture)

# Pages the administrator may open: their home page, their own notifications and sign-in, the accounts, the
# logs, which name records by kind and internal id, never a child, their own jobs (none of the matrix's
# job is theirs: 404) and their own API tokens (which carry their role, so reach no child either).
OPEN_TO_THEM = ("home", "notifications:", "people:", "signin:", "logs:", "jobs:", "api-token")


def test_the_administrator_is_refused_every_page_of_childrens_data(client, personas, cycles):  # noqa: F811
    client.force_login(personas.administrator)
    wrong = []
    for label, method, name, target, _capability, _success in MATRIX:
        if name.startswith(OPEN_TO_THEM) and name != "notifications:outbox":
            continue
        url = reverse(name, args=TARGETS[target](personas, cycles) if target else [])
        assert _view_capability(url) is not None, url
        status = getattr(client, method)(url).status_code
        if status != FORBIDDEN:
            wrong.append(f"{method.upper()} {url} ({label}): {status}")
    assert not wrong, "\n".join(wrong)


def test_the_administrators_home_page_leads_to_the_accounts(client, personas):
    client.force_login(personas.administrator)
    page = client.get("/")
    assert page.status_code == 200 and reverse("people:import") in page.text
    assert reverse("reports:grades") not in page.text and reverse("cases:list") not in page.text
