"""Passwords are hashed with Argon2; those stored with PBKDF2 before still sign in, and are rehashed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import make_password

from caseaudit.accounts.models import Role
from tests.factories import PASSWORD, make_user

from .conftest import sign_in

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"


def _settings(env: dict[str, str]) -> str:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import caseaudit.settings as s; print(s.PASSWORD_HASHERS[:2], s.CASEAUDIT_REQUIRE_MFA)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_production_hashes_with_argon2_and_still_reads_pbkdf2_and_requires_a_second_factor(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CASEAUDIT_")}
    env = {**clean, "SECRET_KEY": "x" * 50, "CASEAUDIT_DATA_DIR": str(tmp_path)}
    assert _settings(env) == f"[{ARGON2!r}, {PBKDF2!r}] True"
    assert _settings({**env, "CASEAUDIT_DEMO": "1"}).endswith("False")
    assert _settings({**env, "CASEAUDIT_DEMO": "1", "CASEAUDIT_REQUIRE_MFA": "1"}).endswith("True")


@pytest.mark.django_db
def test_a_pbkdf2_password_signs_in_and_is_rehashed_with_argon2(client, settings):
    settings.PASSWORD_HASHERS = [ARGON2, PBKDF2]
    ada = make_user(Role.AUDITOR, "ada")
    ada.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    ada.save()
    assert sign_in(client, "ada").status_code == 302
    ada.refresh_from_db()
    assert ada.password.startswith("argon2$")
