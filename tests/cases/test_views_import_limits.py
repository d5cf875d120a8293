"""The register import page with a file full of problems or not what it claims: it says how many problems
there are while listing only the first thousand, says what to do about a renamed file, and keeps nothing."""

from __future__ import annotations

import pytest

from caseaudit.accounts.models import Role
from caseaudit.cases.models import Case

from ..factories import make_user
from .test_views_import import stored_files, upload


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


@pytest.fixture
def qa_client(client, db):
    client.force_login(make_user(Role.QA_LEAD, "qa-lead"))
    return client


def test_a_file_with_thousands_of_problems_shows_the_first_thousand_and_the_count(qa_client, upload_dir):
    rows = "".join(f"C{i},not-a-cohort\n" for i in range(1_500))
    response = upload(qa_client, f"child_id,cohort\n{rows}".encode())
    text = response.text
    assert "1,500 row errors" in text
    assert "Showing the first 1,000 of 1,500 problems." in text
    assert text.count("not a cohort: use care-leaver") == 1_000
    assert 'name="token"' not in text  # nothing to confirm
    assert stored_files(upload_dir) == [] and not Case.objects.exists()


def test_a_picture_renamed_xlsx_is_refused_saying_what_it_is(qa_client, upload_dir):
    response = upload(qa_client, b"\x89PNG\r\n\x1a\n" + bytes(100), name="register.xlsx")
    assert "register.xlsx is not a real .xlsx workbook (it looks like a PNG picture)" in response.text
    assert "save it as Excel Workbook (.xlsx)" in response.text
    assert stored_files(upload_dir) == []
