"""What a command prints as data, in the format asked for: `text` for a person (the command's own
layout), `csv` for a spreadsheet, `json` for a script. Every listing command offers the three."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

from django.core.management.base import CommandError, CommandParser, OutputWrapper

from caseaudit.private_files import FileRefused, private_file

T = TypeVar("T")

FORMATS = ("text", "csv", "json")


def add_format_argument(parser: CommandParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="text", help="text (default), csv or json")


def write_data(
    stream: OutputWrapper | IO[str], rows: Sequence[Mapping[str, Any]], chosen: str, text: Callable[[], None]
) -> None:
    """`rows` as CSV (a header of their keys) or JSON (a list of objects), or, for `text`, whatever
    `text` prints. Dates and times are written as ISO text."""
    if chosen == "json":
        stream.write(json.dumps(list(rows), indent=2, default=str) + "\n")
    elif chosen == "csv":
        if rows:
            writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    else:
        text()


def write_output_file(path: str | Path, write: Callable[[Any], T], *, binary: bool = False) -> T:
    """What `write` writes to the stream it is given, saved as `--output FILE`: readable by its owner only
    and moved into place when complete. A folder that is not there is the user's one-line error."""
    try:
        with private_file(Path(path)) as temporary:
            if binary:
                with open(temporary, "wb") as stream:
                    return write(stream)
            with open(temporary, "w", encoding="utf-8", newline="") as text:
                return write(text)
    except FileRefused as refused:
        raise CommandError(str(refused)) from None
