"""The register import pages (cases:import, cases:import-confirm), against the real import action."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.cases.models import Case, ImportBatch

from ..factories import make_case, make_user

UPLOAD = reverse("cases:import")
CONFIRM = reverse("cases:import-confirm")
GOOD_CSV = b"child_id,cohort,team,worker\nA1,care-leaver,North,Will\nA2,early-help,East,Erin\n"
BAD_CSV = b"".join(
    [
        b"child_id,cohort,team,worker\n",
        b"A1,care-leaver,North,Will\n",
        b"A2,not-a-cohort,East,Erin\n",
        b",early-help,East,Erin\n",
    ]
)


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


@pytest.fixture
def qa_lead(db):
    return make_user(Role.QA_LEAD, "qa-lead")


@pytest.fixture
def qa_client(client, qa_lead):
    client.force_login(qa_lead)
    return client


def upload(client, content: bytes = GOOD_CSV, name: str = "register.csv", **options: str):
    """Upload a file and follow to its check's page: the check runs as a job, here inside the request
    (the tests' immediate backend; tests/cases/test_import_jobs.py queues it for a worker)."""
    return client.post(UPLOAD, {"register_file": SimpleUploadedFile(name, content), **options}, follow=True)


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.text)
    assert match, "no confirmation form on the page"
    return match.group(1)


def stored_files(upload_dir) -> list:
    return sorted(upload_dir.iterdir()) if upload_dir.exists() else []


def test_upload_page(qa_client):
    response = qa_client.get(UPLOAD)
    assert response.status_code == 200
    text = response.text
    assert 'enctype="multipart/form-data"' in text
    assert 'type="file"' in text and 'accept=".csv,.xlsx"' in text
    assert "Skip invalid rows" in text
    assert "Only add and update (do not close cases missing from the file)" in text


def test_dry_run_shows_the_summary_and_writes_nothing(qa_client, upload_dir):
    response = upload(qa_client)
    assert response.status_code == 200
    text = response.text
    assert "Check the import before you confirm it" in text
    assert "Changes this import would make, by cohort" in text
    assert "Care leaver" in text and "Early help" in text
    assert "Nothing has changed yet" in text
    assert not Case.objects.exists()
    assert not ImportBatch.objects.exists()
    # The upload waits under a random name, with its extension, for the confirmation.
    [stored] = stored_files(upload_dir)
    assert stored.suffix == ".csv" and "register" not in stored.name
    assert token_of(response) in stored.name
    # Nothing to close, so no checkbox to tick.
    assert "will be closed" not in text


def test_confirm_imports_and_deletes_the_upload(qa_client, qa_lead, upload_dir):
    token = token_of(upload(qa_client))
    response = qa_client.post(CONFIRM, {"token": token}, follow=True)
    assert response.status_code == 200
    assert "govuk-notification-banner--success" in response.text
    assert "Case register imported from register.csv" in response.text
    assert sorted(Case.objects.values_list("child_id", "cohort", "team__name", "worker__name")) == [
        ("A1", "care-leaver", "North", "Will"),
        ("A2", "early-help", "East", "Erin"),
    ]
    batch = ImportBatch.objects.get()
    assert (batch.user, batch.file_name, batch.created) == (qa_lead, "register.csv", 2)
    assert ChangeEvent.objects.filter(event="register.imported", actor=qa_lead).exists()
    assert stored_files(upload_dir) == []
    # The token is spent: a second confirmation (a refresh, say) imports nothing more.
    again = qa_client.post(CONFIRM, {"token": token}, follow=True)
    assert again.status_code == 400
    assert "already been imported or has expired" in again.text
    assert ImportBatch.objects.count() == 1


def test_row_errors_are_listed_and_nothing_can_be_imported(qa_client, upload_dir):
    response = upload(qa_client, BAD_CSV, partial="on")
    text = response.text
    assert "This file cannot be imported as it is" in text
    assert "2 row errors" in text
    # source, row, column, value and reason, with the file's own name rather than the stored one.
    assert re.search(r"<td[^>]*>register\.csv</td>\s*<td[^>]*>3</td>\s*<td[^>]*>cohort</td>", text)
    assert "not-a-cohort" in text
    assert 'name="token"' not in text
    assert stored_files(upload_dir) == []
    assert not Case.objects.exists()
    # The upload form is offered again with the options that were chosen.
    assert re.search(r'id="id_partial" name="partial" type="checkbox" value="on" checked', text)
    assert not re.search(r'id="id_skip_invalid" name="skip_invalid" type="checkbox" value="on" checked', text)


def test_skip_invalid_imports_the_valid_rows(qa_client):
    response = upload(qa_client, BAD_CSV, skip_invalid="on")
    assert "The rows with errors will be skipped" in response.text
    assert not Case.objects.exists()  # not before the confirmation
    qa_client.post(CONFIRM, {"token": token_of(response)}, follow=True)
    assert list(Case.objects.values_list("child_id", "cohort")) == [("A1", "care-leaver")]
    assert (ImportBatch.objects.get().created, ImportBatch.objects.get().rejected) == (1, 2)


def test_closing_cases_needs_a_ticked_confirmation(qa_client, upload_dir):
    make_case("OLD1", "child-in-need")
    make_case("OLD2", "child-in-need")
    response = upload(qa_client)
    assert "I understand 2 open cases not in the file will be closed" in response.text
    token = token_of(response)

    refused = qa_client.post(CONFIRM, {"token": token}, follow=True)
    assert refused.status_code == 200
    assert "Confirm that you understand 2 open cases will be closed" in refused.text
    assert 'href="#id_confirm_close"' in refused.text
    assert "<title>Error: " in refused.text
    # Nothing lost: nothing written, the file kept, the same token still good.
    assert Case.objects.filter(closed_on__isnull=True).count() == 2
    assert not ImportBatch.objects.exists()
    assert len(stored_files(upload_dir)) == 1
    assert token_of(refused) == token

    done = qa_client.post(CONFIRM, {"token": token, "confirm_close": "on"}, follow=True)
    assert done.status_code == 200
    assert set(Case.objects.filter(closed_on__isnull=False).values_list("child_id", flat=True)) == {
        "OLD1",
        "OLD2",
    }
    assert ImportBatch.objects.get().closed == 2


def test_partial_import_closes_nothing(qa_client):
    make_case("OLD1", "child-in-need")
    response = upload(qa_client, partial="on")
    assert "will be closed" not in response.text
    assert "Cases that are not in the file will stay as they are" in response.text
    qa_client.post(CONFIRM, {"token": token_of(response)}, follow=True)
    assert Case.objects.get(child_id="OLD1").closed_on is None
    assert ImportBatch.objects.get().partial is True


def test_an_import_that_would_now_close_more_is_stopped(qa_client):
    token = token_of(upload(qa_client))
    # Another case arrives between the check and the confirmation: the import would now close it.
    make_case("LATE1", "looked-after")
    response = qa_client.post(CONFIRM, {"token": token}, follow=True)
    assert "The register has changed since the check" in response.text
    assert "I understand 1 open case not in the file will be closed" in response.text
    assert not ImportBatch.objects.exists()
    assert Case.objects.get(child_id="LATE1").closed_on is None


def test_a_token_from_another_session_is_refused(client, qa_client, upload_dir):
    token = token_of(upload(qa_client))
    other = make_user(Role.QA_LEAD, "other-qa-lead")
    client_b = type(client)()
    client_b.force_login(other)
    response = client_b.post(CONFIRM, {"token": token}, follow=True)
    assert response.status_code == 400
    assert not Case.objects.exists()
    # The owner's upload is untouched.
    assert len(stored_files(upload_dir)) == 1


def test_a_made_up_token_is_refused(qa_client):
    upload(qa_client)
    assert qa_client.post(CONFIRM, {"token": "x" * 32}, follow=True).status_code == 400
    assert qa_client.post(CONFIRM, {"token": "../../etc/passwd"}, follow=True).status_code == 400
    assert qa_client.post(CONFIRM, {}, follow=True).status_code == 400
    assert not Case.objects.exists()


def test_no_file_chosen_keeps_the_options(qa_client):
    response = qa_client.post(UPLOAD, {"skip_invalid": "on", "partial": "on"})
    assert response.status_code == 200
    text = response.text
    assert "Select a CSV file or an Annex A workbook" in text
    assert 'href="#id_register_file"' in text
    assert "<title>Error: " in text
    assert re.search(r'id="id_skip_invalid" name="skip_invalid" type="checkbox" value="on" checked', text)
    assert re.search(r'id="id_partial" name="partial" type="checkbox" value="on" checked', text)


def test_too_large_a_file_is_refused(qa_client, settings, upload_dir):
    settings.CASEAUDIT_MAX_UPLOAD_BYTES = 20
    response = upload(qa_client)
    assert "The selected file must be smaller than 20 bytes" in response.text
    assert stored_files(upload_dir) == []


def test_wrong_kind_of_file_is_refused(qa_client, upload_dir):
    response = upload(qa_client, b"%PDF-1.4", name="register.pdf")
    assert "The selected file must be a CSV or an XLSX workbook" in response.text
    assert stored_files(upload_dir) == []


def test_a_file_the_importer_refuses_says_why_by_its_own_name(qa_client, upload_dir):
    response = upload(qa_client, b"name,age\nx,1\n", name="caseload.csv", skip_invalid="on")
    text = response.text
    assert "caseload.csv has no" in text
    assert "child_id" in text
    assert 'href="#id_register_file"' in text
    assert re.search(r'id="id_skip_invalid" name="skip_invalid" type="checkbox" value="on" checked', text)
    assert stored_files(upload_dir) == []


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AUDITOR, Role.TEAM_MANAGER, Role.SENIOR_LEADER])
def test_only_the_qa_lead_imports(client, db, role, upload_dir):
    client.force_login(make_user(role))
    assert client.get(UPLOAD).status_code == 403
    assert upload(client).status_code == 403
    assert client.post(CONFIRM, {"token": "x" * 32}, follow=True).status_code == 403
    assert stored_files(upload_dir) == []
    assert not Case.objects.exists() and not ImportBatch.objects.exists()
