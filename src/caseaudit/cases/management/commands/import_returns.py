"""`caseaudit import-returns --ssda903 FOLDER_OR_FILES`: the register from the statutory returns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.cases.actions import import_return
from caseaudit.cases.importing.check import check_case_register
from caseaudit.cases.importing.cin_census import read_cin_census
from caseaudit.cases.importing.result import RowsRefused
from caseaudit.cases.importing.ssda903 import CollectionYear, read_ssda903
from caseaudit.readers.command_output import fail_if_invalid, progress_bars
from caseaudit.readers.table import ImportRefused

from .import_cases import Command as ImportCases
from .import_cases import add_extracted_on_argument


class Command(ImportCases):
    help = (
        "Import from the statutory returns: the SSDA903 return's CSV tables (Header, Episodes, Reviews, "
        "UASC, OC2, OC3, Missing, PrevPerm, PlacedAdoption), given as files or a folder, or the Children "
        "in Need census (XML). All or nothing. It adds and updates cases and the columns the return holds; "
        "a child in both returns is one case. The census's header gives the day it was extracted; give "
        "--extracted-on for the SSDA903 return."
        " Example: caseaudit import-returns --ssda903 returns/2026/ --year 2026 --extracted-on 2026-04-10"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--ssda903", nargs="+", type=Path, metavar="FOLDER_OR_FILE",
            help="the SSDA903 return's CSV tables, or the folder that holds them",
        )  # fmt: skip
        source.add_argument("--cin", type=Path, metavar="FILE.xml", help="the Children in Need census (XML)")
        parser.add_argument(
            "--year", type=int,
            help="the collection year, by the year it ends (2026 for 2025-26): later dates are refused",
        )  # fmt: skip
        parser.add_argument(
            "--dry-run", action="store_true", help="check the files and say what would change"
        )
        add_extracted_on_argument(parser)
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["ssda903"] or [options["cin"]]
        actor = actor_from(options)
        year = CollectionYear(options["year"]) if options["year"] else None
        if options["cin"]:
            name = f"Children in Need census ({paths[0].name})"
        else:
            name = f"SSDA903 return ({', '.join(p.name for p in paths)})"
        try:
            with refusals_as_errors():
                if options["cin"]:
                    read = read_cin_census(paths[0], year=year)
                else:
                    read = read_ssda903(paths, year=year)
                # A return names only its own children: it adds and updates, and closes nothing it omits.
                if options["dry_run"]:
                    result = check_case_register(
                        paths[0], acting_user=actor, file_name=name, partial=True, raw=read.raw
                    )
                else:
                    result = import_return(
                        read, acting_user=actor, file_name=name, extracted_on=options["extracted_on"],
                        progress=progress_bars(),
                    )  # fmt: skip
        except RowsRefused as refused:
            result = refused.result
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        self._report(result)
        fail_if_invalid(result.error_count, result.file_name, skip_invalid=False)
