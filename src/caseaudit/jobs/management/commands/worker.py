"""`caseaudit worker`: run the jobs waiting in the database's queue (django-tasks-db's worker), with a
watchman that keeps the running job's progress and heartbeat written and picks up the jobs of workers that
were lost. Stop it with Ctrl+C or SIGTERM: the job it is running is finished first (a second signal stops
that too, rolling it back and putting it back in the queue)."""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from caseaudit.jobs.recovery import forget_old_jobs, recover_lost_jobs
from caseaudit.jobs.worker_state import Watchman

QUEUES = "default,service"


def _seconds(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


class Command(BaseCommand):
    help = (
        "Run the background jobs (imports, large exports, email, reminders, retention) as they are queued. "
        "Ctrl+C or SIGTERM stops it once the job it is running is finished."
        " Example: caseaudit worker --queues default,service"
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--queues",
            default=QUEUES,
            metavar="NAMES",
            help=f"the queues to take jobs from, separated by commas (default {QUEUES}): 'default' holds "
            "the jobs people wait for, 'service' the service's own",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="run the jobs waiting now, then stop (for tests, or a worker started by a timer)",
        )
        parser.add_argument("--max-tasks", type=_count, metavar="N", help="stop after running N jobs")
        parser.add_argument(
            "--interval",
            type=_seconds,
            default=1.0,
            metavar="SECONDS",
            help="how long to wait before looking again when the queue is empty (default 1)",
        )
        parser.add_argument(
            "--heartbeat",
            type=_seconds,
            default=5.0,
            metavar="SECONDS",
            help="how often the running job's progress and heartbeat are written (default 5; 0: never, "
            "for a test run in the same process as its database's transaction)",
        )
        parser.add_argument(
            "--worker-id", metavar="ID", help="a name for this worker, unique among them (default random)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not isinstance(task_backends["default"], DatabaseBackend):
            raise CommandError(
                "caseaudit worker runs the jobs queued in the database, but CASEAUDIT_TASKS_BACKEND names "
                "another backend: run that backend's own worker (docs/operations.md)."
            )
        self._log_to_stdout(options["verbosity"])
        queues = [name.strip() for name in options["queues"].split(",") if name.strip()]
        known = task_backends["default"].queues
        unknown = [name for name in queues if name not in known]
        if unknown or not queues:
            # A worker on a queue nothing is sent to would wait for ever, and the jobs with it.
            named = ", ".join(map(repr, unknown)) or "none given"
            raise CommandError(f"Not a queue: {named}. Queues: {', '.join(sorted(known))}.")
        worker_id = options["worker_id"] or f"{socket.gethostname()[:30]}-{get_random_string(12)}"
        worker = Worker(
            queue_names=queues,
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id[:64],
            excluded_queue_names=[],
        )
        # The jobs a worker that stopped left behind, before anything else.
        for job in recover_lost_jobs():
            self.stdout.write(f"Job {job.pk} had lost its worker: {job.get_status_display().lower()}.")
        forget_old_jobs()
        # Lost workers are looked for every sixth beat: about every 30 seconds.
        watchman = Watchman(every=options["heartbeat"], sweep_every=6) if options["heartbeat"] else None
        if watchman:
            watchman.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            if watchman:
                watchman.stop()
            worker.reset_signals()
        sys.stdout.flush()

    def _log_to_stdout(self, verbosity: int) -> None:
        level = {0: logging.CRITICAL, 1: logging.INFO}.get(verbosity, logging.DEBUG)
        for name in ("django_tasks", "django_tasks_db", "caseaudit.jobs"):
            logger = logging.getLogger(name)
            logger.setLevel(level)
            if not logger.handlers:
                logger.addHandler(logging.StreamHandler(self.stdout))
                logger.propagate = False
