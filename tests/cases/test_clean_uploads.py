"""`caseaudit clean-uploads`: register files uploaded for an import nobody confirmed are deleted after a
day (they hold children's data); fresh ones, and anything the import page did not write, are kept."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caseaudit.accounts.models import Role

from ..factories import make_user
from .test_views_import import stored_files, upload

HOUR = 3600


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.UPLOAD_DIR.mkdir()
    return settings.UPLOAD_DIR


@pytest.fixture
def qa_client(client, db):
    client.force_login(make_user(Role.QA_LEAD, "qa-lead"))
    return client


def aged(path, hours: float):
    then = time.time() - hours * HOUR
    os.utime(path, (then, then))
    return path


def clean(*args: str) -> str:
    out = io.StringIO()
    call_command("clean_uploads", *args, stdout=out)
    return out.getvalue()


def test_an_unconfirmed_upload_is_deleted_after_24_hours(qa_client, upload_dir):
    upload(qa_client)  # checked, waiting for the QA lead to confirm
    [waiting] = stored_files(upload_dir)
    assert "Deleted 0 upload(s) older than 24 hours." in clean()
    assert stored_files(upload_dir) == [waiting]

    aged(waiting, 25)
    output = clean()
    assert f"{waiting.name}  25 hours old" in output and "Deleted 1 upload(s)" in output
    assert stored_files(upload_dir) == []


def test_a_dry_run_lists_and_deletes_nothing(upload_dir):
    old = upload_dir / ("a" * 32 + ".csv")
    old.write_text("child_id,cohort\n")
    aged(old, 30)
    output = clean("--dry-run")
    assert f"{old.name}  30 hours old  16 bytes" in output and "Would delete 1 upload(s)" in output
    assert old.exists()


def test_older_than_sets_the_age(upload_dir):
    recent = upload_dir / ("b" * 32 + ".xlsx")
    recent.write_bytes(b"PK")
    aged(recent, 3)
    assert "Deleted 0" in clean("--older-than", "4")
    assert "Deleted 1" in clean("--older-than", "2")
    assert not recent.exists()


def test_files_the_import_page_did_not_write_are_left_alone(upload_dir, tmp_path):
    notes = upload_dir / "README.txt"
    notes.write_text("kept")
    outside = tmp_path / ("c" * 32 + ".csv")
    outside.write_text("kept")
    link = upload_dir / ("d" * 32 + ".csv")
    link.symlink_to(outside)
    for path in (notes, outside):
        aged(path, 100)
    assert "Deleted 0" in clean("--older-than", "0")
    assert notes.exists() and outside.exists() and link.is_symlink()


def test_a_bad_age_is_refused():
    with pytest.raises(CommandError, match="give a number of hours"):
        clean("--older-than", "a day")
