"""Hostile and broken files are refused with a message a person can act on, write nothing, and never take
much memory: a zip whose directory under-declares its sizes, a child repeated on 40,000 rows, a "billion
laughs" sheet, a picture renamed .xlsx, a file with tens of thousands of bad rows.

Every file is made here, in tmp_path: none is kept in the repository. Memory is measured with tracemalloc
(Python's allocations, where the harm of the old quadratic duplicate messages showed); no test times
anything."""

from __future__ import annotations

import struct
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError

from caseaudit.audits.actions.history import import_audit_history
from caseaudit.audits.history_import.result import RowsRefused as AuditRowsRefused
from caseaudit.audits.models import Audit
from caseaudit.cases.actions import import_case_register
from caseaudit.cases.importing.result import RowsRefused
from caseaudit.cases.models import Case, ImportBatch
from caseaudit.policy import SYSTEM
from caseaudit.readers.files import FileLimits, detect_kind
from caseaudit.readers.row_errors import MAX_ROW_ERRORS
from caseaudit.readers.table import ImportRefused
from caseaudit.readers.zip_inflate import READ_CHUNK

pytestmark = pytest.mark.django_db

MEGABYTE = 1024 * 1024
PEAK_LIMIT = 200 * MEGABYTE


@contextmanager
def peak_memory() -> Iterator[Callable[[], int]]:
    """The peak of Python's allocations inside the block, in bytes."""
    tracemalloc.start()
    peak = 0
    try:
        yield lambda: peak
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def refused_import(path: Path, limits: FileLimits | None = None) -> str:
    """The message the register import refuses the file with, having checked that nothing was written."""
    with peak_memory() as peak, pytest.raises(ImportRefused) as refusal:
        import_case_register(path, acting_user=SYSTEM, limits=limits)
    assert peak() < PEAK_LIMIT, f"peak {peak() / MEGABYTE:.0f} MB"
    assert not Case.objects.exists() and not ImportBatch.objects.exists()
    return str(refusal.value)


def workbook(path: Path) -> Path:
    """A small, valid Annex A workbook."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("List 9")
    sheet.write_row(0, 0, ["Child Unique ID", "Allocated Team"])
    sheet.write_row(1, 0, ["A1", "North"])
    book.close()
    return path


def with_sheet(path: Path, sheet: str, write: Callable[[zipfile.ZipFile], None]) -> Path:
    """A copy of the workbook at `path` with its sheet XML written by `write`, under the same name."""
    target = path.with_name("hostile-" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            if entry.filename == sheet:
                write(out)
            else:
                out.writestr(entry.filename, source.read(entry.filename))
    return target


SHEET = "xl/worksheets/sheet1.xml"


def under_declared(path: Path, declared: int = 1000) -> Path:
    """Make every part of the zip at `path` claim to unpack to `declared` bytes: the sizes in the central
    directory and in each local header are patched, the packed data left as it is."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        entries = archive.infolist()
    for entry in entries:
        # Local header: uncompressed size at offset 22.
        struct.pack_into("<L", data, entry.header_offset + 22, declared)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        # Central directory header: uncompressed size at offset 24.
        struct.pack_into("<L", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 46)
    path.write_bytes(bytes(data))
    return path


def bomb_sheet(out: zipfile.ZipFile, megabytes: int = 60) -> None:
    """A sheet XML of `megabytes` MB that packs to a few tens of kilobytes, written in pieces."""
    with out.open(SHEET, "w") as stream:
        stream.write(b'<?xml version="1.0"?><worksheet><sheetData>')
        padding = b"<row/>" * (MEGABYTE // 6)
        for _ in range(megabytes):
            stream.write(padding)
        stream.write(b"</sheetData></worksheet>")


def test_an_under_declared_zip_bomb_is_refused_by_what_it_really_unpacks_to(tmp_path):
    path = under_declared(with_sheet(workbook(tmp_path / "register.xlsx"), SHEET, bomb_sheet))
    with zipfile.ZipFile(path) as archive:
        assert sum(e.file_size for e in archive.infolist()) < 20_000  # the directory's word: tiny
    message = refused_import(path, FileLimits(max_compression_ratio=10_000, max_unpacked_bytes=50 * MEGABYTE))
    assert "a possible zip bomb" in message and "the limit is 50 MB" in message
    assert "save it again from Excel" in message


def test_an_under_declared_zip_is_refused_for_its_real_compression_ratio(tmp_path):
    path = under_declared(with_sheet(workbook(tmp_path / "register.xlsx"), SHEET, bomb_sheet))
    message = refused_import(path)  # the default limits: 1 GB, and 200 times the file's size
    assert "a possible zip bomb" in message and "200 times the file's size" in message


def test_the_inflated_cap_is_a_setting(tmp_path, settings):
    settings.CASEAUDIT_MAX_XLSX_INFLATED_BYTES = 1000
    with pytest.raises(ImportRefused, match="the limit is 0 MB"):
        detect_kind(workbook(tmp_path / "register.xlsx"))
    settings.CASEAUDIT_MAX_XLSX_INFLATED_BYTES = 10 * MEGABYTE
    assert detect_kind(workbook(tmp_path / "register.xlsx")) == "annex-a"


def billion_laughs(out: zipfile.ZipFile) -> None:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    out.writestr(
        SHEET,
        f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'
        '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>",
    )


def test_a_billion_laughs_sheet_is_refused(tmp_path):
    path = with_sheet(workbook(tmp_path / "register.xlsx"), SHEET, billion_laughs)
    message = refused_import(path)
    assert "XML entity declarations in 'xl/worksheets/sheet1.xml'" in message
    assert "billion laughs" in message


def test_a_picture_renamed_xlsx_is_refused(tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200))
    message = refused_import(path)
    assert "is not a real .xlsx workbook (it looks like a PNG picture)" in message
    assert "save it as Excel Workbook (.xlsx)" in message


def test_a_zip_part_packed_as_excel_never_does_is_refused(tmp_path):
    def bzipped(out: zipfile.ZipFile) -> None:
        out.writestr(SHEET, b"<worksheet/>", compress_type=zipfile.ZIP_BZIP2)

    path = with_sheet(workbook(tmp_path / "register.xlsx"), SHEET, bzipped)
    assert "in a way Excel does not" in refused_import(path)


def test_a_child_on_40000_rows_is_one_error_with_a_count(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("child_id,cohort\n" + "A1,care-leaver\n" * 40_000 + "B1,care-leaver\n")
    with peak_memory() as peak, pytest.raises(RowsRefused) as refusal:
        import_case_register(path, acting_user=SYSTEM)
    assert peak() < PEAK_LIMIT, f"peak {peak() / MEGABYTE:.0f} MB"
    result = refusal.value.result
    [error] = result.errors
    assert (error.row, error.column, error.value) == (2, "child_id", "A1")
    assert error.reason.startswith(
        "Child Unique ID A1 appears on 40,000 rows: rows 2, 3, 4, 5, 6 and 39,995 more."
    )
    assert result.error_count == 1 and result.totals.rejected == 40_000
    assert not Case.objects.exists() and not ImportBatch.objects.exists()


def test_at_most_a_thousand_errors_are_kept_and_all_are_counted(tmp_path):
    path = tmp_path / "register.csv"
    rows = "".join(f"C{i},not-a-cohort\n" for i in range(52_311))
    path.write_text("child_id,cohort\n" + rows)
    with peak_memory() as peak, pytest.raises(RowsRefused) as refusal:
        import_case_register(path, acting_user=SYSTEM)
    assert peak() < PEAK_LIMIT
    result = refusal.value.result
    assert len(result.errors) == MAX_ROW_ERRORS and result.error_count == 52_311
    assert [e.row for e in result.errors[:3]] == [2, 3, 4] and result.errors[-1].row == MAX_ROW_ERRORS + 1
    assert str(refusal.value) == "52,311 problem(s) in register.csv: nothing was imported."
    assert not Case.objects.exists()


def test_the_audit_history_import_keeps_a_thousand_errors_too(tmp_path):
    path = tmp_path / "history.csv"
    header = "child_id,cohort,audit_date,auditor_grade\n"
    # One child audited 3,000 times on one day (one error), and 2,000 rows with no grade.
    repeated = "A1,care-leaver,2019-10-14,Good\n" * 3_000
    ungraded = "".join(f"B{i},care-leaver,2019-10-15,\n" for i in range(2_000))
    path.write_text(header + repeated + ungraded)
    with pytest.raises(AuditRowsRefused) as refusal:
        import_audit_history(path, acting_user=SYSTEM)
    result = refusal.value.result
    assert result.error_count == 2_001 and len(result.errors) == MAX_ROW_ERRORS
    assert result.errors[0].reason == (
        "audited 3,000 times on 14/10/2019 in the file (rows 2, 3, 4, 5, 6 and 2,995 more)"
    )
    assert result.errors[1].row == 3_002
    assert not Audit.objects.exists()


@pytest.mark.parametrize("offset", [0, READ_CHUNK - 4, READ_CHUNK, 3 * READ_CHUNK - 1])
def test_a_dtd_is_found_wherever_the_chunks_fall(tmp_path, offset):
    """A declaration split between two chunks read (stored parts are read 64 KB at a time) is found."""
    xml = b"<?xml version='1.0'?><!--" + b"-" * offset + b"--><!doctype x><x/>"

    def stored(out: zipfile.ZipFile) -> None:
        out.writestr(SHEET, xml, compress_type=zipfile.ZIP_STORED)

    with pytest.raises(ImportRefused, match="XML entity declarations"):
        detect_kind(with_sheet(workbook(tmp_path / "register.xlsx"), SHEET, stored))


@pytest.mark.parametrize("command", ["import_cases", "import_audits"])
def test_the_import_commands_print_the_first_thousand_and_the_count(tmp_path, capsys, command):
    path = tmp_path / "file.csv"
    header = "child_id,cohort,audit_date,auditor_grade\n"
    path.write_text(header + "".join(f"C{i},not-a-cohort,2019-10-14,Good\n" for i in range(1_200)))
    with pytest.raises(CommandError, match=r"^1,200 problem\(s\) in file.csv: nothing was imported"):
        call_command(command, str(path))
    err = capsys.readouterr().err
    assert err.count("error: file.csv row") == 1_000 and "file.csv row 1001," in err
    assert err.rstrip().endswith("Showing the first 1,000 of 1,200 problems.")
    assert not Case.objects.exists() and not Audit.objects.exists()


def test_a_huge_repeated_child_id_is_quoted_short(tmp_path):
    long_id = "A" * 100_000
    path = tmp_path / "register.csv"
    path.write_text(f"child_id,cohort\n{long_id},care-leaver\n{long_id},care-leaver\n")
    with pytest.raises(RowsRefused) as refusal:
        import_case_register(path, acting_user=SYSTEM)
    errors = refusal.value.result.errors
    assert {e.reason for e in errors if e.reason.startswith("Child Unique ID")} == {
        f"Child Unique ID {'A' * 37}... appears on 2 rows: rows 2 and 3. One child is one row: keep the "
        "right one and remove the others"
    }
    assert all(len(e.value) <= 200 for e in errors)
