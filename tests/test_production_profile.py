"""The production profile (docs/operations.md, Settings): with the settings a real service sets, Django's
deployment checks and caseaudit's own find nothing to warn about; a weak setup is warned about."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "audits.example.gov.uk",
    "CASEAUDIT_BEHIND_PROXY": "1",
    "CASEAUDIT_SITE_URL": "https://audits.example.gov.uk",
    "EMAIL_URL": "smtp+tls://caseaudit%40example.gov.uk:mail-password@smtp.example.gov.uk:587",
    "DEFAULT_FROM_EMAIL": "Case file audits <caseaudit@example.gov.uk>",
}


def caseaudit(tmp_path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # Only what a server's environment would hold: nothing from the test run (pytest's, the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE) may leak into the deployment checks.
    clean = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "PYTHONPATH", "LANG", "TMPDIR")}
    return subprocess.run(  # noqa: S603 - caseaudit itself, with the test's own arguments
        [sys.executable, "-m", "caseaudit", *args],
        env={**clean, "CASEAUDIT_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_production_profile_passes_the_deployment_checks_without_a_warning(tmp_path):
    run = caseaudit(tmp_path, PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert run.returncode == 0, run.stderr
    assert "System check identified no issues (0 silenced)." in run.stdout


def test_a_weak_setup_is_warned_about(tmp_path):
    weak = {
        **PRODUCTION,
        "SECRET_KEY": "a-key-of-thirty-two-characters!!",  # long enough to start, too short to trust
        "CASEAUDIT_SSL_REDIRECT": "0",
        "EMAIL_URL": "",
    }
    run = caseaudit(tmp_path, weak, "check", "--deploy", "--fail-level", "WARNING")
    assert run.returncode != 0
    for warning in ("security.W009", "security.W008", "caseaudit.W001"):
        assert warning in run.stderr
    # Debug mode on a real service: Django's own warning, and nothing else is relaxed.
    debug = caseaudit(tmp_path, {**PRODUCTION, "CASEAUDIT_DEBUG": "1"}, "check", "--deploy")
    assert "security.W018" in debug.stderr


SHOW = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT)"


def test_behind_a_proxy_django_takes_its_word_for_https_and_only_then(tmp_path):
    behind = caseaudit(tmp_path, PRODUCTION, "shell", "-c", SHOW)
    assert "('HTTP_X_FORWARDED_PROTO', 'https') True" in behind.stdout, behind.stderr
    direct = caseaudit(tmp_path, {**PRODUCTION, "CASEAUDIT_BEHIND_PROXY": "0"}, "shell", "-c", SHOW)
    assert "None True" in direct.stdout, direct.stderr
