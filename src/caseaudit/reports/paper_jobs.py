"""Regenerating a committee paper's draft as a job, run by `caseaudit worker`: drawing the paper takes two
seconds or more for a cycle of hundreds of audits, longer than a page should keep a person waiting. The
job's page (`paper_issue_views.regenerating`) shows its steps, then the new draft."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from caseaudit.cycles.models import Cycle, CycleStatus
from caseaudit.jobs.models import Job
from caseaudit.jobs.running import JobFailed, Progress, run_job

from .paper_drafts import STEPS, render_and_store

REGENERATE = "paper-regenerate"


@task()
def regenerate_paper(job_id: int) -> None:
    # Not `changes=True`: the paper is drawn outside any transaction, and only its last step, the action
    # that keeps the files as the draft, writes to the database, in a transaction of its own. A worker lost
    # before that changed nothing; after it, running the job again only draws the draft again.
    run_job(job_id, _regenerate, changes=False)


def _regenerate(job: Job, progress: Progress) -> dict[str, Any]:
    given = job.arguments
    cycle = Cycle.objects.exclude(status=CycleStatus.DRAFT).filter(pk=given["cycle"]).first()
    if cycle is None:
        raise JobFailed("The cycle is no longer there, so no paper was drawn.")
    if job.started_by is None:
        raise JobFailed("Nobody is named as having asked for this paper.")
    progress.total(STEPS)
    draft = render_and_store(
        cycle, grade_source=given["grade_source"], acting_user=job.started_by, step=progress.advance
    )
    return {"version": draft.pk, "pdf_sha256": draft.pdf_sha256}
