"""The audit-history import's two jobs, run by the worker from the file the QA lead uploaded
(`history_import_views`): the check (a dry run, writing nothing) and the import itself, all or nothing.
Each keeps its result on the job for the pages to show; the upload is deleted once nothing more can be
done with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django_tasks import task

from caseaudit.accounts.models import User
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import JobFailed, Progress, run_job
from caseaudit.readers.table import ImportRefused

from .actions.history import import_audit_history
from .history_import.check import check_audit_history
from .history_import.result import AuditHistoryResult, RowsRefused
from .history_import.result_json import to_json

GONE = (
    "The uploaded file is no longer here (it is deleted after a day). Nothing was changed: upload it again."
)


def upload_path(arguments: dict[str, Any]) -> Path:
    """The upload a job works from: a random token and the file's suffix, only ever inside UPLOAD_DIR."""
    name = f"{arguments['token']}{arguments['suffix']}"
    if Path(name).name != name:
        raise JobFailed(GONE)
    return Path(settings.UPLOAD_DIR) / name


@task()
def check_history(job_id: int) -> None:
    run_job(job_id, _check, changes=False)


@task()
def import_history(job_id: int) -> None:
    # One transaction: a refusal, a failure or a worker lost half-way leaves the audits as they were.
    run_job(job_id, _import, changes=True)


def _check(job: Job, progress: Progress) -> dict[str, Any]:
    path = _upload(job)
    try:
        result = check_audit_history(path, acting_user=_starter(job), file_name=job.arguments["file_name"])
    except ImportRefused as refused:
        path.unlink(missing_ok=True)
        raise JobFailed(str(refused)) from refused
    except Exception:
        path.unlink(missing_ok=True)  # never leave a child's data behind on disk, whatever went wrong
        raise
    importable = not result.error_count
    if not importable:
        path.unlink(missing_ok=True)  # nothing can be done with it but upload it again, corrected
    _rows_read(progress, result)
    return {"result": to_json(result), "importable": importable}


def _import(job: Job, progress: Progress) -> dict[str, Any]:
    path = _upload(job)
    try:
        result = import_audit_history(path, acting_user=_starter(job), file_name=job.arguments["file_name"])
    except RowsRefused as refused:
        # The database changed since the check (a cycle or an account removed): the rows now refused are
        # listed, and nothing was written.
        path.unlink(missing_ok=True)
        raise JobFailed(
            f"{refused.result.error_count:,} rows can no longer be imported: nothing was imported.",
            {"result": to_json(refused.result), "importable": False},
        ) from refused
    except ImportRefused as refused:
        path.unlink(missing_ok=True)
        raise JobFailed(str(refused)) from refused
    except Exception:
        # The job fails for good (its confirmation is spent): the file goes, as after any other end.
        path.unlink(missing_ok=True)
        raise
    path.unlink(missing_ok=True)
    _rows_read(progress, result)
    return {"result": to_json(result), "importable": False}


def _upload(job: Job) -> Path:
    path = upload_path(job.arguments)
    if not path.is_file():
        raise JobFailed(GONE)
    return path


def _starter(job: Job) -> User:
    if job.started_by is None:
        raise JobFailed("Nobody is named as having started this import.")
    return job.started_by


def _rows_read(progress: Progress, result: AuditHistoryResult) -> None:
    totals = result.totals
    rows = totals.created + totals.updated + totals.unchanged + totals.rejected
    progress.total(rows)
    progress.reached(rows)
