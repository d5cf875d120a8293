"""Importing the history of past audits from the web, as `caseaudit import-audits` does: upload, check
(a dry run), confirm, import. The QA lead's only (`policy.IMPORT_AUDIT_HISTORY`).

The upload waits as the register's does (`cases.import_flow`). The check and the import run as jobs
(`history_import_jobs`): each page shows the job's progress, refreshing itself, then its result. The
import is all or nothing: a file with a bad row cannot be confirmed, and an import that fails leaves the
audits as they were."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.cases.forms import max_upload_text
from caseaudit.cases.import_flow import UploadSession, WaitingUpload, found, problems, waiting_page
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import start_job
from caseaudit.jobs.scoping import jobs_visible_to

from . import history_import_jobs
from .history_import.result import AuditHistoryResult
from .history_import.result_json import from_json
from .history_import_forms import HistoryConfirmForm, HistoryUploadForm

CHECK, IMPORT = "audit-history-check", "audit-history-import"
_waiting_uploads = UploadSession("audit_history_import", WaitingUpload)


@policy.capability_required(policy.IMPORT_AUDIT_HISTORY)
@require_http_methods(["GET", "HEAD", "POST"])
def history_upload(request: HttpRequest) -> HttpResponse:
    """The upload form; a file sent is saved and its check started as a job, whose page follows."""
    user = policy.person(request.user, policy.IMPORT_AUDIT_HISTORY)
    if request.method != "POST":
        return _upload_page(request, HistoryUploadForm())
    form = HistoryUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form)
    # One upload waits at a time: a new one replaces (and deletes) the last.
    _waiting_uploads.forget(request, _waiting_uploads.find(request, user))
    pending = WaitingUpload.save(form.cleaned_data["history_file"], user, default_name="audits")
    try:
        job = start_job(
            history_import_jobs.check_history,
            kind=CHECK,
            title=f"Check of {pending.file_name}",
            started_by=user,
            arguments=pending.arguments(),
            link=lambda job: reverse("audits:history-import-check", args=[job.pk]),
        )
    except BaseException:
        pending.discard()  # never leave a child's data behind on disk, whatever went wrong
        raise
    pending.check_job = job.pk
    _waiting_uploads.keep(request, pending)
    return redirect("audits:history-import-check", job.pk)


@policy.capability_required(policy.IMPORT_AUDIT_HISTORY)
@require_http_methods(["GET", "HEAD"])
def history_check(request: HttpRequest, job_id: int) -> HttpResponse:
    """The check's progress, then what the import would add, with the confirmation if it can go ahead."""
    user = policy.person(request.user, policy.IMPORT_AUDIT_HISTORY)
    job = get_object_or_404(jobs_visible_to(user), pk=job_id, kind=CHECK)
    if not job.finished:
        return waiting_page(request, job, "Checking the file")
    pending = _waiting_uploads.find(request, user, job.arguments.get("token", ""))
    if job.status == Job.Status.FAILED:
        _waiting_uploads.forget(request, pending)
        return _refused(request, job)
    confirm_form = None
    if found(job)["importable"] and pending is not None and pending.path.is_file():
        confirm_form = HistoryConfirmForm(initial={"token": pending.token})
    elif pending is not None:
        _waiting_uploads.forget(request, pending)
    return _review(request, job, confirm_form)


@policy.capability_required(policy.IMPORT_AUDIT_HISTORY)
@require_POST
def history_confirm(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.IMPORT_AUDIT_HISTORY)
    pending = _waiting_uploads.find(request, user, request.POST.get("token", ""))
    if pending is None or not pending.path.is_file():
        return _upload_page(request, HistoryUploadForm(), expired=True, status=400)
    # The token is spent: the import's job has the file now, and a second confirmation finds nothing.
    _waiting_uploads.forget(request, pending, delete=False)
    job = start_job(
        history_import_jobs.import_history,
        kind=IMPORT,
        title=f"Import of {pending.file_name}",
        started_by=user,
        arguments=pending.arguments(),
        link=lambda job: reverse("audits:history-import-run", args=[job.pk]),
    )
    return redirect("audits:history-import-run", job.pk)


@policy.capability_required(policy.IMPORT_AUDIT_HISTORY)
@require_http_methods(["GET", "HEAD"])
def history_run(request: HttpRequest, job_id: int) -> HttpResponse:
    """The import's progress, then what it added; or, if it could not, why, having changed nothing."""
    user = policy.person(request.user, policy.IMPORT_AUDIT_HISTORY)
    job = get_object_or_404(jobs_visible_to(user), pk=job_id, kind=IMPORT)
    if not job.finished:
        return waiting_page(request, job, "Importing the file")
    if job.status == Job.Status.FAILED and not job.result:
        return _refused(request, job)
    if job.status == Job.Status.FAILED:
        return _review(request, job, None, failure=job.failure)
    return render(request, "audits/history/done.html", _summary(from_json(found(job)["result"])))


def _refused(request: HttpRequest, job: Job) -> HttpResponse:
    """The file could not be read as a whole, or the job stopped: why, with the upload form again."""
    form = HistoryUploadForm({})
    form.is_valid()
    form.errors["history_file"] = form.error_class([job.failure])
    return _upload_page(request, form)


def _upload_page(
    request: HttpRequest, form: HistoryUploadForm, *, expired: bool = False, status: int = 200
) -> HttpResponse:
    context = {"form": form, "expired": expired, "max_upload": max_upload_text()}
    return render(request, "audits/history/import.html", context, status=status)


def _review(
    request: HttpRequest, job: Job, confirm_form: HistoryConfirmForm | None, *, failure: str = ""
) -> HttpResponse:
    result = from_json(found(job)["result"])
    context = _summary(result)
    context.update({"confirm_form": confirm_form, "failure": failure, "upload_form": HistoryUploadForm()})
    if result.errors:
        # Each row error shows the value refused, which may be a Child Unique ID.
        detail = f"{len(result.errors)} of {result.error_count} row errors"
        record_access(request.user, "view", "audit-history-import", job.pk, detail)
    return render(request, "audits/history/review.html", context)


def _summary(result: AuditHistoryResult) -> dict[str, Any]:
    labels = {**COHORT_LABELS, "unknown": "Cohort not recognised"}
    return {
        "result": result,
        "year_rows": [
            (year or "Date not recognised", labels.get(cohort, cohort), counts)
            for year, cohort, counts in result.rows
        ],
        "totals": result.totals,
        "max_upload": max_upload_text(),
        **problems(result.warnings, result.errors, result.error_count),
    }
