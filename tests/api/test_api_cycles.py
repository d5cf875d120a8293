"""Planning a cycle through the API, as the planning page does: a draft with its sample and reasons, a case
swapped with a reason, then confirmed and allocated; or the draft discarded."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.api.actions import create_token
from caseaudit.cycles.models import Cycle, SampleSwap
from tests.factories import make_case, make_staff, make_team, make_user

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, name='t', acting_user=user).secret}")


def post(client: Client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def qa():
    for i in range(12):
        make_case(
            f"K{i:04d}", ["care-leaver", "looked-after", "child-in-need"][i % 3], make_team(f"Team {i}")
        )
    return bearer(make_user(Role.QA_LEAD))


def test_a_draft_is_planned_a_case_swapped_then_confirmed_and_allocated(qa):
    planned = post(qa, "/api/v1/cycles", {"season": "autumn", "year": 2018, "size": 4, "seed": 1})
    assert planned.status_code == 200, planned.content
    cycle = planned.json()
    assert (cycle["status"], cycle["audits"]) == ("draft", 4)
    again = post(qa, "/api/v1/cycles", {"season": "autumn", "year": 2018, "size": 4})
    assert again.status_code == 409 and "already a cycle called" in again.json()["detail"]

    sample = qa.get(f"/api/v1/cycles/{cycle['id']}/sample").json()
    out = sample[0]
    sampled = {row["child_id"] for row in sample}
    replacement = next(f"K{i:04d}" for i in range(12) if f"K{i:04d}" not in sampled)
    swap = f"/api/v1/cycles/{cycle['id']}/swap"
    unexplained = post(
        qa, swap, {"remove_audit_id": out["audit_id"], "add_child_id": replacement, "reason": " "}
    )
    assert unexplained.status_code == 422 and "Say why" in unexplained.json()["detail"]
    swapped = post(
        qa, swap, {"remove_audit_id": out["audit_id"], "add_child_id": replacement, "reason": "A complaint"}
    )
    assert swapped.status_code == 200, swapped.content
    now = {row["child_id"]: row["reason"] for row in swapped.json()}
    assert out["child_id"] not in now and now[replacement] == "swapped-in" and len(now) == 4
    assert SampleSwap.objects.get().reason == "A complaint"

    confirmed = post(qa, f"/api/v1/cycles/{cycle['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "planned"
    # A confirmed sample is fixed: no swap, no discarding.
    back = next(row for row in swapped.json() if row["child_id"] == replacement)
    late = post(
        qa, swap, {"remove_audit_id": back["audit_id"], "add_child_id": out["child_id"], "reason": "x"}
    )
    assert late.status_code == 422 and "only a draft sample" in late.json()["detail"]
    assert qa.delete(f"/api/v1/cycles/{cycle['id']}").status_code == 422

    team = make_team("Quality assurance")
    for n in range(2):
        make_user(Role.AUDITOR, f"auditor-{n}", make_staff(f"Auditor {n}", team))
    allocated = post(qa, f"/api/v1/cycles/{cycle['id']}/allocate")
    assert allocated.status_code == 200 and allocated.json()["assigned"] == 4
    assert all(row["auditor"] for row in qa.get(f"/api/v1/cycles/{cycle['id']}/sample").json())


def test_a_draft_is_discarded_and_the_history_keeps_what_it_was(qa):
    cycle = post(qa, "/api/v1/cycles", {"season": "spring", "year": 2019, "size": 3, "seed": 2}).json()
    gone = qa.delete(f"/api/v1/cycles/{cycle['id']}")
    assert gone.status_code == 204
    assert not Cycle.objects.exists()
    assert ChangeEvent.objects.filter(event="cycle.discarded").count() == 1
    assert qa.delete(f"/api/v1/cycles/{cycle['id']}").status_code == 404


def test_a_case_outside_the_sample_or_the_register_is_refused(qa):
    cycle = post(qa, "/api/v1/cycles", {"season": "autumn", "year": 2018, "size": 3, "seed": 1}).json()
    swap = f"/api/v1/cycles/{cycle['id']}/swap"
    in_sample = qa.get(f"/api/v1/cycles/{cycle['id']}/sample").json()[0]["audit_id"]
    not_there = post(qa, swap, {"remove_audit_id": 999999, "add_child_id": "K0001", "reason": "x"})
    assert not_there.status_code == 404
    unknown = post(qa, swap, {"remove_audit_id": in_sample, "add_child_id": "NOPE", "reason": "x"})
    assert unknown.status_code == 422 and "No case with Child Unique ID" in unknown.json()["detail"]
    assert Cycle.objects.get().audits.filter(pk=in_sample).exists()
