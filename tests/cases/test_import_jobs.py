"""The register import from the web with its jobs queued for a worker, as in production: the pages show
the check's and the import's progress, refreshing themselves, then the result; only their starter opens
them; a job that cannot finish says why and changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caseaudit.accounts.models import AccessLog, Role
from caseaudit.cases.models import Case, ImportBatch
from caseaudit.jobs.models import Job

from ..factories import make_case, make_user
from ..jobs.queue import run_queued_jobs
from .test_views_import import GOOD_CSV, UPLOAD, stored_files, token_of

CONFIRM = reverse("cases:import-confirm")


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


@pytest.fixture
def qa_lead(db):
    return make_user(Role.QA_LEAD, "qa-lead")


@pytest.fixture
def qa_client(client, qa_lead, database_queue):
    client.force_login(qa_lead)
    return client


def _upload(client, content: bytes = GOOD_CSV):
    return client.post(UPLOAD, {"register_file": SimpleUploadedFile("register.csv", content)})


def test_the_check_and_the_import_wait_for_the_worker_and_show_their_progress(qa_client, qa_lead, upload_dir):
    make_case("OLD1", "child-in-need")
    uploaded = _upload(qa_client)
    check = Job.objects.get(kind="register-check")
    assert uploaded.status_code == 302 and uploaded["Location"] == reverse(
        "cases:import-check", args=[check.pk]
    )
    assert (check.started_by, check.title) == (qa_lead, "Check of register.csv")

    waiting = qa_client.get(uploaded["Location"])
    assert "Checking the file" in waiting.text and "Waiting to start" in waiting.text
    # Updated by htmx every few seconds, or without JavaScript by the browser reloading the page.
    assert f'hx-get="{reverse("jobs:progress", args=[check.pk])}"' in waiting.text
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in waiting.text
    assert 'name="token"' not in waiting.text

    run_queued_jobs()

    checked = qa_client.get(uploaded["Location"])
    assert "Check the import before you confirm it" in checked.text
    assert "I understand 1 open case not in the file will be closed" in checked.text
    assert "hx-get" not in checked.text and "http-equiv" not in checked.text
    check.refresh_from_db()
    assert (check.status, check.rows_done, check.rows_total) == (Job.Status.DONE, 2, 2)
    # The case it would close is named by its Child Unique ID: a read of the register.
    assert "OLD1" in checked.text
    entry = AccessLog.objects.get(object_type="register-import")
    assert (entry.user, entry.object_id, entry.detail) == (
        qa_lead,
        str(check.pk),
        "1 of 1 open cases the import would close",
    )

    confirmed = qa_client.post(CONFIRM, {"token": token_of(checked), "confirm_close": "on"})
    importing = Job.objects.get(kind="register-import")
    assert confirmed["Location"] == reverse("cases:import-run", args=[importing.pk])
    assert "Importing the file" in qa_client.get(confirmed["Location"]).text
    assert not ImportBatch.objects.exists()  # not before the worker runs it

    run_queued_jobs()

    done = qa_client.get(confirmed["Location"])
    assert "Case register imported from register.csv" in done.text
    assert "2 created, 0 updated, 1 closed" in done.text
    importing.refresh_from_db()
    # Rows written: the two new cases and the one closed.
    assert (importing.status, importing.rows_done, importing.rows_total) == (Job.Status.DONE, 3, 3)
    assert ImportBatch.objects.get().user == qa_lead
    assert stored_files(upload_dir) == []


def test_the_progress_panel_tells_the_page_to_reload_once_the_job_has_finished(qa_client):
    _upload(qa_client)
    check = Job.objects.get(kind="register-check")
    progress = reverse("jobs:progress", args=[check.pk])
    assert "HX-Refresh" not in qa_client.get(progress)
    run_queued_jobs()
    assert qa_client.get(progress)["HX-Refresh"] == "true"


def test_another_qa_lead_cannot_open_the_job(client, qa_client):
    _upload(qa_client)
    check = Job.objects.get(kind="register-check")
    client_b = type(client)()
    client_b.force_login(make_user(Role.QA_LEAD, "other-qa-lead"))
    assert client_b.get(reverse("cases:import-check", args=[check.pk])).status_code == 404
    assert client_b.get(reverse("jobs:detail", args=[check.pk])).status_code == 404
    assert client_b.get(reverse("jobs:progress", args=[check.pk])).status_code == 404


def test_an_import_whose_file_is_gone_fails_saying_why_and_changes_nothing(qa_client, upload_dir):
    checked = qa_client.get(_upload(qa_client)["Location"])
    run_queued_jobs()
    checked = qa_client.get(reverse("cases:import-check", args=[Job.objects.get().pk]))
    confirmed = qa_client.post(CONFIRM, {"token": token_of(checked)})
    for stored in stored_files(upload_dir):
        stored.unlink()  # as `caseaudit clean-uploads` would, a day later

    run_queued_jobs()

    page = qa_client.get(confirmed["Location"])
    assert "The uploaded file is no longer here" in page.text
    assert "Nothing was changed: upload it again." in page.text
    assert 'href="#id_register_file"' in page.text
    assert Job.objects.get(kind="register-import").status == Job.Status.FAILED
    assert not Case.objects.exists() and not ImportBatch.objects.exists()
