"""The `caseaudit` command: every Django management command, with dashes or underscores
(`caseaudit import-cases` runs the `import_cases` command)."""

from __future__ import annotations

import getpass
import os
import signal
import sys

from caseaudit.accounts import origin


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
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container): the number says who
        return f"uid {os.getuid()}"


if __name__ == "__main__":
    main()
