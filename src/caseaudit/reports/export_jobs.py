"""The analysts' export of more audits than CASEAUDIT_EXPORT_JOB_ROWS, written by a worker as a job
(`views.audit_export` starts it): its page shows the rows written and the time left, then a link to the
file for the person who started it only (`caseaudit.jobs.views`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from caseaudit.accounts.models import User
from caseaudit.cycles.models import Cycle
from caseaudit.jobs.files import export_path, exported, keep_file
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import JobFailed, Progress, run_job, start_job
from caseaudit.read_replica import reports_reads

from .audit_export import ExportFilter, ExportRefused, export_audit_data, exported_audits

KIND = "audit-export"


def is_large(export_filter: ExportFilter) -> bool:
    """Too many audits to write while the browser waits."""
    return exported_audits(export_filter).count() > settings.CASEAUDIT_EXPORT_JOB_ROWS


def start_audit_export(
    user: User, *, file_format: str, identifiable: bool, export_filter: ExportFilter
) -> Job:
    kind = "identifiable" if identifiable else "pseudonymised"
    return start_job(
        export_audits,
        kind=KIND,
        title=f"Export of audit data ({kind}, {file_format.upper()}): {export_filter.describe()}",
        started_by=user,
        arguments={
            "file_format": file_format,
            "identifiable": identifiable,
            "cycle": export_filter.cycle.pk if export_filter.cycle else None,
            "since": export_filter.since.isoformat() if export_filter.since else None,
        },
    )


@task()
def export_audits(job_id: int) -> None:
    run_job(job_id, _export, changes=False)


def _export(job: Job, progress: Progress) -> dict[str, Any]:
    given = job.arguments
    if job.started_by is None:
        raise JobFailed("Nobody is named as having started this export.")
    export_filter = _filter(given)
    file_format, identifiable = given["file_format"], bool(given["identifiable"])
    path = export_path(job, file_format)
    # A long read of the audits: from the replica, when there is one, as the reports page reads.
    with reports_reads():
        progress.total(exported_audits(export_filter).count())
        try:
            count = export_audit_data(
                path,
                file_format=file_format,
                identifiable=identifiable,
                export_filter=export_filter,
                acting_user=job.started_by,
                rows_done=progress.advance,
            )
        except ExportRefused as refused:
            raise JobFailed(str(refused)) from refused
    kind = "identifiable" if identifiable else "pseudonymised"
    keep_file(job, path, f"audit-data-{kind}-{timezone.localdate():%Y-%m-%d}.{file_format}")
    progress.total(count)  # the audits written, if some were added while it ran
    progress.reached(count)
    return exported(count, "audit-data", f"{count} audits, {file_format}, {kind}, {export_filter.describe()}")


def _filter(given: dict[str, Any]) -> ExportFilter:
    cycle = None
    if given.get("cycle") is not None:
        cycle = Cycle.objects.filter(pk=given["cycle"]).first()
        if cycle is None:
            raise JobFailed("The audit cycle chosen no longer exists. Nothing was exported.")
    since = date.fromisoformat(given["since"]) if given.get("since") else None
    return ExportFilter(cycle=cycle, since=since)
