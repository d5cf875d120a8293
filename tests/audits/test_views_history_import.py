"""The audit-history import from the web (audits:history-import...): upload, check as a job, confirm,
import as a job, all or nothing, against the real import action. The QA lead's only."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caseaudit.accounts.models import AccessLog, ChangeEvent, Role
from caseaudit.audits.models import Audit
from caseaudit.cases.models import Case
from caseaudit.jobs.models import Job

from ..factories import make_case, make_user
from ..jobs.queue import run_queued_jobs

UPLOAD = reverse("audits:history-import")
CONFIRM = reverse("audits:history-import-confirm")
HEADER = b"child_id,cohort,audit_date,auditor_grade,moderated_grade\n"
GOOD_CSV = (
    HEADER
    + b"A1,care-leaver,2019-10-14,Good,Good\n"
    + b"A2,looked-after,2020-04-20,Inadequate,\n"
    + b"NEW1,CIN,2020-05-11,RI,\n"
)
BAD_CSV = (
    HEADER
    + b"A1,care-leaver,2019-10-14,Brilliant,\nA2,adoption,2020-04-20,Good,\nA3,care-leaver,2019-10-15,Good,\n"
)


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


@pytest.fixture
def qa_lead(db):
    make_case("A1", "care-leaver")
    make_case("A2", "looked-after")
    return make_user(Role.QA_LEAD, "qa-lead")


@pytest.fixture
def qa_client(client, qa_lead):
    client.force_login(qa_lead)
    return client


def upload(client, content: bytes = GOOD_CSV, name: str = "past audits.csv"):
    return client.post(UPLOAD, {"history_file": SimpleUploadedFile(name, content)}, follow=True)


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.text)
    assert match, "no confirmation form on the page"
    return match.group(1)


def stored(upload_dir) -> list:
    return sorted(upload_dir.iterdir()) if upload_dir.exists() else []


def squashed(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_upload_page(qa_client):
    text = qa_client.get(UPLOAD).text
    assert '<h1 class="govuk-heading-l">Import past audits</h1>' in text
    assert 'enctype="multipart/form-data"' in text and 'accept=".csv,.xlsx"' in text
    assert "all or nothing" in text


def test_the_check_shows_what_would_be_added_and_writes_nothing(qa_client, upload_dir):
    response = upload(qa_client)
    text = squashed(response.text)
    assert "Check the import before you confirm it" in text and "Nothing has changed yet" in text
    assert "2019 Care leaver 1 0 0 0" in text
    assert "2020 Child in need 1 0 0 0" in text
    assert "Closed cases that would be created for children not in the case register: 1" in text
    assert not Audit.objects.exists() and Case.objects.count() == 2
    [waiting] = stored(upload_dir)
    assert token_of(response) in waiting.name and "past" not in waiting.name


def test_confirming_imports_once_and_deletes_the_upload(qa_client, qa_lead, upload_dir):
    token = token_of(upload(qa_client))
    response = qa_client.post(CONFIRM, {"token": token}, follow=True)
    text = squashed(response.text)
    assert "Past audits imported from past audits.csv" in text
    assert "3 created, 0 updated, 0 unchanged" in text
    assert (
        Audit.objects.count() == 3 and Case.objects.filter(child_id="NEW1", closed_on__isnull=False).exists()
    )
    assert ChangeEvent.objects.filter(event="audits.imported", actor=qa_lead).exists()
    assert stored(upload_dir) == []
    job = Job.objects.get(kind="audit-history-import")
    assert (job.status, job.rows_done, job.rows_total) == (Job.Status.DONE, 3, 3)
    # The token is spent: a second confirmation (a refresh) imports nothing more.
    again = qa_client.post(CONFIRM, {"token": token})
    assert again.status_code == 400 and "already been imported or has expired" in again.text
    assert Audit.objects.count() == 3


def test_row_errors_are_listed_as_the_command_lists_them_and_nothing_can_be_imported(
    qa_client, qa_lead, upload_dir
):
    response = upload(qa_client, BAD_CSV)
    text = response.text
    assert "This file cannot be imported as it is" in text and "2 row errors" in text
    assert re.search(r"<td[^>]*>past audits\.csv</td>\s*<td[^>]*>2</td>\s*<td[^>]*>auditor_grade</td>", text)
    assert "Brilliant" in text and "not a grade on the Ofsted four-point scale" in text
    assert re.search(r"<td[^>]*>3</td>\s*<td[^>]*>cohort</td>\s*<td[^>]*><code>adoption</code>", text)
    assert 'name="token"' not in text and "Upload the file again" in text
    assert stored(upload_dir) == [] and not Audit.objects.exists()
    # The values refused may be Child Unique IDs: showing them is a read.
    entry = AccessLog.objects.get(object_type="audit-history-import")
    assert (entry.user, entry.detail) == (qa_lead, "2 of 2 row errors")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("audits.txt", GOOD_CSV, "The selected file must be a CSV or an XLSX workbook"),
        ("audits.csv", b"", "The selected file is empty"),
        ("audits.csv", GOOD_CSV * 20, "The selected file must be smaller than 1 KB"),
    ],
)
def test_a_file_is_refused_before_anything_is_written(
    qa_client, upload_dir, settings, name, content, message
):
    settings.CASEAUDIT_MAX_UPLOAD_BYTES = 1024
    response = upload(qa_client, content, name)
    assert response.status_code == 200 and message in response.text
    assert response.text.count("govuk-error-summary") >= 1
    assert stored(upload_dir) == [] and not Job.objects.exists()


def test_a_file_that_cannot_be_read_says_why_on_the_upload_form(qa_client, upload_dir):
    response = upload(qa_client, b"\x00\x01\x02 not a spreadsheet", "audits.xlsx")
    assert "Import past audits" in response.text and "govuk-error-summary" in response.text
    assert stored(upload_dir) == [] and not Audit.objects.exists()


def test_an_import_that_fails_half_way_leaves_the_audits_as_they_were(qa_client, upload_dir):
    from caseaudit.audits.actions import history

    token = token_of(upload(qa_client))
    real_write = history._write

    def write_then_fail(*args, **kwargs):
        real_write(*args, **kwargs)
        assert Audit.objects.count() == 3  # written, inside the import's transaction
        raise RuntimeError("the disk is full")

    with mock.patch.object(history, "_write", write_then_fail):
        response = qa_client.post(CONFIRM, {"token": token}, follow=True)
    assert "Something went wrong on the server while this was running" in response.text
    assert not Audit.objects.exists() and Case.objects.count() == 2
    assert not ChangeEvent.objects.filter(event="audits.imported").exists()
    assert stored(upload_dir) == []


def test_only_the_qa_lead_who_started_it_opens_its_pages(client, qa_client):
    upload(qa_client)
    check = Job.objects.get(kind="audit-history-check")
    other = type(client)()
    other.force_login(make_user(Role.QA_LEAD, "other-qa-lead"))
    assert other.get(reverse("audits:history-import-check", args=[check.pk])).status_code == 404
    moderator = type(client)()
    moderator.force_login(make_user(Role.MODERATOR, "moderator"))
    assert moderator.get(UPLOAD).status_code == 403


def test_the_check_and_the_import_wait_for_the_worker(qa_client, upload_dir, database_queue):
    uploaded = qa_client.post(UPLOAD, {"history_file": SimpleUploadedFile("audits.csv", GOOD_CSV)})
    check = Job.objects.get(kind="audit-history-check")
    assert uploaded["Location"] == reverse("audits:history-import-check", args=[check.pk])
    waiting = qa_client.get(uploaded["Location"]).text
    assert "Checking the file" in waiting and "Waiting to start" in waiting
    assert f'hx-get="{reverse("jobs:progress", args=[check.pk])}"' in waiting

    run_queued_jobs()

    checked = qa_client.get(uploaded["Location"])
    confirmed = qa_client.post(CONFIRM, {"token": token_of(checked)})
    assert "Importing the file" in qa_client.get(confirmed["Location"]).text
    assert not Audit.objects.exists()

    run_queued_jobs()

    assert "Past audits imported" in qa_client.get(confirmed["Location"]).text
    assert Audit.objects.count() == 3


def test_the_pages_that_lead_to_it(client, qa_lead):
    moderator = make_user(Role.MODERATOR, "moderator")
    for url in (reverse("reports:grades"), reverse("cases:list"), reverse("cycles:list")):
        client.force_login(qa_lead)
        assert f'href="{UPLOAD}"' in client.get(url).text, url
        client.force_login(moderator)
        assert f'href="{UPLOAD}"' not in client.get(url).text, url
