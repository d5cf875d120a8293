"""The register's import through the API, as jobs: upload and the check runs (nothing written), poll it for
the counts and every bad row, then import from the check, agreeing to the closures it listed."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from caseaudit.api.actions import create_token
from caseaudit.cases.models import Case

pytestmark = pytest.mark.django_db
GOOD = (
    "child_id,cohort,team\n"
    "NEW001,looked-after,North Children and Families\n"
    "N000001,care-leaver,North Children and Families\n"
)


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


def bearer(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, name='t', acting_user=user).secret}")


def upload(client: Client, text: str, **options: str):
    return client.post(
        "/api/v1/imports/register",
        {"file": SimpleUploadedFile("register.csv", text.encode(), "text/csv"), **options},
    )


def test_upload_check_then_import_closing_only_what_was_agreed(personas):
    qa = bearer(personas.qa_lead)
    checked = upload(qa, GOOD)
    assert checked.status_code == 202
    job = qa.get(f"/api/v1/jobs/{checked.json()['id']}").json()
    # The tests run jobs at once: the check is done, and nothing was written.
    assert job["status"] == "done" and job["result"]["importable"]
    assert not Case.objects.filter(child_id="NEW001").exists()
    # The file leaves out the other team's open case: it would close, so the import needs the say-so.
    refused = qa.post(f"/api/v1/imports/register/{job['id']}/import", "{}", content_type="application/json")
    assert (
        refused.status_code == 422
        and "1 open case not in the file will be closed" in refused.json()["detail"]
    )
    started = qa.post(
        f"/api/v1/imports/register/{job['id']}/import",
        json.dumps({"close_cases": True}),
        content_type="application/json",
    )
    assert started.status_code == 202
    done = qa.get(f"/api/v1/jobs/{started.json()['id']}").json()
    assert done["status"] == "done" and Case.objects.filter(child_id="NEW001").exists()
    assert Case.objects.get(child_id="S000001").closed_on is not None
    # The same check cannot start a second import.
    again = qa.post(
        f"/api/v1/imports/register/{job['id']}/import",
        json.dumps({"close_cases": True}),
        content_type="application/json",
    )
    assert again.status_code == 409


def test_a_bad_file_lists_its_rows_and_cannot_be_imported(personas):
    qa = bearer(personas.qa_lead)
    checked = upload(qa, "child_id,cohort\nBAD 1,unicorns\n").json()
    job = qa.get(f"/api/v1/jobs/{checked['id']}").json()
    assert not job["result"]["importable"]
    assert "unicorns" in json.dumps(job["result"]["result"])
    started = qa.post(f"/api/v1/imports/register/{job['id']}/import", "{}", content_type="application/json")
    assert started.status_code == 409
    # Not a CSV or a workbook: refused at the door.
    wrong = qa.post(
        "/api/v1/imports/register", {"file": SimpleUploadedFile("notes.txt", b"hello", "text/plain")}
    )
    assert wrong.status_code == 422


def test_only_the_qa_lead_imports_and_a_job_is_only_its_starters(personas):
    assert upload(bearer(personas.moderator), GOOD).status_code == 403
    qa_job = upload(bearer(personas.qa_lead), GOOD).json()["id"]
    assert bearer(personas.moderator).get(f"/api/v1/jobs/{qa_job}").status_code == 404


def _return_files(**changes: str) -> list[SimpleUploadedFile]:
    from ..cases.test_import_ssda903 import EPISODES, HEADER, REVIEWS

    given = {"Header.csv": HEADER, "Episodes.csv": EPISODES, "Reviews.csv": REVIEWS} | changes
    return [SimpleUploadedFile(name, text.encode(), "text/csv") for name, text in given.items()]


def test_a_return_is_checked_or_imported_as_a_job(personas, settings):
    qa = bearer(personas.qa_lead)
    checked = qa.post("/api/v1/imports/returns", {"files": _return_files(), "check_only": "true"})
    assert checked.status_code == 202
    job = qa.get(f"/api/v1/jobs/{checked.json()['id']}").json()
    assert job["status"] == "done" and job["result"]["written"] is False
    assert not Case.objects.filter(child_id="LAC1").exists()
    started = qa.post("/api/v1/imports/returns", {"files": _return_files(), "extracted_on": "2026-03-31"})
    done = qa.get(f"/api/v1/jobs/{started.json()['id']}").json()
    assert done["status"] == "done" and done["result"]["written"] is True
    case = Case.objects.get(child_id="LAC1")
    assert case.statutory_reviews.count() == 2 and case.import_batch.extracted_on.isoformat() == "2026-03-31"
    # Every bad cell named, nothing written; the files are gone either way.
    bad = qa.post(
        "/api/v1/imports/returns",
        {
            "files": _return_files(
                **{"Episodes.csv": "CHILD,DECOM,RNE,LS,PLACE,DEC\nZZ9,01/01/2026,Q,C2,U4,\n"}
            )
        },
    )
    failed = qa.get(f"/api/v1/jobs/{bad.json()['id']}").json()
    assert failed["status"] == "failed" and "RNE 'Q': not a reason for a new episode" in failed["failure"]
    assert not Case.objects.filter(child_id="ZZ9").exists()
    assert not any((settings.UPLOAD_DIR).iterdir())
