"""A looked after child's legal status, placement type and asylum-seeking status (issue 15, section 2):
read from caseaudit's CSV and Annex A's List 8 as codes of the looked after children return, with or
without their descriptions; refused by name when unreadable; exported and read back unchanged; shown on
the case page."""

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
from caseaudit.core.looked_after import LEGAL_STATUS_ALIASES, PLACEMENT_TYPE_ALIASES, parse_code
from caseaudit.policy import SYSTEM

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)
HEADER = "child_id,cohort,looked_after_since,legal_status,placement_type,uasc\n"


def import_csv(tmp_path: Path, body: str, **options):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return import_case_register(path, acting_user=SYSTEM, today=TODAY, **options)


def statuses() -> dict[str, tuple]:
    return {c.child_id: (c.legal_status, c.placement_type, c.uasc) for c in Case.objects.all()}


@pytest.mark.parametrize(
    ("text", "code"),
    [("C2", "C2"), ("c2", "C2"), ("C2 - Full care order", "C2"), ("C2: anything", "C2"),
     ("V2\u2013S20", "V2"), ("Full care order", "C2"), ("c) C2: FCO", "C2"), ("X9", None), ("Care", None)],
)  # fmt: skip
def test_a_legal_status_is_read_from_its_code_or_its_words(text, code):
    assert parse_code(text, LEGAL_STATUS_ALIASES) == code


def test_a_placement_type_is_read_from_its_code_or_its_words():
    assert (
        parse_code("U4 Foster placement with other foster carer(s) - long term", PLACEMENT_TYPE_ALIASES)
        == "U4"
    )
    assert parse_code("Children's home", PLACEMENT_TYPE_ALIASES) == "K2"


def test_the_csv_gives_them_in_codes_or_words(tmp_path):
    import_csv(
        tmp_path,
        "L1,looked-after,2019-03-04,C2 - Full care order,U4,N\n"
        "L2,looked-after,2022-01-10,v2,Children's home,yes\n"
        "L3,looked-after,2022-01-10,,,\n",
    )
    assert statuses() == {"L1": ("C2", "U4", "N"), "L2": ("V2", "K2", "Y"), "L3": (None, None, None)}


def test_an_unreadable_code_refuses_the_row_saying_what_to_write(tmp_path):
    with pytest.raises(RowsRefused) as refused:
        import_csv(tmp_path, "L1,looked-after,2019-03-04,Care order (interim),Q7,maybe\n")
    errors = {(e.column, e.value): e.reason for e in refused.value.result.errors}
    assert "such as C2" in errors[("legal_status", "Care order (interim)")]
    assert "such as U4" in errors[("placement_type", "Q7")]
    assert "Y (yes) or N (no)" in errors[("uasc", "maybe")]
    assert Case.objects.count() == 0


def test_exported_statuses_read_back_unchanged(tmp_path):
    import_csv(tmp_path, "L1,looked-after,2019-03-04,E1,A5,Y\n")
    out = StringIO()
    write_register_csv(out)
    assert "legal_status" in out.getvalue().splitlines()[0]
    (tmp_path / "again.csv").write_text(out.getvalue(), encoding="utf-8")
    result = import_case_register(tmp_path / "again.csv", acting_user=SYSTEM, today=TODAY)
    assert result.totals.unchanged == 1 and result.totals.updated == 0
    assert statuses() == {"L1": ("E1", "A5", "Y")}


def test_annex_a_list_8_gives_them_without_a_warning(tmp_path):
    path = write_annex_a_workbook(
        tmp_path / "annex-a.xlsx",
        {
            "List 8": [
                {
                    "Child Unique ID": "L1",
                    "Date Started to be Looked After": date(2019, 3, 4),
                    "Child's Legal Status": "C2 - Full care order",
                    "Placement Type": "U6 - Foster placement with other foster carer(s)",
                    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)": "a) Yes",
                }
            ]
        },
    )
    result = import_case_register(path, acting_user=SYSTEM, today=TODAY)
    assert result.written and not result.errors, result.errors
    assert not any("Legal" in w or "Placement Type" in w or "UASC" in w for w in result.warnings)
    assert statuses() == {"L1": ("C2", "U6", "Y")}


def test_the_case_page_shows_them(client, personas, tmp_path):
    import_csv(tmp_path, "L1,looked-after,2019-03-04,C2,U4,Y\n", partial=True)
    client.force_login(personas.qa_lead)
    case = Case.objects.get(child_id="L1")
    text = client.get(reverse("cases:detail", args=[case.pk])).text
    key_facts = text.split("Key dates for")[1].split("</dl>")[0]
    assert "C2: Full care order" in key_facts
    assert "U4: Fostered by other foster carers, long term" in key_facts
    assert "Unaccompanied asylum-seeking child" in key_facts
