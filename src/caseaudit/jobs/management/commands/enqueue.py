"""`caseaudit enqueue NAME`: queue one of the service's own jobs for the worker, from cron or a systemd
timer (django-tasks has no scheduler of its own)."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand

from caseaudit.jobs.scheduled import enqueue_scheduled, scheduled_jobs


class Command(BaseCommand):
    help = (
        "Queue one of the service's own jobs for `caseaudit worker`, and return at once. Nothing is queued "
        "while the same job is still waiting or running."
        " Example: caseaudit enqueue reminders"
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        jobs = scheduled_jobs()
        parser.add_argument(
            "name",
            choices=list(jobs),
            help="; ".join(f"{name}: {job.summary}" for name, job in jobs.items()),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        job, new = enqueue_scheduled(options["name"])
        if new:
            self.stdout.write(f"Queued job {job.pk}: {job.title}.")
        else:
            self.stdout.write(f"Job {job.pk} ({job.title}) is already {job.get_status_display().lower()}.")
