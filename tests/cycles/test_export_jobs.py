"""A cycle's progress export of more audits than CASEAUDIT_EXPORT_JOB_ROWS: the link leads to a page whose
button has a worker write the file, as a job; its page then offers the file to its starter only."""

from __future__ import annotations

import csv
import io

import polars as pl
from django.urls import reverse

from caseaudit.accounts.models import AccessLog
from caseaudit.jobs.models import Job

from .builders import allocate_to, make_cycle


def test_a_large_cycle_is_exported_by_a_job(qa_client, register, personas, settings):
    settings.CASEAUDIT_EXPORT_JOB_ROWS = 2
    cycle = make_cycle(register.cases[:3], year=2020)
    allocate_to(cycle, register.auditors[0])
    page = qa_client.get(reverse("cycles:detail", args=[cycle.pk])).text
    assert "Prepare the list of audits (CSV)" in page

    url = reverse("cycles:export", args=[cycle.pk, "csv"])
    asked = qa_client.get(url)
    assert asked.status_code == 200 and "attachment" not in asked.get("Content-Disposition", "")
    assert "This cycle has 3 audits" in asked.text and "Prepare the file" in asked.text
    assert not Job.objects.exists()  # a link starts nothing

    started = qa_client.post(url)
    job = Job.objects.get(kind="cycle-export")
    assert started["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.status, job.rows_done, job.rows_total) == (Job.Status.DONE, 3, 3)
    response = qa_client.get(reverse("jobs:download", args=[job.pk]))
    assert 'filename="autumn-2020-progress-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 4 and rows[1][0] == "N100000"
    entry = AccessLog.objects.filter(action="export", object_type="cycle").latest("pk")
    assert (entry.user, entry.object_id, entry.detail) == (
        personas.qa_lead,
        str(cycle.pk),
        f"csv, 3 audits; file of job {job.pk}",
    )


def test_a_large_cycles_workbook(moderator_client, register, settings, tmp_path):
    settings.CASEAUDIT_EXPORT_JOB_ROWS = 2
    cycle = make_cycle(register.cases[:3], name="Spring 2099", season="spring", year=2099)
    started = moderator_client.post(reverse("cycles:export", args=[cycle.pk, "xlsx"]))
    job = Job.objects.get()
    assert started["Location"] == reverse("jobs:detail", args=[job.pk])
    response = moderator_client.get(reverse("jobs:download", args=[job.pk]))
    workbook = io.BytesIO(b"".join(response.streaming_content))
    assert pl.read_excel(workbook, sheet_name="Audits").height == 3
    assert job.rows_done == 3


def test_a_small_cycle_downloads_at_once(qa_client, register):
    cycle = make_cycle(register.cases[:3], year=2020)
    page = qa_client.get(reverse("cycles:detail", args=[cycle.pk])).text
    assert "Download the list of audits (CSV)" in page and "Prepare" not in page
    response = qa_client.get(reverse("cycles:export", args=[cycle.pk, "csv"]))
    assert "attachment" in response["Content-Disposition"]
    assert not Job.objects.exists()
