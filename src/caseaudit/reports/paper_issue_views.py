"""The QA lead's side of the committee paper: "Regenerate draft" (a job, whose page shows its steps and then
the new draft) and "Issue" (a page of its own that asks to confirm, with a note of what changed). Issuing
freezes the draft as the cycle's next version."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.jobs.display import REFRESH_SECONDS, job_view
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import start_job
from caseaudit.jobs.scoping import jobs_visible_to
from caseaudit.ui.submission import submit

from . import paper_jobs
from .actions import NOTE_NEEDED, issue_paper
from .forms import IssuePaperForm, RegeneratePaperForm
from .models import PaperVersion
from .paper import queries
from .paper_drafts import current_draft, latest_issued
from .paper_views import grade_source_of, nothing_to_report, paper_cycle, regenerating_job


def _paper_url(cycle_pk: int, grade_source: str) -> str:
    query = "?grades=auditor" if grade_source == "auditor" else ""
    return reverse("paper:page", args=[cycle_pk]) + query


@policy.capability_required(policy.ISSUE_PAPERS)
@require_POST
def regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    """Draw the paper again from today's data, as a job; its page follows."""
    user = policy.person(request.user, policy.ISSUE_PAPERS)
    cycle = paper_cycle(pk)
    if not queries.has_completed_audits(cycle):
        return nothing_to_report(request, cycle, status=409)
    form = RegeneratePaperForm(request.POST)
    if not form.is_valid():  # the page always says which grades: a post without them is not from it
        return HttpResponseBadRequest("Say which grades the draft is drawn from.")
    grade_source = form.cleaned_data["grade_source"]
    running = regenerating_job(request, cycle, grade_source)
    if running is not None:  # a second click while the first is drawing: follow that one
        return redirect("paper:regenerating", cycle.pk, running.pk)
    job = start_job(
        paper_jobs.regenerate_paper,
        kind=paper_jobs.REGENERATE,
        title=f"New draft of the committee paper for {cycle.name}",
        started_by=user,
        arguments={"cycle": cycle.pk, "grade_source": grade_source, "counts": "steps"},
        link=lambda job: reverse("paper:regenerating", args=[cycle.pk, job.pk]),
    )
    return redirect("paper:regenerating", cycle.pk, job.pk)


@policy.capability_required(policy.ISSUE_PAPERS)
@require_http_methods(["GET", "HEAD"])
def regenerating(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    """The new draft's steps while it is drawn, then the paper's page with the draft (or why it failed)."""
    user = policy.person(request.user, policy.ISSUE_PAPERS)
    cycle = paper_cycle(pk)
    job = get_object_or_404(
        jobs_visible_to(user), pk=job_id, kind=paper_jobs.REGENERATE, arguments__cycle=cycle.pk
    )
    grade_source = job.arguments.get("grade_source", "moderated")
    if job.status == Job.Status.DONE:
        messages.success(
            request, "The draft is regenerated from today's figures. Check it before you issue it."
        )
        return redirect(_paper_url(cycle.pk, grade_source))
    context = {
        "cycle": cycle,
        "view": job_view(job),
        "refresh_seconds": REFRESH_SECONDS,
        "paper_url": _paper_url(cycle.pk, grade_source),
    }
    return render(request, "reports/paper_regenerating.html", context)


@policy.capability_required(policy.ISSUE_PAPERS)
@require_http_methods(["GET", "HEAD", "POST"])
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Are you sure? The draft to be issued, its number, and the note of what changed."""
    user = policy.person(request.user, policy.ISSUE_PAPERS)
    cycle = paper_cycle(pk)
    grade_source = grade_source_of(request)
    draft = current_draft(cycle, grade_source)
    paper_url = _paper_url(cycle.pk, grade_source)
    if draft is None:
        messages.info(request, "There is no draft to issue: regenerate the draft first.")
        return redirect(paper_url)
    last = latest_issued(cycle)
    number = (last.number or 0) + 1 if last else 1
    data = request.POST if request.method == "POST" else None
    form = IssuePaperForm(data, number=number, initial={"draft": draft.pk, "sha256": draft.pdf_sha256})

    def page(status: int = 200) -> HttpResponse:
        context = {
            "cycle": cycle,
            "draft": draft,
            "number": number,
            "last": last,
            "form": form,
            "query": "?grades=auditor" if grade_source == "auditor" else "",
            "paper_url": paper_url,
        }
        return render(request, "reports/paper_issue.html", context, status=status)

    if data is None:
        return page()

    def issued(version: PaperVersion) -> str:
        return f"Version {version.number} of the committee paper for {cycle.name} is issued."

    return submit(
        request,
        form,
        act=lambda given: issue_paper(
            cycle,
            draft_pk=given["draft"],
            expected_sha256=given["sha256"],
            note=given["note"],
            acting_user=user,
        ),
        page=page,
        then=paper_url,
        done=issued,
        field_for={NOTE_NEEDED: "note"},
    )
