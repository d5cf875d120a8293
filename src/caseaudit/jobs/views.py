"""A person's jobs: the list, one job's page (progress while it runs, then how it ended), the progress panel
the page polls, and the file a job wrote. Every page is the starter's own (`scoping`)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.pagination import page_links, pagination

from .display import REFRESH_SECONDS, job_view
from .models import Job
from .scoping import jobs_visible_to

PAGE_SIZE = 25


@policy.signed_in
@require_http_methods(["GET", "HEAD"])
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(jobs_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "views": [job_view(job) for job in page.object_list],
        "pagination": pagination(page, page_links(reverse("jobs:list"))),
    }
    return render(request, "jobs/list.html", context)


@policy.signed_in
@require_http_methods(["GET", "HEAD"])
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    context = {"view": job_view(job), "refresh_seconds": REFRESH_SECONDS}
    return render(request, "jobs/detail.html", context)


@policy.signed_in
@require_http_methods(["GET", "HEAD"])
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel alone, which a waiting page asks for every few seconds (htmx). Once the job has
    finished, the page is told to load itself again, to show the result in its place."""
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    response = render(request, "jobs/includes/progress.html", {"view": job_view(job), "polling": True})
    if job.finished:
        response["HX-Refresh"] = "true"
    return response


@policy.signed_in
@require_http_methods(["GET", "HEAD"])
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk, status=Job.Status.DONE)
    path = job_file(job)
    if path is None or not path.is_file():
        raise Http404("This job's file is no longer kept.")
    # The file is an export of children's records: taking it out of the service is the read.
    record_access(request.user, "export", job.kind, job.pk, f"download of job {job.pk}'s file")
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.download_name or path.name)


def job_file(job: Job) -> Path | None:
    """The job's file, if it wrote one: only ever a name inside CASEAUDIT_JOB_FILES_DIR."""
    if not job.file_name or Path(job.file_name).name != job.file_name:
        return None
    return Path(settings.CASEAUDIT_JOB_FILES_DIR) / job.file_name
