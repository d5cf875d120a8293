"""Reading a workbook's cells as text (fastexcel): the header texts as the sheet has them, and a real Excel
date cell without its time of day."""

from __future__ import annotations

import re

import fastexcel
import polars as pl

# A real Excel date or date-time cell as fastexcel renders it; the time of day is no part of a key date.
_EXCEL_DATETIME = r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$"


def header_texts(columns: list[fastexcel.ColumnInfo]) -> list[str | None]:
    """Header texts as the sheet has them: fastexcel names a blank header `__UNNAMED__n` and a repeated
    one `Name_1`; both are undone here."""
    texts: list[str | None] = []
    seen: set[str] = set()
    for column in columns:
        if column.column_name_from == "generated":
            texts.append(None)
            continue
        text = column.name
        base = re.sub(r"(?:_\d+)+$", "", text)
        if base != text and base in seen:
            text = base
        seen.add(text)
        texts.append(text)
    return texts


def without_time(text: pl.Expr) -> pl.Expr:
    """A real Excel date cell comes as `2019-03-01 00:00:00`: keep the date. Midnight, by far the most
    common, goes first without a regex."""
    return text.str.strip_suffix(" 00:00:00").str.replace(_EXCEL_DATETIME, "${1}")
