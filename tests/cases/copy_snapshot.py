"""The files the COPY tests import, and what the database holds after them, as plain JSON-able values (so a
run on SQLite in another process can be compared with a run on PostgreSQL). Also run as a script:
`python -m tests.cases.copy_snapshot FOLDER` migrates the database DATABASE_URL names, imports the files in
FOLDER and prints the snapshot."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 1)
# Names that a CSV stream could mistake for something else: a separator, a quote, PostgreSQL's own mark
# for no value, formula text, letters beyond ASCII.
AWKWARD = [
    ["Z1", "care-leaver", 'North, "East"', "\\N", "=SUM(A1)", "2019-01-01", "", ""],
    ["Z2", "child-in-need", "Zoë's team", "Łukasz Ńowak", "", "", "", "2026-05-01"],
    ["Z3", "looked-after", "", "", "", "2020-02-29", "", ""],
]
HISTORY_HEADER = ["Child ID", "Cohort", "Audit date", "Auditor grade", "Moderated grade", "Auditor", "Cycle"]
HISTORY = [
    ["Z1", "care-leaver", "2021-10-14", "Good", "Good", "Nobody Known", "Autumn 2021"],
    ["Z2", "child-in-need", "2022-04-20", "Requires improvement", "", "", ""],
    ["GONE1", "looked-after", "2020-11-05", "Inadequate", "Requires improvement", "", ""],
    ["GONE2", "child-protection", "2021-05-11", "Outstanding", "", "", ""],
    ["GONE1", "looked-after", "2022-11-07", "Good", "", "", ""],
]


def write_files(folder: Path, generated: int = 600) -> tuple[Path, Path]:
    from caseaudit.core.register import COLUMNS
    from caseaudit.demo.authority import generate_register_rows

    register = folder / "register.csv"
    with register.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(generate_register_rows(generated, today=TODAY))
        awkward = [
            "child_id",
            "cohort",
            "team",
            "worker",
            "manager",
            "opened_on",
            "closed_on",
            "latest_contact",
        ]
        for row in AWKWARD:
            writer.writerow(dict(zip(awkward, row, strict=True)))
    history = folder / "history.csv"
    with history.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HISTORY_HEADER)
        writer.writerows(HISTORY)
    return register, history


def import_files(register: Path, history: Path) -> None:
    from caseaudit.audits.actions.history import import_audit_history
    from caseaudit.cases.actions import import_case_register
    from caseaudit.policy import SYSTEM

    import_case_register(register, acting_user=SYSTEM, today=TODAY)
    import_audit_history(history, acting_user=SYSTEM, today=TODAY)


def snapshot() -> dict[str, Any]:
    """Every case and audit by what it says (names for foreign keys, ISO text for dates), ids left out:
    two databases number their rows alike only by chance."""
    from caseaudit.audits.models import Audit
    from caseaudit.cases.models import Case, Staff

    case_fields = [
        f.name if not f.is_relation else f"{f.name}__name"
        for f in Case._meta.concrete_fields
        # date_sources names import batches by id, as import_batch does.
        if f.name not in ("id", "updated_at", "import_batch", "date_sources")
    ]
    audit_fields = [
        f.name
        for f in Audit._meta.concrete_fields
        if not f.is_relation and f.name not in ("id", "created_at", "updated_at")
    ]
    audit_fields += ["case__child_id", "cycle__name", "auditor__username", "template_id", "grade_scale__slug"]
    return {
        # Sorted here, not by the database: SQLite and PostgreSQL collate text differently.
        "cases": sorted(_plain(row) for row in Case.objects.values_list(*case_fields)),
        "case_batches": sorted(
            set(Case.objects.exclude(import_batch=None).values_list("import_batch__file_name", flat=True))
        ),
        "cases_without_a_time": Case.objects.filter(updated_at=None).count(),
        "audits": sorted(
            (_plain(row) for row in Audit.objects.values_list(*audit_fields)), key=lambda row: json.dumps(row)
        ),
        "audits_without_a_time": Audit.objects.filter(created_at=None).count()
        + Audit.objects.filter(updated_at=None).count(),
        "staff": sorted(_plain(row) for row in Staff.objects.values_list("name", "team__name")),
    }


def _plain(row: tuple) -> list[Any]:
    return [v.isoformat() if isinstance(v, date) else v for v in row]


if __name__ == "__main__":
    import os

    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseaudit.settings")
    django.setup()
    call_command("migrate", verbosity=0)
    folder = Path(sys.argv[1])
    import_files(folder / "register.csv", folder / "history.csv")
    print(json.dumps(snapshot()))
