"""The auditor's draft through the API: read, written section by section with the form's rules, each
change naming the version it was made on, then submitted once it lacks nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from caseaudit.api.actions import create_token
from caseaudit.audits import completion
from caseaudit.audits.actions.completion import start_audit

from ..audits.completion_helpers import allocated_audit, yesterday

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, name='t', acting_user=user).secret}")


def put(client: Client, url: str, body: dict, etag: str):
    return client.put(url, json.dumps(body), content_type="application/json", HTTP_IF_MATCH=etag)


def test_the_auditor_writes_the_draft_and_submits_it(personas):
    audit = allocated_audit(personas)
    auditor = bearer(personas.auditor)
    unstarted = auditor.get(f"/api/v1/audits/{audit.pk}/draft")
    assert unstarted.json()["sections"] == [] and "Start the audit first" in json.dumps(unstarted.json())
    started = auditor.post(f"/api/v1/audits/{audit.pk}/start", HTTP_IF_MATCH=unstarted["ETag"])
    assert started.status_code == 200 and started.json()["status"] == "in-progress"
    draft = auditor.get(f"/api/v1/audits/{audit.pk}/draft")
    etag, body = draft["ETag"], draft.json()
    audit.refresh_from_db()
    assert body["lacking"] and [s["slug"] for s in body["sections"]] == [
        s.slug for s in completion.sections_of(audit)
    ]
    for section in body["sections"]:
        written = put(auditor, f"/api/v1/audits/{audit.pk}/sections/{section['slug']}",
                      {"grade": "good", "evidence": "Seen", "analysis": "Sound"}, etag)  # fmt: skip
        assert written.status_code == 200, written.content
        etag = written["ETag"]
    # A stale change is refused and changes nothing.
    first = body["sections"][0]["slug"]
    stale = put(
        auditor, f"/api/v1/audits/{audit.pk}/sections/{first}", {"grade": "inadequate"}, draft["ETag"]
    )
    assert stale.status_code == 412
    assert auditor.get(f"/api/v1/audits/{audit.pk}/draft").json()["sections"][0]["grade"] == "good"
    for source in ("record-review", "worker-interview"):
        written = put(auditor, f"/api/v1/audits/{audit.pk}/evidence/{source}",
                      {"used_on": yesterday().isoformat(), "note": "x"}, etag)  # fmt: skip
        assert written.status_code == 200, written.content
        etag = written["ETag"]
    off_scale = put(
        auditor, f"/api/v1/audits/{audit.pk}/overall", {"grade": "brilliant", "rationale": "x"}, etag
    )
    assert off_scale.status_code == 422
    overall = put(
        auditor, f"/api/v1/audits/{audit.pk}/overall", {"grade": "good", "rationale": "Good help."}, etag
    )
    assert overall.status_code == 200 and overall.json()["lacking"] == {}
    submitted = auditor.post(f"/api/v1/audits/{audit.pk}/submit", "{}", content_type="application/json",
                             HTTP_IF_MATCH=overall["ETag"])  # fmt: skip
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


def test_the_draft_is_the_auditors_and_the_qa_teams_alone(personas):
    audit = allocated_audit(personas)
    start_audit(audit, acting_user=personas.auditor)
    assert bearer(personas.qa_lead).get(f"/api/v1/audits/{audit.pk}/draft").status_code == 200
    # The audited team does not see the audit at all until it is submitted.
    assert bearer(personas.team_manager).get(f"/api/v1/audits/{audit.pk}/draft").status_code == 404
    etag = bearer(personas.qa_lead).get(f"/api/v1/audits/{audit.pk}/draft")["ETag"]
    slug = completion.sections_of(audit)[0].slug
    refused = put(
        bearer(personas.qa_lead), f"/api/v1/audits/{audit.pk}/sections/{slug}", {"grade": "good"}, etag
    )
    assert refused.status_code == 403


def test_findings_and_actions_are_added_to_the_draft_with_the_form_s_rules(personas):
    from caseaudit.audits.models import Theme

    Theme.objects.get_or_create(slug="voice-of-the-child", defaults={"label": "Voice of the child"})
    audit = allocated_audit(personas)
    start_audit(audit, acting_user=personas.auditor)
    auditor = bearer(personas.auditor)
    etag = auditor.get(f"/api/v1/audits/{audit.pk}/draft")["ETag"]

    def post(url: str, body: dict, tag: str):
        return auditor.post(url, json.dumps(body), content_type="application/json", HTTP_IF_MATCH=tag)

    findings, actions = f"/api/v1/audits/{audit.pk}/findings", f"/api/v1/audits/{audit.pk}/actions"
    strength = {"kind": "strength", "theme": "voice-of-the-child", "text": "Her wishes are recorded."}
    found = post(findings, strength, etag)
    assert found.status_code == 200, found.content
    assert found.json()["findings"][0]["theme"] == "voice-of-the-child"
    unknown = post(findings, {"kind": "issue", "theme": "no-such-theme", "text": "x"}, found["ETag"])
    assert unknown.status_code == 422
    # An owner outside the case's team is refused, as on the form.
    plan = {"description": "Update the plan", "due_on": "2027-01-15"}
    outsider = post(actions, {**plan, "owner": "outsider"}, found["ETag"])
    assert outsider.status_code == 422 and "Select an owner" in outsider.json()["detail"]
    added = post(actions, {**plan, "owner": "worker"}, found["ETag"])
    assert added.status_code == 200 and added.json()["actions"][0]["owner"] == "worker"


def test_what_was_added_is_taken_off_the_draft_on_the_version_seen(personas):
    from caseaudit.audits.models import Theme
    from caseaudit.improvement.models import Action, ActionStatus

    Theme.objects.get_or_create(slug="voice-of-the-child", defaults={"label": "Voice of the child"})
    audit = allocated_audit(personas)
    start_audit(audit, acting_user=personas.auditor)
    auditor = bearer(personas.auditor)
    etag = auditor.get(f"/api/v1/audits/{audit.pk}/draft")["ETag"]

    def post(url: str, body: dict):
        nonlocal etag
        done = auditor.post(url, json.dumps(body), content_type="application/json", HTTP_IF_MATCH=etag)
        assert done.status_code == 200, done.content
        etag = done["ETag"]
        return done.json()

    base = f"/api/v1/audits/{audit.pk}"
    post(f"{base}/findings", {"kind": "issue", "theme": "voice-of-the-child", "text": "Not recorded."})
    plan = {"description": "Update the plan", "due_on": "2027-01-15", "owner": "worker"}
    post(f"{base}/actions", plan)
    draft = post(f"{base}/actions", {**plan, "description": "Visit her"})
    written = put(auditor, f"{base}/evidence/record-review", {"used_on": yesterday().isoformat()}, etag)
    etag = written["ETag"]
    finding = draft["findings"][0]["id"]
    mistaken, worked_on = (a["id"] for a in draft["actions"])

    # A removal on an old version changes nothing.
    stale = auditor.delete(f"{base}/findings/{finding}", HTTP_IF_MATCH='"v1"')
    assert stale.status_code == 412
    removed = auditor.delete(f"{base}/findings/{finding}", HTTP_IF_MATCH=etag)
    assert removed.status_code == 200 and removed.json()["findings"] == []
    etag = removed["ETag"]
    again = auditor.delete(f"{base}/findings/{finding}", HTTP_IF_MATCH=etag)
    assert again.status_code == 422 and "not on this audit" in again.json()["detail"]

    gone = auditor.delete(f"{base}/evidence/record-review", HTTP_IF_MATCH=etag)
    assert gone.status_code == 200 and gone.json()["evidence"] == []
    etag = gone["ETag"]

    # An action its owner has worked on is theirs too: it stays.
    Action.objects.filter(pk=worked_on).update(status=ActionStatus.IN_PROGRESS)
    kept = auditor.delete(f"{base}/actions/{worked_on}", HTTP_IF_MATCH=etag)
    assert kept.status_code == 422 and "Work has started" in kept.json()["detail"]
    taken = auditor.delete(f"{base}/actions/{mistaken}", HTTP_IF_MATCH=etag)
    assert taken.status_code == 200
    assert [a["id"] for a in taken.json()["actions"]] == [worked_on]

    # Nobody but the auditor takes things off their draft.
    manager = bearer(personas.qa_lead)
    refused = manager.delete(f"{base}/actions/{worked_on}", HTTP_IF_MATCH=taken["ETag"])
    assert refused.status_code == 403
    assert Action.objects.filter(pk=worked_on).exists()
