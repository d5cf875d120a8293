"""Importing the case register from the web: upload, check (a dry run), confirm. QA lead only.

The check and the import run as jobs (`import_jobs`, run by `caseaudit worker`): each page shows the job's
progress, refreshing itself, then its result. The upload waits as `import_flow` describes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import start_job
from caseaudit.jobs.scoping import jobs_visible_to

from . import import_jobs
from .forms import (
    ImportConfirmForm,
    ImportUploadForm,
    max_upload_text,
)
from .import_flow import UploadSession, WaitingUpload, found, problems, waiting_page
from .importing.result import ImportResult
from .importing.result_json import closing_counts, from_json

CHECK, IMPORT = "register-check", "register-import"
# The cases an import would close, named on the check page (those in a live sample first).
CLOSING_SHOWN = 500


@dataclass(kw_only=True)
class PendingImport(WaitingUpload):
    """A register file waiting, with the options chosen when it was uploaded and the closures its check
    found (which the confirmation must agree to)."""

    skip_invalid: bool
    partial: bool
    closing: int = 0
    closing_live: int = 0

    def arguments(self) -> dict[str, Any]:
        return super().arguments() | {
            "skip_invalid": self.skip_invalid,
            "partial": self.partial,
            "closing": self.closing,
            "closing_live": self.closing_live,
        }

    @classmethod
    def from_job(cls, job: Job, user: User, **fields: Any) -> PendingImport:
        """The upload a check or import job works from, waiting again (for the person who started it)."""
        given = job.arguments
        return cls(
            token=given["token"],
            suffix=given["suffix"],
            file_name=given["file_name"],
            user_id=user.pk,
            skip_invalid=given["skip_invalid"],
            partial=given["partial"],
            **fields,
        )

    def start_check(self, user: User, link: Callable[[Job], str] | None = None) -> Job:
        """The file's check, as a job: the page's and the API's. The file is deleted if it cannot start."""
        try:
            return start_job(
                import_jobs.check_register,
                kind=CHECK,
                title=f"Check of {self.file_name}",
                started_by=user,
                arguments=self.arguments(),
                link=link,
            )
        except BaseException:
            self.discard()  # never leave a child's data behind on disk, whatever went wrong
            raise

    def start_import(self, user: User, link: Callable[[Job], str] | None = None) -> Job:
        """The file's import, as a job, closing no more than `closing` (what the person agreed to)."""
        return start_job(
            import_jobs.import_register,
            kind=IMPORT,
            title=f"Import of {self.file_name}",
            started_by=user,
            arguments=self.arguments(),
            link=link,
        )


_waiting_uploads = UploadSession("case_import", PendingImport)


@policy.capability_required(policy.IMPORT_REGISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """The upload form; a file sent is saved and its check started as a job, whose page follows."""
    user = policy.person(request.user, policy.IMPORT_REGISTER)
    if request.method != "POST":
        return _render_import(request, "cases/import.html", {"form": ImportUploadForm()})

    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_import(request, "cases/import.html", {"form": form})
    # One upload waits at a time: a new one replaces (and deletes) the last.
    _waiting_uploads.forget(request, _waiting_uploads.find(request, user))
    pending = PendingImport.save(
        form.cleaned_data["register_file"],
        user,
        default_name="register",
        skip_invalid=form.cleaned_data["skip_invalid"],
        partial=form.cleaned_data["partial"],
    )
    job = pending.start_check(user, link=lambda job: reverse("cases:import-check", args=[job.pk]))
    pending.check_job = job.pk
    _waiting_uploads.keep(request, pending)
    return redirect("cases:import-check", job.pk)


@policy.capability_required(policy.IMPORT_REGISTER)
@require_http_methods(["GET", "HEAD"])
def import_check(request: HttpRequest, job_id: int) -> HttpResponse:
    """The check's progress, then what the import would change, with the confirmation if it can go ahead."""
    user = policy.person(request.user, policy.IMPORT_REGISTER)
    job = get_object_or_404(jobs_visible_to(user), pk=job_id, kind=CHECK)
    if not job.finished:
        return waiting_page(request, job, "Checking the file")
    pending = _waiting_uploads.find(request, user, job.arguments.get("token", ""))
    if job.status == Job.Status.FAILED:
        _waiting_uploads.forget(request, pending)
        return _refused(request, job, job.arguments)
    result = from_json(found(job)["result"])
    confirm_form: ImportConfirmForm | None = None
    if found(job)["importable"] and pending is not None and pending.path.is_file():
        pending.closing, pending.closing_live = closing_counts(found(job)["result"])
        _waiting_uploads.keep(request, pending)
        confirm_form = ImportConfirmForm(
            initial={"token": pending.token}, closing=pending.closing, live=pending.closing_live
        )
    elif pending is not None:
        _waiting_uploads.forget(request, pending)
    return _review(request, job, result, confirm_form)


@policy.capability_required(policy.IMPORT_REGISTER)
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.IMPORT_REGISTER)
    pending = _waiting_uploads.find(request, user, request.POST.get("token", ""))
    if pending is None or not pending.path.is_file():
        return _render_import(
            request, "cases/import.html", {"form": ImportUploadForm(), "expired": True}, status=400
        )

    form = ImportConfirmForm(request.POST, closing=pending.closing, live=pending.closing_live)
    if not form.is_valid():
        # The figures the QA lead is asked to agree to: the check's, or the import's that found the
        # register changed since.
        checked = jobs_visible_to(user).filter(pk=pending.check_job or 0, result__isnull=False).first()
        if checked is None:
            _waiting_uploads.forget(request, pending)
            return _render_import(
                request, "cases/import.html", {"form": ImportUploadForm(), "expired": True}, status=400
            )
        return _review(request, checked, from_json(found(checked)["result"]), form)
    # The token is spent: the import's job has the file now, and a second confirmation finds nothing.
    _waiting_uploads.forget(request, pending, delete=False)
    job = pending.start_import(user, link=lambda job: reverse("cases:import-run", args=[job.pk]))
    return redirect("cases:import-run", job.pk)


@policy.capability_required(policy.IMPORT_REGISTER)
@require_http_methods(["GET", "HEAD"])
def import_run(request: HttpRequest, job_id: int) -> HttpResponse:
    """The import's progress, then what it changed (or, if the register changed since the check, the new
    figures to confirm)."""
    user = policy.person(request.user, policy.IMPORT_REGISTER)
    job = get_object_or_404(jobs_visible_to(user), pk=job_id, kind=IMPORT)
    if not job.finished:
        return waiting_page(request, job, "Importing the file")
    if job.status == Job.Status.FAILED and job.result and job.result.get("register_changed"):
        return _ask_again(request, user, job)
    if job.status == Job.Status.FAILED:
        return _refused(request, job, job.arguments)
    result = from_json(found(job)["result"])
    if not result.written:
        return _review(request, job, result, None)
    return render(request, "cases/import_done.html", _summary(result))


def _ask_again(request: HttpRequest, user: User, job: Job) -> HttpResponse:
    """The import found the register changed since the check and wrote nothing: the upload waits again,
    with the new figures for the QA lead to agree to."""
    pending = PendingImport.from_job(job, user, check_job=job.pk)
    if not pending.path.is_file():
        return _refused(request, job, job.arguments)
    pending.closing, pending.closing_live = closing_counts(found(job)["result"])
    _waiting_uploads.keep(request, pending)
    form = ImportConfirmForm({"token": pending.token}, closing=pending.closing, live=pending.closing_live)
    form.is_valid()
    form.add_error(None, job.failure)
    return _review(request, job, from_json(found(job)["result"]), form)


def _refused(request: HttpRequest, job: Job, given: dict[str, Any]) -> HttpResponse:
    """The file could not be read as a whole, or the job stopped: why, with the upload form again."""
    chosen = {name: "on" for name in ("skip_invalid", "partial") if given.get(name)}
    form = ImportUploadForm(chosen)
    form.is_valid()  # bound to the options chosen, so that they show ticked again
    form.errors["register_file"] = form.error_class([job.failure])
    return _render_import(request, "cases/import.html", {"form": form})


def _render_import(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {"max_upload": max_upload_text(), **context}
    return render(request, template, context, status=status)


def _review(
    request: HttpRequest, job: Job, result: ImportResult, confirm_form: ImportConfirmForm | None
) -> HttpResponse:
    given = job.arguments
    context = _summary(result)
    closing_count, _ = closing_counts(found(job)["result"])
    context.update(
        {
            "closing_shown": result.closing[:CLOSING_SHOWN],
            "closing_count": closing_count,
            "partial": given["partial"],
            "confirm_form": confirm_form,
            # Offered again when the file cannot be imported as it is, with the options already chosen.
            "upload_form": None
            if confirm_form is not None
            else ImportUploadForm(
                initial={"skip_invalid": given["skip_invalid"], "partial": given["partial"]}
            ),
        }
    )
    if context["closing_shown"]:
        # The open cases the import would close, named by Child Unique ID.
        detail = f"{len(context['closing_shown'])} of {closing_count} open cases the import would close"
        record_access(request.user, "view", "register-import", job.pk, detail)
    return _render_import(request, "cases/import_review.html", context)


def _summary(result: ImportResult) -> dict[str, Any]:
    labels = {**COHORT_LABELS, "unknown": "Cohort not recognised"}
    return {
        "result": result,
        "cohort_rows": [(labels.get(slug, slug), counts) for slug, counts in result.cohort_rows],
        "totals": result.totals,
        **problems(result.warnings, result.errors, result.error_count),
    }
