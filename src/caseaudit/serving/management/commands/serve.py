"""`caseaudit serve`: the web app, with gunicorn, as it should run in production."""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections

from caseaudit.serving.gunicorn_options import (
    DEFAULT_BIND,
    DEFAULT_TIMEOUT,
    MAX_WORKERS,
    MIN_WORKERS,
    available_cpus,
    gunicorn_options,
)
from caseaudit.serving.health import migrations
from caseaudit.serving.server import Server


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


class Command(BaseCommand):
    help = (
        "Run the web app with gunicorn. Stop it with Ctrl+C or SIGTERM (requests running are finished)."
        " Example: caseaudit serve --bind 0.0.0.0:8000 --workers 4"
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--bind",
            default=DEFAULT_BIND,
            metavar="ADDR",
            help=f"HOST:PORT or unix:PATH to listen on (default {DEFAULT_BIND})",
        )
        parser.add_argument(
            "--workers",
            type=_positive,
            metavar="N",
            help=f"worker processes (default 2 a CPU, plus one, between {MIN_WORKERS} and {MAX_WORKERS})",
        )
        parser.add_argument(
            "--timeout",
            type=_positive,
            default=DEFAULT_TIMEOUT,
            metavar="SECONDS",
            help=f"a worker silent this long is restarted; also the time requests get to finish on stop "
            f"(default {DEFAULT_TIMEOUT})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        gunicorn = gunicorn_options(
            bind=options["bind"],
            workers=options["workers"],
            timeout=options["timeout"],
            behind_proxy=getattr(settings, "CASEAUDIT_BEHIND_PROXY", False),
            cpus=available_cpus(),
        )
        pending = migrations()
        if not pending.ok:
            # It still starts (so /healthz can say so), but the pages will fail until `caseaudit migrate`.
            self.stderr.write(f"The database's migrations: {pending.says}. Run `caseaudit migrate`.")
        connections.close_all()
        Server(gunicorn).run()
