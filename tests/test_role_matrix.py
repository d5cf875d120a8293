"""Who may open what: every URL, every persona, own versus other team's case.

Every view declares its capability (`caseaudit.policy`); the expected answers are derived from the policy,
so when you add a URL, add a row to MATRIX saying what it is about and what success looks like. A view
without a capability fails `test_every_view_declares_its_capability`; a URL missing from MATRIX fails
`test_every_url_is_in_the_matrix`; the walker at the bottom fails for a URL that answers an anonymous
visitor unless it is on ANONYMOUS_ALLOWED."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import QuerySet
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.models import Role, User
from caseaudit.audits.feedback import hash_token
from caseaudit.audits.history_import.result import AuditHistoryResult
from caseaudit.audits.history_import.result_json import to_json as history_json
from caseaudit.audits.models import Audit, AuditStatus, FeedbackLink, PracticeFeedback, Respondent, Theme
from caseaudit.audits.scoping import audits_visible_to
from caseaudit.cases.importing.result import ImportResult
from caseaudit.cases.importing.result_json import to_json
from caseaudit.cases.models import Case
from caseaudit.cases.scoping import cases_visible_to
from caseaudit.cycles.models import Cycle
from caseaudit.improvement.models import Action, FollowUp, FollowUpItem, FollowUpStatus, SafeguardingConcern
from caseaudit.improvement.scoping import actions_visible_to, concerns_visible_to, follow_ups_visible_to
from caseaudit.jobs.models import Job
from caseaudit.jobs.scoping import jobs_visible_to
from caseaudit.notifications.models import Email, Notification
from caseaudit.reports.models import PaperVersion
from caseaudit.reports.paper_store import store_file

from .conftest import Personas
from .cycles.builders import allocate_to, make_cycle
from .factories import make_case, make_user

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
    "administrator",
    # Beyond one person per role (see `_extra_personas`):
    "other_manager",  # the manager of the other team
    "other_auditor",  # an auditor not allocated to the own case
    "follow_up_auditor",  # the auditor of open and completed follow-up audits of two cases of their own
)


# (label, method, url name, target, capability, success) per row. The expected answer for each persona
# comes from the policy, in the order a view asks:
# 1. anonymous: to the sign-in page;
# 2. the view's own capability (`@capability_required`) at role level: 403 for a role that may never;
# 3. the target read through its scoped query: 404 for what this person may not see;
# 4. `capability`, if given, for the target object (the object rule): 403 if refused;
# 5. otherwise `success` (a status, or a function of the person for pages that differ by person).
# `target` names what goes in the URL (see TARGETS): "own" is the team manager's and worker's team's
# case, "other" the outsider's; "cycle" a confirmed cycle holding the own case, allocated to the
# auditor; "draft" a draft cycle of both cases. POSTs send no data, or go to a cycle in the wrong state:
# the action refuses and changes nothing, so that one row never changes what the next row sees.
MATRIX: list[tuple[str, str, str, str | None, policy.Capability | None, int | Callable[..., int]]] = [
    # Your work: every signed-in person may open it, whatever their role.
    ("home", "get", "home", None, None, OK),
    # The steps after the password are for a person who owes their second factor; the matrix signs people
    # in with a password alone (CASEAUDIT_REQUIRE_MFA is off in tests), so every step sends them on to
    # home. tests/signin/ walks every URL as a person who owes one.
    ("enter a code", "get", "signin:code", None, None, FOUND),
    ("set up an authenticator", "get", "signin:set-up", None, None, FOUND),
    ("recovery codes, none waiting", "get", "signin:recovery-codes", None, None, FOUND),
    ("your account", "get", "signin:account", None, None, OK),
    # API tokens: anyone may make their own; a token id not theirs is not found (here, none has that id).
    ("your API tokens", "get", "api-tokens", None, None, OK),
    ("revoke an API token", "post", "api-token-revoke", "own", None, NOT_FOUND),
    ("register", "get", "cases:list", None, None, OK),
    ("own case", "get", "cases:detail", "own", None, OK),
    ("other case", "get", "cases:detail", "other", None, OK),
    # The follow-up auditor reads a case while its follow-up is open, and no longer once it is completed.
    ("case with an open follow-up", "get", "cases:detail", "follow-up-open", None, OK),
    ("case with a completed follow-up", "get", "cases:detail", "follow-up-done", None, OK),
    ("import", "get", "cases:import", None, None, OK),
    # The register's implausible data, with Child Unique IDs: for those who import the register.
    ("data quality", "get", "cases:data-quality", None, None, OK),
    # A confirmation without an upload waiting is refused even for the QA lead.
    ("import confirm", "post", "cases:import-confirm", None, None, BAD),
    # The SSDA903 return's upload; a confirmation with no upload waiting goes back to the upload page.
    ("import a return", "get", "cases:import-return", None, None, OK),
    ("import a return, nothing waiting", "post", "cases:import-return-confirm", None, None, FOUND),
    # The check's and the import's jobs are the QA lead's (both done): the page shows what they found.
    ("import check", "get", "cases:import-check", "check-job", None, OK),
    ("import result", "get", "cases:import-run", "import-job", None, OK),
    # The audit-history import: the same steps, the QA lead's alone.
    ("import past audits", "get", "audits:history-import", None, None, OK),
    ("import past audits, no file", "post", "audits:history-import", None, None, OK),
    ("import past audits, confirm", "post", "audits:history-import-confirm", None, None, BAD),
    ("past audits check", "get", "audits:history-import-check", "history-check-job", None, OK),
    ("past audits result", "get", "audits:history-import-run", "history-import-job", None, OK),
    ("cycles", "get", "cycles:list", None, None, OK),
    ("plan a cycle", "get", "cycles:plan", None, None, OK),
    ("plan a cycle, nothing filled in", "post", "cycles:plan", None, None, OK),
    ("draft cycle", "get", "cycles:detail", "draft", None, OK),
    ("confirmed cycle", "get", "cycles:detail", "cycle", None, OK),
    ("swap form", "get", "cycles:swap", "draft", None, OK),
    ("swap, nothing filled in", "post", "cycles:swap", "draft", None, OK),
    ("confirm a confirmed cycle", "post", "cycles:confirm", "cycle", None, OK),
    ("discard, asked first", "get", "cycles:discard", "draft", None, OK),
    ("discard a confirmed cycle", "post", "cycles:discard", "cycle", None, OK),
    ("allocate a draft", "post", "cycles:allocate", "draft", None, OK),
    ("close, asked first", "get", "cycles:close", "cycle", None, OK),
    ("close a draft", "post", "cycles:close", "draft", None, OK),
    ("reopen, asked first", "get", "cycles:reopen", "cycle", None, OK),
    # The cycle is open: the action refuses and the page shows why.
    ("reopen an open cycle", "post", "cycles:reopen", "cycle", None, OK),
    ("reallocate form", "get", "cycles:reallocate", "audit", None, OK),
    ("reallocate, nothing filled in", "post", "cycles:reallocate", "audit", None, OK),
    ("withdraw, asked first", "get", "cycles:withdraw", "audit", None, OK),
    # The case is open: the action refuses and the page shows why.
    ("withdraw, nothing filled in", "post", "cycles:withdraw", "audit", None, OK),
    ("progress export, CSV", "get", "cycles:export", "csv", None, OK),
    ("progress export, XLSX", "get", "cycles:export", "xlsx", None, OK),
    # Sent from the page that prepares a large cycle's file as a job; a small cycle's comes at once.
    ("progress export, asked for by its button", "post", "cycles:export", "csv", None, OK),
    ("my audits", "get", "audits:mine", None, None, OK),
    ("themes for findings", "get", "audits:themes", None, None, OK),
    ("add a theme, nothing filled in", "post", "audits:themes", None, None, OK),
    ("retire a theme", "post", "audits:retire-theme", "theme", None, FOUND),
    # The audit here is not submitted: the page shows it with nothing to moderate, and a POST without a
    # decision is refused as a bad request.
    ("moderation queue", "get", "audits:moderation-queue", None, None, OK),
    ("moderation statistics", "get", "audits:moderation-statistics", None, None, OK),
    ("moderate an audit", "get", "audits:moderate", "audit-only", policy.MODERATE, OK),
    ("moderate, no decision", "post", "audits:moderate", "audit-only", policy.MODERATE, BAD),
    ("feedback", "get", "audits:feedback", "audit-only", policy.GATHER_FEEDBACK, OK),
    (
        "feedback link, nothing chosen",
        "post",
        "audits:feedback-link",
        "audit-only",
        policy.GATHER_FEEDBACK,
        OK,
    ),
    ("paper feedback form", "get", "audits:feedback-paper", "audit-only", policy.GATHER_FEEDBACK, OK),
    (
        "paper feedback, nothing filled in",
        "post",
        "audits:feedback-paper",
        "audit-only",
        policy.GATHER_FEEDBACK,
        OK,
    ),
    # The concern is the own case's, raised by the auditor, who may read it.
    ("concerns", "get", "improvement:list", None, None, OK),
    ("raise a concern", "get", "improvement:raise", "audit-only", policy.RAISE_CONCERN, OK),
    (
        "raise a concern, nothing filled in",
        "post",
        "improvement:raise",
        "audit-only",
        policy.RAISE_CONCERN,
        OK,
    ),
    ("concern", "get", "improvement:detail", "concern", None, OK),
    (
        "respond to a concern, nothing filled in",
        "post",
        "improvement:detail",
        "concern",
        policy.RESPOND_TO_CONCERN,
        OK,
    ),
    # The action is the own case's, owned by the worker; the follow-up is the own case's, allocated to the
    # auditor.
    ("actions", "get", "actions:meeting", None, None, OK),
    ("actions agenda", "get", "actions:agenda", None, None, OK),
    ("actions export", "get", "actions:export", None, None, OK),
    ("re-audits due", "get", "actions:reaudits", None, None, OK),
    ("recommend", "get", "actions:recommend", None, None, OK),
    ("recommend, nothing filled in", "post", "actions:recommend", None, None, OK),
    ("action", "get", "actions:detail", "action", None, OK),
    # An action added to an audit still being written is the auditor's draft: nobody's tracker has it yet.
    ("draft action", "get", "actions:detail", "draft-action", None, OK),
    ("update a draft action", "post", "actions:update", "draft-action", policy.UPDATE_ACTION, OK),
    ("update an action, nothing filled in", "post", "actions:update", "action", policy.UPDATE_ACTION, OK),
    ("verify, asked first", "get", "actions:verify", "action", policy.DECIDE_ACTIONS, OK),
    ("verify, no version", "post", "actions:verify", "action", policy.DECIDE_ACTIONS, OK),
    ("reopen, asked first", "get", "actions:reopen", "action", policy.DECIDE_ACTIONS, OK),
    ("reopen, no reason", "post", "actions:reopen", "action", policy.DECIDE_ACTIONS, OK),
    ("cancel, asked first", "get", "actions:cancel", "action", policy.DECIDE_ACTIONS, OK),
    ("cancel, no reason", "post", "actions:cancel", "action", policy.DECIDE_ACTIONS, OK),
    ("reassign form", "get", "actions:reassign", "action", policy.DECIDE_ACTIONS, OK),
    ("reassign, nothing filled in", "post", "actions:reassign", "action", policy.DECIDE_ACTIONS, OK),
    ("follow-ups", "get", "actions:follow-ups", None, None, OK),
    ("arrange a follow-up", "get", "actions:follow-up-new", "own", None, OK),
    ("arrange, nothing filled in", "post", "actions:follow-up-new", "own", None, OK),
    ("follow-up", "get", "actions:follow-up", "follow-up", None, OK),
    (
        "complete a follow-up, nothing filled in",
        "post",
        "actions:follow-up",
        "follow-up",
        policy.COMPLETE_FOLLOW_UP,
        OK,
    ),
    # Compliance: counts for everyone's scope; the cases behind a count are child-level.
    ("compliance", "get", "compliance:summary", None, None, OK),
    ("compliance cases", "get", "compliance:cases", "compliance", None, OK),
    ("compliance cases, CSV", "get", "compliance:cases-csv", "compliance", None, OK),
    # Reports: the table of grades is an aggregate; the audit data for analysts is child-level.
    ("reports", "get", "reports:grades", None, None, OK),
    ("themes over time", "get", "reports:themes", None, None, OK),
    ("reports chart", "get", "reports:chart", None, None, OK),
    ("grade table, CSV", "get", "reports:grades-csv", None, None, OK),
    ("grade table, XLSX", "get", "reports:grades-xlsx", None, None, OK),
    ("audit data export", "get", "reports:export", None, None, OK),
    ("audit data export, nothing chosen", "post", "reports:export", None, None, OK),
    ("committee paper", "get", "paper:page", "paper-cycle", None, OK),
    ("committee paper, PDF", "get", "paper:download", "pdf", None, OK),
    ("committee paper, Word", "get", "paper:download", "docx", None, OK),
    # Stored papers: an issued version is downloaded as the draft is; only the QA lead regenerates the
    # draft (a job: done, its page goes back to the paper) and issues it (asked first).
    ("committee paper, issued version", "get", "paper:version", "paper-version", None, OK),
    ("regenerate the paper, nothing chosen", "post", "paper:regenerate", "paper-cycle", None, BAD),
    ("regenerating the paper", "get", "paper:regenerating", "paper-job", None, FOUND),
    ("issue the paper, asked first", "get", "paper:issue", "paper-draft", None, OK),
    ("issue the paper, nothing filled in", "post", "paper:issue", "paper-draft", None, OK),
    ("the paper's words", "get", "paper:words", "cycle", None, OK),
    ("committee paper, officers' version", "get", "paper:officers", "pdf", None, OK),
    ("the paper's words, nothing filled in", "post", "paper:words", "cycle", None, OK),
    # Notifications are everyone's own: the one here is the QA lead's, so for anyone else it is not found.
    ("notifications", "get", "notifications:list", None, None, OK),
    ("open a notification", "post", "notifications:open", "notification", None, FOUND),
    ("mark all read", "post", "notifications:mark-all-read", None, None, FOUND),
    ("email or the app", "get", "notifications:settings", None, None, OK),
    ("email or the app, nothing chosen", "post", "notifications:settings", None, None, OK),
    ("outbox", "get", "notifications:outbox", None, None, OK),
    ("send an email again", "post", "notifications:send-again", "email", None, FOUND),
    # Staff accounts: the QA lead and the administrator. The account is the worker's; POSTs without its
    # version change nothing.
    ("accounts", "get", "people:list", None, None, OK),
    ("add an account", "get", "people:add", None, None, OK),
    ("add an account, nothing filled in", "post", "people:add", None, None, OK),
    ("account", "get", "people:detail", "account", None, OK),
    ("change an account", "get", "people:change", "account", None, OK),
    ("change an account, no version", "post", "people:change", "account", None, OK),
    ("deactivate, asked first", "get", "people:deactivate", "account", None, OK),
    ("deactivate, no version", "post", "people:deactivate", "account", None, OK),
    ("reactivate, no version", "post", "people:reactivate", "account", None, OK),
    ("send a link, no version", "post", "people:send-link", "account", None, OK),
    ("reset an authenticator, asked first", "get", "people:reset-authenticator", "account", None, OK),
    ("unlock an account", "post", "people:unlock", "account", None, FOUND),
    ("import accounts", "get", "people:import", None, None, OK),
    ("import accounts, no file", "post", "people:import", None, None, OK),
    # A confirmation without a checked upload waiting is refused even for those who manage accounts.
    ("import accounts confirm", "post", "people:import-confirm", None, None, BAD),
    # The logs kept as evidence: the QA lead and the administrator.
    ("access log", "get", "logs:access", None, None, OK),
    ("access log, CSV", "get", "logs:access-export", None, None, OK),
    ("security log", "get", "logs:security", None, None, OK),
    ("security log, CSV", "get", "logs:security-export", None, None, OK),
    # Completing an audit (the own case's, started by its auditor; keep these rows last). POSTs without
    # the audit's version change nothing.
    # The started audit is the auditor's draft; the submitted ones (in a cycle of their own) the team reads.
    ("audit", "get", "audits:detail", "started", None, OK),
    ("submitted audit", "get", "audits:detail", "submitted", None, OK),
    ("other team's submitted audit", "get", "audits:detail", "other-submitted", None, OK),
    ("start, no version", "post", "audits:start", "started", policy.COMPLETE_AUDIT, BAD),
    ("audit section", "get", "audits:section", "section", policy.COMPLETE_AUDIT, OK),
    ("audit section, no version", "post", "audits:section", "section", policy.COMPLETE_AUDIT, OK),
    ("section autosave, no version", "post", "audits:section-autosave", "section", policy.COMPLETE_AUDIT, OK),
    ("evidence sources", "get", "audits:evidence", "started", policy.COMPLETE_AUDIT, OK),
    ("evidence, nothing filled in", "post", "audits:evidence", "started", policy.COMPLETE_AUDIT, OK),
    ("findings and actions", "get", "audits:findings", "started", policy.COMPLETE_AUDIT, OK),
    ("findings, nothing filled in", "post", "audits:findings", "started", policy.COMPLETE_AUDIT, OK),
    ("overall grade", "get", "audits:overall", "started", policy.COMPLETE_AUDIT, OK),
    ("overall grade, no version", "post", "audits:overall", "started", policy.COMPLETE_AUDIT, OK),
    ("check and submit", "get", "audits:submit", "started", policy.COMPLETE_AUDIT, OK),
    ("submit, no version", "post", "audits:submit", "started", policy.COMPLETE_AUDIT, OK),
    # The auditor's feedback to the worker and manager, sent when the audit was moderated: the worker and
    # the manager of the case read it, and the worker alone acknowledges it (the last row that reads it).
    (
        "feedback to the worker",
        "get",
        "audits:practice-feedback",
        "fed-back",
        policy.READ_PRACTICE_FEEDBACK,
        OK,
    ),
    (
        "acknowledge the feedback",
        "post",
        "audits:practice-feedback-acknowledge",
        "fed-back",
        policy.ACKNOWLEDGE_PRACTICE_FEEDBACK,
        FOUND,
    ),
    # Background jobs are their starter's own: the job here is the QA lead's, so anyone else gets 404.
    ("your jobs", "get", "jobs:list", None, None, OK),
    ("job", "get", "jobs:detail", "job", None, OK),
    ("job progress", "get", "jobs:progress", "job", None, OK),
    ("job file", "get", "jobs:download", "job", None, OK),
    # Last of all: it ends every session of the person, this client's too.
    ("sign out everywhere", "post", "signin:sign-out-everywhere", None, None, FOUND),
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
    # A paper is drawn only for a cycle with an audit completed: the submitted audits' cycle.
    "pdf": lambda p, c: [_submitted(p, p.own_case).cycle_id, "pdf"],
    "docx": lambda p, c: [_submitted(p, p.own_case).cycle_id, "docx"],
    "paper-cycle": lambda p, c: [_submitted(p, p.own_case).cycle_id],
    "paper-version": lambda p, c: [_stored_paper(c, issued=True).cycle_id, 1, "pdf"],
    "paper-draft": lambda p, c: [_stored_paper(c, issued=False).cycle_id],
    "paper-job": lambda p, c: [c.confirmed.pk, _paper_job(p, c).pk],
    "concern": lambda p, c: [_concern(c.audit).pk],
    "started": lambda p, c: [_started(c.audit).pk],
    "section": lambda p, c: [_started(c.audit).pk, "recording"],
    "action": lambda p, c: [_action(p, c.audit).pk],
    "draft-action": lambda p, c: [_draft_action(p).pk],
    "follow-up": lambda p, c: [_follow_up(p, c.audit).pk],
    "compliance": lambda p, c: ["supervision", "data-missing"],
    "theme": lambda p, c: [_theme().slug],
    "notification": lambda p, c: [_notification(p).pk],
    "email": lambda p, c: [_failed_email(p).pk],
    "account": lambda p, c: [p.worker.pk],
    "submitted": lambda p, c: [_submitted(p, p.own_case).pk],
    "fed-back": lambda p, c: [_fed_back(p).pk],
    "other-submitted": lambda p, c: [_submitted(p, p.other_case).pk],
    "follow-up-open": lambda p, c: [_followed_up(p, done=False).pk],
    "follow-up-done": lambda p, c: [_followed_up(p, done=True).pk],
    "job": lambda p, c: [_job(p).pk],
    "check-job": lambda p, c: [_register_job(p, "register-check").pk],
    "import-job": lambda p, c: [_register_job(p, "register-import").pk],
    "history-check-job": lambda p, c: [_history_job(p, "audit-history-check").pk],
    "history-import-job": lambda p, c: [_history_job(p, "audit-history-import").pk],
}


def _theme() -> Theme:
    """A theme nobody uses, offered again before each request, so that each may retire it."""
    theme, _ = Theme.objects.update_or_create(
        slug="matrix-theme", defaults={"label": "Matrix", "active": True}
    )
    return theme


def _submitted(p: Personas, case: Case) -> Audit:
    """An audit of `case` in a confirmed cycle of its own ("Autumn 2025"), allocated to the auditor and
    submitted (made directly)."""
    cycle = Cycle.objects.filter(name="Autumn 2025").first()
    if cycle is None:
        cycle = make_cycle([p.own_case, p.other_case], name="Autumn 2025", season="autumn", year=2025)
        allocate_to(cycle, p.auditor)
        cycle.audits.update(status=AuditStatus.SUBMITTED, submitted_at=timezone.now(), auditor_grade="good")
    return cycle.audits.get(case=case)


def _fed_back(p: Personas) -> Audit:
    """The own case's submitted audit ("Autumn 2025"), moderated, with the auditor's feedback sent to the
    worker and the manager (made directly)."""
    audit = _submitted(p, p.own_case)
    if not PracticeFeedback.objects.filter(audit=audit).exists():
        Audit.objects.filter(pk=audit.pk).update(status=AuditStatus.MODERATED, moderated_grade="good")
        PracticeFeedback.objects.create(
            audit=audit, went_well="Clear plan.", next_steps="Review it.", sent_at=timezone.now()
        )
    return audit


def _followed_up(p: Personas, *, done: bool) -> Case:
    """A case of the other team with a follow-up audit allocated to the follow-up auditor: still to do, or
    completed (made directly). Nobody else is allocated anything about it."""
    child_id = "S000003" if done else "S000002"
    case = Case.objects.filter(child_id=child_id).first()
    if case is None:
        case = make_case(child_id, "child-in-need", p.other_case.team, None, p.other_case.manager)
        status = FollowUpStatus.COMPLETED if done else FollowUpStatus.ALLOCATED
        FollowUp.objects.create(
            case=case,
            auditor=_extra_personas()["follow_up_auditor"],
            due_on=timezone.localdate(),
            status=status,
        )
    return case


def _stored_paper(c: Cycles, *, issued: bool) -> PaperVersion:
    """The confirmed cycle's draft or its issued version 1 (made directly, with stand-in files)."""
    found = PaperVersion.objects.filter(cycle=c.confirmed, state="issued" if issued else "draft").first()
    if found is not None:
        return found
    pdf, docx = store_file(c.confirmed.pk, "pdf", b"%PDF-1.7"), store_file(c.confirmed.pk, "docx", b"PK")
    now = timezone.now()
    return PaperVersion.objects.create(
        cycle=c.confirmed,
        state="issued" if issued else "draft",
        number=1 if issued else None,
        issued_at=now if issued else None,
        grade_source="moderated",
        dated=now.date(),
        rendered_at=now,
        **{
            f"{fmt}_{key}": getattr(file, key)
            for fmt, file in (("pdf", pdf), ("docx", docx))
            for key in ("name", "size", "sha256")
        },
    )


def _paper_job(p: Personas, c: Cycles) -> Job:
    """The QA lead's "Regenerate draft" of the confirmed cycle's paper, done."""
    job = Job.objects.filter(kind="paper-regenerate").first()
    if job is None:
        job = Job.objects.create(
            kind="paper-regenerate",
            title="New draft of the committee paper",
            started_by=p.qa_lead,
            status=Job.Status.DONE,
            arguments={"cycle": c.confirmed.pk, "grade_source": "moderated", "counts": "steps"},
        )
    return job


def _job(p: Personas) -> Job:
    """A finished export job of the QA lead's, with its file (made directly)."""
    job = Job.objects.filter(kind="matrix-export").first()
    if job is None:
        folder = Path(settings.CASEAUDIT_JOB_FILES_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "matrix-export.csv").write_text("Team,Cases\nNorth,1\n")
        job = Job.objects.create(
            kind="matrix-export",
            title="Export of the register",
            started_by=p.qa_lead,
            status=Job.Status.DONE,
            rows_done=1,
            rows_total=1,
            file_name="matrix-export.csv",
            download_name="register.csv",
        )
    return job


def _register_job(p: Personas, kind: str) -> Job:
    """A finished check or import of the register, the QA lead's, that found one case to create."""
    job = Job.objects.filter(kind=kind).first()
    if job is None:
        result = ImportResult(
            file_name="register.csv", kind="csv", dry_run=kind.endswith("check"), partial=True
        )
        result.counts("care-leaver").created = 1
        result.written = not result.dry_run
        job = Job.objects.create(
            kind=kind,
            title="Check of register.csv",
            started_by=p.qa_lead,
            status=Job.Status.DONE,
            arguments={"token": "x" * 32, "suffix": ".csv", "skip_invalid": False, "partial": True},
            result={"result": to_json(result), "importable": True},
        )
    return job


def _history_job(p: Personas, kind: str) -> Job:
    """A finished check or import of past audits, the QA lead's, that found one audit to create."""
    job = Job.objects.filter(kind=kind).first()
    if job is None:
        result = AuditHistoryResult(file_name="audits.csv", dry_run=kind.endswith("check"))
        result.counts(2021, "care-leaver").created = 1
        result.written = not result.dry_run
        job = Job.objects.create(
            kind=kind,
            title="Check of audits.csv",
            started_by=p.qa_lead,
            status=Job.Status.DONE,
            arguments={"token": "y" * 32, "suffix": ".csv", "file_name": "audits.csv"},
            result={"result": history_json(result), "importable": True},
        )
    return job


def _extra_personas() -> dict[str, User]:
    """The personas beyond one a role, made once per test: the other team's manager (their staff record is
    the other case's manager), an auditor with nothing allocated, and a follow-up auditor."""
    other_manager_staff = Case.objects.get(child_id="S000001").manager
    people = {
        "other_manager": (Role.TEAM_MANAGER, other_manager_staff),
        "other_auditor": (Role.AUDITOR, None),
        "follow_up_auditor": (Role.AUDITOR, None),
    }
    made = {}
    for name, (role, staff) in people.items():
        username = name.replace("_", "-")
        made[name] = User.objects.filter(username=username).first() or make_user(role, username, staff=staff)
    return made


def _persona(p: Personas, name: str) -> User | None:
    if name == "anonymous":
        return None
    return getattr(p, name) if hasattr(p, name) else _extra_personas()[name]


def _notification(p: Personas) -> Notification:
    welcome = {"recipient": p.qa_lead, "kind": "account", "text": "Welcome.", "link": "/"}
    return Notification.objects.get_or_create(**welcome)[0]


def _failed_email(p: Personas) -> Email:
    return Email.objects.get_or_create(
        to="qa-lead@example.test", subject="A test", defaults={"kind": "account", "status": "failed"}
    )[0]


def _started(audit: Audit) -> Audit:
    """The audit, started by its auditor (once), for the pages that complete it."""
    from caseaudit.audits.actions.completion import start_audit

    audit.refresh_from_db()
    if audit.status == "not-started":
        start_audit(audit, acting_user=audit.auditor)
    return audit


def _action(p: Personas, audit: Audit) -> Action:
    """The own case's action from its audit, owned by the worker (made directly). The tracker holds an
    audit's actions once the audit is submitted: this one's audit was."""
    Audit.objects.filter(pk=audit.pk, submitted_at__isnull=True).update(submitted_at=timezone.now())
    details = {"team": audit.case.team, "description": "Review the plan.", "owner": p.worker}
    action, _ = Action.objects.get_or_create(
        audit=audit, case=audit.case, defaults={**details, "due_on": timezone.localdate()}
    )
    return action


def _draft_action(p: Personas) -> Action:
    """An action the auditor has added to an audit of the own case still being written (in a second cycle),
    owned by the case's worker: part of the draft, so in nobody's tracker yet."""
    cycle = Cycle.objects.filter(name="Winter 2026").first()
    if cycle is None:
        cycle = make_cycle([p.own_case], name="Winter 2026", season="spring", year=2026)
        allocate_to(cycle, p.auditor)
    audit = cycle.audits.get()
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


# What each target's object is, and the scoped query that decides who may see it (None: the view's own
# capability is the whole rule, as for cycles, which only planners open).
def _subject(target: str | None, p: Personas, c: Cycles) -> tuple[object, Callable[..., QuerySet] | None]:
    if target in ("own", "other"):
        return (p.own_case if target == "own" else p.other_case), cases_visible_to
    if target in ("follow-up-open", "follow-up-done"):
        return _followed_up(p, done=target == "follow-up-done"), cases_visible_to
    if target in ("submitted", "other-submitted"):
        return _submitted(p, p.own_case if target == "submitted" else p.other_case), audits_visible_to
    if target == "fed-back":
        return _fed_back(p), audits_visible_to
    if target in ("audit", "audit-only", "started", "section"):
        return c.audit, audits_visible_to
    if target == "action":
        return _action(p, c.audit), actions_visible_to
    if target == "draft-action":
        return _draft_action(p), actions_visible_to
    if target == "follow-up":
        return _follow_up(p, c.audit), follow_ups_visible_to
    if target == "concern":
        return _concern(c.audit), concerns_visible_to
    if target == "notification":
        return _notification(p), lambda user: Notification.objects.filter(recipient=user)
    if target == "job":
        return _job(p), jobs_visible_to
    if target in ("check-job", "import-job"):
        return _register_job(
            p, "register-check" if target == "check-job" else "register-import"
        ), jobs_visible_to
    return None, None


def expected_status(user, view_capability, target, capability, success, p: Personas, c: Cycles) -> int:
    """What the policy says this person gets, in the order the views ask."""
    if user is None:
        return FOUND
    if view_capability is not None and not policy.can(user, view_capability):
        return FORBIDDEN
    subject, visible_to = _subject(target, p, c)
    if visible_to is not None and not visible_to(user).filter(pk=subject.pk).exists():
        return NOT_FOUND
    if capability is not None and not policy.can(user, capability, subject):
        return FORBIDDEN
    return success(user) if callable(success) else success


def _view_capability(url: str) -> policy.Capability | None:
    view = resolve(url).func
    assert hasattr(view, "capability"), f"{url}: the view declares no capability (@capability_required)"
    return view.capability


@pytest.mark.parametrize("persona", PERSONAS)
def test_role_matrix(client, personas, cycles, persona):
    """One test per persona, checking every row, so that one run lists every wrong answer."""
    user = _persona(personas, persona)
    if user is not None:
        client.force_login(user)
    wrong = []
    for label, method, name, target, capability, success in MATRIX:
        url = reverse(name, args=TARGETS[target](personas, cycles) if target else [])
        expected = expected_status(user, _view_capability(url), target, capability, success, personas, cycles)
        response = getattr(client, method)(url)
        if response.status_code != expected:
            wrong.append(f"{method.upper()} {url} ({label}): {response.status_code}, expected {expected}")
        elif persona == "anonymous" and not response["Location"].startswith(reverse(settings.LOGIN_URL)):
            wrong.append(f"{method.upper()} {url} ({label}): redirected to {response['Location']}")
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)


# The policy, read as a table: these rows pin the matrix's expectations to what the service's people
# expect, so that a wrong policy cannot make a wrong matrix pass. (label, persona) -> status.
SPOT_CHECKS = {
    ("other case", "auditor"): NOT_FOUND,
    ("other case", "senior_leader"): FORBIDDEN,
    ("feedback", "outsider"): NOT_FOUND,
    ("feedback", "team_manager"): NOT_FOUND,  # the audit is not submitted: the team does not see it yet
    ("moderate an audit", "auditor"): FORBIDDEN,
    ("reallocate form", "moderator"): FORBIDDEN,
    ("verify, asked first", "moderator"): FORBIDDEN,
    ("update an action, nothing filled in", "team_manager"): OK,
    ("action", "outsider"): NOT_FOUND,
    ("actions", "senior_leader"): OK,
    ("compliance cases", "senior_leader"): FORBIDDEN,
    ("compliance cases, CSV", "senior_leader"): FORBIDDEN,
    ("respond to a concern, nothing filled in", "moderator"): FORBIDDEN,
    ("complete a follow-up, nothing filled in", "qa_lead"): FORBIDDEN,
    ("audit section", "qa_lead"): FORBIDDEN,
    ("home", "senior_leader"): OK,
    ("home", "auditor"): OK,  # Your work, no longer a redirect to My audits
    ("draft action", "worker"): NOT_FOUND,  # its owner, before the audit is submitted
    ("draft action", "team_manager"): NOT_FOUND,
    ("draft action", "qa_lead"): NOT_FOUND,  # the QA team reads drafts on the audit's pages, not the tracker
    ("update a draft action", "worker"): NOT_FOUND,
    ("accounts", "administrator"): OK,
    ("change an account", "qa_lead"): OK,
    ("accounts", "moderator"): FORBIDDEN,
    ("account", "senior_leader"): FORBIDDEN,
    ("home", "administrator"): OK,
    ("access log", "administrator"): OK,
    ("security log, CSV", "qa_lead"): OK,
    ("access log", "moderator"): FORBIDDEN,
    ("access log, CSV", "auditor"): FORBIDDEN,
    ("security log", "senior_leader"): FORBIDDEN,
    # Another team's manager reaches nothing of the own team's.
    ("own case", "other_manager"): NOT_FOUND,
    ("submitted audit", "other_manager"): NOT_FOUND,
    ("other case", "other_manager"): OK,
    ("other team's submitted audit", "other_manager"): OK,
    ("other team's submitted audit", "team_manager"): NOT_FOUND,
    # An auditor reads only what is allocated to them.
    ("own case", "other_auditor"): NOT_FOUND,
    ("audit", "other_auditor"): NOT_FOUND,
    ("submitted audit", "other_auditor"): NOT_FOUND,
    ("concern", "other_auditor"): NOT_FOUND,
    # The audited team reads an audit once it is submitted, never the auditor's draft.
    ("audit", "team_manager"): NOT_FOUND,
    ("audit", "worker"): NOT_FOUND,
    ("submitted audit", "team_manager"): OK,
    ("submitted audit", "worker"): OK,
    ("submitted audit", "outsider"): NOT_FOUND,
    # The follow-up auditor reads the case while the follow-up is open, and no longer after.
    ("case with an open follow-up", "follow_up_auditor"): OK,
    ("case with a completed follow-up", "follow_up_auditor"): NOT_FOUND,
    ("case with an open follow-up", "auditor"): NOT_FOUND,
    ("own case", "follow_up_auditor"): NOT_FOUND,
    # The auditor who raised the concern reads it (and the manager's response), another auditor never.
    ("concern", "auditor"): OK,
    # A team manager reads the grade table (their team's rows only: tests/reports/test_views.py).
    ("reports", "team_manager"): OK,
    ("grade table, CSV", "other_manager"): OK,
    ("reports", "worker"): FORBIDDEN,
    ("committee paper", "team_manager"): FORBIDDEN,
    ("audit data export", "team_manager"): FORBIDDEN,
}


def test_the_policy_gives_what_the_service_expects(personas, cycles):
    rows = {row[0]: row for row in MATRIX}
    for (label, persona), status in SPOT_CHECKS.items():
        _, _, name, target, capability, success = rows[label]
        url = reverse(name, args=TARGETS[target](personas, cycles) if target else [])
        user = _persona(personas, persona)
        got = expected_status(user, _view_capability(url), target, capability, success, personas, cycles)
        assert got == status, f"{label}, {persona}: the policy gives {got}, the service expects {status}"


def test_every_view_declares_its_capability():
    """A new page must say who may open it: `@capability_required(...)`, or `@signed_in`."""
    missing = []
    for url in sorted(set(_routes(get_resolver().url_patterns))):
        if url in ANONYMOUS_ALLOWED or url in PUBLIC_PAGES:
            continue
        if url.startswith(API):
            continue  # the API's operations declare theirs in code: tests/api/test_api_matrix.py
        if not hasattr(resolve(url).func, "capability"):
            missing.append(url)
    assert not missing, "views with no capability:\n" + "\n".join(missing)


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
    # Choosing a password answers a person with no password yet, through their single-use link: see
    # tests/people/test_choose_password.py. The health check is for machines: see ANONYMOUS_ALLOWED.
    named = {row[2] for row in MATRIX} | {"login", "logout", "feedback:form", "password:choose", "healthz"}
    # The API's operations have a matrix of their own: tests/api/test_api_matrix.py.
    pages = {name for name in _url_names(get_resolver().url_patterns) if not name.startswith("api-v1:")}
    assert pages <= named


# Anonymous reachability -----------------------------------------------------------------------------------

# Pages an anonymous visitor may load. Static files are served outside the URL patterns.
# The feedback form answers a child, young person or carer who has no account, but only through a live
# single-use link: the walker below makes one for the sample token "x"; any other token gets a 404.
# The health check answers a load balancer or monitor, which has no session, and shows no data: only whether
# the database answers and the migrations are applied (and, once there is one, that the job queue keeps up;
# tests/serving/test_healthz.py).
ANONYMOUS_ALLOWED = {"/sign-in/", "/feedback/x/", "/healthz"}
API = "/api/v1/"
# Pages outside the policy: signing out (anyone may), and choosing a password from a link (the link is the
# authority; an unknown link gets a 404).
PUBLIC_PAGES = {"/sign-out/", "/set-password/x/x/"}

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


# Hand-overs over time: what a person may read changes with the record's state ---------------------------


def test_the_case_team_reads_an_audit_once_it_is_submitted_and_never_the_draft(client, personas):
    from caseaudit.audits.actions.completion import submit_audit

    from .audits.completion_helpers import ready_to_submit

    audit = ready_to_submit(personas)
    for person in (personas.team_manager, personas.worker):
        client.force_login(person)
        assert client.get(reverse("audits:detail", args=[audit.pk])).status_code == NOT_FOUND
    submit_audit(audit, expected_version=audit.version, acting_user=personas.auditor)
    for person in (personas.team_manager, personas.worker):
        client.force_login(person)
        assert client.get(reverse("audits:detail", args=[audit.pk])).status_code == OK
    for person in (_extra_personas()["other_manager"], personas.outsider):
        client.force_login(person)
        assert client.get(reverse("audits:detail", args=[audit.pk])).status_code == NOT_FOUND


def test_the_follow_up_auditor_reads_the_case_until_the_follow_up_is_completed(client, personas, cycles):
    from caseaudit.improvement.actions.follow_ups import complete_follow_up, create_follow_up
    from caseaudit.improvement.follow_up import Answer

    action = _action(personas, cycles.audit)
    auditor = _extra_personas()["follow_up_auditor"]
    case_url = reverse("cases:detail", args=[personas.own_case.pk])
    client.force_login(auditor)
    assert client.get(case_url).status_code == NOT_FOUND  # nothing arranged yet
    follow_up = create_follow_up(
        personas.own_case, auditor=auditor, due_on=timezone.localdate(), acting_user=personas.qa_lead
    )
    assert client.get(case_url).status_code == OK
    complete_follow_up(follow_up, answers={action.pk: Answer(True, "Seen the plan.")}, acting_user=auditor)
    assert client.get(case_url).status_code == NOT_FOUND
    # The follow-up itself stays theirs to read.
    assert client.get(reverse("actions:follow-up", args=[follow_up.pk])).status_code == OK
