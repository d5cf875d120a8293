"""The audit-history import's two jobs, run by the worker from the file the QA lead uploaded
(`history_import_views`): the check (a dry run, writing nothing) and the import itself, all or nothing.
Each keeps its result on the job for the pages to show; the upload is deleted once nothing more can be
done with it."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from caseaudit.cases.import_jobs import rows_read, starter, uploaded_file
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import JobFailed, Progress, run_job
from caseaudit.readers.table import ImportRefused

from .actions.history import import_audit_history
from .history_import.check import check_audit_history
from .history_import.result import RowsRefused
from .history_import.result_json import to_json


@task()
def check_history(job_id: int) -> None:
    run_job(job_id, _check, changes=False)


@task()
def import_history(job_id: int) -> None:
    # One transaction: a refusal, a failure or a worker lost half-way leaves the audits as they were.
    run_job(job_id, _import, changes=True)


def _check(job: Job, progress: Progress) -> dict[str, Any]:
    path = uploaded_file(job)
    try:
        result = check_audit_history(path, acting_user=starter(job), file_name=job.arguments["file_name"])
    except ImportRefused as refused:
        path.unlink(missing_ok=True)
        raise JobFailed(str(refused)) from refused
    except Exception:
        path.unlink(missing_ok=True)  # never leave a child's data behind on disk, whatever went wrong
        raise
    importable = not result.error_count
    if not importable:
        path.unlink(missing_ok=True)  # nothing can be done with it but upload it again, corrected
    rows_read(progress, result.totals)
    return {"result": to_json(result), "importable": importable}


def _import(job: Job, progress: Progress) -> dict[str, Any]:
    path = uploaded_file(job)
    try:
        result = import_audit_history(path, acting_user=starter(job), file_name=job.arguments["file_name"])
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
    rows_read(progress, result.totals)
    return {"result": to_json(result), "importable": False}
