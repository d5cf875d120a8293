"""What a command prints as data, in the format asked for: `text` for a person (the command's own
layout), `csv` for a spreadsheet, `json` for a script. Every listing command offers the three."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

from django.core.management.base import CommandParser, OutputWrapper

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
