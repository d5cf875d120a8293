"""`caseaudit report benchmark --output FILE`: this authority's grade and compliance tables as counts, for
other authorities to compare with (`caseaudit report compare`)."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from caseaudit.readers.data_output import write_output_file
from caseaudit.reports.benchmark import authority_benchmark

HELP = (
    "Write this authority's table of grades (case file audits by year, moderated) and compliance counts "
    "as a JSON file of counts only, small counts suppressed, for regional benchmarking. Example: caseaudit "
    "report benchmark --output anytown-2026.json"
)


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--output", "-o", metavar="FILE", required=True, help="the JSON file to write")


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    document = authority_benchmark(timezone.localdate())
    write_output_file(options["output"], lambda stream: stream.write(json.dumps(document, indent=2) + "\n"))
    rows = len(document["grades"]["rows"]) + len(document["compliance"]["rows"])
    print(f"Wrote {rows} rows of counts for {document['authority']} to {options['output']}.", file=sys.stderr)
