"""A statutory return checked or imported as a job (the API's `POST /api/v1/imports/returns`): the files
wait in their folder under UPLOAD_DIR until the job has read them, and are deleted once it has."""

from __future__ import annotations

from datetime import date
from typing import Any

from django_tasks import task

from caseaudit.jobs.models import Job
from caseaudit.jobs.running import JobFailed, Progress, run_job
from caseaudit.readers.table import ImportRefused

from .actions import import_return
from .import_jobs import GONE, rows_read, starter
from .importing.check import check_case_register
from .importing.result import RowsRefused
from .importing.result_json import to_json
from .returns_views import WaitingReturn


@task()
def import_return_job(job_id: int) -> None:
    run_job(job_id, _work, changes=True)


def _work(job: Job, progress: Progress) -> dict[str, Any]:
    given = job.arguments
    waiting = WaitingReturn(token=given["token"], user_id=given["user_id"], year=given["year"])
    if not waiting.folder.is_dir():
        raise JobFailed(GONE)
    extracted_on = date.fromisoformat(given["extracted_on"]) if given.get("extracted_on") else None
    try:
        read = waiting.read()
        if given["check_only"]:
            result = check_case_register(
                waiting.folder, acting_user=starter(job), file_name=waiting.name, partial=True, raw=read.raw
            )
        else:
            result = import_return(
                read, acting_user=starter(job), file_name=waiting.name, extracted_on=extracted_on
            )
    except RowsRefused as refused:
        result = refused.result  # nothing was written: every bad row is in the result
    except ImportRefused as refused:
        raise JobFailed(str(refused)) from refused
    finally:
        waiting.discard()  # never leave a child's data behind on disk, whatever happened
    rows_read(progress, result.totals)
    return {"result": to_json(result), "written": result.written}
