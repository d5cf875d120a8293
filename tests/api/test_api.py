"""The HTTP API (issue 17, a first step): personal tokens made and revoked on the account page and the
command line, the register, one case, the grade table and the compliance counts through them, each scoped
as the pages are, and every error a problem document."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caseaudit.accounts.models import AccessLog, ChangeEvent
from caseaudit.api.actions import create_token, revoke_token
from caseaudit.api.models import ApiToken
from caseaudit.reports.grade_formats import as_json
from caseaudit.reports.grades import grade_table

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    secret = create_token(user, name="tests", acting_user=user).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_token_acts_as_its_owner_with_their_scope(personas):
    worker = bearer(personas.worker)
    listed = worker.get("/api/v1/cases").json()
    # The worker's own case only, as on the register page.
    assert [c["child_id"] for c in listed["items"]] == ["N000001"] and listed["total"] == 1
    assert worker.get(f"/api/v1/cases/{personas.other_case.pk}").status_code == 404
    detail = worker.get(f"/api/v1/cases/{personas.own_case.pk}").json()
    assert detail["child_id"] == "N000001" and any(
        c["check"] == "pathway-plan-review" for c in detail["timescales"]
    )
    everyone = bearer(personas.qa_lead).get("/api/v1/cases", {"status": "all"}).json()
    assert {c["child_id"] for c in everyone["items"]} == {"N000001", "S000001"}
    # Every read of children's data is in the access log.
    assert AccessLog.objects.filter(
        user=personas.worker, object_type="case", object_id=str(personas.own_case.pk)
    ).exists()
    assert AccessLog.objects.filter(user=personas.qa_lead, object_type="case-list").exists()


def test_the_register_filters_sort_and_pages_as_the_register_page_does(personas):
    qa = bearer(personas.qa_lead)
    assert [c["child_id"] for c in qa.get("/api/v1/cases", {"cohort": "child-in-need"}).json()["items"]] == [
        "S000001"
    ]
    assert [c["child_id"] for c in qa.get("/api/v1/cases", {"sort": "-child_id"}).json()["items"]] == [
        "S000001",
        "N000001",
    ]
    second = qa.get("/api/v1/cases", {"page_size": 1, "page": 2}).json()
    assert (second["total"], second["pages"], [c["child_id"] for c in second["items"]]) == (2, 2, ["S000001"])
    refused = qa.get("/api/v1/cases", {"cohort": "unicorns"})
    assert refused.status_code == 422 and refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"].startswith("query.cohort: Input should be")
    # A team outside what the person sees is no error: none of their cases is in it.
    other_team = personas.other_case.team_id
    assert bearer(personas.worker).get("/api/v1/cases", {"team": other_team}).json()["total"] == 0


def test_the_grade_table_is_the_commands_and_counts_only_for_those_who_read_it(personas):
    leader = bearer(personas.senior_leader).get("/api/v1/reports/grades", {"by": "cycle"})
    assert leader.status_code == 200
    assert leader.json() == json.loads(
        json.dumps(as_json(grade_table(by="cycle", grade_source="moderated")), default=str)
    )
    worker = bearer(personas.worker).get("/api/v1/reports/grades")
    assert worker.status_code == 403 and "may read the table of grades" in worker.json()["detail"]
    summary = bearer(personas.senior_leader).get("/api/v1/compliance/summary", {"as_of": "2026-11-01"}).json()
    assert summary["as_of"] == "2026-11-01" and summary["open_cases"] == 2
    assert all("child_id" not in row for row in summary["rows"])
    mine = bearer(personas.worker).get("/api/v1/compliance/summary").json()
    assert mine["open_cases"] == 1
    # The cases behind the counts: the worker's own case's checks only.
    checks = bearer(personas.worker).get("/api/v1/compliance/cases", {"as_of": "2026-11-01"}).json()
    assert {item["child_id"] for item in checks["items"]} == {"N000001"} and checks["total"] >= 1
    pathway = (
        bearer(personas.qa_lead)
        .get("/api/v1/compliance/cases", {"check": "pathway-plan-review", "status": "data-missing"})
        .json()
    )
    assert [(i["child_id"], i["status"]) for i in pathway["items"]] == [("N000001", "data-missing")]


def test_no_token_a_wrong_one_an_expired_or_revoked_one_gets_401_and_nothing(personas):
    assert Client().get("/api/v1/cases").status_code == 401
    wrong = Client(HTTP_AUTHORIZATION="Bearer ca_not-a-real-token").get("/api/v1/cases")
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"].startswith("Bearer")
    assert wrong.json()["title"] == "Not signed in"
    made = create_token(personas.qa_lead, name="old", acting_user=personas.qa_lead)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {made.secret}")
    assert client.get("/api/v1/me").json()["token"] == "old"
    ApiToken.objects.filter(pk=made.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me").status_code == 401
    live = create_token(personas.qa_lead, name="live", acting_user=personas.qa_lead)
    revoke_token(live.token, acting_user=personas.qa_lead)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {live.secret}").get("/api/v1/me").status_code == 401
    # A deactivated person's token stops working too.
    other = create_token(personas.auditor, name="a", acting_user=personas.auditor)
    personas.auditor.is_active = False
    personas.auditor.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {other.secret}").get("/api/v1/me").status_code == 401


def test_tokens_are_kept_hashed_and_their_use_is_rate_limited(personas, settings):
    made = create_token(personas.qa_lead, name="dashboard", acting_user=personas.qa_lead)
    assert made.secret not in str(ApiToken.objects.values().get())
    assert ChangeEvent.objects.filter(event="api-token.created").exists()
    assert made.secret not in str(ChangeEvent.objects.values().get(event="api-token.created"))
    settings.CASEAUDIT_API_RATE = 3
    client = Client(HTTP_AUTHORIZATION=f"Bearer {made.secret}")
    statuses = [client.get("/api/v1/me").status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
    limited = client.get("/api/v1/me")
    assert int(limited["Retry-After"]) > 0 and limited.json()["status"] == 429


def test_nobody_makes_or_revokes_another_persons_token_but_an_administrator(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_token(personas.worker, name="x", acting_user=personas.team_manager)
    made = create_token(personas.worker, name="x", acting_user=personas.administrator)
    with pytest.raises(PermissionDenied):
        revoke_token(made.token, acting_user=personas.qa_lead)
    revoke_token(made.token, acting_user=personas.worker)


def test_the_account_page_makes_shows_once_and_revokes_tokens(client, personas):
    client.force_login(personas.team_manager)
    assert "make or revoke your API tokens" in client.get(reverse("signin:account")).text
    page = client.get(reverse("api-tokens")).text
    assert "You have no tokens yet" in page
    empty = client.post(reverse("api-tokens"), {"name": "", "expires_days": "30"}).text
    assert "Enter what the token is for" in empty and not ApiToken.objects.exists()
    made = client.post(reverse("api-tokens"), {"name": "Power BI", "expires_days": "30"}).text
    secret = made.split('<code class="app-token">')[1].split("</code>")[0]
    assert secret.startswith("ca_") and "it is shown only once" in made
    # Shown once: not on the next visit.
    assert secret not in client.get(reverse("api-tokens")).text
    token = ApiToken.objects.get()
    assert (token.owner, token.name) == (personas.team_manager, "Power BI")
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").json()["username"] == "team-manager"
    )
    client.post(reverse("api-token-revoke", args=[token.pk]))
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").status_code == 401
    # Nobody revokes another's token through the page.
    theirs = create_token(personas.worker, name="w", acting_user=personas.worker)
    assert client.post(reverse("api-token-revoke", args=[theirs.token.pk])).status_code == 404


def test_the_command_line_makes_lists_and_revokes_tokens(personas):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "tokens", "create", "moderator", "--name", "warehouse", "--expires-days", "7", stdout=out, stderr=err
    )
    secret = out.getvalue().strip()
    assert secret.startswith("ca_") and "shown only this once" in err.getvalue()
    token = ApiToken.objects.get()
    assert (token.expires_at - timezone.now()).days in (6, 7)
    listed = io.StringIO()
    call_command("tokens", "list", stdout=listed)
    assert "moderator\twarehouse" in listed.getvalue() and secret not in listed.getvalue()
    call_command("tokens", "revoke", str(token.pk), stdout=io.StringIO())
    assert ApiToken.objects.get().revoked_at is not None
    with pytest.raises(CommandError, match="already revoked"):
        call_command("tokens", "revoke", str(token.pk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="no account 'nobody'"):
        call_command("tokens", "create", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="from 1 to 366 days"):
        call_command("tokens", "create", "moderator", "--expires-days", "900", stdout=io.StringIO())


def test_the_openapi_document_describes_every_operation_for_signed_in_staff(client, personas):
    assert client.get("/api/v1/openapi.json").status_code in (302, 401, 403)
    client.force_login(personas.qa_lead)
    document = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/reports/grades",
        "/api/v1/compliance/summary",
    } <= set(document["paths"])
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "cdn." not in docs.text  # served from our own static files
