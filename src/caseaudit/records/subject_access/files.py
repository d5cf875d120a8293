"""The files of a subject access export, and how values are written in them."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from caseaudit.spreadsheets import write_csv


@dataclass(frozen=True)
class ExportFile:
    name: str  # its name inside the zip
    about: str  # one line for the README: what the file is
    content: str


def plain(value: Any) -> str:
    """A value as text a person reads: local times to the second, ISO dates, JSON for structured values."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
            if timezone.is_aware(value)
            else str(value)
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def csv_file(name: str, about: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> ExportFile:
    """A CSV file; text a spreadsheet would run as a formula is quoted (`write_csv`)."""
    buffer = io.StringIO()
    write_csv(buffer, header, ([plain(value) for value in row] for row in rows))
    return ExportFile(name, about, buffer.getvalue())


def person_name(user: Any) -> str:
    """How a member of staff is named in an export: full name and username, or that no one is recorded."""
    if user is None:
        return ""
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username
