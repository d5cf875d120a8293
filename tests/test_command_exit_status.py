"""The exit status of every caseaudit command, which scripts and schedulers rely on: 2 when the command line
is wrong, 1 with a one-line reason (never a traceback) when the user's data, files or accounts stop it, and
0 when the work is done. A new command needs a user error here, or a reason it has none."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from caseaudit import cli
from caseaudit.serving.cli_reference import caseaudit_commands

pytestmark = pytest.mark.django_db

MISSING = "/no/such/folder"

# One way each command is stopped by what the user gave it, not by how they typed the command.
USER_ERRORS: dict[str, list[str]] = {
    "actions": ["list"],  # the tracker is a person's: without --as, it says to name them
    "allocate_cycle": ["No such cycle"],
    "logs": ["access", "--from", "the first of May"],
    "moderate": ["agree", "41"],  # moderation is a moderator's: without --as, it says to name them
    "auditors": ["--capacity", "nobody", "3"],
    "audits": ["--cycle", "No such cycle"],
    "backup": [f"{MISSING}/caseaudit.backup"],
    "case": ["N000001"],  # a case is read by a person: without --as, it says to name them
    "clean_uploads": ["--older-than", "-5"],
    "close_cycle": ["No such cycle"],
    "compliance": ["--as-of", "the first of May"],
    "concerns": ["list"],  # a concern is a person's to raise or answer: without --as, it says so
    "cycle": ["confirm", "No such cycle"],
    "data_quality": ["--as", "nobody"],
    "demo_data": ["--from-returns", MISSING],
    "demo_returns": ["{file}"],
    "draft": ["show", "41"],  # a draft is its auditor's: without --as, it says to name them
    "export_cases": ["--output", f"{MISSING}/cases.csv"],
    "export_cycle": ["No such cycle"],
    "feedback": ["acknowledge", "41"],  # feedback is a person's: without --as, it says to name them
    "follow_ups": ["list"],  # follow-ups are a person's: without --as, it says to name them
    "import_audits": [f"{MISSING}/audits.csv"],
    "import_cases": [f"{MISSING}/register.csv"],
    "import_returns": ["--ssda903", MISSING],
    "plan_cycle": ["--season", "autumn", "--year", "2026", "--focus", "teenagers", "--dry-run"],
    "record_cycle": ["Autumn 2019", "--season", "autumn", "--year", "2019", "--fraction", "7"],
    "report": ["grades", "--cohort", "teenagers"],
    "reset_mfa": ["nobody"],
    "restore": [f"{MISSING}/caseaudit.backup"],
    "retention": [],  # the shipped schedule is not yet confirmed by the authority
    "send_action_reminders": ["--as-of", "the first of May"],
    "subject_access": ["NO-SUCH-CHILD", "--output", "{tmp}/child.zip"],
    "templates": ["load", f"{MISSING}/template.json"],
    "themes": ["--retire", "no-such-theme"],
    "tokens": ["revoke", "99999"],
    "users": ["deactivate", "nobody"],
    "worker": ["--queues", "no-such-queue"],
}

# Commands that nothing the user gives can stop, beyond a mistyped command line.
NO_USER_ERROR = {
    "cli_reference": "it prints or writes the README's reference from the commands' own help",
    "cycles": "it lists the cycles, or says there are none",
    "enqueue": "its one argument is a choice, so a wrong one is bad usage",
    "flush_access_log": "it writes the access log out, or says there was nothing to write",
    "send_email": "it exits 1 while the mail server refuses: a finding about the server",
    "serve": "a web server that cannot start says so in its own log (tests/serving)",
    "unlock": "lockouts are kept by the name typed, so an unknown name is not an error: it says so",
    "verify_access_log": "it exits 1 when the log has been altered: a finding, tested with the log",
}


@pytest.fixture(autouse=True)
def set_up_once(monkeypatch):
    """The command line sets Django up as it starts; here it is set up already. Setting it up again would
    point the logging handlers at this test's captured stderr, closed once the test ends."""
    import django

    monkeypatch.setattr(django, "setup", lambda *args, **kwargs: None)


def run(argv: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        cli.run(["caseaudit", *argv])
        raise SystemExit(0)
    return exited.value.code or 0, capsys.readouterr().err


def test_every_command_is_accounted_for():
    commands = set(caseaudit_commands())
    assert commands == set(USER_ERRORS) | set(NO_USER_ERROR), (
        "each command needs a user error in USER_ERRORS or a reason in NO_USER_ERROR"
    )


@pytest.mark.parametrize("name", sorted(caseaudit_commands()))
def test_an_unknown_option_is_bad_usage(name, capsys):
    status, err = run([name.replace("_", "-"), "--no-such-option"], capsys)
    assert status == cli.BAD_USAGE
    assert err.startswith("usage: caseaudit ")
    assert f"caseaudit {name}" in err and ": error: " in err  # what is wrong, after how to say it


@pytest.mark.parametrize("name", sorted(USER_ERRORS))
def test_a_user_error_exits_1_with_its_reason_in_a_line(name, capsys, tmp_path, settings):
    settings.CASEAUDIT_DATA_DIR = tmp_path
    blocking_file = tmp_path / "a-file"
    blocking_file.write_text("not a folder")
    argv = [a.format(tmp=tmp_path, file=blocking_file) for a in USER_ERRORS[name]]
    status, err = run([name.replace("_", "-"), *argv], capsys)
    assert status == cli.USER_ERROR, err
    assert "Traceback" not in err
    first = err.splitlines()[0]
    assert first.startswith(("CommandError: ", f"caseaudit {name.replace('_', '-')}: ")), err
    assert len(first) > len("CommandError: ") + 10


@pytest.mark.parametrize(
    "argv",
    [
        ["demo-data", "--today", "soon"],
        ["import-cases", "register.csv", "--extracted-on", "soon"],
        ["worker", "--max-tasks", "-1"],
        ["serve", "--workers", "0"],
    ],
)
def test_an_option_s_value_of_the_wrong_kind_is_bad_usage_not_a_traceback(argv, capsys):
    status, err = run(argv, capsys)
    assert status == cli.BAD_USAGE
    assert "Traceback" not in err and err.startswith("usage: caseaudit ")


def test_an_unknown_command_is_bad_usage(capsys):
    status, err = run(["import-casez"], capsys)
    assert status == cli.BAD_USAGE
    assert "Unknown command: 'import_casez'" in err


def test_a_database_not_yet_set_up_is_one_line_not_a_traceback(tmp_path):
    """A new install that skipped `caseaudit migrate` is told to run it."""
    environment = {
        "PATH": "/usr/bin:/bin",
        "CASEAUDIT_DEMO": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "CASEAUDIT_DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "caseaudit", "cycles"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        check=False,
    )
    assert done.returncode == cli.USER_ERROR
    assert done.stderr == (
        "caseaudit cycles: the database is not set up (or not up to date): run `caseaudit migrate` first.\n"
    )
