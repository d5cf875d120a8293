"""The tracker through the API: the actions a person may see, with the tracker's filters, and the owner's
update, which names the version it was made on: a stale one gets 412 and changes nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from caseaudit.api.actions import create_token
from caseaudit.improvement.models import Action, ActionNote

from ..improvement.conftest import make_action

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, name='t', acting_user=user).secret}")


def patch(client: Client, action: Action, body: dict, etag: str | None) -> object:
    headers = {"HTTP_IF_MATCH": etag} if etag else {}
    return client.patch(
        f"/api/v1/actions/{action.pk}", json.dumps(body), content_type="application/json", **headers
    )


def test_each_person_lists_the_actions_they_may_see_overdue_first(personas):
    mine = make_action(personas.own_case, personas.worker, due_in=-3)
    later = make_action(personas.own_case, personas.worker, due_in=10)
    theirs = make_action(personas.other_case, personas.outsider)
    listed = bearer(personas.worker).get("/api/v1/actions").json()
    assert [item["id"] for item in listed["items"]] == [mine.pk, later.pk]
    assert listed["overdue"] == 1 and listed["items"][0]["days_overdue"] == 3
    everyone = bearer(personas.qa_lead).get("/api/v1/actions", {"owner": personas.outsider.pk}).json()
    assert [item["id"] for item in everyone["items"]] == [theirs.pk]
    assert bearer(personas.worker).get(f"/api/v1/actions/{theirs.pk}").status_code == 404
    assert bearer(personas.senior_leader).get("/api/v1/actions").status_code == 403


def test_the_owner_updates_with_the_version_they_read_and_a_stale_update_changes_nothing(personas):
    action = make_action(personas.own_case, personas.worker)
    worker = bearer(personas.worker)
    read = worker.get(f"/api/v1/actions/{action.pk}")
    etag = read["ETag"]
    assert etag == '"v1"'
    done = patch(worker, action, {"status": "in-progress", "note": "Plan meeting booked"}, etag)
    assert done.status_code == 200 and done.json()["status"] == "in-progress" and done["ETag"] == '"v2"'
    # Someone working from the old read: refused, and the action is as the first update left it.
    stale = patch(worker, action, {"status": "open", "note": "From an old read"}, etag)
    assert stale.status_code == 412 and stale["Content-Type"] == "application/problem+json"
    assert "changed by someone else" in stale.json()["detail"]
    action.refresh_from_db()
    assert (action.status, action.version) == ("in-progress", 2)
    assert ActionNote.objects.filter(action=action).count() == 1
    # Without If-Match: 428, nothing saved.
    assert patch(worker, action, {"note": "Again"}, None).status_code == 428
    # The page's rules hold: done needs its evidence.
    refused = patch(worker, action, {"status": "done"}, '"v2"')
    assert refused.status_code == 422 and "evidence" in refused.json()["detail"]
    # Nobody else's action is theirs to update.
    other = make_action(personas.other_case, personas.outsider)
    assert patch(worker, other, {"note": "x"}, '"v1"').status_code == 404


def test_the_browser_s_session_works_but_a_change_needs_its_csrf_token(personas):
    action = make_action(personas.own_case, personas.worker)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.worker)
    assert browser.get(f"/api/v1/actions/{action.pk}").status_code == 200
    refused = patch(browser, action, {"note": "From another site"}, '"v1"')
    assert refused.status_code == 403
    action.refresh_from_db()
    assert action.version == 1
