"""Production refuses to start without a real secret key; the demo and the database URL work from the
environment alone."""

import json
import os
import subprocess
import sys

import pytest


def _run(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    """Run `code` with the service's settings loaded from `env` alone."""
    ours = ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CASEAUDIT_") and k not in ours}
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "caseaudit.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run(env, "import caseaudit.settings as s; print(s.DATABASES['default']['ENGINE'])")


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


POSTGRES = {"SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"}


SHOW_DATABASE = (
    "import json, caseaudit.settings as s; d = s.DATABASES['default']; "
    "print(json.dumps([d['OPTIONS'], d['CONN_MAX_AGE']]))"
)


def test_postgresql_gives_up_on_an_unreachable_server_and_keeps_a_connection_a_minute(tmp_path):
    run = _run({"CASEAUDIT_DATA_DIR": str(tmp_path), **POSTGRES}, SHOW_DATABASE)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [{"connect_timeout": 10}, 60]


def test_the_connection_pool_is_set_from_the_environment(tmp_path):
    env = {"CASEAUDIT_DATA_DIR": str(tmp_path), "CASEAUDIT_DB_POOL_MAX_SIZE": "8", **POSTGRES}
    run = _run({**env, "CASEAUDIT_DB_CONNECT_TIMEOUT": "3"}, SHOW_DATABASE)
    assert run.returncode == 0, run.stderr
    pool = {"min_size": 1, "max_size": 8, "timeout": 10}
    assert json.loads(run.stdout) == [{"connect_timeout": 3, "pool": pool}, 0]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CASEAUDIT_DB_POOL_MAX_SIZE": "eight"}, "CASEAUDIT_DB_POOL_MAX_SIZE must be a whole number"),
        (
            {"CASEAUDIT_DB_POOL_MAX_SIZE": "2", "CASEAUDIT_DB_POOL_MIN_SIZE": "4"},
            "CASEAUDIT_DB_POOL_MIN_SIZE (4) is more than CASEAUDIT_DB_POOL_MAX_SIZE (2)",
        ),
        ({"CASEAUDIT_DB_CONNECT_TIMEOUT": "-1"}, "CASEAUDIT_DB_CONNECT_TIMEOUT must be a whole number"),
        (
            {"CASEAUDIT_PGBOUNCER": "1", "CASEAUDIT_DB_POOL_MAX_SIZE": "4"},
            "CASEAUDIT_PGBOUNCER and CASEAUDIT_DB_POOL_MAX_SIZE cannot both be set",
        ),
    ],
)
def test_a_pool_setting_that_cannot_work_stops_the_service(tmp_path, env, message):
    run = _run({"CASEAUDIT_DATA_DIR": str(tmp_path), **POSTGRES, **env}, SHOW_DATABASE)
    assert run.returncode != 0 and message in run.stderr


def test_behind_pgbouncer_no_server_side_cursor_outlives_a_transaction(tmp_path):
    code = (
        "import caseaudit.settings as s; d = s.DATABASES['default']; "
        "print(d.get('DISABLE_SERVER_SIDE_CURSORS', False))"
    )
    env = {"CASEAUDIT_DATA_DIR": str(tmp_path), **POSTGRES}
    assert _run(env, code).stdout.split() == ["False"]
    assert _run({**env, "CASEAUDIT_PGBOUNCER": "1"}, code).stdout.split() == ["True"]


def test_queries_go_through_the_pool_on_a_real_postgresql(tmp_path):
    """Against the PostgreSQL the test suite runs on (CI and this project's machines start one)."""
    code = (
        "import django; django.setup(); from django.db import connection; "
        "[connection.cursor().execute('SELECT 1') for _ in range(3)]; "
        "print(type(connection.pool).__name__, connection.pool.max_size)"
    )
    env = {"CASEAUDIT_DATA_DIR": str(tmp_path), "CASEAUDIT_DB_POOL_MAX_SIZE": "4", **POSTGRES}
    run = _run(env, code)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["ConnectionPool", "4"]
