"""`caseaudit serve` really serves: gunicorn in a process of its own, on a migrated database, with a request
log that keeps neither query strings nor the secrets of links, stopping cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

TOKEN = "s3cretF33dbackT0ken"
QUERY = "s3cretQuery"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> dict[str, str]:
    """A migrated SQLite database of the module's own: the server runs outside the test's transaction."""
    folder = tmp_path_factory.mktemp("serve")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "CASEAUDIT_TESTING": "1",
        "CASEAUDIT_DATA_DIR": str(folder / "data"),
    }
    subprocess.run(
        [sys.executable, "-m", "caseaudit", "migrate", "--no-input"], env=env, check=True, capture_output=True
    )
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own server)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_until_it_answers(url: str, server: subprocess.Popen[str]) -> None:
    # A bound on the wait, not on the speed: a busy machine may take a while to load Django.
    for _ in range(600):
        if server.poll() is not None:
            raise AssertionError(f"caseaudit serve stopped:\n{server.communicate()[1]}")
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("caseaudit serve never answered")


def test_serve_answers_and_logs_no_secret(migrated):
    address = f"127.0.0.1:{_free_port()}"
    base = f"http://{address}"
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
        [sys.executable, "-m", "caseaudit", "serve", "--bind", address, "--workers", "1"],
        env=migrated,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_it_answers(f"{base}/healthz", server)
        status, body = _get(f"{base}/healthz?probe={QUERY}")
        assert status == 200
        assert json.loads(body)["status"] == "ok"
        status, body = _get(f"{base}/sign-in/?next=/feedback/{TOKEN}/")
        assert status == 200
        assert b"Sign in" in body
        status, _ = _get(f"{base}/feedback/{TOKEN}/?from={QUERY}")
        assert status == 404  # no such link
    finally:
        server.send_signal(signal.SIGTERM)
        _, log = server.communicate(timeout=120)
    assert server.returncode == 0, log
    assert '"GET /healthz" 200' in log
    assert '"GET /sign-in/" 200' in log
    assert '"GET /feedback/[token]/" 404' in log
    assert TOKEN not in log
    assert QUERY not in log
    assert "?" not in log
    assert "Shutting down" in log
