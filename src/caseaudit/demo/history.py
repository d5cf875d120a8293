"""The demo's past: three autumn cycles run before caseaudit, loaded the way a QA lead would load them
(`record-cycle`, then `import-audits` of a spreadsheet), so that the reports have years to compare and the
caveats a committee should read: the two older years audited every open case, the latest half of them."""

from __future__ import annotations

import csv
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from caseaudit.audits.actions.history import import_audit_history
from caseaudit.audits.history_import.result import RowsRefused
from caseaudit.cases.models import Case
from caseaudit.cycles.actions import record_past_cycle
from caseaudit.policy import SYSTEM

_GRADES = ("inadequate", "requires-improvement", "good", "outstanding")
# Worst first; each year a little better than the one before, as an improving authority's are.
_WEIGHTS_BY_AGE = {3: (10, 42, 40, 8), 2: (8, 38, 44, 10), 1: (5, 33, 48, 14)}
# How many audits each past autumn had: every open case of a smaller register, then half of it.
_SIZES = {3: 64, 2: 72, 1: 40}
# For a register larger than the default, each autumn audited this many more for each case beyond it: about
# 30,000 past audits more at 100,000 cases.
_SIZES_PER_EXTRA_CASE = {3: 0.09, 2: 0.11, 1: 0.10}


def load_demo_history(today: date, *, seed: int, extra_cases: int = 0) -> int:
    """Record the three autumns before `today`'s year and import their audits; returns how many.
    `extra_cases`, the cases beyond the default register, makes each autumn larger in proportion."""
    rng = random.Random(seed + 3)
    cases = list(Case.objects.order_by("pk").values_list("child_id", "cohort"))
    rows = []
    for age, base in _SIZES.items():
        size = base + round(extra_cases * _SIZES_PER_EXTRA_CASE[age])
        year = today.year - age
        name = f"Autumn {year}"
        record_past_cycle(
            name=name,
            season="autumn",
            year=year,
            fraction=0.5 if age == 1 else 1.0,
            size=None,
            acting_user=SYSTEM,
        )
        for i, (child_id, cohort) in enumerate(rng.sample(cases, min(size, len(cases)))):
            auditor_grade = rng.choices(_GRADES, weights=_WEIGHTS_BY_AGE[age])[0]
            # Moderators change about one grade in six, by one step.
            moderated = auditor_grade
            if rng.random() < 1 / 6:
                step = _GRADES.index(auditor_grade) + rng.choice((-1, 1))
                moderated = _GRADES[min(max(step, 0), len(_GRADES) - 1)]
            # Most were done inside the window (1 October to 30 November), one in twelve in the fortnight
            # after its deadline, as happens when an auditor is off sick.
            if i % 12 == 5:
                audited_on = date(year, 12, 1) + timedelta(days=rng.randrange(14))
            else:
                audited_on = date(year, 10, 1) + timedelta(days=rng.randrange(61))
            rows.append([child_id, cohort, audited_on.isoformat(), auditor_grade, moderated, name])
    with tempfile.TemporaryDirectory(prefix="caseaudit-demo-") as folder:
        path = Path(folder) / "past-audits.csv"
        with path.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(["child_id", "cohort", "audit_date", "auditor_grade", "moderated_grade", "cycle"])
            writer.writerows(rows)
        try:
            import_audit_history(path, acting_user=SYSTEM, today=today)
        except RowsRefused as refused:
            raise RuntimeError(
                f"the demo's own history did not import: {refused.result.errors[:3]}"
            ) from None
    return len(rows)
