"""Checks on an uploaded or named file before any parser sees it. Never trust a file."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .table import ImportRefused

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class FileLimits:
    max_bytes: int = 200 * MEGABYTE
    # An XLSX is a zip. A 100,000-row Annex A list unpacks to well under 200 MB; a zip bomb does not.
    max_unpacked_bytes: int = 1024 * MEGABYTE
    max_zip_entries: int = 2000
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
        raise ImportRefused(f"{file_name} is not a real .xlsx workbook (it may be damaged or renamed).")
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
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if unpacked > limits.max_unpacked_bytes or unpacked / packed > limits.max_compression_ratio:
        raise ImportRefused(
            f"{file_name} unpacks to {unpacked / MEGABYTE:.0f} MB, more than a workbook of its size should "
            "(a possible zip bomb): refused."
        )
    if not any(entry.filename == "xl/workbook.xml" for entry in entries):
        raise ImportRefused(f"{file_name} is a zip archive but not an Excel workbook.")
