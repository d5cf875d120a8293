"""The current placement (`placement_start`, `placement_intended_until_18`): read from caseaudit's CSV and
Annex A's List 8, refused by name when unreadable, exported and read back unchanged, shown on the case page
with the visit interval they give (reg 28)."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.urls import reverse

from caseaudit.cases.actions import import_case_register
from caseaudit.cases.annex_a_writer import write_annex_a_workbook
from caseaudit.cases.export import write_register_csv
from caseaudit.cases.importing.result import RowsRefused
from caseaudit.cases.models import Case
from caseaudit.policy import SYSTEM

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)
HEADER = (
    "child_id,cohort,looked_after_since,placement_start,last_social_work_visit,placement_intended_until_18\n"
)


def import_csv(tmp_path: Path, body: str, header: str = HEADER, **options):
    path = tmp_path / "register.csv"
    path.write_text(header + body, encoding="utf-8")
    return import_case_register(path, acting_user=SYSTEM, today=TODAY, **options)


def placements() -> dict[str, tuple]:
    return {c.child_id: (c.placement_start, c.placement_intended_until_18) for c in Case.objects.all()}


def test_the_placement_is_read_from_the_csv(tmp_path):
    import_csv(
        tmp_path,
        "L1,looked-after,2019-03-04,2024-06-10,2026-10-01,Y\n"
        "L2,looked-after,2019-03-04,2024-06-10,2026-10-01,no\n"
        "L3,looked-after,2019-03-04,,2026-10-01,\n",
    )
    assert placements() == {
        "L1": (date(2024, 6, 10), "Y"),
        "L2": (date(2024, 6, 10), "N"),
        "L3": (None, None),
    }


def test_an_unreadable_answer_refuses_the_row_saying_what_to_write(tmp_path):
    with pytest.raises(RowsRefused) as refused:
        import_csv(tmp_path, "L1,looked-after,2019-03-04,2024-06-10,2026-10-01,probably\n")
    [error] = refused.value.result.errors
    assert (error.column, error.value) == ("placement_intended_until_18", "probably")
    assert "Y (yes) or N (no)" in error.reason
    assert Case.objects.count() == 0


def test_a_file_without_the_answer_leaves_what_the_register_holds(tmp_path):
    import_csv(tmp_path, "L1,looked-after,2019-03-04,2024-06-10,2026-10-01,Y\n")
    import_csv(tmp_path, "L1,looked-after,2019-03-04\n", header="child_id,cohort,looked_after_since\n")
    assert placements() == {"L1": (date(2024, 6, 10), "Y")}


def test_exported_placements_read_back_unchanged(tmp_path):
    import_csv(tmp_path, "L1,looked-after,2019-03-04,2024-06-10,2026-10-01,N\n")
    out = StringIO()
    write_register_csv(out)
    (tmp_path / "again.csv").write_text(out.getvalue(), encoding="utf-8")
    result = import_case_register(tmp_path / "again.csv", acting_user=SYSTEM, today=TODAY)
    assert result.totals.unchanged == 1 and result.totals.updated == 0
    assert placements() == {"L1": (date(2024, 6, 10), "N")}


def test_the_placement_start_comes_from_annex_a_list_8(tmp_path):
    path = write_annex_a_workbook(
        tmp_path / "annex-a.xlsx",
        {
            "List 8": [
                {
                    "Child Unique ID": "L1",
                    "Date Started to be Looked After": date(2019, 3, 4),
                    "Start Date of Most Recent Placement": date(2024, 6, 10),
                    "Date of Last Social Work Visit": date(2026, 10, 1),
                }
            ]
        },
    )
    result = import_case_register(path, acting_user=SYSTEM, today=TODAY)
    assert result.written and not result.errors, result.errors
    assert not any("Placement" in warning for warning in result.warnings)
    assert placements() == {"L1": (date(2024, 6, 10), None)}


def test_the_case_page_shows_the_placement_and_the_interval_it_gives(client, personas, tmp_path):
    import_csv(tmp_path, "L1,looked-after,2019-03-04,2024-06-10,2026-10-01,\n", partial=True)
    client.force_login(personas.qa_lead)
    case = Case.objects.get(child_id="L1")
    text = client.get(reverse("cases:detail", args=[case.pk])).text
    key_dates = text.split("Key dates for")[1].split("</dl>")[0]
    assert "Placement start" in key_dates and "10 June 2024" in key_dates
    assert "Placement intended to last until 18" in key_dates and "Not in the register" in key_dates
    # Past the placement's first year and the register does not say: visits every 6 weeks, and why.
    assert "Placement intended to last until 18: not recorded, so every 6 weeks" in text
    # Each check says whether the law requires it, and where the rule comes from.
    visit = text.partition('data-check="looked-after-visit"')[2].partition("</div>")[0]
    assert "Statutory: Care Planning, Placement and Case Review (England) Regulations 2010, reg 28" in visit
    supervision = text.partition('data-check="supervision"')[2].partition("</div>")[0]
    assert "Local: Local practice standard" in supervision

    case.placement_intended_until_18 = "Y"
    case.save()
    text = client.get(reverse("cases:detail", args=[case.pk])).text
    assert "Placement intended to last until 18: yes, so every 3 months" in text
