"""The policy, as the service's people would state it: who may do what, to which object."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from caseaudit import policy
from caseaudit.accounts.changes import NoChangeRecorded, changes_state, record_change
from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.policy import SYSTEM, can, require

from .cycles.builders import allocate_to, make_cycle
from .factories import make_user

ROLES = ("qa_lead", "moderator", "auditor", "team_manager", "worker", "senior_leader", "administrator")

# Role-level answers: may a person in this role ever do it? In ROLES order. A row of six leaves out the
# administrator, who may not: IT staff who manage accounts hold nothing else.
GRID = {
    policy.READ_CHILD_RECORDS: (1, 1, 1, 1, 1, 0),
    policy.IMPORT_REGISTER: (1, 0, 0, 0, 0, 0),
    policy.EXPORT_REGISTER: (1, 0, 0, 0, 0, 0),
    policy.PLAN_CYCLES: (1, 1, 0, 0, 0, 0),
    policy.REALLOCATE_AUDITS: (1, 0, 0, 0, 0, 0),
    policy.MODERATE: (1, 1, 0, 0, 0, 0),
    policy.COMPLETE_AUDIT: (0, 0, 1, 0, 0, 0),
    policy.READ_AUDIT_DRAFTS: (1, 1, 1, 0, 0, 0),
    policy.LIST_CONCERNS: (1, 1, 0, 1, 0, 0),
    policy.USE_TRACKER: (1, 1, 0, 1, 1, 0),
    policy.DECIDE_ACTIONS: (1, 0, 0, 0, 0, 0),
    policy.READ_REPORTS: (1, 1, 0, 0, 0, 1),
    policy.READ_COMPLIANCE: (1, 1, 1, 1, 1, 1),
    policy.EXPORT_AUDIT_DATA: (1, 1, 0, 0, 0, 0),
    policy.EXPORT_IDENTIFIABLE: (1, 0, 0, 0, 0, 0),
    # The committee paper, kept once rendered.
    policy.ISSUE_PAPERS: (1, 0, 0, 0, 0, 0),
    policy.READ_OFFICERS_PAPER: (1, 1, 0, 0, 0, 0),
    policy.FIRST_PAPER_DRAFT: (1, 1, 0, 0, 0, 1),
    policy.HEAR_OF_CONCERNS: (1, 0, 0, 0, 0, 0),
    policy.SEND_REMINDERS: (1, 0, 0, 0, 0, 0),
    # Staff accounts.
    policy.MANAGE_ACCOUNTS: (1, 0, 0, 0, 0, 0, 1),
    policy.CHOOSE_PASSWORD: (1, 1, 1, 1, 1, 1, 1),
    # Hand-overs: a team manager reads their own team's grade table.
    policy.READ_GRADE_TABLE: (1, 1, 0, 1, 0, 1),
    # Your work: whose panels the home page shows.
    policy.CHASE_AUDITS: (1, 0, 0, 0, 0, 0),
    policy.FOLLOW_CASE_AUDITS: (0, 0, 0, 1, 1, 0),
    policy.SEE_HEADLINES: (0, 0, 0, 0, 0, 1),
    # Decisions that need a second step.
    policy.CLOSE_CYCLE_EARLY: (1, 0, 0, 0, 0, 0),
    policy.REOPEN_CYCLES: (1, 0, 0, 0, 0, 0),
    policy.SUBJECT_ACCESS: (1, 0, 0, 0, 0, 0),
    policy.DISPOSE_RECORDS: (1, 0, 0, 0, 0, 0, 0),
    # Sign-in.
    policy.MANAGE_OWN_SIGN_IN: (1, 1, 1, 1, 1, 1, 1),
    policy.RESET_MFA: (1, 0, 0, 0, 0, 0, 1),
    policy.UNLOCK_ACCOUNTS: (1, 0, 0, 0, 0, 0, 1),
    # The logs kept as evidence.
    policy.READ_LOGS: (1, 0, 0, 0, 0, 0, 1),
    # Withdrawing audits.
    policy.WITHDRAW_AUDITS: (1, 0, 0, 0, 0, 0, 0),
}


@pytest.mark.parametrize("capability", GRID, ids=lambda c: c.slug)
def test_roles_grant_what_the_service_expects(personas, capability):
    people = personas.by_role()
    answers = tuple(int(can(people[role], capability)) for role in ROLES)
    expected = GRID[capability]
    assert answers == expected + (0,) * (len(ROLES) - len(expected))


def test_nobody_anonymous_or_inactive_may_do_anything(personas):
    personas.qa_lead.is_active = False
    for capability in policy.CAPABILITIES.values():
        assert not can(None, capability)
        assert not can(personas.qa_lead, capability)


def test_the_command_line_may_only_what_is_marked_for_it():
    assert can(SYSTEM, policy.IMPORT_REGISTER)
    assert can(SYSTEM, policy.PLAN_CYCLES)
    assert not can(SYSTEM, policy.COMPLETE_AUDIT)
    assert not can(SYSTEM, policy.MODERATE)


def test_only_the_allocated_auditor_of_a_confirmed_cycle_changes_an_audit(personas):
    other_auditor = make_user(Role.AUDITOR, "auditor-2")
    draft = make_cycle([personas.own_case], name="Draft", draft=True)
    allocate_to(draft, personas.auditor)
    draft_audit = draft.audits.get()
    assert can(personas.auditor, policy.COMPLETE_AUDIT)  # the role may, in general
    assert not can(personas.auditor, policy.COMPLETE_AUDIT, draft_audit)  # a draft allocates nothing
    confirmed = make_cycle([personas.other_case], name="Confirmed")
    allocate_to(confirmed, personas.auditor)
    audit = confirmed.audits.get()
    assert can(personas.auditor, policy.COMPLETE_AUDIT, audit)
    assert not can(other_auditor, policy.COMPLETE_AUDIT, audit)
    # Nobody moderates their own audit, whatever their role.
    audit.auditor = personas.moderator
    assert not can(personas.moderator, policy.MODERATE, audit)
    assert can(personas.qa_lead, policy.MODERATE, audit)


def test_a_team_manager_responds_to_concerns_of_their_teams_cases_only(personas):
    class Concern:
        def __init__(self, case):
            self.case = case

    assert can(personas.team_manager, policy.RESPOND_TO_CONCERN, Concern(personas.own_case))
    assert not can(personas.team_manager, policy.RESPOND_TO_CONCERN, Concern(personas.other_case))


def test_an_auditor_raises_concerns_on_audits_of_theirs_and_reads_them_while_theirs(personas):
    auditor = personas.auditor
    imported = SimpleNamespace(auditor_id=auditor.pk, cycle_id=None, in_confirmed_cycle=False)
    proposed = SimpleNamespace(auditor_id=auditor.pk, cycle_id=1, in_confirmed_cycle=False)
    allocated = SimpleNamespace(auditor_id=auditor.pk, cycle_id=2, in_confirmed_cycle=True)
    assert can(auditor, policy.RAISE_CONCERN, allocated) and can(auditor, policy.RAISE_CONCERN, imported)
    assert not can(auditor, policy.RAISE_CONCERN, proposed)  # a draft sample allocates nothing
    concern = SimpleNamespace(raised_by_id=auditor.pk, audit=allocated)
    assert can(auditor, policy.READ_CONCERN, concern)
    allocated.auditor_id = personas.moderator.pk  # the audit was reallocated
    assert not can(auditor, policy.READ_CONCERN, concern)


def test_the_command_line_sends_reminders_and_exports_but_changes_no_action():
    assert can(SYSTEM, policy.SEND_REMINDERS) and can(SYSTEM, policy.EXPORT_IDENTIFIABLE)
    assert can(SYSTEM, policy.SUBJECT_ACCESS) and can(SYSTEM, policy.DISPOSE_RECORDS)
    assert not can(SYSTEM, policy.UPDATE_ACTION) and not can(SYSTEM, policy.DECIDE_ACTIONS)


def test_the_administrator_manages_accounts_and_reads_the_logs_and_nothing_else(personas):
    """IT staff see no child's data: the only capabilities their role holds are managing accounts (with
    resetting a lost authenticator and unlocking), their own password and sign-in, and reading the logs,
    which name records by kind and internal id, never a child."""
    held = {c.slug for c in policy.CAPABILITIES.values() if can(personas.administrator, c)}
    assert held == {
        "manage-accounts",
        "choose-password",
        "manage-own-sign-in",
        "reset-mfa",
        "unlock-accounts",
        "read-logs",
        # An API token carries its owner's role, so it reaches no more than these; they may make tokens
        # for others (a warehouse's account) and revoke them.
        "use-api",
        "issue-api-tokens",
    }
    assert can(SYSTEM, policy.MANAGE_ACCOUNTS)  # `caseaudit users ...`
    with pytest.raises(PermissionDenied, match="Only the QA lead or an administrator may add, change"):
        require(personas.moderator, policy.MANAGE_ACCOUNTS)


def test_a_refusal_says_who_may(personas):
    with pytest.raises(PermissionDenied, match="Only the QA lead or a moderator may plan and follow audit"):
        require(personas.auditor, policy.PLAN_CYCLES)
    with pytest.raises(PermissionDenied, match="Only the QA lead may reallocate audits"):
        require(personas.moderator, policy.REALLOCATE_AUDITS)


def test_holders_are_the_active_people_of_the_granting_roles(personas):
    make_user(Role.AUDITOR, "gone").__class__.objects.filter(username="gone").update(is_active=False)
    assert set(policy.holders(policy.HAVE_AUDITS)) == {personas.auditor}
    assert {user.username for user in policy.holders(policy.HAVE_AUDITS, inactive_too=True)} == {
        personas.auditor.username,
        "gone",
    }


@changes_state
def _renames(user, *, record: bool):
    user.first_name = "Renamed"
    user.save()
    if record:
        record_change(SYSTEM, "user.renamed", user, old={"first_name": ""}, new={"first_name": "Renamed"})
    return user


def test_an_action_that_records_its_change_keeps_it(db, personas):
    _renames(personas.worker, record=True)
    event = ChangeEvent.objects.get()
    assert (event.event, event.subject_type, event.subject_id) == (
        "user.renamed",
        "user",
        str(personas.worker.pk),
    )
    assert event.actor is None and event.actor_name == "system"
    assert event.new == {"first_name": "Renamed"}


def test_an_action_that_forgets_its_change_event_changes_nothing(db, personas):
    with pytest.raises(NoChangeRecorded):
        _renames(personas.worker, record=False)
    personas.worker.refresh_from_db()
    assert personas.worker.first_name != "Renamed"
    assert not ChangeEvent.objects.exists()


def test_the_change_history_keeps_no_free_text(db, client, personas):
    """Reasons, notes, evidence and concerns may name a child; the change history is read more widely than
    the records, so it keeps their length and never their words."""
    from caseaudit.improvement.actions.concerns import escalate_concern

    confirmed = make_cycle([personas.own_case], name="Autumn")
    allocate_to(confirmed, personas.auditor)
    words = "Jamie was seen with bruising; the plan does not say who checked."
    escalate_concern(confirmed.audits.get(), description=words, acting_user=personas.auditor)
    stored = "".join(str(event.old) + str(event.new) for event in ChangeEvent.objects.all())
    assert "bruising" not in stored and "Jamie" not in stored
    assert f"{len(words)} characters" in stored


def test_no_role_is_checked_outside_the_policy():
    """Every question of who may do what goes to `caseaudit.policy`: no other module or template reads a
    person's role. Creating people with a role (the demo, the user model's field) is not a check."""
    from pathlib import Path

    import caseaudit

    root = Path(caseaudit.__file__).parent
    # Managing accounts shows, stores and lists roles, all in one module of the people app.
    allowed = {
        root / "policy.py",
        root / "accounts" / "models.py",
        root / "demo" / "authority.py",
        root / "people" / "fields.py",
    }
    check = re.compile(r"\.role\b|\bRole\.[A-Z_]+|\brole(?:__in)?=|user\.is_qa_lead|sees_child_level_data")
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted([*root.rglob("*.py"), *root.rglob("*.html")])
        if path not in allowed and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if check.search(line.replace('role="', "").replace("role='", ""))
    ]
    assert not found, "role checks outside the policy:\n" + "\n".join(found)
