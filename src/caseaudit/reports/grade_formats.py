"""The grade table written out: as the committee reads it (text), for spreadsheets (CSV, XLSX) and for
other programs (JSON). Every format but the CSV, whose columns are fixed, carries the caveats."""

from __future__ import annotations

import io
import json
import textwrap
from collections.abc import Iterator
from typing import IO, Any

from caseaudit.core.grade_tables import GradeRow, cell_text, rounding_note
from caseaudit.spreadsheets import write_csv, write_xlsx

from .grades import GRADE_LABELS, GradeTable, cohort_label

CSV_HEADER = (
    "period",
    "cohort",
    "total",
    "inadequate",
    "requires_improvement",
    "good",
    "outstanding",
    "inadequate_pct",
    "requires_improvement_pct",
    "good_pct",
    "outstanding_pct",
)
FORMATS = ("text", "csv", "json", "xlsx")


def csv_rows(table: GradeTable) -> Iterator[list[Any]]:
    for row in table.rows:
        percentages = row.percentages or (None,) * len(row.counts)
        yield [row.period, row.cohort, row.total, *row.counts, *percentages]


def write_grade_csv(table: GradeTable, stream: IO[str]) -> None:
    write_csv(stream, CSV_HEADER, csv_rows(table))


def as_json(table: GradeTable) -> dict[str, Any]:
    return {
        "by": table.by,
        "grade_source": table.grade_source,
        "grades": list(table.grades),
        "rows": [_json_row(row) for row in table.rows],
        "caveats": table.caveats,
        "exclusions": table.exclusions,
        "rounding_note": rounding_note(table.rows),
    }


def _json_row(row: GradeRow) -> dict[str, Any]:
    percentages, intervals = row.percentages, row.intervals
    return {
        "period": row.period,
        "cohort": row.cohort,
        "total": row.total,
        "counts": dict(zip(row.grades, row.counts, strict=True)),
        "percentages": dict(zip(row.grades, percentages, strict=True)) if percentages else None,
        # 95% Wilson intervals of each grade's share, as fractions rounded to 4 places.
        "intervals_95": (
            {g: [round(lo, 4), round(hi, 4)] for g, (lo, hi) in zip(row.grades, intervals, strict=True)}
            if intervals
            else None
        ),
        "small_sample": row.is_small,
    }


def write_grade_json(table: GradeTable, stream: IO[str]) -> None:
    json.dump(as_json(table), stream, indent=2)
    stream.write("\n")


def write_grade_xlsx(table: GradeTable, target: str | IO[bytes]) -> None:
    """Counts, percentages and 95% intervals on one sheet; the caveats on a second."""
    labels = [GRADE_LABELS[g] for g in table.grades]
    header = [
        "Period",
        "Cohort",
        "Audits",
        *labels,
        *(f"{label} %" for label in labels),
        *(f"{label} 95% {end}" for label in labels for end in ("low %", "high %")),
        "Small sample",
    ]

    def rows() -> Iterator[list[Any]]:
        for row in table.rows:
            percentages = row.percentages or (None,) * len(row.counts)
            bounds = [round(100 * b, 1) for pair in (row.intervals or ()) for b in pair]
            yield [
                row.period,
                cohort_label(row.cohort),
                row.total,
                *row.counts,
                *percentages,
                *(bounds or [None] * 2 * len(row.counts)),
                "yes" if row.is_small else "",
            ]

    notes = [[note] for note in _notes(table)] or [["No caveats: every period was sampled and graded alike."]]
    write_xlsx(target, [("Grades", header, rows()), ("Caveats", ["Caveat"], notes)])


def grade_xlsx_bytes(table: GradeTable) -> bytes:
    buffer = io.BytesIO()
    write_grade_xlsx(table, buffer)
    return buffer.getvalue()


def grade_text(table: GradeTable, width: int = 100) -> str:
    """A committee table: "5 (39%)" in each cell, a row per period and cohort, caveats underneath."""
    if not table.rows:
        return "No graded audits match: nothing to count yet.\n" + _notes_text(table, width)
    period_word = "Year" if table.by == "year" else "Cycle"
    header = [period_word, "Cohort", "Audited", *(GRADE_LABELS[g] for g in table.grades)]
    body = [
        [
            row.period,
            cohort_label(row.cohort),
            str(row.total),
            *(
                cell_text(c, p)
                for c, p in zip(row.counts, row.percentages or (None,) * len(row.counts), strict=True)
            ),
        ]
        for row in table.rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in [header, *body]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    source = "moderated grades" if table.grade_source == "moderated" else "auditors' grades"
    title = f"Audits by {table.by} and cohort ({source})"
    return "\n".join([title, "", *lines, ""]) + _notes_text(table, width)


def _notes_text(table: GradeTable, width: int) -> str:
    notes = _notes(table)
    if not notes:
        return ""
    wrapped = [textwrap.fill(note, width, initial_indent="- ", subsequent_indent="  ") for note in notes]
    return "\nNotes\n" + "\n".join(wrapped) + "\n"


def _notes(table: GradeTable) -> list[str]:
    """The table's caveats and exclusions, and the note on rounding where a row does not sum to 100."""
    note = rounding_note(table.rows)
    return [*table.notes, note] if note else table.notes
