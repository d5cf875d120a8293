"""Who may open what: every URL, every persona, own versus other team's case.

When you add a URL, add it to MATRIX; the walker at the bottom fails for a URL that answers an anonymous
visitor unless it is on ANONYMOUS_ALLOWED."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from caseaudit.audits.models import Audit
from caseaudit.cycles.models import Cycle

from .conftest import Personas
from .cycles.builders import allocate_to, make_cycle

OK, FOUND, BAD, FORBIDDEN, NOT_FOUND = 200, 302, 400, 403, 404
PERSONAS = (
    "anonymous",
    "qa_lead",
    "moderator",
    "auditor",
    "team_manager",
    "worker",
    "senior_leader",
    "outsider",
)

# (label, method, url name, target) -> status per persona, in PERSONAS order. `target` names what goes in
# the URL (see TARGETS): "own" is the team manager's and worker's team's case, "other" the outsider's; "cycle"
# a confirmed cycle holding the own case, allocated to the auditor; "draft" a draft cycle of both cases.
# POSTs send no data, or go to a cycle in the wrong state: the action refuses and changes nothing, so that
# one row never changes what the next row sees.
PLANNERS = (FOUND, OK, OK, *(FORBIDDEN,) * 5)
MATRIX: list[tuple[str, str, str, str | None, tuple[int, ...]]] = [
    # Child-level users go straight to the register (auditors to their audits); a senior leader gets the
    # home page.
    ("home", "get", "home", None, (FOUND, FOUND, FOUND, FOUND, FOUND, FOUND, OK, FOUND)),
    ("register", "get", "cases:list", None, (FOUND, OK, OK, OK, OK, OK, FORBIDDEN, OK)),
    # Auditors see the cases of their audit allocations: the own case is allocated to the auditor.
    ("own case", "get", "cases:detail", "own", (FOUND, OK, OK, OK, OK, OK, FORBIDDEN, NOT_FOUND)),
    (
        "other case",
        "get",
        "cases:detail",
        "other",
        (FOUND, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN, OK),
    ),
    ("import", "get", "cases:import", None, (FOUND, OK, *(FORBIDDEN,) * 6)),
    # A confirmation without an upload waiting is refused even for the QA lead.
    ("import confirm", "post", "cases:import-confirm", None, (FOUND, BAD, *(FORBIDDEN,) * 6)),
    # Audit cycles: the QA lead and moderators plan them and follow their progress.
    ("cycles", "get", "cycles:list", None, PLANNERS),
    ("plan a cycle", "get", "cycles:plan", None, PLANNERS),
    ("plan a cycle, nothing filled in", "post", "cycles:plan", None, PLANNERS),
    ("draft cycle", "get", "cycles:detail", "draft", PLANNERS),
    ("confirmed cycle", "get", "cycles:detail", "cycle", PLANNERS),
    ("swap form", "get", "cycles:swap", "draft", PLANNERS),
    ("swap, nothing filled in", "post", "cycles:swap", "draft", PLANNERS),
    ("confirm a confirmed cycle", "post", "cycles:confirm", "cycle", PLANNERS),
    ("discard, asked first", "get", "cycles:discard", "draft", PLANNERS),
    ("discard a confirmed cycle", "post", "cycles:discard", "cycle", PLANNERS),
    ("allocate a draft", "post", "cycles:allocate", "draft", PLANNERS),
    ("close a draft", "post", "cycles:close", "draft", PLANNERS),
    # Moving an audit to another auditor is the QA lead's alone.
    ("reallocate form", "get", "cycles:reallocate", "audit", (FOUND, OK, *(FORBIDDEN,) * 6)),
    ("reallocate, nothing filled in", "post", "cycles:reallocate", "audit", (FOUND, OK, *(FORBIDDEN,) * 6)),
    ("progress export, CSV", "get", "cycles:export", "csv", PLANNERS),
    ("progress export, XLSX", "get", "cycles:export", "xlsx", PLANNERS),
    ("my audits", "get", "audits:mine", None, (FOUND, FORBIDDEN, FORBIDDEN, OK, *(FORBIDDEN,) * 4)),
]

TARGETS: dict[str, Callable[[Personas, Cycles], list[object]]] = {
    "own": lambda p, c: [p.own_case.pk],
    "other": lambda p, c: [p.other_case.pk],
    "cycle": lambda p, c: [c.confirmed.pk],
    "draft": lambda p, c: [c.draft.pk],
    "audit": lambda p, c: [c.confirmed.pk, c.audit.pk],
    "csv": lambda p, c: [c.confirmed.pk, "csv"],
    "xlsx": lambda p, c: [c.confirmed.pk, "xlsx"],
}


@dataclass
class Cycles:
    confirmed: Cycle
    draft: Cycle
    audit: Audit  # the own case's audit in the confirmed cycle, allocated to the auditor


@pytest.fixture
def cycles(personas) -> Cycles:
    confirmed = make_cycle([personas.own_case])
    allocate_to(confirmed, personas.auditor)
    draft = make_cycle(
        [personas.own_case, personas.other_case], name="Spring 2027", season="spring", year=2027, draft=True
    )
    return Cycles(confirmed, draft, confirmed.audits.get())


@pytest.mark.parametrize("persona", PERSONAS)
def test_role_matrix(client, personas, cycles, persona):
    """One test per persona, checking every row, so that one run lists every wrong answer."""
    if persona != "anonymous":
        client.force_login(getattr(personas, persona))
    wrong = []
    for label, method, name, target, statuses in MATRIX:
        expected = statuses[PERSONAS.index(persona)]
        url = reverse(name, args=TARGETS[target](personas, cycles) if target else [])
        response = getattr(client, method)(url)
        if response.status_code != expected:
            wrong.append(f"{method.upper()} {url} ({label}): {response.status_code}, expected {expected}")
        elif persona == "anonymous" and not response["Location"].startswith(reverse(settings.LOGIN_URL)):
            wrong.append(f"{method.upper()} {url} ({label}): redirected to {response['Location']}")
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)


def test_auditor_register_is_empty(client, personas):
    client.force_login(personas.auditor)
    response = client.get(reverse("cases:list"))
    assert personas.own_case.child_id not in response.text
    assert personas.other_case.child_id not in response.text


def test_auditor_register_holds_only_their_allocated_cases(client, personas, cycles):
    client.force_login(personas.auditor)
    response = client.get(reverse("cases:list"))
    assert personas.own_case.child_id in response.text
    # The other case is only in a draft sample, which allocates nothing.
    assert personas.other_case.child_id not in response.text


def test_every_url_is_in_the_matrix():
    named = {name for _, _, name, _, _ in MATRIX} | {"login", "logout"}
    assert set(_url_names(get_resolver().url_patterns)) <= named


# Anonymous reachability -----------------------------------------------------------------------------------

# Pages an anonymous visitor may load. Static files are served outside the URL patterns.
ANONYMOUS_ALLOWED = {"/sign-in/"}

_SAMPLES = {"int": "1", "str": "x", "slug": "x", "path": "x/y", "uuid": str(uuid.UUID(int=1))}


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        route = str(pattern.pattern)
        if route.startswith("^"):
            raise AssertionError(f"{prefix}{route}: teach this test to fill in regex patterns")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield "/" + re.sub(
                r"<(?:(\w+):)?\w+>", lambda m: _SAMPLES[m.group(1) or "str"], prefix + route
            ).lstrip("/")


def _url_names(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def test_no_url_answers_an_anonymous_visitor_unless_allowed(client, db):
    routes = sorted(set(_routes(get_resolver().url_patterns)))
    assert set(routes) >= ANONYMOUS_ALLOWED, "ANONYMOUS_ALLOWED names a URL that no longer exists"
    answered = [route for route in routes if 200 <= client.get(route).status_code < 300]
    assert sorted(answered) == sorted(ANONYMOUS_ALLOWED)
