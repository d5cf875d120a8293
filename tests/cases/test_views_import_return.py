"""Importing the SSDA903 return from the web: every table uploaded at once, checked, then confirmed."""

from __future__ import annotations

import os
import time
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caseaudit.accounts.models import AccessLog
from caseaudit.cases.models import Case, ImportBatch, StatutoryReview
from caseaudit.cases.uploads import clean_uploads

from .test_import_cin_census import ON_A_PLAN, census, child
from .test_import_ssda903 import EPISODES, HEADER, OC3, REVIEWS

PAGE = reverse("cases:import-return")
CONFIRM = reverse("cases:import-return-confirm")


@pytest.fixture
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


def tables(**changes: str) -> list[SimpleUploadedFile]:
    given = {"Header.csv": HEADER, "Episodes.csv": EPISODES, "Reviews.csv": REVIEWS, "OC3.csv": OC3} | changes
    return [SimpleUploadedFile(name, text.encode(), "text/csv") for name, text in given.items()]


def test_the_files_are_checked_then_imported_on_confirmation(client, personas, upload_dir):
    client.force_login(personas.qa_lead)
    assert "Upload a statutory return" in client.get(PAGE).text
    given = {"extracted_on_0": "2", "extracted_on_1": "4", "extracted_on_2": "2026"}
    checked = client.post(PAGE, {"tables": tables(), "year": "2026", **given})
    assert checked.status_code == 200
    text = checked.text
    assert "What the import would change" in text and "4 episodes of care and 3 reviews" in text
    assert not Case.objects.filter(child_id="LAC1").exists()  # nothing changes before the confirmation
    assert AccessLog.objects.filter(user=personas.qa_lead, detail="SSDA903 return checked").exists()
    token = text.split('name="token" value="')[1].split('"')[0]
    done = client.post(CONFIRM, {"token": token})
    assert done.status_code == 302 and done["Location"] == reverse("cases:list")
    assert set(Case.objects.values_list("child_id", flat=True)) >= {"LAC1", "LAC2", "CL1"}
    assert ImportBatch.objects.get(kind="ssda903").extracted_on == date(2026, 4, 2)
    assert StatutoryReview.objects.count() == 3
    # The files are gone once imported, and the token is spent.
    assert not any(upload_dir.iterdir())
    assert client.post(CONFIRM, {"token": token}).status_code == 302
    assert ImportBatch.objects.count() == 1


def test_a_bad_return_lists_every_problem_and_offers_no_confirmation(client, personas, upload_dir):
    client.force_login(personas.qa_lead)
    bad = EPISODES.replace("LAC1,04/03/2019,S,C1", "LAC1,04/03/2019,Q,C1")
    response = client.post(PAGE, {"tables": tables(**{"Episodes.csv": bad})})
    text = response.text
    assert "1 problem(s) in the SSDA903 return: nothing was imported." in text
    assert "Episodes.csv row 2, RNE &#x27;Q&#x27;: not a reason for a new episode" in text
    assert "Import the return" not in text and not any(upload_dir.iterdir())
    # The problems quote the return's cells: who read them is recorded.
    assert AccessLog.objects.filter(user=personas.qa_lead, detail="SSDA903 return refused").exists()


def test_only_csv_files_are_taken(client, personas, upload_dir):
    client.force_login(personas.qa_lead)
    text = client.post(PAGE, {"tables": [SimpleUploadedFile("Episodes.xlsx", b"x")]}).text
    assert (
        "Episodes.xlsx must be a CSV table of the SSDA903 return, or the census&#x27;s one XML file" in text
    )
    assert "Select the return&#x27;s files" in client.post(PAGE, {}).text
    two = [SimpleUploadedFile("a.xml", b"<Message/>"), SimpleUploadedFile("b.xml", b"<Message/>")]
    assert "Select one Children in Need census at a time" in client.post(PAGE, {"tables": two}).text


def test_another_persons_token_imports_nothing(client, personas, upload_dir):
    client.force_login(personas.qa_lead)
    client.post(PAGE, {"tables": tables()})
    other = client.post(CONFIRM, {"token": "x" * 32})
    assert other.status_code == 302 and not Case.objects.filter(child_id="LAC1").exists()


def test_a_return_left_waiting_is_deleted_after_a_day(client, personas, upload_dir):
    client.force_login(personas.qa_lead)
    client.post(PAGE, {"tables": tables()})
    [folder] = list(upload_dir.iterdir())
    assert folder.is_dir() and len(list(folder.iterdir())) == 4
    day_ago = time.time() - 25 * 3600
    for path in folder.iterdir():
        os.utime(path, (day_ago, day_ago))
    assert [stale.path for stale in clean_uploads()] == [folder]
    assert not folder.exists()


def test_the_children_in_need_census_is_checked_then_imported(client, personas, upload_dir, tmp_path):
    path = census(tmp_path / "cin.xml", child("CP7", ON_A_PLAN))
    client.force_login(personas.qa_lead)
    checked = client.post(PAGE, {"tables": [SimpleUploadedFile("cin.xml", path.read_bytes(), "text/xml")]})
    assert "The census was read and checked." in checked.text and "Import the census" in checked.text
    token = checked.text.split('name="token" value="')[1].split('"')[0]
    client.post(CONFIRM, {"token": token})
    assert Case.objects.get(child_id="CP7").cohort == "child-protection"
    assert ImportBatch.objects.get().kind == "cin"


def test_a_date_extracted_that_is_no_date_is_refused_and_keeps_the_year(client, personas, upload_dir):
    client.force_login(personas.qa_lead)
    given = {"extracted_on_0": "31", "extracted_on_1": "2", "extracted_on_2": "2026"}
    response = client.post(PAGE, {"tables": tables(), "year": "2026", **given})
    assert "Date extracted must be a real date" in response.text
    assert 'value="2026"' in response.text and not (upload_dir.exists() and any(upload_dir.iterdir()))
