"""The mail server, from the environment (docs/operations.md#email).

Either one address, as many hosting platforms give it:

    EMAIL_URL=smtp+tls://user:password@smtp.example.gov.uk:587

(`smtp://` plain, `smtp+tls://` STARTTLS, `smtps://` implicit TLS, `console://` printed to the terminal),
or Django's usual variables: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
EMAIL_USE_SSL. DEFAULT_FROM_EMAIL names the sender either way. With neither, emails are printed to the
terminal, which suits the demo and development; a production server warns about it at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
_SCHEMES = {"smtp": (False, False), "smtp+tls": (True, False), "smtps": (False, True)}
_TRUE = {"1", "true", "yes", "on"}


class MailConfigError(ValueError):
    pass


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE


def _port(text: str, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        raise MailConfigError(f"EMAIL_PORT must be a number, not {text!r}.") from None


def _from_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE}
    if parts.scheme not in _SCHEMES:
        raise MailConfigError(
            f"EMAIL_URL must start smtp://, smtp+tls://, smtps:// or console://, not {parts.scheme}://."
        )
    if not parts.hostname:
        raise MailConfigError("EMAIL_URL names no mail server host.")
    tls, ssl = _SCHEMES[parts.scheme]
    query = parse_qs(parts.query)
    tls = tls or _flag((query.get("tls") or [""])[0])
    try:
        port = parts.port
    except ValueError:
        raise MailConfigError("EMAIL_URL's port must be a number.") from None
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if ssl else 587 if tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
    }


def mail_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Django's email settings for this environment. Raises MailConfigError on a setting that cannot
    work, so that a mistyped address stops the server at start-up instead of losing every email."""
    if environ.get("EMAIL_URL"):
        found = _from_url(environ["EMAIL_URL"])
    elif environ.get("EMAIL_HOST"):
        tls, ssl = _flag(environ.get("EMAIL_USE_TLS")), _flag(environ.get("EMAIL_USE_SSL"))
        if tls and ssl:
            raise MailConfigError("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
        found = {
            "EMAIL_BACKEND": SMTP,
            "EMAIL_HOST": environ["EMAIL_HOST"],
            "EMAIL_PORT": _port(environ.get("EMAIL_PORT", ""), 465 if ssl else 587 if tls else 25),
            "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER", ""),
            "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD", ""),
            "EMAIL_USE_TLS": tls,
            "EMAIL_USE_SSL": ssl,
        }
    else:
        found = {"EMAIL_BACKEND": environ.get("EMAIL_BACKEND") or CONSOLE}
    found["DEFAULT_FROM_EMAIL"] = environ.get("DEFAULT_FROM_EMAIL") or "caseaudit@localhost"
    # A mail server that does not answer must not hold a person's page for Django's default of forever.
    found["EMAIL_TIMEOUT"] = _port(environ.get("EMAIL_TIMEOUT", ""), 10)
    return found
