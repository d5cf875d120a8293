"""Who may open what: every URL, every persona, own versus other team's case.

When you add a URL, add it to MATRIX; the walker at the bottom fails for a URL that answers an anonymous
visitor unless it is on ANONYMOUS_ALLOWED."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from caseaudit.audits.feedback import hash_token
from caseaudit.audits.models import Audit, FeedbackLink, Respondent
from caseaudit.cycles.models import Cycle
from caseaudit.improvement.models import Action, FollowUp, FollowUpItem, SafeguardingConcern

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
# The reports page: aggregates, so senior leaders too.
REPORTS = (FOUND, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN)
# The own case's audit is visible to its team manager and worker (refused), not to the outsider (not found).
FEEDBACK = (FOUND, OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND)
# The pages that change an audit: its auditor's alone; others who may see the audit 403, the outsider 404.
AUDITOR_ONLY = (FOUND, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND)
# The own case's action, owned by the worker: readable by the QA team, its team manager and the worker;
# changed by its owner, the team manager and the QA lead; decided on by the QA lead alone.
TRACKED = (FOUND, OK, OK, FORBIDDEN, OK, OK, FORBIDDEN, NOT_FOUND)
ACTION_UPDATE = (FOUND, OK, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, NOT_FOUND)
QA_DECISION = (FOUND, OK, *(FORBIDDEN,) * 5, NOT_FOUND)
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
    # Moderation is the QA lead's and moderators' (the planners). The audit here is not submitted: the page
    # shows it with nothing to moderate, and a POST without a decision is refused as a bad request.
    ("moderation queue", "get", "audits:moderation-queue", None, PLANNERS),
    ("moderation statistics", "get", "audits:moderation-statistics", None, PLANNERS),
    ("moderate an audit", "get", "audits:moderate", "audit-only", PLANNERS),
    ("moderate, no decision", "post", "audits:moderate", "audit-only", (FOUND, BAD, BAD, *(FORBIDDEN,) * 5)),
    # Feedback from children and carers: the QA lead and the audit's own auditor gather it.
    ("feedback", "get", "audits:feedback", "audit-only", FEEDBACK),
    ("feedback link, nothing chosen", "post", "audits:feedback-link", "audit-only", FEEDBACK),
    ("paper feedback form", "get", "audits:feedback-paper", "audit-only", FEEDBACK),
    ("paper feedback, nothing filled in", "post", "audits:feedback-paper", "audit-only", FEEDBACK),
    # Safeguarding concerns: listed to the QA team and team managers (their team's); raised by the QA team
    # or the audit's auditor; answered by the case's team manager or the QA lead. The concern is the own
    # case's, raised by the auditor, who may read it.
    ("concerns", "get", "improvement:list", None, (FOUND, OK, OK, FORBIDDEN, OK, *(FORBIDDEN,) * 3)),
    ("raise a concern", "get", "improvement:raise", "audit-only", (FOUND, OK, OK, OK, *(FORBIDDEN,) * 4)),
    (
        "raise a concern, nothing filled in",
        "post",
        "improvement:raise",
        "audit-only",
        (FOUND, OK, OK, OK, *(FORBIDDEN,) * 4),
    ),
    ("concern", "get", "improvement:detail", "concern", (FOUND, OK, OK, OK, OK, *(FORBIDDEN,) * 3)),
    (
        "respond to a concern, nothing filled in",
        "post",
        "improvement:detail",
        "concern",
        (FOUND, OK, FORBIDDEN, FORBIDDEN, OK, *(FORBIDDEN,) * 3),
    ),
    # The improvement tracker: the QA team reads every action, a team manager their team's, a worker their
    # own; a senior leader gets the counts only; auditors work on follow-ups, not the tracker. The action
    # is the own case's, owned by the worker. Only the QA lead verifies, reopens, cancels, reassigns,
    # recommends and arranges follow-ups; the follow-up is the own case's, allocated to the auditor.
    ("actions", "get", "actions:meeting", None, (FOUND, OK, OK, FORBIDDEN, OK, OK, OK, OK)),
    ("actions agenda", "get", "actions:agenda", None, (FOUND, OK, OK, FORBIDDEN, OK, OK, FORBIDDEN, OK)),
    ("actions export", "get", "actions:export", None, (FOUND, OK, OK, FORBIDDEN, OK, OK, FORBIDDEN, OK)),
    ("re-audits due", "get", "actions:reaudits", None, PLANNERS),
    ("recommend", "get", "actions:recommend", None, (FOUND, OK, *(FORBIDDEN,) * 6)),
    ("recommend, nothing filled in", "post", "actions:recommend", None, (FOUND, OK, *(FORBIDDEN,) * 6)),
    ("action", "get", "actions:detail", "action", TRACKED),
    ("update an action, nothing filled in", "post", "actions:update", "action", ACTION_UPDATE),
    ("verify, asked first", "get", "actions:verify", "action", QA_DECISION),
    ("verify, no version", "post", "actions:verify", "action", QA_DECISION),
    ("reopen, asked first", "get", "actions:reopen", "action", QA_DECISION),
    ("reopen, no reason", "post", "actions:reopen", "action", QA_DECISION),
    ("cancel, asked first", "get", "actions:cancel", "action", QA_DECISION),
    ("cancel, no reason", "post", "actions:cancel", "action", QA_DECISION),
    ("reassign form", "get", "actions:reassign", "action", QA_DECISION),
    ("reassign, nothing filled in", "post", "actions:reassign", "action", QA_DECISION),
    ("follow-ups", "get", "actions:follow-ups", None, (FOUND, OK, OK, OK, *(FORBIDDEN,) * 4)),
    ("arrange a follow-up", "get", "actions:follow-up-new", "own", (FOUND, OK, *(FORBIDDEN,) * 6)),
    ("arrange, nothing filled in", "post", "actions:follow-up-new", "own", (FOUND, OK, *(FORBIDDEN,) * 6)),
    ("follow-up", "get", "actions:follow-up", "follow-up", (FOUND, OK, OK, OK, *(FORBIDDEN,) * 4)),
    (
        "complete a follow-up, nothing filled in",
        "post",
        "actions:follow-up",
        "follow-up",
        (FOUND, FORBIDDEN, FORBIDDEN, OK, *(FORBIDDEN,) * 4),
    ),
    # Compliance with timescales: everyone sees the counts of their scope (a senior leader the whole
    # register's); the list of cases behind a count is child-level, so not for a senior leader.
    ("compliance", "get", "compliance:summary", None, (FOUND, *(OK,) * 7)),
    ("compliance cases", "get", "compliance:cases", "compliance", (FOUND, *(OK,) * 5, FORBIDDEN, OK)),
    # Reports: the table of grades is an aggregate, for the QA team and senior leaders; the audit data for
    # analysts is child-level (pseudonymised), the QA team's only. A POST without a format is refused with
    # the form again.
    ("reports", "get", "reports:grades", None, REPORTS),
    ("reports chart", "get", "reports:chart", None, REPORTS),
    ("grade table, CSV", "get", "reports:grades-csv", None, REPORTS),
    ("grade table, XLSX", "get", "reports:grades-xlsx", None, REPORTS),
    ("audit data export", "get", "reports:export", None, PLANNERS),
    ("audit data export, nothing chosen", "post", "reports:export", None, PLANNERS),
    # The committee paper of a cycle: aggregates only, so senior leaders too.
    ("committee paper", "get", "paper:page", "cycle", REPORTS),
    ("committee paper, PDF", "get", "paper:download", "pdf", REPORTS),
    ("committee paper, Word", "get", "paper:download", "docx", REPORTS),
    # Completing an audit (the own case's, started by its auditor; keep these rows last): only its auditor
    # edits; the QA team and the case's team manager and worker read it; the outsider cannot see it.
    # POSTs without the audit's version change nothing.
    ("audit", "get", "audits:detail", "started", (FOUND, OK, OK, OK, OK, OK, FORBIDDEN, NOT_FOUND)),
    ("start, no version", "post", "audits:start", "started", (*AUDITOR_ONLY[:3], BAD, *AUDITOR_ONLY[4:])),
    ("audit section", "get", "audits:section", "section", AUDITOR_ONLY),
    ("audit section, no version", "post", "audits:section", "section", AUDITOR_ONLY),
    ("section autosave, no version", "post", "audits:section-autosave", "section", AUDITOR_ONLY),
    ("evidence sources", "get", "audits:evidence", "started", AUDITOR_ONLY),
    ("evidence, nothing filled in", "post", "audits:evidence", "started", AUDITOR_ONLY),
    ("findings and actions", "get", "audits:findings", "started", AUDITOR_ONLY),
    ("findings, nothing filled in", "post", "audits:findings", "started", AUDITOR_ONLY),
    ("overall grade", "get", "audits:overall", "started", AUDITOR_ONLY),
    ("overall grade, no version", "post", "audits:overall", "started", AUDITOR_ONLY),
    ("check and submit", "get", "audits:submit", "started", AUDITOR_ONLY),
    ("submit, no version", "post", "audits:submit", "started", AUDITOR_ONLY),
]

TARGETS: dict[str, Callable[[Personas, Cycles], list[object]]] = {
    "own": lambda p, c: [p.own_case.pk],
    "other": lambda p, c: [p.other_case.pk],
    "cycle": lambda p, c: [c.confirmed.pk],
    "draft": lambda p, c: [c.draft.pk],
    "audit": lambda p, c: [c.confirmed.pk, c.audit.pk],
    "audit-only": lambda p, c: [c.audit.pk],
    "csv": lambda p, c: [c.confirmed.pk, "csv"],
    "xlsx": lambda p, c: [c.confirmed.pk, "xlsx"],
    "pdf": lambda p, c: [c.confirmed.pk, "pdf"],
    "docx": lambda p, c: [c.confirmed.pk, "docx"],
    "concern": lambda p, c: [_concern(c.audit).pk],
    "started": lambda p, c: [_started(c.audit).pk],
    "section": lambda p, c: [_started(c.audit).pk, "recording"],
    "action": lambda p, c: [_action(p, c.audit).pk],
    "follow-up": lambda p, c: [_follow_up(p, c.audit).pk],
    "compliance": lambda p, c: ["supervision", "data-missing"],
}


def _started(audit: Audit) -> Audit:
    """The audit, started by its auditor (once), for the pages that complete it."""
    from caseaudit.audits.actions.completion import start_audit

    audit.refresh_from_db()
    if audit.status == "not-started":
        start_audit(audit, acting_user=audit.auditor)
    return audit


def _action(p: Personas, audit: Audit) -> Action:
    """The own case's action from its audit, owned by the worker (made directly)."""
    details = {"team": audit.case.team, "description": "Review the plan.", "owner": p.worker}
    action, _ = Action.objects.get_or_create(
        audit=audit, case=audit.case, defaults={**details, "due_on": timezone.localdate()}
    )
    return action


def _follow_up(p: Personas, audit: Audit) -> FollowUp:
    """A follow-up of the own case's action, allocated to the auditor."""
    follow_up, made = FollowUp.objects.get_or_create(
        case=audit.case, auditor=p.auditor, defaults={"due_on": timezone.localdate()}
    )
    if made:
        FollowUpItem.objects.create(follow_up=follow_up, action=_action(p, audit))
    return follow_up


def _concern(audit: Audit) -> SafeguardingConcern:
    """An open concern on the own case's audit, raised by its auditor (made directly: no emails)."""
    return SafeguardingConcern.objects.get_or_create(
        audit=audit, case=audit.case, defaults={"description": "Risk found.", "raised_by": audit.auditor}
    )[0]


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
    # The feedback form is for people without an account: see ANONYMOUS_ALLOWED and test_feedback_views.
    named = {name for _, _, name, _, _ in MATRIX} | {"login", "logout", "feedback:form"}
    assert set(_url_names(get_resolver().url_patterns)) <= named


# Anonymous reachability -----------------------------------------------------------------------------------

# Pages an anonymous visitor may load. Static files are served outside the URL patterns.
# The feedback form answers a child, young person or carer who has no account, but only through a live
# single-use link: the walker below makes one for the sample token "x"; any other token gets a 404.
ANONYMOUS_ALLOWED = {"/sign-in/", "/feedback/x/"}

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


def test_no_url_answers_an_anonymous_visitor_unless_allowed(client, cycles):
    FeedbackLink.objects.create(
        audit=cycles.audit,
        respondent=Respondent.YOUNG_PERSON,
        token_hash=hash_token(_SAMPLES["str"]),
        expires_at=timezone.now() + timedelta(days=1),
    )
    routes = sorted(set(_routes(get_resolver().url_patterns)))
    assert set(routes) >= ANONYMOUS_ALLOWED, "ANONYMOUS_ALLOWED names a URL that no longer exists"
    answered = [route for route in routes if 200 <= client.get(route).status_code < 300]
    assert sorted(answered) == sorted(ANONYMOUS_ALLOWED)
