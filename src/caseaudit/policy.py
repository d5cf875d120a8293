"""Who may do what: every capability of caseaudit, with the roles and the object rules that grant it.

This is the one place that compares a person's role with anything. Views ask it through the
`capability_required` decorator and `require()`, action functions through `require()`, commands through
the actor they run as, and the role matrix test takes its expectations from `CAPABILITIES`.

Two questions, two tools:
- "may this person do X (to this object)?": `can(actor, X, obj)` here;
- "which children's records may this person read?": the scoped queries (`cases_visible_to`,
  `audits_visible_to`, ...), which ask this module whether a role reads everything, a team's, or its own.

An object rule sees the object a capability is about (an audit, a case, an action) and reads only its
attributes, so that this module imports nothing above `accounts`: the apps that own those models build
on the policy, not the other way round. Without an object, `can()` answers the role-level question "may
this person ever do X?", which is what a view asks before it reads anything."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase

from caseaudit.accounts.models import Role, User


class SystemActor:
    """The service itself, acting from the command line (an import run by IT, a nightly job) without a
    named person. It is trusted only with the capabilities marked `system=True`; a command that changes
    what a person should answer for takes `--as USERNAME` and acts as that person instead."""

    pk = None
    is_active = True
    is_authenticated = False
    role = ""
    username = "system"

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "the command line"


SYSTEM = SystemActor()
Actor = User | SystemActor
Someone = User | SystemActor | AnonymousUser | None

# An object rule: given a person who holds one of the granting roles, and the object (never None), may
# they do it to this one?
Rule = Callable[[User, Any], bool]


def anything(user: User, obj: Any) -> bool:
    """No object rule: the role is enough."""
    return True


def _staff_team(user: User) -> int | None:
    return user.staff.team_id if user.staff_id and user.staff else None


def manages_case(user: User, case: Any) -> bool:
    """A team manager of the case: its team's manager, or the manager named on the case."""
    if user.staff_id is None:
        return False
    team = _staff_team(user)
    return case.manager_id == user.staff_id or (team is not None and case.team_id == team)


def allocated_auditor(user: User, audit: Any) -> bool:
    """The auditor the audit is allocated to, in a confirmed cycle (a draft sample allocates nothing)."""
    return audit.auditor_id == user.pk and audit.in_confirmed_cycle


def wrote_audit(user: User, audit: Any) -> bool:
    """The audit's auditor, unless it is only proposed in a draft sample: allocated in a confirmed cycle,
    or an audit of theirs imported from before caseaudit."""
    return audit.auditor_id == user.pk and (audit.cycle_id is None or audit.in_confirmed_cycle)


def manages_audited_case(user: User, audit: Any) -> bool:
    return manages_case(user, audit.case)


def works_on_audited_case(user: User, audit: Any) -> bool:
    """The case's allocated worker, as the register names them."""
    return user.staff_id is not None and audit.case.worker_id == user.staff_id


def not_own_audit(user: User, audit: Any) -> bool:
    """Nobody moderates an audit they wrote."""
    return audit.auditor_id is None or audit.auditor_id != user.pk


def owns(user: User, item: Any) -> bool:
    """The person an action (or anything with an owner) is assigned to."""
    return item.owner_id is not None and item.owner_id == user.pk


def manages_action(user: User, action: Any) -> bool:
    """A team manager of the action's case, or, for a recommendation with no case, of its team."""
    if action.case_id is not None:
        return manages_case(user, action.case)
    team = _staff_team(user)
    return team is not None and action.team_id == team


def owns_or_manages_action(user: User, action: Any) -> bool:
    return owns(user, action) or manages_action(user, action)


def owns_or_self(user: User, item: Any) -> bool:
    """The person themselves, or the owner of their API token."""
    return item == user if isinstance(item, User) else owns(user, item)


def allocated_follow_up(user: User, follow_up: Any) -> bool:
    return follow_up.auditor_id == user.pk


def manages_concern_case(user: User, concern: Any) -> bool:
    return manages_case(user, concern.case)


def raised_concern(user: User, concern: Any) -> bool:
    """The auditor who raised it, while the audit is still theirs."""
    return concern.raised_by_id == user.pk and wrote_audit(user, concern.audit)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: each is defined once
class Capability:
    """Something a person may do. `grants` maps each role that may do it to the rule it must meet for a
    given object; a role not named may never do it."""

    slug: str
    summary: str  # "plan audit cycles": finishes "Only ... may ..."
    grants: Mapping[str, Rule]
    system: bool = False  # the command line may do it without naming a person
    refusal: str = ""  # what a refused person is told, when the roles alone do not say it
    roles: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(self.grants))

    def refused(self) -> str:
        if self.refusal:
            return self.refusal
        people = [ROLE_PEOPLE[Role(role)] for role in Role if role in self.roles]
        who = " or ".join([", ".join(people[:-1]), people[-1]] if len(people) > 1 else people)
        return f"Only {who} may {self.summary}."


# How a refusal names the people of each role: "Only the QA lead or a moderator may ...".
ROLE_PEOPLE = {
    Role.QA_LEAD: "the QA lead",
    Role.MODERATOR: "a moderator",
    Role.AUDITOR: "an auditor",
    Role.TEAM_MANAGER: "a team manager",
    Role.SOCIAL_WORKER: "a social worker",
    Role.SENIOR_LEADER: "a senior leader",
    Role.ADMINISTRATOR: "an administrator",
}

CAPABILITIES: dict[str, Capability] = {}


def _capability(
    slug: str,
    summary: str,
    grants: Mapping[str, Rule] | Iterable[str],
    *,
    system: bool = False,
    refusal: str = "",
) -> Capability:
    rules = grants if isinstance(grants, Mapping) else dict.fromkeys(grants, anything)
    made = Capability(slug, summary, dict(rules), system=system, refusal=refusal)
    assert slug not in CAPABILITIES, f"capability {slug} defined twice"
    CAPABILITIES[slug] = made
    return made


QA_LEAD, MODERATOR, AUDITOR = Role.QA_LEAD, Role.MODERATOR, Role.AUDITOR
TEAM_MANAGER, SOCIAL_WORKER, SENIOR_LEADER = Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.SENIOR_LEADER
ADMINISTRATOR = Role.ADMINISTRATOR
QA_TEAM = (QA_LEAD, MODERATOR)
CHILD_LEVEL = (QA_LEAD, MODERATOR, AUDITOR, TEAM_MANAGER, SOCIAL_WORKER)

# Reading children's records. Which records is the scoped queries' question; these say whose scope is what.
READ_CHILD_RECORDS = _capability("read-child-records", "read children's records", CHILD_LEVEL)
READ_EVERY_RECORD = _capability("read-every-record", "read every child's record", QA_TEAM)
READ_TEAM_RECORDS = _capability(
    "read-team-records", "read the records of their team's cases", (TEAM_MANAGER,)
)
READ_OWN_RECORDS = _capability("read-own-records", "read the records of their own cases", (SOCIAL_WORKER,))
READ_ALLOCATED_RECORDS = _capability(
    "read-allocated-records", "read the records of the cases allocated to them", (AUDITOR,)
)

# The register and the service's set-up.
IMPORT_REGISTER = _capability("import-register", "import the case register", (QA_LEAD,), system=True)
EXPORT_REGISTER = _capability("export-register", "export the case register", (QA_LEAD,), system=True)
IMPORT_AUDIT_HISTORY = _capability(
    "import-audit-history",
    "import historical audits",
    (QA_LEAD,),
    system=True,
    refusal="Only the QA lead imports historical audits.",
)
MANAGE_TEMPLATES = _capability("manage-templates", "load audit templates", (QA_LEAD,), system=True)
MANAGE_THEMES = _capability(
    "manage-themes",
    "change the list of themes",
    (QA_LEAD,),
    system=True,
    refusal="Only the QA lead changes the list of themes.",
)

# Cycles.
PLAN_CYCLES = _capability("plan-cycles", "plan and follow audit cycles", QA_TEAM, system=True)
SET_CAPACITY = _capability("set-capacity", "set auditors' capacity", (QA_LEAD,), system=True)
REALLOCATE_AUDITS = _capability("reallocate-audits", "reallocate audits", (QA_LEAD,), system=True)

# Audits.
HAVE_AUDITS = _capability("have-audits", "be allocated audits", (AUDITOR,))
COMPLETE_AUDIT = _capability(
    "complete-audit",
    "change an audit",
    {AUDITOR: allocated_auditor},
    refusal="Only the auditor the audit is allocated to may change it.",
)
# Drafts are the auditor's working notes: the audited team reads an audit once it is submitted.
READ_AUDIT_DRAFTS = _capability(
    "read-audit-drafts",
    "read an audit before it is submitted",
    {QA_LEAD: anything, MODERATOR: anything, AUDITOR: allocated_auditor},
)
MODERATE = _capability(
    "moderate",
    "moderate audits",
    dict.fromkeys(QA_TEAM, not_own_audit),
    refusal="Only the QA lead or a moderator may moderate audits, and never one they audited themselves.",
)
GATHER_FEEDBACK = _capability(
    "gather-feedback",
    "gather feedback for an audit",
    {QA_LEAD: anything, AUDITOR: allocated_auditor},
    refusal="Only the QA lead or the audit's auditor may gather feedback for it.",
)
# Learning from audits: the auditor's feedback to the case's worker and manager.
READ_PRACTICE_FEEDBACK = _capability(
    "read-practice-feedback",
    "read an auditor's feedback to the worker and manager",
    {
        QA_LEAD: anything,
        MODERATOR: anything,
        AUDITOR: wrote_audit,
        TEAM_MANAGER: manages_audited_case,
        SOCIAL_WORKER: works_on_audited_case,
    },
    refusal="Only the case's worker and manager, the audit's auditor and the QA team read its feedback.",
)
ACKNOWLEDGE_PRACTICE_FEEDBACK = _capability(
    "acknowledge-practice-feedback",
    "acknowledge an auditor's feedback on their case",
    {SOCIAL_WORKER: works_on_audited_case},
    refusal="Only the case's allocated worker acknowledges the auditor's feedback.",
)

# Safeguarding concerns.
LIST_CONCERNS = _capability("list-concerns", "list safeguarding concerns", (*QA_TEAM, TEAM_MANAGER))
RAISE_CONCERN = _capability(
    "raise-concern",
    "raise a safeguarding concern",
    {QA_LEAD: anything, MODERATOR: anything, AUDITOR: wrote_audit},
    refusal="Only the audit's auditor, the QA lead or a moderator may raise a concern.",
)
READ_CONCERN = _capability(
    "read-concern",
    "read a safeguarding concern",
    {QA_LEAD: anything, MODERATOR: anything, TEAM_MANAGER: manages_concern_case, AUDITOR: raised_concern},
)
RESPOND_TO_CONCERN = _capability(
    "respond-to-concern",
    "respond to a safeguarding concern",
    {QA_LEAD: anything, TEAM_MANAGER: manages_concern_case},
    refusal="Only a team manager of the case or the QA lead may respond to a concern.",
)
# Copied in on every concern, and told instead when the case has no team manager to tell.
HEAR_OF_CONCERNS = _capability("hear-of-concerns", "be told of every safeguarding concern", (QA_LEAD,))

# The improvement tracker.
USE_TRACKER = _capability(
    "use-tracker", "use the improvement tracker", (*QA_TEAM, TEAM_MANAGER, SOCIAL_WORKER)
)
SEE_TRACKER_COUNTS = _capability(
    "see-tracker-counts", "see the tracker's counts", (*QA_TEAM, TEAM_MANAGER, SOCIAL_WORKER, SENIOR_LEADER)
)
OWN_ACTIONS = _capability(
    "own-actions", "own actions and recommendations", (*QA_TEAM, TEAM_MANAGER, SOCIAL_WORKER)
)
OWN_CASE_ACTIONS = _capability("own-case-actions", "own actions about a child", (TEAM_MANAGER, SOCIAL_WORKER))
UPDATE_ACTION = _capability(
    "update-action",
    "update an action",
    {
        QA_LEAD: anything,
        MODERATOR: owns,
        TEAM_MANAGER: owns_or_manages_action,
        SOCIAL_WORKER: owns,
    },
    refusal="Only the action's owner, its team manager or the QA lead may update it.",
)
DECIDE_ACTIONS = _capability(
    "decide-actions", "verify, reopen, cancel or reassign actions and add recommendations", (QA_LEAD,)
)
ARRANGE_FOLLOW_UPS = _capability("arrange-follow-ups", "arrange follow-up audits", (QA_LEAD,))
READ_FOLLOW_UPS = _capability("read-follow-ups", "read follow-up audits", (*QA_TEAM, AUDITOR))
COMPLETE_FOLLOW_UP = _capability(
    "complete-follow-up",
    "complete a follow-up audit",
    {AUDITOR: allocated_follow_up},
    refusal="Only the auditor the follow-up audit is allocated to may complete it.",
)
SEE_REAUDITS = _capability("see-reaudits", "see the re-audits due", QA_TEAM)
SEND_REMINDERS = _capability(
    "send-reminders", "send the owners of actions their reminders", (QA_LEAD,), system=True
)

# Compliance and reports.
READ_COMPLIANCE = _capability(
    "read-compliance", "read compliance with timescales", (*CHILD_LEVEL, SENIOR_LEADER)
)
READ_REPORTS = _capability("read-reports", "read reports", (*QA_TEAM, SENIOR_LEADER))
EXPORT_AUDIT_DATA = _capability(
    "export-audit-data",
    "export audit data",
    QA_TEAM,
    system=True,
    refusal="Only the QA lead and moderators export audit data.",
)
EXPORT_IDENTIFIABLE = _capability(
    "export-identifiable",
    "export audit data with child ids and names",
    (QA_LEAD,),
    system=True,
    refusal="Only the QA lead exports audit data with child ids and names.",
)


# The committee paper, rendered once and kept (reports.PaperVersion). The QA lead answers for what the
# committee is given: only they regenerate a draft and issue it. Whoever reads reports may have the first
# draft made when none is kept, as their download needs one; so may the command line, which wrote any paper
# before papers were kept.
ISSUE_PAPERS = _capability("issue-papers", "regenerate and issue committee papers", (QA_LEAD,))
# The officers' version adds tables by team: for the QA team, not for members (senior leaders include them).
READ_OFFICERS_PAPER = _capability(
    "read-officers-paper",
    "read the officers' version of a committee paper, with its tables by team",
    QA_TEAM,
    refusal="Only the QA lead and moderators read the officers' version of the paper.",
)
FIRST_PAPER_DRAFT = _capability(
    "first-paper-draft",
    "have the first draft of a committee paper made",
    (*QA_TEAM, SENIOR_LEADER),
    system=True,
)

# Hand-overs: team managers read their own team's grade table (the reports page, scoped to their team by
# `reports.scoping.graded_audits_for`); the QA team and senior leaders the whole authority's (READ_REPORTS).
READ_GRADE_TABLE = _capability(
    "read-grade-table", "read the table of grades", (*QA_TEAM, SENIOR_LEADER, TEAM_MANAGER)
)

# Decisions that need a second step: closing a cycle before its window ends, and reopening a closed cycle.
# Each asks for a reason, kept with the change.
CLOSE_CYCLE_EARLY = _capability(
    "close-cycle-early",
    "close a cycle before its window ends",
    (QA_LEAD,),
    system=True,
    refusal="Only the QA lead may close a cycle before its window ends, and only with a reason.",
)
REOPEN_CYCLES = _capability(
    "reopen-cycles",
    "reopen a closed cycle",
    (QA_LEAD,),
    system=True,
    refusal="Only the QA lead may reopen a closed cycle.",
)


# Notifications and the outbox. Everyone signed in reads their own notifications (`signed_in` views); the
# outbox shows whom the service emailed and whether the mail server took it.
READ_OUTBOX = _capability(
    "read-outbox", "see the emails the service has sent and those waiting", (QA_LEAD,), system=True
)
RESEND_EMAIL = _capability("resend-email", "send a failed email again", (QA_LEAD,), system=True)

# Your work: which panels of the home page a person gets. Each panel reads through the scoped queries, so
# these say only whose work a panel is, never what may be read. The QA lead chases the whole programme
# along (the moderation queue, actions and concerns have their own capabilities above).
CHASE_AUDITS = _capability(
    "chase-audits", "chase overdue and returned audits, re-audits and follow-ups due", (QA_LEAD,)
)
FOLLOW_CASE_AUDITS = _capability(
    "follow-case-audits", "follow the audits of the cases they work on", (TEAM_MANAGER, SOCIAL_WORKER)
)
SEE_HEADLINES = _capability("see-headlines", "see the service's headline figures", (SENIOR_LEADER,))

# Staff accounts (caseaudit.people). The administrator is IT staff: they add, change and switch off the
# accounts of the people who use the service, and hold nothing else, so they read no child's data.
MANAGE_ACCOUNTS = _capability(
    "manage-accounts", "add, change and deactivate accounts", (QA_LEAD, ADMINISTRATOR), system=True
)
# Choosing one's own password from a single-use link: the link is the authority; this says that an account
# switched off cannot use one (`can()` refuses every inactive person).
CHOOSE_PASSWORD = _capability("choose-password", "choose a password", tuple(Role))
# The HTTP API: a personal token carries its owner's role and scope, so anyone may make one for themselves
# and revoke their own; an administrator (or the command line) may for anyone.
USE_API = _capability(
    "use-api", "make and revoke their own API tokens", dict.fromkeys(tuple(Role), owns_or_self)
)
ISSUE_API_TOKENS = _capability(
    "issue-api-tokens", "make or revoke another person's API tokens", (ADMINISTRATOR,), system=True
)


def role_may(role: str, capability: Capability) -> bool:
    """Would a person in `role` be granted `capability` (before any object rule)? For checking an account
    being set up or imported, whose role is not yet saved: an auditor's capacity, say."""
    return role in capability.roles


# Subject access requests: everything the service holds about one child or one member of staff, drafts and
# proposals included, which is wider than any person's scope. The QA lead answers for it (or IT, from the
# command line, for the information governance team).
SUBJECT_ACCESS = _capability(
    "subject-access",
    "export everything held about a person for a subject access request",
    (QA_LEAD,),
    system=True,
    refusal="Only the QA lead may export everything held about a person (a subject access request).",
)

# Disposing of closed cases past their retention period (caseaudit.records.retention): destroys records, so
# only the QA lead answers for it, or IT from the command line once the authority has confirmed the schedule.
DISPOSE_RECORDS = _capability(
    "dispose-records",
    "dispose of closed cases past their retention period",
    (QA_LEAD,),
    system=True,
    refusal="Only the QA lead may dispose of cases under the retention schedule.",
)

# Sign-in (caseaudit.signin). Everyone manages their own sign-in (ending their sessions everywhere); the QA
# lead and the administrator (and IT from the command line) reset a lost authenticator and unlock accounts.
MANAGE_OWN_SIGN_IN = _capability("manage-own-sign-in", "manage their own sign-in", tuple(Role))
RESET_MFA = _capability(
    "reset-mfa", "reset a person's authenticator app", (QA_LEAD, ADMINISTRATOR), system=True
)
UNLOCK_ACCOUNTS = _capability("unlock-accounts", "unlock accounts", (QA_LEAD, ADMINISTRATOR), system=True)

# The logs kept as evidence: the access log (who read or exported what) and the security log (signing in,
# lockouts, account and role changes, refusals). They name records by kind and internal id, never a child,
# so the administrator, who sees no child's data, reads them beside the QA lead.
READ_LOGS = _capability("read-logs", "read the access log and the security log", (QA_LEAD, ADMINISTRATOR))

# Withdrawing audits: an audit whose case closed before it was done comes out of its cycle's work, with a
# reason kept beside it. The QA lead decides, as for reallocating.
WITHDRAW_AUDITS = _capability(
    "withdraw-audits",
    "withdraw the audit of a closed case",
    (QA_LEAD,),
    system=True,
    refusal="Only the QA lead may withdraw an audit, and only with a reason.",
)


# Asking -----------------------------------------------------------------------------------------------------


def can(actor: Someone, capability: Capability, obj: object = None) -> bool:
    """May `actor` do `capability` (to `obj`)? Inactive and anonymous people may do nothing; the command
    line only what is marked for it."""
    if isinstance(actor, SystemActor):
        return capability.system
    if not isinstance(actor, User) or not actor.is_active:
        return False
    rule = capability.grants.get(actor.role)
    if rule is None:
        return False
    return obj is None or rule(actor, obj)


def require(actor: Someone, capability: Capability, obj: object = None, message: str = "") -> None:
    """Raise PermissionDenied, with a sentence a person can act on, unless `can()` says yes."""
    if not can(actor, capability, obj):
        raise PermissionDenied(message or capability.refused())


def person(actor: Someone, capability: Capability) -> User:
    """The signed-in person, if they may ever do `capability`; PermissionDenied otherwise. For views,
    after which the object-level `require()` follows once the object is read."""
    require(actor, capability)
    assert isinstance(actor, User)
    return actor


def named(actor: Someone) -> User | None:
    """The person an actor is, for the records that name who made them (`created_by`, `author`): nobody
    for the command line."""
    return actor if isinstance(actor, User) else None


def holders(capability: Capability, *, inactive_too: bool = False) -> QuerySet[User]:
    """The active people whose role may do `capability` (before any object rule): who can be allocated
    an audit, own an action, be told of a concern. `inactive_too` adds those whose account is switched
    off, for lists that show them as such (the auditors and their capacity)."""
    people = User.objects.filter(role__in=sorted(capability.roles))
    return people if inactive_too else people.filter(is_active=True)


def capability_required(capability: Capability) -> Callable[[Callable[..., HttpResponseBase]], Any]:
    """A view only people whose role may do `capability` can open: anyone else signed in gets 403, and
    an anonymous visitor goes to the sign-in page. The view checks the object itself with `require()`.
    The capability is kept on the view, so that the role matrix test can read it."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            require(request.user, capability)
            return view(request, *args, **kwargs)

        guarded = login_required(checked)
        guarded.capability = capability  # type: ignore[attr-defined]
        return guarded

    return decorate


def signed_in(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A view open to everyone signed in, whatever their role (the home page): says so explicitly, so
    that the role matrix test knows it was not forgotten."""
    guarded = login_required(view)
    guarded.capability = None  # type: ignore[attr-defined]
    return guarded
