"""The API fuzzed in process: for an auditor, a team manager and the QA lead, each with a token of their
own, schemathesis sends every operation of the OpenAPI document examples it makes up (seeded, a bounded
number each). No answer is a server error, every answer matches the document, and no answer to one
person holds a case outside what they may see."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from caseaudit.api.actions import create_token
from caseaudit.api.v1 import api
from caseaudit.cases.scoping import cases_visible_to

from ..factories import make_case

pytestmark = pytest.mark.django_db
EXAMPLES = 25


@pytest.fixture
def schema(settings):
    settings.CASEAUDIT_API_RATE = 100_000  # the fuzzer is one token asking fast, on purpose
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = WSGIHandler()
    # As Django's test client does: a request's end must not close the test's database connection (on
    # PostgreSQL it would, and the next request would find it closed).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield loaded
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["auditor", "team_manager", "qa_lead"])
def test_no_operation_fails_or_answers_outside_the_persons_scope(schema, personas, role):
    for number in range(5):
        make_case(f"X{number:06d}", "looked-after", team=personas.own_case.team)
    person = getattr(personas, role)
    headers = {"Authorization": f"Bearer {create_token(person, name='fuzz', acting_user=person).secret}"}
    visible = set(cases_visible_to(person).values_list("pk", flat=True))
    for result in schema.get_all_operations():
        _fuzz(result.ok(), headers, visible)


def _fuzz(operation, headers: dict[str, str], visible: set[int]) -> None:
    # Some refusals of well-formed input are rules no schema can state, each a 422 saying what is wrong,
    # which the fuzzer would otherwise take for a wrong refusal: which checks there are is the authority's
    # own rules' say; a cycle's plan must fit the register (a custom cycle's dates, a sample no larger than
    # the open cases); an upload must be a register file (and the fuzzer's multipart bodies name no file).
    refused_by_rules = {
        ("GET", "/api/v1/compliance/summary"),
        ("GET", "/api/v1/compliance/cases"),
        ("POST", "/api/v1/cycles"),
        ("POST", "/api/v1/imports/register"),
        ("POST", "/api/v1/imports/returns"),
    }
    excluded = (
        [positive_data_acceptance] if (operation.method.upper(), operation.path) in refused_by_rules else []
    )

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case) -> None:
        response = case.call_and_validate(headers=headers, excluded_checks=excluded)
        if response.status_code != 200:
            return
        body = response.json()
        if operation.path == "/api/v1/cases":
            assert {item["id"] for item in body["items"]} <= visible
        elif operation.path == "/api/v1/cases/{case_id}":
            assert body["id"] in visible
        elif operation.path == "/api/v1/compliance/cases":
            assert {item["case_id"] for item in body["items"]} <= visible

    check()
