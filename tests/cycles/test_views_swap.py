"""Swapping a case in a draft sample (cycles:swap), through the real `swap_case` action."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from caseaudit.audits.models import SelectionReason
from caseaudit.cycles.models import SampleSwap

from ..factories import make_case
from .builders import make_cycle


def swap_url(cycle) -> str:
    return reverse("cycles:swap", args=[cycle.pk])


@pytest.fixture
def draft(register):
    return make_cycle(register.cases[:3] + register.cases[6:8], draft=True)


def in_sample(cycle) -> list[str]:
    return sorted(cycle.audits.values_list("case__child_id", flat=True))


def test_a_swap_with_a_reason(qa_client, register, draft, personas):
    out, put_in = register.cases[0], register.cases[5]
    response = qa_client.post(
        swap_url(draft), {"remove": out.child_id, "add": put_in.child_id, "reason": "Practice review open"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cycles:detail", args=[draft.pk])
    assert out.child_id not in in_sample(draft) and put_in.child_id in in_sample(draft)
    assert draft.audits.get(case=put_in).reason == SelectionReason.SWAPPED_IN
    swap = SampleSwap.objects.get()
    assert (swap.removed, swap.added, swap.reason, swap.by) == (
        out,
        put_in,
        "Practice review open",
        personas.qa_lead,
    )
    page = qa_client.get(response["Location"])
    assert f"{out.child_id} is out of the sample and {put_in.child_id} is in." in page.text


def test_the_form_comes_ready_to_take_a_case_out(qa_client, register, draft):
    audit = draft.audits.get(case=register.cases[0])
    response = qa_client.get(swap_url(draft), {"audit": audit.pk})
    assert response.status_code == 200
    assert f'name="remove" type="text" value="{register.cases[0].child_id}"' in response.text
    # The care leaver cases the planner would have taken next.
    assert "Eligible care leaver cases not in the sample" in response.text
    suggested = re.findall(r'app-child-id">([^<]+)</td>', response.text)
    assert suggested == ["N000001", *(c.child_id for c in register.cases[3:6])]
    assert "Never audited" in response.text


@pytest.mark.parametrize("audit", ["999999", "x", ""])
def test_a_swap_link_naming_no_audit_of_the_sample_gives_an_empty_form(qa_client, draft, audit):
    response = qa_client.get(swap_url(draft), {"audit": audit})
    assert response.status_code == 200
    field = re.search(r'<input[^>]*name="remove"[^>]*>', response.text)
    assert field and 'value=""' in field.group(0)
    assert "Eligible" not in response.text


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        ({"remove": "N100000", "add": "N100005"}, "Enter why the case is swapped", "reason"),
        ({"remove": "N100000", "add": "N100005", "reason": "   "}, "Enter why the case is swapped", "reason"),
        ({"add": "N100005", "reason": "x"}, "Enter the Child Unique ID of the case to take out", "remove"),
        ({"remove": "N100005", "add": "N100004", "reason": "x"}, "N100005 is not in this sample", "remove"),
        (
            {"remove": "N100000", "add": "NOBODY", "reason": "x"},
            "No case with Child Unique ID &#x27;NOBODY&#x27;.",
            "add",
        ),
        ({"remove": "N100000", "add": "N100001", "reason": "x"}, "N100001 is already in the sample.", "add"),
    ],
)
def test_a_swap_that_cannot_be_made(qa_client, register, draft, data, message, field):
    before = in_sample(draft)
    response = qa_client.post(swap_url(draft), data)
    assert response.status_code == 200
    assert f'<a href="#id_{field}">{message}</a>' in response.text
    assert f'id="id_{field}-error"' in response.text
    assert in_sample(draft) == before
    assert not SampleSwap.objects.exists()


def test_an_ineligible_case_cannot_be_put_in(qa_client, register, draft):
    # Planned for audit in spring, less than 12 months before the autumn cycle starts.
    recent = make_case("R000001", "care-leaver", register.north)
    make_cycle([recent], name="Spring 2026", season="spring", year=2026)
    closed = make_case("R000002", "care-leaver", register.north, closed_on=draft.starts_on)
    before = in_sample(draft)
    for case in (recent, closed):
        response = qa_client.post(
            swap_url(draft), {"remove": "N100000", "add": case.child_id, "reason": "Asked for by the manager"}
        )
        assert f"{case.child_id} cannot be sampled" in response.text
        # What was typed stays in the form.
        assert f'name="add" type="text" value="{case.child_id}"' in response.text
        assert "Asked for by the manager</textarea>" in response.text
    assert in_sample(draft) == before
    assert not SampleSwap.objects.exists()


def test_a_confirmed_sample_cannot_be_changed(qa_client, register):
    cycle = make_cycle(register.cases[:2])
    before = in_sample(cycle)
    for response in (
        qa_client.get(swap_url(cycle)),
        qa_client.post(swap_url(cycle), {"remove": "N100000", "add": "N100005", "reason": "x"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("cycles:detail", args=[cycle.pk])
    assert not SampleSwap.objects.exists()
    assert in_sample(cycle) == before == ["N100000", "N100001"]
    assert (
        "only a draft sample can be changed" in qa_client.get(reverse("cycles:detail", args=[cycle.pk])).text
    )
