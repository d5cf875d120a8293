"""Importing the history of past audits from the web, as `caseaudit import-audits` does: upload, check
(a dry run), confirm, import. The QA lead's only (`policy.IMPORT_AUDIT_HISTORY`).

The uploaded file waits under UPLOAD_DIR, named by a random token that only the uploader's session knows,
until the QA lead confirms or uploads another (`caseaudit clean-uploads` deletes one left behind). The
check and the import run as jobs (`history_import_jobs`): each page shows the job's progress, refreshing
itself, then its result. A job's page is its starter's only; the confirmation still needs the session
that uploaded the file. The import is all or nothing: a file with a bad row cannot be confirmed, and an
import that fails leaves the audits as they were."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.cases.forms import max_upload_text
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.jobs.display import REFRESH_SECONDS, job_view
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import start_job
from caseaudit.jobs.scoping import jobs_visible_to
from caseaudit.readers.row_errors import shown_of

from . import history_import_jobs
from .history_import.result import AuditHistoryResult
from .history_import.result_json import from_json
from .history_import_forms import HistoryConfirmForm, HistoryUploadForm

CHECK, IMPORT = "audit-history-check", "audit-history-import"
_SESSION_KEY = "audit_history_import"
_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass
class PendingHistory:
    """An uploaded file waiting for the QA lead's confirmation. Kept in the session, so a token is only
    good for the person (and the sign-in) that uploaded it."""

    token: str
    suffix: str
    file_name: str
    user_id: int
    check_job: int | None = None

    @property
    def path(self) -> Path:
        return Path(settings.UPLOAD_DIR) / f"{self.token}{self.suffix}"

    def arguments(self) -> dict[str, Any]:
        """What a job needs to find and read the file."""
        return {"token": self.token, "suffix": self.suffix, "file_name": self.file_name}

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def _save_upload(upload: UploadedFile, user: User) -> PendingHistory:
    upload_dir = Path(settings.UPLOAD_DIR)
    upload_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    pending = PendingHistory(
        token=secrets.token_urlsafe(24),
        suffix=Path(upload.name or "").suffix.lower(),
        file_name=Path(upload.name or "audits").name[:255],
        user_id=user.pk,
    )
    # O_EXCL: never write over another file; 0600: the file names children.
    handle = os.open(pending.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return pending


def _pending(request: HttpRequest, user: User, token: str | None = None) -> PendingHistory | None:
    """This user's upload waiting in this session; with `token`, only if the token is the upload's."""
    stored = request.session.get(_SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        pending = PendingHistory(**stored)
    except TypeError:
        return None
    if pending.user_id != user.pk:
        return None
    if token is not None and (
        not _TOKEN_PATTERN.match(token) or not secrets.compare_digest(token, pending.token)
    ):
        return None
    return pending


def _forget(request: HttpRequest, pending: PendingHistory | None, *, delete: bool = True) -> None:
    if pending is not None and delete:
        pending.discard()
    request.session.pop(_SESSION_KEY, None)


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
    _forget(request, _pending(request, user))
    pending = _save_upload(form.cleaned_data["history_file"], user)
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
    request.session[_SESSION_KEY] = asdict(pending)
    return redirect("audits:history-import-check", job.pk)


@policy.capability_required(policy.IMPORT_AUDIT_HISTORY)
@require_http_methods(["GET", "HEAD"])
def history_check(request: HttpRequest, job_id: int) -> HttpResponse:
    """The check's progress, then what the import would add, with the confirmation if it can go ahead."""
    user = policy.person(request.user, policy.IMPORT_AUDIT_HISTORY)
    job = get_object_or_404(jobs_visible_to(user), pk=job_id, kind=CHECK)
    if not job.finished:
        return _waiting(request, job, "Checking the file")
    pending = _pending(request, user, job.arguments.get("token", ""))
    if job.status == Job.Status.FAILED:
        _forget(request, pending)
        return _refused(request, job)
    confirm_form = None
    if _found(job)["importable"] and pending is not None and pending.path.is_file():
        confirm_form = HistoryConfirmForm(initial={"token": pending.token})
    elif pending is not None:
        _forget(request, pending)
    return _review(request, job, confirm_form)


@policy.capability_required(policy.IMPORT_AUDIT_HISTORY)
@require_POST
def history_confirm(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.IMPORT_AUDIT_HISTORY)
    pending = _pending(request, user, request.POST.get("token", ""))
    if pending is None or not pending.path.is_file():
        return _upload_page(request, HistoryUploadForm(), expired=True, status=400)
    # The token is spent: the import's job has the file now, and a second confirmation finds nothing.
    _forget(request, pending, delete=False)
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
        return _waiting(request, job, "Importing the file")
    if job.status == Job.Status.FAILED and not job.result:
        return _refused(request, job)
    if job.status == Job.Status.FAILED:
        return _review(request, job, None, failure=job.failure)
    return render(request, "audits/history/done.html", _summary(from_json(_found(job)["result"])))


def _found(job: Job) -> dict[str, Any]:
    """What a finished job of the import found (kept by `history_import_jobs`)."""
    assert isinstance(job.result, dict), f"job {job.pk} kept no result"
    return job.result


def _waiting(request: HttpRequest, job: Job, heading: str) -> HttpResponse:
    context = {"view": job_view(job), "refresh_seconds": REFRESH_SECONDS, "heading": heading}
    return render(request, "cases/import_waiting.html", context)


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
    result = from_json(_found(job)["result"])
    context = _summary(result)
    context.update({"confirm_form": confirm_form, "failure": failure, "upload_form": HistoryUploadForm()})
    if result.errors:
        # Each row error shows the value refused, which may be a Child Unique ID.
        detail = f"{len(result.errors)} of {result.error_count} row errors"
        record_access(request.user, "view", "audit-history-import", job.pk, detail)
    return render(request, "audits/history/review.html", context)


def _summary(result: AuditHistoryResult) -> dict[str, Any]:
    labels = {**COHORT_LABELS, "unknown": "Cohort not recognised"}
    errors = result.errors  # the first thousand at most (caseaudit.readers.row_errors)
    return {
        "result": result,
        "year_rows": [
            (year or "Date not recognised", labels.get(cohort, cohort), counts)
            for year, cohort, counts in result.rows
        ],
        "totals": result.totals,
        "warnings": result.warnings,
        "row_errors": errors,
        "row_error_count": result.error_count,
        "row_errors_shown": len(errors),
        "row_errors_shown_of": shown_of(len(errors), result.error_count),
        "max_upload": max_upload_text(),
    }
