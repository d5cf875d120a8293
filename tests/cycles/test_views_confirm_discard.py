"""Confirming a draft sample (cycles:confirm) or discarding it (cycles:discard, asked first)."""

from __future__ import annotations

from django.urls import reverse

from caseaudit.audits.models import Audit
from caseaudit.cycles.models import Cycle, CycleStatus

from .builders import make_cycle


def test_confirming_a_draft(qa_client, register):
    cycle = make_cycle(register.cases[:4], draft=True)
    response = qa_client.post(reverse("cycles:confirm", args=[cycle.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cycles:detail", args=[cycle.pk])
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.PLANNED
    page = qa_client.get(response["Location"])
    assert "The sample of Autumn 2026 is confirmed. Allocate the audits to the auditors." in page.text
    assert "Allocate audits" in page.text


def test_confirming_twice_is_refused_on_the_cycle_page(qa_client, register):
    cycle = make_cycle(register.cases[:4])
    response = qa_client.post(reverse("cycles:confirm", args=[cycle.pk]))
    assert response.status_code == 200
    assert '<a href="#cycle-details">This cycle is already confirmed.</a>' in response.text
    assert response.text.count("<title>Error: Autumn 2026") == 1
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.PLANNED and cycle.audits.count() == 4


def test_confirm_is_a_post_only(qa_client, register):
    cycle = make_cycle(register.cases[:4], draft=True)
    assert qa_client.get(reverse("cycles:confirm", args=[cycle.pk])).status_code == 405
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DRAFT


def test_discarding_asks_first(qa_client, register):
    cycle = make_cycle(register.cases[:4], draft=True)
    qa_client.post(
        reverse("cycles:swap", args=[cycle.pk]),
        {"remove": register.cases[0].child_id, "add": register.cases[5].child_id, "reason": "x"},
    )
    response = qa_client.get(reverse("cycles:discard", args=[cycle.pk]))
    assert response.status_code == 200
    assert "Are you sure you want to discard this draft?" in response.text
    assert "The sample of 4 cases and its 1 swap will be deleted." in response.text
    assert "Yes, discard the draft" in response.text
    assert Cycle.objects.filter(pk=cycle.pk).exists()  # asking changes nothing
    assert Audit.objects.filter(cycle=cycle).count() == 4


def test_discarding_a_draft(qa_client, register):
    cycle = make_cycle(register.cases[:4], draft=True)
    response = qa_client.post(reverse("cycles:discard", args=[cycle.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cycles:list")
    assert not Cycle.objects.exists() and not Audit.objects.exists()
    assert "The draft Autumn 2026 was discarded." in qa_client.get(response["Location"]).text


def test_a_confirmed_cycle_cannot_be_discarded(qa_client, register):
    cycle = make_cycle(register.cases[:4])
    # Not offered ...
    response = qa_client.get(reverse("cycles:discard", args=[cycle.pk]))
    assert response.status_code == 302
    assert "Discard draft" not in qa_client.get(response["Location"]).text
    # ... and refused.
    response = qa_client.post(reverse("cycles:discard", args=[cycle.pk]))
    assert response.status_code == 200
    assert "Only a draft cycle can be discarded." in response.text
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.PLANNED
    assert Audit.objects.filter(cycle=cycle).count() == 4
