"""Checks on an uploaded or named file before any parser sees it. Never trust a file."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .table import ImportRefused
from .zip_inflate import ZipRefused, check_inflated

MEGABYTE = 1024 * 1024
GIGABYTE = 1024 * MEGABYTE


def _max_inflated_bytes() -> int:
    return int(getattr(settings, "CASEAUDIT_MAX_XLSX_INFLATED_BYTES", GIGABYTE))


@dataclass(frozen=True)
class FileLimits:
    max_bytes: int = 200 * MEGABYTE
    # An XLSX is a zip. A 100,000-row Annex A list unpacks to well under 200 MB; a zip bomb does not. The
    # operator may move the cap (CASEAUDIT_MAX_XLSX_INFLATED_BYTES).
    max_unpacked_bytes: int = field(default_factory=_max_inflated_bytes)
    max_zip_entries: int = 2000
    # Workbooks' XML packs 5 to 20 times; deflate cannot pack more than about 1,000 times.
    max_compression_ratio: int = 200


def detect_kind(path: Path, limits: FileLimits | None = None, file_name: str | None = None) -> str:
    """`csv` or `annex-a` for a file that is safe to parse, else ImportRefused saying why. `file_name`
    is the name the person knows the file by (an upload is stored under a random one)."""
    file_name = file_name or path.name
    limits = limits or FileLimits()
    if not path.is_file():
        raise ImportRefused(f"{file_name}: no such file.")
    size = path.stat().st_size
    if size == 0:
        raise ImportRefused(f"{file_name} is empty.")
    if size > limits.max_bytes:
        limit = limits.max_bytes / MEGABYTE
        raise ImportRefused(f"{file_name} is {size / MEGABYTE:.0f} MB, over the limit of {limit:.0f} MB.")
    with path.open("rb") as handle:
        head = handle.read(8)
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        if suffix not in (".xlsx", ".xlsm", ""):
            raise ImportRefused(f"{file_name} is a zip archive, not a CSV file or an .xlsx workbook.")
        _check_zip(path, limits, file_name)
        return "annex-a"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            f"{file_name} is an old Excel .xls workbook: save it as .xlsx (Excel Workbook) and try again."
        )
    if suffix in (".xlsx", ".xlsm"):
        raise ImportRefused(
            f"{file_name} is not a real .xlsx workbook{_what_it_is(head)}: it may be damaged, or another "
            "kind of file renamed. Open it in Excel and save it as Excel Workbook (.xlsx), then try again."
        )
    if suffix not in (".csv", ".txt", ""):
        raise ImportRefused(f"{file_name}: caseaudit reads CSV files (.csv) and Annex A workbooks (.xlsx).")
    if b"\x00" in head:
        raise ImportRefused(f"{file_name} is not a text CSV file.")
    return "csv"


def _check_zip(path: Path, limits: FileLimits, file_name: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportRefused(f"{file_name} is not a readable .xlsx workbook ({exc}).") from None
    if len(entries) > limits.max_zip_entries:
        raise ImportRefused(f"{file_name} holds {len(entries)} parts, more than a workbook should: refused.")
    # The sizes the zip declares are a quick first look; they are the file's own word, so the real test is
    # below, counting what the entries really unpack to.
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if unpacked > limits.max_unpacked_bytes or unpacked / packed > limits.max_compression_ratio:
        raise ImportRefused(_too_big(file_name, unpacked, limits))
    if not any(entry.filename == "xl/workbook.xml" for entry in entries):
        raise ImportRefused(f"{file_name} is a zip archive but not an Excel workbook.")
    try:
        check_inflated(
            path,
            entries,
            max_total=limits.max_unpacked_bytes,
            max_ratio=limits.max_compression_ratio,
        )
    except ZipRefused as refusal:
        raise ImportRefused(_zip_refusal(file_name, refusal, limits)) from None


def _too_big(file_name: str, unpacked: int, limits: FileLimits) -> str:
    return (
        f"{file_name} unpacks to more than {unpacked / MEGABYTE:,.0f} MB, more than a workbook of its size "
        f"should (a possible zip bomb; the limit is {limits.max_unpacked_bytes / MEGABYTE:,.0f} MB, at most "
        f"{limits.max_compression_ratio} times the file's size): refused. If the file is a real register, "
        "save it again from Excel (File, Save As, Excel Workbook), or export it as CSV, and try again."
    )


def _zip_refusal(file_name: str, refusal: ZipRefused, limits: FileLimits) -> str:
    if refusal.kind == "too-big":
        return _too_big(file_name, refusal.inflated, limits)
    if refusal.kind == "entities":
        return (
            f"{file_name} has XML entity declarations in '{refusal.entry}', which Excel never writes (a "
            "possible 'billion laughs' attack): refused. Save the workbook again from Excel, or export it "
            "as CSV, and try again."
        )
    if refusal.kind == "method":
        return (
            f"{file_name} packs '{refusal.entry}' in a way Excel does not (compression method "
            f"{refusal.detail}): refused. Save the workbook again from Excel, or export it as CSV."
        )
    return (
        f"{file_name} is a damaged .xlsx workbook ('{refusal.entry}' cannot be unpacked: {refusal.detail}). "
        "Save it again from Excel, or export it as CSV, and try again."
    )


# The first bytes of files people rename to .xlsx by mistake, to say what the file seems to be.
_SIGNATURES = {
    b"\x89PNG": "a PNG picture",
    b"\xff\xd8\xff": "a JPEG picture",
    b"GIF8": "a GIF picture",
    b"%PDF": "a PDF document",
    b"{\\rtf": "an RTF document",
}


def _what_it_is(head: bytes) -> str:
    for signature, kind in _SIGNATURES.items():
        if head.startswith(signature):
            return f" (it looks like {kind})"
    return ""
