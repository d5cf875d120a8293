"""The register import's two jobs: the check (a dry run, writing nothing) and the import itself, run by
the worker from the file the QA lead uploaded (`import_views`). Each keeps its result on the job, for the
import pages to show; the upload is deleted once nothing more can be done with it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django_tasks import task

from caseaudit.accounts.models import User
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import JobFailed, Progress, run_job
from caseaudit.readers.table import ImportRefused

from . import actions
from .importing.check import check_case_register
from .importing.result import RowsRefused
from .importing.result_json import to_json

GONE = (
    "The uploaded file is no longer here (it is deleted after a day). Nothing was changed: upload it again."
)


def uploaded_file(job: Job) -> Path:
    """The upload an import job works from (the register's, or the audit history's): a random token and the
    file's suffix, only ever inside UPLOAD_DIR; JobFailed when it is no longer there."""
    name = f"{job.arguments['token']}{job.arguments['suffix']}"
    path = Path(settings.UPLOAD_DIR) / name
    if Path(name).name != name or not path.is_file():
        raise JobFailed(GONE)
    return path


def starter(job: Job) -> User:
    """Who started an import job: the import is theirs, as if they had run it on the page."""
    if job.started_by is None:
        raise JobFailed("Nobody is named as having started this import.")
    return job.started_by


class _Totals(Protocol):
    created: int
    updated: int
    unchanged: int
    rejected: int


def rows_read(progress: Progress, totals: _Totals) -> None:
    """An import's rows, all read: the job page's progress at its end."""
    rows = totals.created + totals.updated + totals.unchanged + totals.rejected
    progress.total(rows)
    progress.reached(rows)


@task()
def check_register(job_id: int) -> None:
    run_job(job_id, _check, changes=False)


@task()
def import_register(job_id: int) -> None:
    run_job(job_id, _import, changes=True)


def _check(job: Job, progress: Progress) -> dict[str, Any]:
    given = job.arguments
    path = uploaded_file(job)
    try:
        result = check_case_register(
            path, acting_user=starter(job), file_name=given["file_name"], partial=given["partial"]
        )
    except ImportRefused as refused:
        path.unlink(missing_ok=True)
        raise JobFailed(str(refused)) from refused
    except Exception:
        path.unlink(missing_ok=True)  # never leave a child's data behind on disk, whatever went wrong
        raise
    importable = result.ok or given["skip_invalid"]
    if not importable:
        path.unlink(missing_ok=True)
    rows_read(progress, result.totals)
    return {"result": to_json(result), "importable": importable}


class _ClosesMoreThanAgreed(Exception):
    pass


def _import(job: Job, progress: Progress) -> dict[str, Any]:
    """The import, once the QA lead has ticked that the cases listed will close: that tick is the say-so
    the action asks for, as long as the import closes no more than the check listed."""
    given = job.arguments
    path = uploaded_file(job)

    def counting(description: str, total: int) -> Callable[[int], None]:
        progress.total(total)
        return progress.advance

    try:
        with transaction.atomic():
            result = actions.import_case_register(
                path,
                acting_user=starter(job),
                file_name=given["file_name"],
                skip_invalid=given["skip_invalid"],
                partial=given["partial"],
                allow_close=True,
                progress=counting,
            )
            if (
                result.totals.closed > given["closing"]
                or len(result.closing_in_live_samples) > given["closing_live"]
            ):
                raise _ClosesMoreThanAgreed
    except _ClosesMoreThanAgreed:
        # The register changed after the check (another import, say): what was written is rolled back.
        # The check again, for the page to ask again with the new figures; the upload stays for that.
        dry = check_case_register(
            path, acting_user=starter(job), file_name=given["file_name"], partial=given["partial"]
        )
        noun = "case" if dry.totals.closed == 1 else "cases"
        raise JobFailed(
            f"The register has changed since the check: this import would now close {dry.totals.closed} "
            f"open {noun}. Check the summary again",
            {"result": to_json(dry), "importable": True, "register_changed": True},
        ) from None
    except RowsRefused as refused:
        path.unlink(missing_ok=True)
        return {"result": to_json(refused.result), "importable": False}
    except ImportRefused as refused:
        path.unlink(missing_ok=True)
        raise JobFailed(str(refused)) from refused
    path.unlink(missing_ok=True)
    return {"result": to_json(result), "importable": False}
