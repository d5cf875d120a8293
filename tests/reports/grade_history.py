"""Three years of audit history, loaded as a QA team would: each past cycle recorded with how it was sampled
(`caseaudit record-cycle`), then the spreadsheet of results loaded with `caseaudit import-audits`.

Autumn 2019 and Autumn 2020 audited every open case; Autumn 2021 half of them, care leavers first. 2019's
care leavers are the example of docs/domain.md#percentages: 13 audited, 0 / 2 / 5 / 6. In every year one
care leaver the auditor graded Outstanding was moderated to Good, and in 2021 one audit (auditor's grade
Good) is not moderated yet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management import call_command

from caseaudit.audits.models import Audit, AuditStatus, GradeScale

GRADES = ("inadequate", "requires-improvement", "good", "outstanding")
# (year, cohort) -> moderated grades, worst first.
MODERATED = {
    (2019, "care-leaver"): (0, 2, 5, 6),
    (2019, "looked-after"): (1, 2, 1, 0),
    (2020, "care-leaver"): (1, 3, 6, 2),
    (2020, "child-in-need"): (0, 2, 2, 0),
    (2021, "care-leaver"): (0, 2, 7, 3),
    (2021, "early-help"): (0, 1, 1, 0),
}
HEADER = "child_id,cohort,audit_date,auditor_grade,moderated_grade,auditor,cycle"
PREFIX = {"care-leaver": "CL", "looked-after": "LA", "child-in-need": "CN", "early-help": "EH"}


def history_rows() -> list[str]:
    rows = []
    for (year, cohort), counts in MODERATED.items():
        number = 0
        moved_down = False
        for grade, count in zip(GRADES, counts, strict=True):
            for _ in range(count):
                number += 1
                auditor_grade = grade
                if cohort == "care-leaver" and grade == "good" and not moved_down:
                    auditor_grade, moved_down = "outstanding", True
                # The same care leavers come back every year: the export links them by reference.
                child = f"{PREFIX[cohort]}{number:03d}"
                rows.append(
                    f"{child},{cohort},{year}-10-{number + 1:02d},{auditor_grade},{grade},Ada Auditor,"
                    f"Autumn {year}"
                )
    rows.append(f"CL900,care-leaver,{2021}-11-20,good,,Ada Auditor,Autumn 2021")
    return rows


def moderated_only_rows(provider: str) -> list[str]:
    """The same history as most authorities kept it: the moderated grade alone, and the external provider
    who did the audits, as `child_id,cohort,audit_date,moderated_grade,auditor_organisation,cycle`."""
    rows = []
    for row in history_rows():
        child, cohort, day, _auditor_grade, moderated, _auditor, cycle = row.split(",")
        if moderated:
            rows.append(f"{child},{cohort},{day},{moderated},{provider},{cycle}")
    return rows


def load_three_years(tmp_path: Path, *, header: str = HEADER, rows: list[str] | None = None) -> Path:
    """Record the three cycles and import the history (by default `history_rows`); returns its file."""
    call_command("record_cycle", "Autumn 2019", "--season", "autumn", "--year", "2019", "--all-open-cases")
    call_command("record_cycle", "Autumn 2020", "--season", "autumn", "--year", "2020", "--all-open-cases")
    call_command(
        "record_cycle", "Autumn 2021", "--season", "autumn", "--year", "2021", "--fraction", "0.5",
        "--focus", "care-leaver",
    )  # fmt: skip
    path = tmp_path / "audit-history.csv"
    path.write_text("\n".join([header, *(rows or history_rows())]) + "\n", encoding="utf-8")
    call_command("import_audits", str(path))
    return path


def graded_audit(
    case, *, completed_on: date | None, auditor_grade: str, moderated_grade: str = "", **fields
) -> Audit:
    """A completed audit made directly, for tests that need one shape of audit the history does not have."""
    return Audit.objects.create(
        case=case,
        cohort=fields.pop("cohort", case.cohort),
        status=AuditStatus.MODERATED if moderated_grade else AuditStatus.SUBMITTED,
        completed_on=completed_on,
        auditor_grade=auditor_grade,
        moderated_grade=moderated_grade,
        **fields,
    )


def signs_of_safety_scale() -> GradeScale:
    return GradeScale.objects.create(
        slug="signs-of-safety",
        version=1,
        name="Signs of Safety 0-10",
        grades=[{"slug": str(n), "label": str(n), "descriptor": ""} for n in range(11)],
    )
