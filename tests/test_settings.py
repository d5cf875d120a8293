"""Production refuses to start without a real secret key; the demo and the database URL work from the
environment alone."""

import os
import subprocess
import sys

import pytest


def _settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    ours = ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CASEAUDIT_") and k not in ours}
    return subprocess.run(
        [sys.executable, "-c", "import caseaudit.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    run = _settings({"CASEAUDIT_DATA_DIR": str(tmp_path)})
    assert run.returncode != 0 and "SECRET_KEY is not set" in run.stderr


def test_a_short_secret_key_is_refused(tmp_path):
    run = _settings({"CASEAUDIT_DATA_DIR": str(tmp_path), "SECRET_KEY": "short"})
    assert run.returncode != 0 and "too short" in run.stderr


@pytest.mark.parametrize(
    ("env", "engine"),
    [
        ({"CASEAUDIT_DEMO": "1"}, "django.db.backends.sqlite3"),
        (
            {"SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://u@127.0.0.1:5432/ca"},
            "django.db.backends.postgresql",
        ),
    ],
)
def test_the_database_comes_from_the_environment(tmp_path, env, engine):
    run = _settings({"CASEAUDIT_DATA_DIR": str(tmp_path), **env})
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == engine


def test_a_mail_server_address_that_cannot_work_stops_the_service(tmp_path):
    run = _settings({"CASEAUDIT_DEMO": "1", "CASEAUDIT_DATA_DIR": str(tmp_path), "EMAIL_URL": "imap://mail"})
    assert run.returncode != 0 and "EMAIL_URL must start smtp://" in run.stderr


def _django_check(env: dict[str, str]) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True, check=False
    )
    return run.stdout + run.stderr


def test_production_warns_when_no_mail_server_is_set(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEAUDIT_", "EMAIL_"))}
    env.update(
        {
            "SECRET_KEY": "x" * 50,
            "CASEAUDIT_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "caseaudit.settings",
        }
    )
    assert "caseaudit.W001" in _django_check(env)
    assert "caseaudit.W001" not in _django_check({**env, "EMAIL_URL": "smtp://relay.internal"})
