"""Hostile and broken files are refused cleanly, before anything is parsed or written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from caseaudit.readers.files import FileLimits, detect_kind
from caseaudit.readers.table import ImportRefused


def test_kinds(tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("child_id,cohort\n")
    assert detect_kind(csv) == "csv"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"", "is empty"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old Excel .xls"),
        ("fake.xlsx", b"child_id,cohort\n", "not a real .xlsx"),
        ("report.pdf", b"%PDF-1.7", "caseaudit reads CSV files"),
        ("binary.csv", b"\x00\x01\x02\x03\x04\x05\x06\x07", "not a text CSV"),
        ("broken.xlsx", b"PK\x03\x04 truncated", "not a readable .xlsx"),
    ],
)
def test_refused_with_a_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused, match=reason):
        detect_kind(path)


def test_over_the_size_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"child_id,cohort\n" + b"A1,care-leaver\n" * 1000)
    with pytest.raises(ImportRefused, match="over the limit"):
        detect_kind(path, FileLimits(max_bytes=1000))


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_zip_bomb_is_refused(tmp_path):
    path = _zip(
        tmp_path / "bomb.xlsx", {"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"0" * 5_000_000}
    )
    with pytest.raises(ImportRefused, match="zip bomb"):
        detect_kind(path)


def test_too_many_parts_is_refused(tmp_path):
    path = _zip(tmp_path / "many.xlsx", {f"xl/part{i}.xml": b"<x/>" for i in range(30)})
    with pytest.raises(ImportRefused, match="parts"):
        detect_kind(path, FileLimits(max_zip_entries=20))


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = _zip(tmp_path / "photos.xlsx", {"photo.jpg": b"\xff\xd8" * 10})
    with pytest.raises(ImportRefused, match="not an Excel workbook"):
        detect_kind(path)
