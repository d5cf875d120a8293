"""`caseaudit report compare FILE...`: other authorities' benchmark files beside this authority's."""

from __future__ import annotations

import csv
import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from pydantic import ValidationError

from caseaudit.core.benchmark import CAVEATS, BenchmarkFile, comparison
from caseaudit.reports.benchmark import authority_benchmark

HELP = (
    "Set other authorities' benchmark files (from `caseaudit report benchmark`) beside this authority's "
    "figures: the share of audits graded good or better by year and cohort, and the share of cases "
    "compliant by check, with the caveats. Example: caseaudit report compare northtown.json southtown.json"
)


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="other authorities' files")
    parser.add_argument(
        "--format", choices=("text", "csv", "json"), default="text",
        help="text (default); csv (a row per line of both tables, shares from 0 to 1) or json",
    )  # fmt: skip


def _read(path: Path) -> BenchmarkFile:
    try:
        return BenchmarkFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror}).") from None
    except json.JSONDecodeError as error:
        raise CommandError(f"{path}: not JSON (line {error.lineno}).") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise CommandError(f"{path}: not a caseaudit benchmark file ({where}: {first['msg']}).") from None


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    files = [BenchmarkFile.model_validate(authority_benchmark(timezone.localdate()))]
    files += [_read(path) for path in options["files"]]
    table = comparison(files)
    names = [document.authority for document in files]
    if options["format"] == "json":
        command.stdout.write(json.dumps({"authorities": names, **table, "caveats": list(CAVEATS)}, indent=2))
        return
    if options["format"] == "csv":
        writer = csv.writer(command.stdout, lineterminator="\n")
        writer.writerow(["table", "row", "cohort", *names])
        for name in ("grades", "compliance"):
            for row, cohort, shares in table[name]:
                writer.writerow([name, row, cohort, *("" if share is None else share for share in shares)])
        return
    write = command.stdout.write
    write("Audits graded good or better (moderated, case file audits), by year and cohort:")
    write(_table(["Year", "Cohort", *names], table["grades"]))
    write("")
    write("Open cases compliant with each timescale, by check and cohort:")
    write(_table(["Check", "Cohort", *names], table["compliance"]))
    write("")
    write("'-' is a figure not shown: a small count suppressed, or a row the authority does not have.")
    for caveat in CAVEATS:
        write(f"- {caveat}")


def _table(header: list[str], rows: list[tuple[str, str, list[float | None]]]) -> str:
    lines = [[*header]] + [[a, b, *("-" if v is None else f"{v:.0%}" for v in cells)] for a, b, cells in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in lines
    )
