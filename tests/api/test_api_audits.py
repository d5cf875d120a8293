"""Audits, the moderation queue and cycles through the API: each person reads what the pages let them."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from caseaudit.api.actions import create_token
from caseaudit.audits.actions.completion import submit_audit
from caseaudit.audits.models import Audit, AuditStatus

from ..audits.completion_helpers import ready_to_submit
from ..cycles.builders import allocate_to, make_cycle

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, name='t', acting_user=user).secret}")


def test_audits_reach_the_audited_team_once_submitted_and_the_queue_holds_them(personas):
    cycle = make_cycle([personas.own_case, personas.other_case])
    allocate_to(cycle, personas.auditor)
    own = cycle.audits.get(case=personas.own_case)
    mine = bearer(personas.auditor).get("/api/v1/audits").json()
    assert {item["child_id"] for item in mine["items"]} == {"N000001", "S000001"}
    manager = bearer(personas.team_manager)
    assert manager.get("/api/v1/audits").json()["total"] == 0
    assert manager.get(f"/api/v1/audits/{own.pk}").status_code == 404
    Audit.objects.filter(pk=own.pk).update(status=AuditStatus.SUBMITTED, submitted_at=timezone.now())
    assert [item["id"] for item in manager.get("/api/v1/audits").json()["items"]] == [own.pk]
    queue = bearer(personas.moderator).get("/api/v1/moderation/queue").json()
    assert [item["id"] for item in queue["items"]] == [own.pk]
    assert bearer(personas.auditor).get("/api/v1/moderation/queue").status_code == 403


def test_a_cycle_s_progress_is_counted_by_auditor_and_cohort(personas):
    cycle = make_cycle([personas.own_case, personas.other_case])
    allocate_to(cycle, personas.auditor)
    qa = bearer(personas.qa_lead)
    assert [item["name"] for item in qa.get("/api/v1/cycles").json()] == [cycle.name]
    progress = qa.get(f"/api/v1/cycles/{cycle.pk}").json()
    assert progress["audits"] == 2 and sum(progress["total"]["counts"].values()) == 2
    assert {row["label"] for row in progress["by_cohort"]} >= {"Care leaver", "Child in need"} or progress[
        "by_cohort"
    ]
    assert bearer(personas.team_manager).get("/api/v1/cycles").status_code == 403


def _post(client: Client, audit, body: dict, etag: str | None):
    headers = {"HTTP_IF_MATCH": etag} if etag else {}
    return client.post(
        f"/api/v1/audits/{audit.pk}/moderation", json.dumps(body), content_type="application/json", **headers
    )


def test_a_moderator_decides_with_the_version_read_and_a_stale_decision_changes_nothing(personas):
    audit = ready_to_submit(personas)
    submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    moderator = bearer(personas.moderator)
    read = moderator.get(f"/api/v1/audits/{audit.pk}")
    etag = read["ETag"]
    refused = _post(moderator, audit, {"decision": "change", "grade": "outstanding"}, etag)
    assert refused.status_code == 422 and "reason" in refused.json()["detail"]
    assert _post(moderator, audit, {"decision": "agree"}, None).status_code == 428
    agreed = _post(moderator, audit, {"decision": "agree"}, etag)
    assert agreed.status_code == 200 and agreed.json()["moderated_grade"] == "good"
    assert agreed.json()["status"] == "moderated" and agreed["ETag"] != etag
    # The QA lead working from the first read: 412, and the grade stays as agreed.
    late = _post(
        bearer(personas.qa_lead), audit, {"decision": "change", "grade": "outstanding", "reason": "x"}, etag
    )
    assert late.status_code == 412
    audit.refresh_from_db()
    assert audit.moderated_grade == "good"
    # An auditor may not moderate at all.
    assert _post(bearer(personas.auditor), audit, {"decision": "agree"}, agreed["ETag"]).status_code == 403
