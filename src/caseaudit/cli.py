"""The `caseaudit` command: every Django management command, with dashes or underscores
(`caseaudit import-cases` runs the `import_cases` command).

Its exit status is the contract scripts rely on: 0 when the work is done, 1 with a one-line reason when
the user's data, files or accounts stop it, 2 when the command line itself is wrong (an unknown command
or option, a missing argument)."""

from __future__ import annotations

import getpass
import os
import signal
import sys

from django.core.management import ManagementUtility
from django.db import DatabaseError

from caseaudit.accounts import origin

USER_ERROR = 1
BAD_USAGE = 2


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    # Everything caseaudit writes (the SQLite database and its journal, uploads, exports, backups) holds
    # children's data: readable by the service's own user only, whoever runs the command.
    os.umask(0o077)
    # `caseaudit export-cases | head` should stop quietly, as other command-line tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseaudit.settings")
    # The access log names who ran a command: the operating-system account, beside any `--as` person.
    origin.command_run_by(_os_user())
    run(argv)


def run(argv: list[str]) -> None:
    """Run one command. The failures a command does not turn into its own reason (a file that is not
    there, a database not yet set up) still end in one line, not a traceback, unless --traceback asks."""
    argv = list(argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    try:
        _Utility(argv).execute()
    except OSError as error:
        if "--traceback" in argv or error.filename is None:
            raise
        _fail(argv, f"{error.filename}: {error.strerror or error}.")
    except DatabaseError as error:
        if "--traceback" in argv or not _not_set_up(error):
            raise
        _fail(argv, "the database is not set up (or not up to date): run `caseaudit migrate` first.")


class _Utility(ManagementUtility):
    def fetch_command(self, subcommand: str):
        try:
            return super().fetch_command(subcommand)
        except SystemExit:  # Django has said "Unknown command": a usage error, not a failed run
            raise SystemExit(BAD_USAGE) from None


def _not_set_up(error: Exception) -> bool:
    text = str(error)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def _fail(argv: list[str], reason: str) -> None:
    name = argv[1].replace("_", "-") if len(argv) > 1 else ""
    sys.stderr.write(f"caseaudit {name}: {reason}\n")
    raise SystemExit(USER_ERROR)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container): the number says who
        return f"uid {os.getuid()}"


if __name__ == "__main__":
    main()
