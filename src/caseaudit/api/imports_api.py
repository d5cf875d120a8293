"""`/api/v1/imports/register` and `/api/v1/jobs`: the register's import as jobs, as on the import page.
Upload a file and its check starts (nothing is written); poll the job for the result, with every bad row;
then start the import from the check, agreeing to the closures it listed. The import writes nothing more
than the check said it would: if the register changed since, the job fails and says so."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.datastructures import MultiValueDict
from ninja import Field, File, Form, Router, Schema, Status
from ninja import Path as PathParam
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import ConfigDict

from caseaudit import policy
from caseaudit.cases import import_jobs, returns_jobs
from caseaudit.cases.forms import ImportUploadForm
from caseaudit.cases.import_views import CHECK, IMPORT, PendingImport
from caseaudit.cases.importing.result_json import closing_counts
from caseaudit.cases.returns_forms import ReturnUploadForm
from caseaudit.cases.returns_views import save_upload
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import start_job
from caseaudit.jobs.scoping import jobs_visible_to

from .cases_api import BIGGEST_ID
from .problems import ERRORS, Problem, refused_form

router = Router(tags=["imports"])


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    rows_done: int
    rows_total: int | None
    created_at: datetime
    finished_at: datetime | None
    # What the job kept: a check's or an import's result (its counts and every bad row).
    result: dict[str, Any] | None
    failure: str  # why it failed, in words: every bad cell of a return, say ("" unless it failed)


class ImportGoAhead(Schema):
    model_config = ConfigDict(extra="forbid")

    close_cases: bool = Field(False, description="agree that the open cases the check listed will close")


def _job(job: Job) -> dict[str, object]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job.title,
        "status": job.status,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "result": job.result if isinstance(job.result, dict) else None,
        "failure": job.failure,
    }


@router.post(
    "/imports/register", response={202: JobOut, **ERRORS}, summary="Upload the register: its check starts"
)
def upload_register(
    request: HttpRequest,
    file: File[UploadedFile],
    partial: Form[bool] = False,
    skip_invalid: Form[bool] = False,
) -> Status:
    """caseaudit's CSV or an Annex A workbook, checked as a job: poll `GET /jobs/{id}` for what the import
    would change and every bad row. Nothing is written until the import is started from the check."""
    user = policy.person(request.user, policy.IMPORT_REGISTER)
    # ninja's UploadedFile is Django's, named for its schema.
    files: MultiValueDict[str, Any] = MultiValueDict({"register_file": [file]})
    form = ImportUploadForm({"partial": partial, "skip_invalid": skip_invalid}, files)
    if not form.is_valid():
        raise refused_form(form)
    pending = PendingImport.save(
        file, user, default_name="register", skip_invalid=skip_invalid, partial=partial
    )
    return Status(202, _job(pending.start_check(user)))


@router.post(
    "/imports/register/{check_id}/import",
    response={202: JobOut, 409: Problem, **ERRORS},
    summary="Import the register file a check found importable",
)
def import_register(
    request: HttpRequest, go_ahead: ImportGoAhead, check_id: int = PathParam(..., ge=1, le=BIGGEST_ID)
) -> Status:
    """Start the import of the file the check `check_id` read. Where the check found open cases the file
    does not list, `close_cases` must be true: they will be closed."""
    user = policy.person(request.user, policy.IMPORT_REGISTER)
    check = get_object_or_404(jobs_visible_to(user), pk=check_id, kind=CHECK)
    if check.status != Job.Status.DONE or not isinstance(check.result, dict):
        raise HttpError(409, f"The check is {check.status}: import once it is done.")
    if not check.result.get("importable"):
        raise HttpError(409, "The check found the file cannot be imported: correct it and upload it again.")
    if Job.objects.filter(kind=IMPORT, arguments__token=check.arguments["token"]).exists():
        raise HttpError(409, "This file's import has already been started.")
    closing, closing_live = closing_counts(check.result["result"])
    if closing and not go_ahead.close_cases:
        noun = "case" if closing == 1 else "cases"
        raise HttpError(422, f"close_cases: agree that {closing} open {noun} not in the file will be closed")
    pending = PendingImport.from_job(check, user, closing=closing, closing_live=closing_live)
    if not pending.path.is_file():
        raise HttpError(409, import_jobs.GONE)
    return Status(202, _job(pending.start_import(user)))


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, summary="A job you started", tags=["jobs"])
def job_detail(request: HttpRequest, job_id: int = PathParam(..., ge=1, le=BIGGEST_ID)) -> dict[str, object]:
    """A job of yours: queued, running (with its progress), done (with its result) or failed (with why)."""
    job = get_object_or_404(jobs_visible_to(request.user), pk=job_id)
    return _job(job)


@router.post(
    "/imports/returns", response={202: JobOut, **ERRORS}, summary="Import a statutory return, as a job"
)
def upload_return(
    request: HttpRequest,
    files: File[list[UploadedFile]],
    year: Form[int | None] = None,
    extracted_on: Form[date | None] = None,
    check_only: Form[bool] = False,
) -> Status:
    """The SSDA903 return's CSV tables (several `files` at once) or the Children in Need census (one XML
    file), imported as a job, all or nothing: poll `GET /jobs/{id}` for what it changed, or every bad
    cell. With `check_only`, the job only says what the import would change. `year` (the collection
    year, by the year it ends) refuses later dates; `extracted_on` is the day the return was taken from
    the case management system."""
    user = policy.person(request.user, policy.IMPORT_REGISTER)
    form = ReturnUploadForm({"year": year or ""}, MultiValueDict({"tables": list(files)}))
    if not form.is_valid():
        raise refused_form(form)
    waiting = save_upload(form.cleaned_data["tables"], user, form.cleaned_data["year"])
    arguments = {
        "token": waiting.token,
        "user_id": user.pk,
        "year": waiting.year,
        "extracted_on": extracted_on.isoformat() if extracted_on else None,
        "check_only": check_only,
    }
    try:
        job = start_job(
            returns_jobs.import_return_job,
            kind="returns-check" if check_only else "returns-import",
            title=f"{'Check' if check_only else 'Import'} of the {waiting.name}",
            started_by=user,
            arguments=arguments,
        )
    except BaseException:
        waiting.discard()
        raise
    return Status(202, _job(job))
