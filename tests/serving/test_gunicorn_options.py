"""`caseaudit serve`'s options become gunicorn's settings, and gunicorn accepts every one of them."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from gunicorn.config import Config

from caseaudit.serving.gunicorn_options import default_workers, gunicorn_options
from caseaudit.serving.management.commands import serve
from caseaudit.serving.server import Server


@pytest.mark.parametrize(("cpus", "workers"), [(1, 3), (2, 5), (3, 7), (4, 8), (64, 8)])
def test_workers_follow_the_cpus_within_bounds(cpus, workers):
    assert default_workers(cpus) == workers
    assert gunicorn_options(cpus=cpus)["workers"] == workers


def test_the_defaults_suit_production(tmp_path):
    options = gunicorn_options(cpus=2, environ={}, shared_memory=tmp_path)
    assert options["bind"] == ["127.0.0.1:8000"]
    assert options["timeout"] == 60
    assert options["graceful_timeout"] == 60
    assert options["max_requests"] > 0
    assert 0 < options["max_requests_jitter"] < options["max_requests"]
    assert options["worker_tmp_dir"] == str(tmp_path)
    assert options["logger_class"] == "caseaudit.serving.request_log.RequestLogger"
    assert options["forwarded_allow_ips"] == ""  # no proxy: nobody may say the request came over HTTPS


def test_the_options_given_win():
    options = gunicorn_options(bind="0.0.0.0:9000", workers=3, timeout=120, cpus=16)
    assert (options["bind"], options["workers"], options["timeout"]) == (["0.0.0.0:9000"], 3, 120)


def test_without_shared_memory_gunicorn_keeps_its_own_temporary_folder(tmp_path):
    assert "worker_tmp_dir" not in gunicorn_options(shared_memory=tmp_path / "absent")


def test_behind_a_proxy_its_forwarded_headers_are_trusted_from_the_proxy_alone():
    assert gunicorn_options(behind_proxy=True, environ={})["forwarded_allow_ips"] == "127.0.0.1,::1"
    elsewhere = {"FORWARDED_ALLOW_IPS": "10.0.0.0/24"}
    assert gunicorn_options(behind_proxy=True, environ=elsewhere)["forwarded_allow_ips"] == "10.0.0.0/24"


def test_gunicorn_accepts_every_setting():
    config = Config()
    for name, value in gunicorn_options(behind_proxy=True).items():
        config.set(name, value)  # an unknown name raises
    assert config.workers == gunicorn_options()["workers"]
    assert config.logger_class.__name__ == "RequestLogger"
    assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]


@pytest.fixture
def started(monkeypatch, db) -> list[dict[str, object]]:
    """The settings `caseaudit serve` would start gunicorn with, instead of starting it."""
    runs: list[dict[str, object]] = []
    monkeypatch.setattr(Server, "run", lambda server: runs.append(server.options))
    return runs


def test_the_command_passes_its_options_to_gunicorn(started, settings):
    call_command("serve", "--bind", "127.0.0.1:8123", "--workers", "1", "--timeout", "30")
    (options,) = started
    assert (options["bind"], options["workers"], options["timeout"]) == (["127.0.0.1:8123"], 1, 30)
    assert options["forwarded_allow_ips"] == ""


def test_the_command_trusts_a_proxy_when_the_settings_say_there_is_one(started, settings, monkeypatch):
    settings.CASEAUDIT_BEHIND_PROXY = True
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    call_command("serve")
    (options,) = started
    assert options["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert options["workers"] == default_workers(serve.available_cpus())


def test_the_command_refuses_no_workers(started):
    with pytest.raises(CommandError, match="workers"):
        call_command("serve", "--workers", "0")
    assert not started
