"""The single-use link with which a new person chooses their password (and anyone whose link was sent
again). Django's password-reset tokens: valid for settings.PASSWORD_RESET_TIMEOUT (72 hours), and spent
once the password is set, because the token is made from the password hash. Nothing about a link is kept
in the database, so no record of the service can leak one."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from caseaudit.accounts.models import User
from caseaudit.notifications.models import Email, Kind
from caseaudit.notifications.outbox import queue_email

LINK_HOURS = settings.PASSWORD_RESET_TIMEOUT // 3600


def link_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password:choose", args=[uid, default_token_generator.make_token(user)])


def absolute(path: str, site_url: str | None = None) -> str:
    return (site_url or settings.CASEAUDIT_SITE_URL).rstrip("/") + path


def user_for_link(uidb64: str, token: str) -> User | None:
    """The active person a link is for, if it is theirs and still good; None for any other link."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def email_link(user: User, url: str, *, sender: str) -> Email | None:
    """Queue the link in the outbox (sent after the commit); None when the person has no email address.
    The subject names the service only."""
    if not user.email:
        return None
    service = settings.SERVICE_NAME
    body = (
        f"Hello {user.get_full_name() or user.username},\n\n"
        f"{sender} has set up your account for {service}. Your username is {user.username}.\n\n"
        f"Choose your password here within {LINK_HOURS} hours:\n\n{url}\n\n"
        "The link works once. If it has expired or been used, ask your QA lead or the administrator who "
        "manages accounts for a new one.\n"
    )
    return queue_email(
        user.email, f"Choose your password for {service}", body, kind=Kind.ACCOUNT, recipient=user
    )
