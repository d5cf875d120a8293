"""Every command that reads children's records out of the service records it in the access log, naming the
person it acted for (`--as USERNAME`), or no one for the command line itself.

Every command of the service is listed here: either in READS, with arguments that make it read, or in
NO_READ, with the reason it reads no child's records. A new command fails the first test until it is
placed; each command in READS is run twice, as the system and as the QA lead."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.utils import timezone

from caseaudit.accounts.models import AccessLog
from caseaudit.audits.models import AuditStatus
from caseaudit.reports.cli import SUBCOMMANDS

from .cycles.builders import allocate_to, make_cycle

# Command (with its subcommand) -> (arguments that make it read, the object type its entry records). A
# `{tmp}` in an argument is a folder of the test's own.
READS = {
    "export_cases": (["--output", "{tmp}/register.csv"], "case-register"),
    "data_quality": (["--format", "csv"], "data-quality"),
    "export_cycle": (["Autumn 2026", "--output", "{tmp}/cycle.csv"], "cycle"),
    "plan_cycle": (["--season", "spring", "--year", "2027", "--dry-run"], "cycle"),
    "compliance": (["--format", "csv", "--output", "{tmp}/compliance.csv"], "compliance"),
    "report export": (["--identifiable", "--output", "{tmp}/audits.csv"], "audit-data"),
    "report paper": (["--cycle", "Autumn 2026", "--format", "html", "--output", "{tmp}/paper.html"], "cycle"),
    "subject_access": (["N000001", "--output", "{tmp}/child.zip"], "case"),
    # Lists the closed cases due for disposal, and those it cannot date, by Child Unique ID.
    "retention": (["--dry-run"], "retention"),
}

NO_READ = {
    # The whole database, for IT: recorded as the system only, tested in tests/records/test_backup_restore.py.
    "backup": "recorded, by the system only",
    # Changes: recorded in the change history, not the access log.
    "import_cases": "a change (the register import)",
    "import_returns": "a change (the register from a statutory return)",
    "import_audits": "a change (past audits)",
    "restore": "a change (the whole database)",
    "allocate_cycle": "a change; prints counts per auditor, never a case",
    "close_cycle": "a change",
    "cycle": "a change to one cycle (swap, confirm, discard, reopen, reallocate, withdraw)",
    "record_cycle": "a change (a past cycle's sampling)",
    "send_action_reminders": "a change: each reminder is in the change history",
    "send_email": "hands queued emails to the mail server",
    "clean_uploads": "deletes abandoned upload files unread",
    "demo_data": "makes a synthetic authority",
    "demo_returns": "writes synthetic returns from the demo's synthetic children, for trying the import",
    "tokens": "makes, revokes and lists API tokens: a change each, and no child's data",
    "cli_reference": "prints the commands' own help",
    "serve": "runs the web app, whose pages record their own reads",
    "worker": "runs the background jobs, each recording its own reads as its page or command would",
    "enqueue": "queues one of the service's own jobs (email, reminders, retention): changes, not reads",
    "verify_access_log": "checks the logs' chains: prints counts and entry ids, never a record",
    "flush_access_log": "adds the entries waiting in the spool to the logs",
    # Read as a person only (never as the system), so it cannot be run both ways here.
    "actions": "the tracker as the --as person: its list is recorded as the page's (tests/improvement)",
    "moderate": "the queue as the --as moderator: recorded as the page's (tests/audits)",
    "case": "one case as the --as person: recorded as the case page's (tests/compliance)",
    "audits": "the audits the --as person may read: recorded as the API's list (tests/audits)",
    "draft": "the --as auditor's draft: its reading recorded as the form's (tests/audits)",
    "concerns": "concerns as the --as person: the list recorded as the page's (tests/improvement)",
    "feedback": "feedback written, acknowledged or a families' link made: changes, in the history",
    "follow_ups": "follow-up audits as the --as person: the list recorded as the page's (tests/improvement)",
    "logs": "the logs as the --as QA lead or administrator: recorded as the pages' downloads (tests/records)",
    # No child's records at all.
    "cycles": "each cycle's counts",
    "report grades": "the table of grades: counts per period and cohort",
    "report benchmark": "counts only, small ones suppressed",
    "report themes": "counts of findings by theme and year: no finding's words",
    "report compare": "counts only: other authorities' files beside ours",
    "auditors": "staff and their capacity",
    "users": "staff accounts",
    "templates": "audit tools",
    "themes": "themes of findings",
    "reset_mfa": "a person's authenticator",
    "unlock": "a person's sign-in",
}


def _service_commands() -> set[str]:
    names = {name for name, app in get_commands().items() if app.startswith("caseaudit")}
    names.discard("report")
    return names | {f"report {sub}" for sub in SUBCOMMANDS}


def test_every_command_says_whether_it_reads_childrens_records():
    assert set(READS) | set(NO_READ) == _service_commands()
    assert not set(READS) & set(NO_READ)


@pytest.fixture
def service(personas):
    """The personas' two cases, and a confirmed cycle of the own case allocated to the auditor, who has
    submitted it (a cycle with no audit completed has no paper to read)."""
    cycle = make_cycle([personas.own_case])
    allocate_to(cycle, personas.auditor)
    cycle.audits.update(
        status=AuditStatus.SUBMITTED,
        auditor_grade="good",
        completed_on=cycle.starts_on,
        submitted_at=timezone.now(),
    )
    return personas


def _run(command: str, arguments: list[str], folder: Path, *acting_as: str) -> None:
    name, *sub = command.split()
    filled = [argument.replace("{tmp}", str(folder)) for argument in arguments]
    call_command(name, *sub, *filled, *acting_as, stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize("command", sorted(READS))
def test_a_command_that_reads_records_the_system_or_the_person_it_acts_for(command, service, tmp_path):
    arguments, object_type = READS[command]
    system, person = tmp_path / "system", tmp_path / "person"
    system.mkdir()
    person.mkdir()
    _run(command, arguments, system)
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.object_type) == (None, "export", object_type)

    _run(command, arguments, person, "--as", service.qa_lead.username)
    entry = AccessLog.objects.exclude(pk=entry.pk).get()
    assert (entry.user, entry.action, entry.object_type) == (service.qa_lead, "export", object_type)
