"""`/healthz`: whether this copy of the service can work, for a load balancer or a monitor."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from .health import run_checks


# Outside the policy: it answers without a session and shows no data, only whether each check passed
# (tests/test_role_matrix.py lists it with the pages anyone may open).
@login_not_required
@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> HttpResponse:
    findings = run_checks()
    ok = all(finding.ok for finding in findings.values())
    answer = {"status": "ok" if ok else "failing"}
    answer |= {name: finding.says for name, finding in findings.items()}
    response = JsonResponse(answer, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    # The checks logged why they failed; Django's line for every 503 a monitor polls would add nothing.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
