"""The analysts' export of more audits than CASEAUDIT_EXPORT_JOB_ROWS: written by a worker as a job, whose
page shows its progress and then a link to the file for the person who started it only; the file is
owner-only, recorded in the access log when downloaded, and deleted with the job."""

from __future__ import annotations

import csv
import io
import stat
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from caseaudit.accounts.models import AccessLog
from caseaudit.jobs.models import Job
from caseaudit.jobs.recovery import forget_old_jobs
from caseaudit.reports.audit_export import child_reference

from ..jobs.queue import run_queued_jobs
from .grade_history import load_three_years

pytestmark = pytest.mark.django_db

EXPORT = reverse("reports:export")


@pytest.fixture
def history(tmp_path, personas, settings):
    load_three_years(tmp_path)  # 48 audits
    settings.CASEAUDIT_EXPORT_JOB_ROWS = 40
    return personas


def _downloaded(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_a_large_export_runs_as_a_job_and_only_its_starter_downloads_it(client, history):
    client.force_login(history.moderator)
    started = client.post(EXPORT, {"file_format": "csv"})
    job = Job.objects.get(kind="audit-export")
    assert started.status_code == 302 and started["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.started_by == history.moderator
    assert "CL0" not in job.title  # the title names no child

    page = client.get(started["Location"]).text
    assert "Done" in page and "48 of 48" in page
    download = reverse("jobs:download", args=[job.pk])
    assert f'href="{download}"' in page and "Only you can download this file, for 7 days" in page

    job.refresh_from_db()
    path = settings.CASEAUDIT_JOB_FILES_DIR / job.file_name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # owner-only, like every export written to a file
    response = client.get(download)
    assert response["Content-Disposition"].startswith('attachment; filename="audit-data-pseudonymised-')
    text = _downloaded(response)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 48 and child_reference("CL001") in text and "CL001" not in text
    # Downloaded: recorded as the same export downloaded at once is, with its row count, naming the job.
    entry = AccessLog.objects.filter(action="export", object_type="audit-data").latest("pk")
    assert (entry.user, entry.detail) == (
        history.moderator,
        f"48 audits, csv, pseudonymised, all audits; file of job {job.pk}",
    )

    # Nobody else, whatever their role, sees the job or its file.
    client.force_login(history.qa_lead)
    assert client.get(download).status_code == 404
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404


def test_the_page_shows_progress_until_the_worker_has_written_the_file(client, history, database_queue):
    client.force_login(history.qa_lead)
    started = client.post(EXPORT, {"file_format": "xlsx", "identifiable": "on"})
    job = Job.objects.get(kind="audit-export")
    waiting = client.get(started["Location"]).text
    assert "Waiting to start" in waiting and "You can leave this page" in waiting
    assert reverse("jobs:download", args=[job.pk]) not in waiting
    assert job.file_name == ""  # nothing written yet

    run_queued_jobs()

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == (Job.Status.DONE, 48, 48)
    assert job.download_name.startswith("audit-data-identifiable-") and job.download_name.endswith(".xlsx")
    assert f'href="{reverse("jobs:download", args=[job.pk])}"' in client.get(started["Location"]).text


def test_a_small_export_still_downloads_at_once(client, history, settings):
    settings.CASEAUDIT_EXPORT_JOB_ROWS = 48
    client.force_login(history.moderator)
    response = client.post(EXPORT, {"file_format": "csv"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert not Job.objects.exists()


def test_the_form_says_when_an_export_is_prepared_in_the_background(client, history):
    client.force_login(history.moderator)
    assert "An export of more than 40 audits is prepared in the background" in client.get(EXPORT).text


def test_the_file_goes_with_the_job_after_the_days_it_is_kept(client, history):
    client.force_login(history.moderator)
    client.post(EXPORT, {"file_format": "csv"})
    job = Job.objects.get(kind="audit-export")
    path = settings.CASEAUDIT_JOB_FILES_DIR / job.file_name
    assert path.is_file()
    later = timezone.now() + timedelta(days=settings.CASEAUDIT_JOB_KEEP_DAYS, minutes=1)
    assert forget_old_jobs(now=later) == 1
    assert not path.exists()
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
