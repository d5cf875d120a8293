"""A child's sex, ethnicity and disability: read from caseaudit's CSV and from Annex A, as DfE codes,
refused by name when unreadable, and exported and read back unchanged."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest

from caseaudit.cases.actions import import_case_register
from caseaudit.cases.annex_a_writer import write_annex_a_workbook
from caseaudit.cases.export import write_register_csv
from caseaudit.cases.importing.result import RowsRefused
from caseaudit.cases.models import Case
from caseaudit.core import characteristics
from caseaudit.policy import SYSTEM

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)
HEADER = "child_id,cohort,team,sex,ethnicity,disability\n"


def import_csv(tmp_path, body: str, header: str = HEADER):
    path = tmp_path / "register.csv"
    path.write_text(header + body, encoding="utf-8")
    return import_case_register(path, acting_user=SYSTEM, today=TODAY)


def coded() -> dict[str, tuple]:
    return {c.child_id: (c.sex, c.ethnicity, c.disability) for c in Case.objects.all()}


def test_codes_labels_and_census_numbers_are_kept_as_codes(tmp_path):
    import_csv(
        tmp_path,
        "A1,looked-after,North,M,WBRI,N\n"
        "A2,looked-after,North,female,White and Black Caribbean,yes\n"
        "A3,looked-after,North,2,bafr,\n"
        "A4,looked-after,North,,,\n",
    )
    assert coded() == {
        "A1": ("M", "WBRI", "N"),
        "A2": ("F", "MWBC", "Y"),
        "A3": ("F", "BAFR", None),
        "A4": (None, None, None),
    }


def test_an_unreadable_characteristic_refuses_the_row_saying_what_to_write(tmp_path):
    with pytest.raises(RowsRefused) as refused:
        import_csv(
            tmp_path, "A1,looked-after,North,boyish,White British,N\nA2,looked-after,North,M,Martian,maybe\n"
        )
    errors = [(e.row, e.column, e.value) for e in refused.value.result.errors]
    assert errors == [(2, "sex", "boyish"), (3, "ethnicity", "Martian"), (3, "disability", "maybe")]
    reasons = {e.column: e.reason for e in refused.value.result.errors}
    assert "M (male), F (female) or U" in reasons["sex"]
    assert "four-letter code" in reasons["ethnicity"]
    assert Case.objects.count() == 0


def test_a_file_without_the_columns_leaves_what_the_register_holds(tmp_path):
    import_csv(tmp_path, "A1,looked-after,North,F,AIND,Y\n")
    import_csv(tmp_path, "A1,looked-after,South\n", header="child_id,cohort,team\n")
    assert coded() == {"A1": ("F", "AIND", "Y")}


def test_annex_a_lettered_answers_are_read(tmp_path):
    path = write_annex_a_workbook(
        tmp_path / "annex-a.xlsx",
        {
            "List 8": [
                {
                    "Child Unique ID": "L1",
                    "Gender": "b) Female",
                    "Ethnicity": "a) WBRI",
                    "Does the Child have a Disability": "b) No",
                    "Date Started to be Looked After": date(2024, 1, 8),
                }
            ],
            "List 6": [
                {
                    "Child Unique ID": "L1",
                    "Gender": "b) Female",
                    "Does the Child have a Disability": "a) Yes",
                    "CIN Start Date": date(2023, 1, 8),
                },
                {
                    "Child Unique ID": "L2",
                    "Gender": "c) Not stated/recorded",
                    "CIN Start Date": date(2023, 1, 8),
                },
            ],
        },
    )
    result = import_case_register(path, acting_user=SYSTEM, today=TODAY)
    assert result.written and not result.errors, result.errors
    # The looked-after list's answers stand for the child; another list fills only what it left blank.
    assert coded() == {"L1": ("F", "WBRI", "N"), "L2": ("U", None, None)}
    assert not any("Gender" in warning for warning in result.warnings)


def test_exported_characteristics_read_back_unchanged(tmp_path):
    import_csv(tmp_path, "A1,looked-after,North,U,NOBT,Y\nA2,care-leaver,North,M,OOTH,N\n")
    out = StringIO()
    write_register_csv(out)
    (tmp_path / "again.csv").write_text(out.getvalue(), encoding="utf-8")
    result = import_case_register(tmp_path / "again.csv", acting_user=SYSTEM, today=TODAY)
    assert result.totals.unchanged == 2 and result.totals.updated == 0
    assert "U,NOBT,Y" in out.getvalue()


@pytest.mark.parametrize(
    ("text", "parse", "code"),
    [
        ("a) Male", characteristics.parse_sex, "M"),
        ("9", characteristics.parse_sex, "U"),
        ("Any other White background", characteristics.parse_ethnicity, "WOTH"),
        ("White - Irish", characteristics.parse_ethnicity, "WIRI"),
        ("TRUE", characteristics.parse_disability, "Y"),
        ("sometimes", characteristics.parse_disability, None),
    ],
)
def test_the_core_parsers_agree_with_the_import(text, parse, code):
    assert parse(text) == code


def test_ethnic_groups_and_age_bands():
    assert characteristics.ethnic_group("CHNE") == "Asian or Asian British"
    assert characteristics.ethnic_group("REFU") == "Not known"
    assert characteristics.ethnic_group(None) == "Not recorded"
    on = date(2026, 11, 30)
    assert characteristics.age_band(date(2026, 1, 1), on) == "Under 1"
    assert characteristics.age_band(date(2016, 12, 1), on) == "5 to 9"
    assert characteristics.age_band(date(2016, 11, 1), on) == "10 to 15"
    assert characteristics.age_band(date(2008, 11, 1), on) == "18 and over"
    assert characteristics.age_band(None, on) == "Not recorded"
