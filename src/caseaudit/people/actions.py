"""Every change to a staff account: adding, changing, switching off and on, sending the link to choose a
password, choosing it, and importing a spreadsheet of accounts. Pages and `caseaudit users` call these.

Nothing is ever deleted: a deactivated person keeps their history (audits, actions, the change history
names them) and cannot sign in. Change events hold what changed on the account, never a password or a
link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.accounts.models import User
from caseaudit.accounts.security_log import Event, by, record_security_event
from caseaudit.locking import claim_version
from caseaudit.notifications.models import Email
from caseaudit.policy import Actor

from .checking import AccountFields
from .fields import set_role, split_name, values_of
from .importing import AccountPlan
from .links import absolute, email_link, link_path
from .staffing import other_accounts, place, placement_problems


@dataclass
class LinkSent:
    """A link to choose a password, made for `user`: `email` is the outbox's email (None when the person
    has no address), so the caller can say whether it went or print the link instead."""

    user: User
    url: str
    email: Email | None


@changes_state
def add_account(fields: AccountFields, *, acting_user: Actor, site_url: str | None = None) -> LinkSent:
    """A new account with no usable password, and a link to choose one, emailed when it has an address."""
    policy.require(acting_user, policy.MANAGE_ACCOUNTS)
    user = _create(fields)
    record_change(acting_user, "user.added", user, new=_recorded(user))
    _account_created(user, acting_user)
    return _send_link(user, acting_user, site_url)


@changes_state
def change_account(
    user: User, fields: AccountFields, *, expected_version: int | None = None, acting_user: Actor
) -> dict[str, Any]:
    """Change an account's name, username, email, role, place in the register and capacity. Refused if
    someone changed it since `expected_version`. Returns the values that changed (old, new)."""
    policy.require(acting_user, policy.MANAGE_ACCOUNTS)
    return _change(user, fields, expected_version, acting_user)


@changes_state
def deactivate_account(user: User, *, expected_version: int | None = None, acting_user: Actor) -> None:
    """Switch an account off: the person cannot sign in; everything they did stays, under their name."""
    policy.require(acting_user, policy.MANAGE_ACCOUNTS)
    if isinstance(acting_user, User) and acting_user.pk == user.pk:
        raise ValidationError("You cannot deactivate your own account: ask another administrator.")
    if not user.is_active:
        raise ValidationError(f"{user.username} is already deactivated.")
    claim_version(user, expected_version, thing="account")
    user.is_active = False
    user.save(update_fields=["is_active"])
    record_change(acting_user, "user.deactivated", user, old={"active": True}, new={"active": False})
    record_security_event(Event.ACCOUNT_DEACTIVATED, user=user, detail=by(acting_user))


@changes_state
def reactivate_account(user: User, *, expected_version: int | None = None, acting_user: Actor) -> None:
    """Switch an account on again, with the password and role it had."""
    policy.require(acting_user, policy.MANAGE_ACCOUNTS)
    if user.is_active:
        raise ValidationError(f"{user.username} is already active.")
    claim_version(user, expected_version, thing="account")
    user.is_active = True
    user.save(update_fields=["is_active"])
    record_change(acting_user, "user.reactivated", user, old={"active": False}, new={"active": True})
    record_security_event(Event.ACCOUNT_REACTIVATED, user=user, detail=by(acting_user))


@changes_state
def send_password_link(user: User, *, acting_user: Actor, site_url: str | None = None) -> LinkSent:
    """A new link for the person to choose their password (a lost first link, or a forgotten password).
    Earlier links keep working until one is used or they expire."""
    policy.require(acting_user, policy.MANAGE_ACCOUNTS)
    if not user.is_active:
        raise ValidationError(f"{user.username} is deactivated: reactivate the account first.")
    sent = _send_link(user, acting_user, site_url)
    record_change(acting_user, "user.link-sent", user, new={"emailed": sent.email is not None})
    return sent


@changes_state
def choose_password(user: User, password: str, *, acting_user: Actor) -> None:
    """The person sets their own password, from a link the caller has checked. The link is spent: its
    token was made from the old password."""
    policy.require(acting_user, policy.CHOOSE_PASSWORD)
    if not isinstance(acting_user, User) or acting_user.pk != user.pk:
        raise PermissionDenied("Only the person themselves may choose their password.")
    validate_password(password, user)
    had_one = user.has_usable_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    # Never the password: only that it was set.
    record_change(acting_user, "user.password-chosen", user, new={"first_password": not had_one})
    record_security_event(Event.PASSWORD_SET, user=user, detail="first password" if not had_one else "")


@changes_state
def import_accounts(plan: AccountPlan, *, acting_user: Actor, site_url: str | None = None) -> list[LinkSent]:
    """Write a checked plan (`importing.plan_accounts`), all or nothing: a plan with errors writes nothing.
    New people get their links; returns them."""
    policy.require(acting_user, policy.MANAGE_ACCOUNTS)
    if plan.errors:
        raise ValidationError(f"{len(plan.errors)} problem(s) in {plan.file_name}: nothing was imported.")
    sent: list[LinkSent] = []
    for fields in plan.added:
        _recheck(fields, None)
        user = _create(fields)
        record_change(acting_user, "user.added", user, new={**_recorded(user), "file": plan.file_name})
        _account_created(user, acting_user, f"from {plan.file_name}")
        sent.append(_send_link(user, acting_user, site_url))
    for user, fields in plan.changed:
        _change(user, fields, user.version, acting_user, file_name=plan.file_name)
    for user in plan.deactivated:
        claim_version(user, user.version, thing="account")
        user.is_active = False
        user.save(update_fields=["is_active"])
        record_change(
            acting_user,
            "user.deactivated",
            user,
            old={"active": True},
            new={"active": False, "file": plan.file_name},
        )
        detail = f"{by(acting_user)}, from {plan.file_name}"
        record_security_event(Event.ACCOUNT_DEACTIVATED, user=user, detail=detail)
    record_change(
        acting_user, "users.imported", ("user-import", None), new={"file": plan.file_name, **plan.counts}
    )
    return sent


# Helpers ---------------------------------------------------------------------------------------------------


def _account_created(user: User, acting_user: Actor, source: str = "") -> None:
    detail = ", ".join(part for part in (f"role {values_of(user)['role']}", by(acting_user), source) if part)
    record_security_event(Event.ACCOUNT_CREATED, user=user, detail=detail)


def _change(
    user: User, fields: AccountFields, expected_version: int | None, acting_user: Actor, file_name: str = ""
) -> dict[str, Any]:
    """Change one account, from its page or from an imported file (`file_name`, which the history and the
    security log then name). Returns the values that changed (old, new)."""
    _refuse_own_role_change(user, fields.role_slug, acting_user)
    _recheck(fields, user)
    claim_version(user, expected_version, thing="account")
    old = _recorded(user)
    _apply(user, fields)
    new = _recorded(user)
    changed = [key for key in new if new[key] != old[key]]
    record_change(
        acting_user,
        "user.changed",
        user,
        old={k: old[k] for k in changed},
        new={k: new[k] for k in changed} | ({"file": file_name} if file_name else {}),
    )
    _role_changed(user, old, new, acting_user, f"from {file_name}" if file_name else "")
    return {k: (old[k], new[k]) for k in changed}


def _role_changed(
    user: User, old: dict[str, Any], new: dict[str, Any], acting_user: Actor, source: str = ""
) -> None:
    """The security log keeps every change of role, old and new, beside the change history."""
    if old["role"] == new["role"]:
        return
    change = f"{old['role']} → {new['role']}"
    detail = ", ".join(part for part in (change, by(acting_user), source) if part)
    record_security_event(Event.ROLE_CHANGED, user=user, detail=detail)


def _recorded(user: User) -> dict[str, Any]:
    """What a change event keeps of an account: its fields, never its password."""
    return values_of(user)


def _create(fields: AccountFields) -> User:
    user = User(username=fields.username)
    _fill(user, fields)
    user.set_unusable_password()
    user.save()
    return user


def _apply(user: User, fields: AccountFields) -> None:
    _fill(user, fields)
    user.save()


def _fill(user: User, fields: AccountFields) -> None:
    user.username = fields.username
    user.first_name, user.last_name = split_name(fields.name)
    user.email = fields.email
    set_role(user, fields.role_slug)
    user.staff = place(fields.placement)
    user.audit_capacity = fields.capacity


def _recheck(fields: AccountFields, user: User | None) -> None:
    """The register may have changed since the fields were checked (another account took the staff)."""
    problems = placement_problems(fields.placement, user)
    if other_accounts(user).filter(username__iexact=fields.username).exists():
        problems["username"] = f"The username {fields.username} is taken"
    if problems:
        raise ValidationError(problems)


def _refuse_own_role_change(user: User, role: str, acting_user: Actor) -> None:
    # Nobody widens (or loses) their own access: another person who manages accounts must do it.
    if isinstance(acting_user, User) and acting_user.pk == user.pk and values_of(user)["role"] != role:
        raise ValidationError({"role": "You cannot change your own role: ask another administrator."})


def _send_link(user: User, acting_user: Actor, site_url: str | None) -> LinkSent:
    url = absolute(link_path(user), site_url)
    sender = acting_user.get_full_name() or acting_user.username if isinstance(acting_user, User) else ""
    return LinkSent(user, url, email_link(user, url, sender=sender or "Your administrator"))
