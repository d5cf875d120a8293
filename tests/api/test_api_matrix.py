"""Who may call what in the API: every operation of the OpenAPI document, every persona, with a token of
their own. The expected answer comes from the policy, in the order an operation asks, as the pages'
matrix (tests/test_role_matrix.py): no token is 401; a role that may never is 403; a target outside the
person's scope is 404; an object rule that refuses is 403; otherwise the operation's own success (an
update sent without If-Match gets 428 and changes nothing, so no row changes what the next sees)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from caseaudit import policy
from caseaudit.api.actions import create_token
from caseaudit.api.v1 import api
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.cases.scoping import cases_visible_to
from caseaudit.cycles.models import Cycle
from caseaudit.improvement.scoping import actions_visible_to

from ..cycles.builders import allocate_to, make_cycle
from ..improvement.conftest import make_action

pytestmark = pytest.mark.django_db
OK, ACCEPTED, UNAUTHORISED, FORBIDDEN, NOT_FOUND, INVALID, PRECONDITION_REQUIRED = (
    200,
    202,
    401,
    403,
    404,
    422,
    428,
)

# (method, path as the document has it): the capability it needs, the target whose id fills the path
# (and the object rule it must meet, if any), and what success is.
OPERATIONS: dict[
    tuple[str, str], tuple[policy.Capability | None, str | None, policy.Capability | None, int]
] = {
    ("get", "/api/v1/me"): (None, None, None, OK),
    ("get", "/api/v1/cases"): (policy.READ_CHILD_RECORDS, None, None, OK),
    ("get", "/api/v1/cases/{case_id}"): (policy.READ_CHILD_RECORDS, "case", None, OK),
    ("get", "/api/v1/reports/grades"): (policy.READ_GRADE_TABLE, None, None, OK),
    ("get", "/api/v1/compliance/summary"): (policy.READ_COMPLIANCE, None, None, OK),
    ("get", "/api/v1/compliance/cases"): (policy.READ_CHILD_RECORDS, None, None, OK),
    ("get", "/api/v1/reports/benchmark"): (policy.READ_REPORTS, None, None, OK),
    ("get", "/api/v1/actions"): (policy.USE_TRACKER, None, None, OK),
    ("get", "/api/v1/actions/{action_id}"): (policy.USE_TRACKER, "action", None, OK),
    ("get", "/api/v1/audits"): (policy.READ_CHILD_RECORDS, None, None, OK),
    ("get", "/api/v1/audits/{audit_id}"): (policy.READ_CHILD_RECORDS, "audit", None, OK),
    ("get", "/api/v1/moderation/queue"): (policy.MODERATE, None, None, OK),
    ("get", "/api/v1/audits/{audit_id}/draft"): (policy.READ_CHILD_RECORDS, "audit", "draft", OK),
    # The auditor's changes, sent without If-Match: refused before anything changes.
    ("put", "/api/v1/audits/{audit_id}/sections/{section}"): (
        policy.READ_CHILD_RECORDS,
        "audit",
        "write",
        PRECONDITION_REQUIRED,
    ),
    ("put", "/api/v1/audits/{audit_id}/evidence/{source}"): (
        policy.READ_CHILD_RECORDS,
        "audit",
        "write",
        PRECONDITION_REQUIRED,
    ),
    ("put", "/api/v1/audits/{audit_id}/overall"): (
        policy.READ_CHILD_RECORDS,
        "audit",
        "write",
        PRECONDITION_REQUIRED,
    ),
    ("post", "/api/v1/audits/{audit_id}/findings"): (
        policy.READ_CHILD_RECORDS,
        "audit",
        "write",
        PRECONDITION_REQUIRED,
    ),
    ("post", "/api/v1/audits/{audit_id}/actions"): (
        policy.READ_CHILD_RECORDS,
        "audit",
        "write",
        PRECONDITION_REQUIRED,
    ),
    ("post", "/api/v1/audits/{audit_id}/start"): (
        policy.READ_CHILD_RECORDS,
        "audit",
        "write",
        PRECONDITION_REQUIRED,
    ),
    ("post", "/api/v1/audits/{audit_id}/submit"): (
        policy.READ_CHILD_RECORDS,
        "audit",
        "write",
        PRECONDITION_REQUIRED,
    ),
    ("delete", "/api/v1/audits/{audit_id}/evidence/{source}"): (
        policy.READ_CHILD_RECORDS,
        "audit",
        "write",
        PRECONDITION_REQUIRED,
    ),
    ("delete", "/api/v1/audits/{audit_id}/findings/{finding_id}"): (
        policy.READ_CHILD_RECORDS,
        "audit",
        "write",
        PRECONDITION_REQUIRED,
    ),
    ("delete", "/api/v1/audits/{audit_id}/actions/{action_id}"): (
        policy.READ_CHILD_RECORDS,
        "audit",
        "write",
        PRECONDITION_REQUIRED,
    ),
    ("post", "/api/v1/audits/{audit_id}/moderation"): (
        policy.MODERATE,
        "audit",
        policy.MODERATE,
        PRECONDITION_REQUIRED,
    ),
    ("get", "/api/v1/cycles"): (policy.PLAN_CYCLES, None, None, OK),
    ("get", "/api/v1/cycles/{cycle_id}"): (policy.PLAN_CYCLES, "cycle", None, OK),
    ("get", "/api/v1/cycles/{cycle_id}/sample"): (policy.PLAN_CYCLES, "cycle", None, OK),
    # A custom cycle without its dates: refused, so nothing is planned.
    ("post", "/api/v1/cycles"): (policy.PLAN_CYCLES, None, None, INVALID),
    # The cycle is already confirmed: refused, nothing changes.
    ("post", "/api/v1/cycles/{cycle_id}/confirm"): (policy.PLAN_CYCLES, "cycle", None, INVALID),
    ("delete", "/api/v1/cycles/{cycle_id}"): (policy.PLAN_CYCLES, "cycle", None, INVALID),
    # No such audit in the sample: not found, nothing changes.
    ("post", "/api/v1/cycles/{cycle_id}/swap"): (policy.PLAN_CYCLES, "cycle", None, NOT_FOUND),
    # Every audit already has its auditor: nothing to allocate.
    ("post", "/api/v1/cycles/{cycle_id}/allocate"): (policy.PLAN_CYCLES, "cycle", None, OK),
    # A file sent: its check starts (a job, writing nothing to the register).
    ("post", "/api/v1/imports/register"): (policy.IMPORT_REGISTER, None, None, ACCEPTED),
    # A file that is no table of a return: its job starts and fails, writing nothing.
    ("post", "/api/v1/imports/returns"): (policy.IMPORT_REGISTER, None, None, ACCEPTED),
    # No such check (the id is the own case's): not found, nothing is imported.
    ("post", "/api/v1/imports/register/{check_id}/import"): (policy.IMPORT_REGISTER, None, None, NOT_FOUND),
    # Nobody started a job of that id: not found, for everyone signed in.
    ("get", "/api/v1/jobs/{job_id}"): (None, None, None, NOT_FOUND),
    ("patch", "/api/v1/actions/{action_id}"): (
        policy.UPDATE_ACTION,
        "action",
        policy.UPDATE_ACTION,
        PRECONDITION_REQUIRED,
    ),
}


# What the operations that take a body are sent: well formed, so that the policy answers first.
BODIES = {
    "/api/v1/cycles": '{"season": "custom", "year": 2026}',
    "/api/v1/audits/{audit_id}/moderation": '{"decision": "agree"}',
    "/api/v1/cycles/{cycle_id}/swap": '{"remove_audit_id": 999999, "add_child_id": "X", "reason": "x"}',
    "/api/v1/audits/{audit_id}/sections/{section}": '{"grade": "good"}',
    "/api/v1/audits/{audit_id}/evidence/{source}": '{"used_on": "2026-11-02"}',
    "/api/v1/audits/{audit_id}/overall": '{"grade": "good"}',
    "/api/v1/audits/{audit_id}/findings": '{"kind": "strength", "theme": "x", "text": "x"}',
    "/api/v1/audits/{audit_id}/actions": '{"description": "x", "owner": "worker", "due_on": "2027-01-15"}',
}


def _may_read_draft(person, audit) -> bool:
    return policy.can(person, policy.COMPLETE_AUDIT, audit) or policy.can(person, policy.READ_AUDIT_DRAFTS)


# Object rules beyond one capability: reading the auditor's draft, and writing it (which needs both).
RULES = {
    "draft": _may_read_draft,
    "write": lambda person, audit: (
        _may_read_draft(person, audit) and policy.can(person, policy.COMPLETE_AUDIT, audit)
    ),
}


def _meets(rule: policy.Capability | str, person, thing) -> bool:
    return RULES[rule](person, thing) if isinstance(rule, str) else policy.can(person, rule, thing)


def test_every_operation_of_the_document_is_in_the_matrix():
    document = api.get_openapi_schema()
    operations = {(method, path) for path, item in document["paths"].items() for method in item}
    assert operations == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), sorted(OPERATIONS))
def test_each_persona_gets_what_the_policy_says(personas, method, path, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    capability, target, rule, success = OPERATIONS[(method, path)]
    action = make_action(personas.own_case, personas.worker)
    cycle = make_cycle([personas.own_case, personas.other_case])
    allocate_to(cycle, personas.auditor)
    audit = cycle.audits.get(case=personas.own_case)
    targets = {
        "case": (personas.own_case, cases_visible_to),
        "action": (action, actions_visible_to),
        "audit": (audit, audits_visible_to),
        "cycle": (cycle, lambda person: Cycle.objects.all()),
    }
    url = path.replace("{check_id}", "999999").replace("{job_id}", "999999").replace("{finding_id}", "999999")
    url = url.replace("{section}", "plan").replace("{source}", "record-review")
    for name, (thing, _) in targets.items():
        url = url.replace(f"{{{name}_id}}", str(thing.pk))
    body = BODIES.get(path, "{}")
    send = {"data": body, "content_type": "application/json"} if method in ("patch", "post", "put") else {}
    assert getattr(Client(), method)(url, **send).status_code == UNAUTHORISED
    for name, person in personas.by_role().items():
        secret = create_token(person, name="matrix", acting_user=person).secret
        if path.startswith("/api/v1/imports/re") and method == "post" and "{" not in path:  # a form
            upload = SimpleUploadedFile("r.csv", b"child_id,cohort\nX1,looked-after\n")
            send = {"data": {"file" if path.endswith("register") else "files": upload}}
        response = getattr(Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), method)(url, **send)
        expected = success
        if capability is not None and not policy.can(person, capability):
            expected = FORBIDDEN
        elif target is not None:
            thing, visible_to = targets[target]
            if not visible_to(person).filter(pk=thing.pk).exists():
                expected = NOT_FOUND
            elif rule is not None and not _meets(rule, person, thing):
                expected = FORBIDDEN
        assert response.status_code == expected, (name, response.content[:300])
        if expected >= 400:
            assert response["Content-Type"] == "application/problem+json"
