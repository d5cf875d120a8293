"""A cycle's progress export of more audits than CASEAUDIT_EXPORT_JOB_ROWS, written by a worker as a job
(`views.cycle_export` starts it): its page shows the rows written and the time left, then a link to the
file for the person who started it only (`caseaudit.jobs.views`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.jobs.files import export_path, exported, keep_file
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import JobFailed, Progress, run_job, start_job
from caseaudit.spreadsheets import write_private_file

from .export import export_cycle_csv, export_cycle_xlsx
from .models import Cycle

KIND = "cycle-export"
FORMAT_WORDS = {"csv": "list of audits (CSV)", "xlsx": "progress report (XLSX)"}


def is_large(cycle: Cycle) -> bool:
    """Too many audits to write while the browser waits."""
    return cycle.audits.count() > settings.CASEAUDIT_EXPORT_JOB_ROWS


def download_name(cycle: Cycle, fmt: str) -> str:
    return f"{slugify(cycle.name) or f'cycle-{cycle.pk}'}-progress-{timezone.localdate():%Y-%m-%d}.{fmt}"


def start_cycle_export(user: User, cycle: Cycle, fmt: str) -> Job:
    return start_job(
        export_cycle,
        kind=KIND,
        title=f"{cycle.name}: {FORMAT_WORDS[fmt]}",
        started_by=user,
        arguments={"cycle": cycle.pk, "format": fmt},
    )


@task()
def export_cycle(job_id: int) -> None:
    run_job(job_id, _export, changes=False)


def _export(job: Job, progress: Progress) -> dict[str, Any]:
    given = job.arguments
    if job.started_by is None:
        raise JobFailed("Nobody is named as having started this export.")
    policy.require(job.started_by, policy.PLAN_CYCLES)  # as on the cycle's page, when the job runs
    cycle = Cycle.objects.filter(pk=given["cycle"]).first()
    if cycle is None:
        raise JobFailed("The cycle no longer exists. Nothing was exported.")
    fmt, today = given["format"], timezone.localdate()
    progress.total(cycle.audits.count())

    def xlsx_to(name: str) -> int:
        export_cycle_xlsx(cycle, name, today=today, row_done=progress.advance)
        return progress.rows_done

    path = export_path(job, fmt)
    count = write_private_file(
        path,
        fmt,
        csv_to=lambda stream: export_cycle_csv(cycle, stream, today=today, row_done=progress.advance),
        xlsx_to=xlsx_to,
    )
    keep_file(job, path, download_name(cycle, fmt))
    progress.total(count)
    # As the export from the cycle's page is recorded (the cycle, and the format), with its row count.
    return exported(count, "cycle", f"{fmt}, {count} audits", cycle.pk)
