"""Who may call what in the API: every operation of the OpenAPI document, every persona, with a token of
their own. The expected answer comes from the policy, as the pages' matrix (tests/test_role_matrix.py):
no token at all is 401; a role that may never is 403; a case outside the person's scope is 404."""

from __future__ import annotations

import pytest
from django.test import Client

from caseaudit import policy
from caseaudit.api.actions import create_token
from caseaudit.api.v1 import api

pytestmark = pytest.mark.django_db
OK, UNAUTHORISED, FORBIDDEN, NOT_FOUND = 200, 401, 403, 404

# (method, path as the document has it): the capability it needs, and the case whose id fills {case_id}.
OPERATIONS: dict[tuple[str, str], tuple[policy.Capability | None, str | None]] = {
    ("get", "/api/v1/me"): (None, None),
    ("get", "/api/v1/cases"): (policy.READ_CHILD_RECORDS, None),
    ("get", "/api/v1/cases/{case_id}"): (policy.READ_CHILD_RECORDS, "own"),
    ("get", "/api/v1/reports/grades"): (policy.READ_GRADE_TABLE, None),
    ("get", "/api/v1/compliance/summary"): (policy.READ_COMPLIANCE, None),
}


def test_every_operation_of_the_document_is_in_the_matrix():
    document = api.get_openapi_schema()
    operations = {(method, path) for path, item in document["paths"].items() for method in item}
    assert operations == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), sorted(OPERATIONS))
def test_each_persona_gets_what_the_policy_says(personas, method, path):
    capability, target = OPERATIONS[(method, path)]
    case = personas.own_case
    url = path.replace("{case_id}", str(case.pk))
    assert getattr(Client(), method)(url).status_code == UNAUTHORISED
    for name, person in personas.by_role().items():
        secret = create_token(person, name="matrix", acting_user=person).secret
        response = getattr(Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), method)(url)
        if capability is not None and not policy.can(person, capability):
            expected = FORBIDDEN
        elif (
            target is not None
            and not case.__class__.objects.filter(pk=case.pk).filter(pk__in=_visible(person)).exists()
        ):
            expected = NOT_FOUND
        else:
            expected = OK
        assert response.status_code == expected, (name, response.content[:300])
        if expected != OK:
            assert response["Content-Type"] == "application/problem+json"


def _visible(person):
    from caseaudit.cases.scoping import cases_visible_to

    return cases_visible_to(person).values("pk")
