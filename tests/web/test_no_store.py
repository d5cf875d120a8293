"""No page or download of caseaudit is kept by a browser or a shared cache: they hold children's data, and a
shared computer's back button must not show the last person's pages. The static files stay cacheable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ..reports.paper_builders import build_live_cycle

pytestmark = pytest.mark.django_db


def not_stored(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_every_page_of_a_signed_in_person_is_not_stored(client, personas):
    client.force_login(personas.qa_lead)
    for name, args in [
        ("home", []),
        ("cases:list", []),
        ("cases:detail", [personas.own_case.pk]),
        ("reports:grades", []),
        ("signin:account", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert not_stored(response), name


def test_the_pages_anyone_may_open_are_not_stored_either(client, db):
    assert not_stored(client.get(reverse("login")))
    # The feedback form, from a link that is not (or no longer) usable: the same rule, whatever the answer.
    assert not_stored(client.get(reverse("feedback:form", args=["not-a-real-token"])))
    assert not_stored(client.get("/no-such-page/"))


def test_a_csv_and_a_pdf_download_are_not_stored(client, personas):
    live = build_live_cycle(personas)
    client.force_login(personas.qa_lead)
    csv = client.get(reverse("cycles:export", args=[live.cycle.pk, "csv"]))
    assert csv.status_code == 200 and "csv" in csv["Content-Type"]
    assert not_stored(csv)
    pdf = client.get(reverse("paper:download", args=[live.cycle.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert not_stored(pdf)


def test_static_files_may_be_cached(client, db):
    response = client.get("/static/vendor/caseaudit.css")
    assert response.status_code == 200
    assert not not_stored(response)
