"""Changes to how people sign in: setting up an authenticator app, using a recovery code, signing out
everywhere; and, for the QA lead or IT, resetting a lost authenticator and unlocking a locked account."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseaudit import policy
from caseaudit.accounts.changes import changes_state, record_change
from caseaudit.accounts.models import User
from caseaudit.accounts.security_log import Event, by, record_security_event

from . import lockout
from .second_factor import RECOVERY_CODES, recovery_codes_left
from .sessions import end_sessions


def _person(acting_user: policy.Actor) -> User:
    policy.require(acting_user, policy.MANAGE_OWN_SIGN_IN)
    assert isinstance(acting_user, User)
    return acting_user


@changes_state
def start_authenticator(*, acting_user: policy.Actor) -> TOTPDevice:
    """A new key for the person's authenticator app, unconfirmed until they enter a code it makes."""
    user = _person(acting_user)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    record_change(acting_user, "user.authenticator-started", user, new={"authenticator": "not confirmed"})
    return device


@changes_state
def confirm_authenticator(device: TOTPDevice, *, acting_user: policy.Actor) -> list[str]:
    """The app made a right code: it becomes the person's second factor, with ten new single-use recovery
    codes (replacing any earlier ones), returned to be shown once."""
    user = _person(acting_user)
    if device.user_id != user.pk:
        raise ValidationError("This is not your authenticator.")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    earlier_codes = recovery_codes_left(user)
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    record_change(
        acting_user,
        "user.authenticator-confirmed",
        user,
        old={"authenticator": "not confirmed"},
        new={"authenticator": "confirmed", "recovery codes": RECOVERY_CODES},
    )
    record_security_event(
        Event.MFA_ENROLLED, user=user, detail=f"authenticator app, {RECOVERY_CODES} recovery codes"
    )
    if earlier_codes:
        record_security_event(
            Event.RECOVERY_CODES_REPLACED, user=user, detail=f"{earlier_codes} unused codes replaced"
        )
    return codes


@changes_state
def note_recovery_code_used(*, acting_user: policy.Actor) -> None:
    """A recovery code signed the person in (django-otp used it up): kept on the record, because it may
    mean a lost phone."""
    user = _person(acting_user)
    left = recovery_codes_left(user)
    record_change(
        acting_user,
        "user.recovery-code-used",
        user,
        old={"recovery codes": left + 1},
        new={"recovery codes": left},
    )
    record_security_event(Event.RECOVERY_CODE_USED, user=user, detail=f"to sign in; {left} left")


@changes_state
def sign_out_everywhere(*, acting_user: policy.Actor) -> int:
    """End every session of the person, this one included. Returns how many."""
    user = _person(acting_user)
    ended = end_sessions(user)
    record_change(acting_user, "user.signed-out-everywhere", user, new={"sessions ended": ended})
    record_security_event(Event.SIGNED_OUT_EVERYWHERE, user=user, detail=f"{ended} sessions ended")
    return ended


@changes_state
def reset_mfa(user: User, *, acting_user: policy.Actor) -> None:
    """The person lost their phone (or their codes): remove their authenticator and recovery codes and end
    their sessions. They set up a new app the next time they sign in."""
    policy.require(acting_user, policy.RESET_MFA)
    had = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    codes = recovery_codes_left(user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    ended = end_sessions(user)
    record_change(
        acting_user,
        "user.authenticator-reset",
        user,
        old={"authenticator": "confirmed" if had else "none", "recovery codes": codes},
        new={"authenticator": "none", "recovery codes": 0, "sessions ended": ended},
    )
    record_security_event(Event.MFA_RESET, user=user, detail=f"{by(acting_user)}; {ended} sessions ended")


@changes_state
def unlock(*, username: str | None = None, address: str | None = None, acting_user: policy.Actor) -> int:
    """Let a locked-out username (or client address) sign in again now. Returns how many lockouts were in
    force; the failed attempts stay on the record but no longer count."""
    policy.require(acting_user, policy.UNLOCK_ACCOUNTS)
    if (username is None) == (address is None):
        raise ValidationError("Name a username or a client address to unlock.")
    in_force = lockout.clear(
        username=username, address=address, by=getattr(acting_user, "username", "system")
    )
    subject = ("username", lockout.username_key(username)) if username is not None else ("address", address)
    record_change(acting_user, "sign-in.unlocked", subject, new={"lockouts ended": in_force})
    ended = f"{by(acting_user)}; {in_force} lockouts ended"
    if username is not None:
        record_security_event(Event.UNLOCKED, username=lockout.username_key(username), detail=ended)
    else:
        record_security_event(Event.UNLOCKED, detail=f"client address {address}, {ended}")
    return in_force
