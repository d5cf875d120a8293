"""Reading Annex A workbooks (caseaudit.cases.importing.annex_a), written with the synthetic writer."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from caseaudit.cases.annex_a_writer import camel_header, write_annex_a_workbook
from caseaudit.cases.importing.annex_a import read_annex_a
from caseaudit.core.register import COLUMNS
from caseaudit.readers.table import ImportRefused, RawTable


def read(tmp_path: Path, lists, **options) -> RawTable:
    return read_annex_a(write_annex_a_workbook(tmp_path / "annex-a.xlsx", lists, **options))


def rows(table: RawTable, *columns: str) -> list[tuple]:
    return table.frame.select(columns).rows()


# --- layout ------------------------------------------------------------------------------------------


def test_frame_has_the_register_layout(tmp_path: Path) -> None:
    table = read(tmp_path, {9: [{"child_id": "C1"}]})
    assert table.frame.columns == [*COLUMNS, "_source", "_row"]
    assert all(dtype == pl.Utf8 for dtype in table.frame.select(COLUMNS).dtypes)
    assert table.frame["_row"].dtype == pl.Int64
    assert table.kind == "annex-a"
    assert table.merge_lists is True


def test_every_list_with_official_headers(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        {
            2: [
                {
                    "child_id": "E1",
                    "Assessment start date": date(2024, 1, 8),
                    "Assessment completion date": None,
                }
            ],
            6: [
                {
                    "child_id": "N1",
                    "CIN Start Date": date(2023, 5, 2),
                    "Date Child Was Last Seen": date(2024, 4, 30),
                    "CIN Closure Date": date(2024, 5, 20),
                    "Allocated Team": "Assessment Team",
                    "Allocated Worker": "Will Worker",
                }
            ],
            7: [
                {
                    "child_id": "P1",
                    "Child Protection Plan Start Date": date(2024, 2, 1),
                    "Date of the Last Statutory Visit": date(2024, 5, 28),
                    "Date of latest review conference": date(2024, 4, 25),
                }
            ],
            8: [
                {
                    "child_id": "L1",
                    "Date Started to be Looked After": date(2021, 9, 1),
                    "Date of Latest Statutory Review": date(2024, 3, 1),
                    "Date of Last Social Work Visit": date(2024, 5, 1),
                    "Date of Last Health Assessment": date(2023, 11, 1),
                    "Date of Last Dental Check": date(2023, 12, 1),
                    "Start Date of Most Recent Placement": date(2023, 6, 12),
                }
            ],
            9: [
                {
                    "child_id": "C1",
                    "Allocated Personal Adviser": "Pat Adviser",
                    "Latest Pathway Plan": date(2024, 1, 15),
                    "Latest Contact": date(2024, 5, 1),
                }
            ],
        },
    )
    by_child = {row["child_id"]: row for row in table.frame.iter_rows(named=True)}
    assert {c: r["cohort"] for c, r in by_child.items()} == {
        "E1": "early-help",
        "N1": "child-in-need",
        "P1": "child-protection",
        "L1": "looked-after",
        "C1": "care-leaver",
    }
    assert by_child["E1"]["opened_on"] == by_child["E1"]["assessment_start"] == "2024-01-08"
    assert by_child["N1"]["opened_on"] == "2023-05-02"
    assert by_child["N1"]["closed_on"] == "2024-05-20"
    assert by_child["N1"]["last_seen"] == "2024-04-30"
    assert (by_child["N1"]["team"], by_child["N1"]["worker"]) == ("Assessment Team", "Will Worker")
    assert by_child["P1"]["opened_on"] == by_child["P1"]["cp_plan_start"] == "2024-02-01"
    assert by_child["P1"]["last_statutory_visit"] == "2024-05-28"
    assert by_child["P1"]["latest_review_conference"] == "2024-04-25"
    assert by_child["L1"]["opened_on"] == by_child["L1"]["looked_after_since"] == "2021-09-01"
    assert by_child["L1"]["latest_statutory_review"] == "2024-03-01"
    assert by_child["L1"]["last_social_work_visit"] == "2024-05-01"
    assert by_child["L1"]["last_health_assessment"] == "2023-11-01"
    assert by_child["L1"]["last_dental_check"] == "2023-12-01"
    assert by_child["L1"]["placement_start"] == "2023-06-12"
    assert by_child["C1"]["worker"] == "Pat Adviser"
    assert by_child["C1"]["latest_pathway_plan"] == "2024-01-15"
    assert by_child["C1"]["latest_contact"] == "2024-05-01"
    assert by_child["C1"]["opened_on"] is None
    assert all(r["manager"] is None for r in by_child.values())
    # Every key-date column of the official layout is there, so nothing to warn about.
    assert table.warnings == []


def test_camel_case_headers(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        {
            8: [
                {
                    "child_id": "L1",
                    "birth_month": date(2010, 6, 14),
                    "Gender": "a) Male",
                    "opened_on": date(2021, 9, 1),
                    "latest_statutory_review": date(2024, 3, 1),
                    "closed_on": None,
                    "team": "North",
                    "worker": "Will Worker",
                }
            ]
        },
        headers="camel",
    )
    assert rows(
        table, "child_id", "birth_month", "looked_after_since", "latest_statutory_review", "team"
    ) == [("L1", "2010-06", "2021-09-01", "2024-03-01", "North")]
    assert not any("not used" in w for w in table.warnings)


def test_camel_header_spellings() -> None:
    assert camel_header("Date of Birth") == "DateOfBirth"
    assert camel_header("Date of Latest Statutory Review") == "LatestStatutoryReviewDate"
    assert camel_header("Child Unique ID") == "ChildUniqueID"


def test_messy_headers(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        {
            "list_8": [
                {
                    " CHILD UNIQUE ID ": "L1",
                    " date of latest  statutory review ": date(2024, 3, 1),
                    "DateOfLastSocialWorkVisit": date(2024, 5, 1),
                    "Date_Started_To_Be_Looked_After": date(2021, 9, 1),
                    "dob": date(2010, 6, 14),
                }
            ]
        },
    )
    assert rows(table, "child_id", "latest_statutory_review", "last_social_work_visit", "opened_on") == [
        ("L1", "2024-03-01", "2024-05-01", "2021-09-01")
    ]
    assert rows(table, "birth_month", "_source") == [("2010-06", "list_8")]


# --- values ------------------------------------------------------------------------------------------


def test_mixed_excel_dates_text_dates_and_serial_numbers(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        {
            9: [
                {"child_id": "C1", "latest_contact": date(2024, 5, 1)},
                {"child_id": "C2", "latest_contact": "01/05/2024"},
                {"child_id": "C3", "latest_contact": 45413},  # a date kept as its serial number
                {"child_id": "C4", "latest_contact": datetime(2024, 5, 1, 14, 30)},
                {"child_id": "C5", "latest_contact": "not known"},
                {"child_id": "C6", "latest_contact": "  "},
            ]
        },
    )
    assert rows(table, "latest_contact") == [
        ("2024-05-01",),
        ("01/05/2024",),
        ("45413",),
        ("2024-05-01",),  # the time of day is dropped: a key date is a day
        ("not known",),  # left for validation to report
        (None,),
    ]


def test_text_dates_option_writes_dd_mm_yyyy(tmp_path: Path) -> None:
    rows_ = [{"child_id": "C1", "latest_contact": date(2024, 5, 1), "latest_pathway_plan": date(2024, 1, 2)}]
    table = read(tmp_path, {9: rows_}, text_dates={"latest_contact"})
    assert rows(table, "latest_contact", "latest_pathway_plan") == [("01/05/2024", "2024-01-02")]
    table = read(tmp_path, {9: rows_}, text_dates=True)
    assert rows(table, "latest_contact", "latest_pathway_plan") == [("01/05/2024", "02/01/2024")]


def test_only_the_birth_month_is_kept(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        {
            9: [
                {"child_id": "C1", "birth_month": date(2006, 3, 17)},
                {"child_id": "C2", "birth_month": "17/03/2006"},
                {"child_id": "C3", "birth_month": "2006-03"},
                {"child_id": "C4", "birth_month": 38793},  # 17 March 2006 as a serial number
                {"child_id": "C5", "birth_month": "31/02/2006"},  # no such day: left for validation
            ]
        },
    )
    assert [m for (m,) in rows(table, "birth_month")] == [
        "2006-03",
        "2006-03",
        "2006-03",
        "2006-03",
        "31/02/2006",
    ]


def test_text_is_stripped_and_blank_is_null(tmp_path: Path) -> None:
    table = read(tmp_path, {6: [{"child_id": "  N1 ", "team": "  North  ", "worker": ""}]})
    assert rows(table, "child_id", "team", "worker") == [("N1", "North", None)]


def test_formula_looking_text_stays_text(tmp_path: Path) -> None:
    table = read(tmp_path, {9: [{"child_id": "=SUM(A1)", "worker": "+44 1234", "team": "@team"}]})
    assert rows(table, "child_id", "worker", "team") == [("=SUM(A1)", "+44 1234", "@team")]


def test_formula_cells_give_their_cached_value(tmp_path: Path) -> None:
    path = tmp_path / "formula.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("List 6")
    sheet.write_row(0, 0, ["Child Unique ID", "Allocated Team"])
    sheet.write_string(1, 0, "N1")
    sheet.write_formula(1, 1, '="North"&" Team"', None, "North Team")
    workbook.close()
    assert rows(read_annex_a(path), "team") == [("North Team",)]


def test_numeric_child_ids_come_as_their_digits(tmp_path: Path) -> None:
    table = read(tmp_path, {6: [{"child_id": 123456}, {"child_id": 1234567890123}]})
    assert [c for (c,) in rows(table, "child_id")] == ["123456", "1234567890123"]


# --- rows --------------------------------------------------------------------------------------------


def test_a_child_on_two_lists_is_two_rows(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        {
            "List 8 - Children in care": [
                {"child_id": "X1", "Date Started to be Looked After": date(2020, 1, 6)}
            ],
            "List 9 - Care leavers": [{"child_id": "X1", "Latest Pathway Plan": date(2024, 2, 2)}],
        },
    )
    assert rows(
        table, "child_id", "cohort", "_source", "_row", "looked_after_since", "latest_pathway_plan"
    ) == [
        ("X1", "looked-after", "List 8 - Children in care", 2, "2020-01-06", None),
        ("X1", "care-leaver", "List 9 - Care leavers", 2, None, "2024-02-02"),
    ]


def test_blank_rows_are_dropped_and_row_numbers_kept(tmp_path: Path) -> None:
    blank = {"child_id": None, "team": "   "}
    table = read(
        tmp_path,
        {
            6: [
                {"child_id": "N1", "team": "North"},
                blank,
                {"child_id": "N2", "team": "South"},
                blank,
                blank,
                blank,
            ]
        },
    )
    assert rows(table, "child_id", "_row") == [("N1", 2), ("N2", 4)]


def test_a_row_without_child_id_is_kept_for_validation(tmp_path: Path) -> None:
    table = read(tmp_path, {6: [{"child_id": None, "CIN Start Date": date(2024, 1, 1)}]})
    assert rows(table, "child_id", "opened_on", "_row") == [(None, "2024-01-01", 2)]


def test_title_row_above_the_header(tmp_path: Path) -> None:
    table = read(
        tmp_path, {9: [{"child_id": "C1"}, {"child_id": "C2"}]}, title="Annex A List 9: care leavers"
    )
    assert rows(table, "child_id", "_row") == [("C1", 4), ("C2", 5)]


def test_repeated_header_uses_the_first(tmp_path: Path) -> None:
    # "worker" is written as "Allocated Worker", so the sheet has that header twice.
    table = read(tmp_path, {6: [{"child_id": "N1", "worker": "First", "Allocated Worker": "Second"}]})
    assert rows(table, "worker") == [("First",)]
    assert not any("not used" in w for w in table.warnings)


def test_list_9_worker_falls_back_row_by_row(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        {
            9: [
                {
                    "child_id": "C1",
                    "Allocated Worker": "Sam Worker",
                    "Allocated Personal Adviser": "Pat Adviser",
                },
                {"child_id": "C2", "Allocated Worker": "Sam Worker", "Allocated Personal Adviser": None},
            ]
        },
    )
    assert rows(table, "worker") == [("Pat Adviser",), ("Sam Worker",)]


# --- warnings and refusals ---------------------------------------------------------------------------


def test_other_sheets_and_unknown_columns_are_warned(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        {
            "Notes": [{"Note": "synthetic"}],
            "List 1": [{"child_id": "A1"}],
            9: [
                {
                    "child_id": "C1",
                    "Local ref": "x",
                    "Comments": "y",
                    "Gender": "b) Female",
                    "LA In Touch": "a) Yes",
                }
            ],
        },
    )
    assert table.warnings[:3] == [
        "Sheet 'Notes' is not an Annex A list caseaudit reads (Lists 2, 3, 4, 5, 6, 7, 8, 9): ignored.",
        "Sheet 'List 1' is Annex A List 1, which caseaudit does not read (it reads Lists 2, 3, 4, 5, 6, 7, "
        "8, 9): ignored.",
        "List 9: columns not used: 'Local ref', 'Comments'.",
    ]
    assert rows(table, "child_id") == [("C1",)]


def test_older_list_9_is_read_and_the_missing_columns_named(tmp_path: Path) -> None:
    table = read(
        tmp_path, {9: [{"child_id": "C1", "Allocated Worker": "Sam Worker", "team": "Leaving Care"}]}
    )
    assert rows(table, "worker", "team", "latest_pathway_plan") == [("Sam Worker", "Leaving Care", None)]
    assert "List 9: no 'Allocated Personal Adviser' column; the allocated worker is used." in table.warnings
    assert any("'Latest Pathway Plan', 'Latest Contact' columns" in w for w in table.warnings)
    assert {"latest_pathway_plan", "latest_contact"} <= table.absent


def test_absent_columns(tmp_path: Path) -> None:
    table = read(
        tmp_path, {9: [{"child_id": "C1", "worker": "Pat", "Latest Pathway Plan": date(2024, 1, 1)}]}
    )
    assert "manager" in table.absent  # Annex A never names a manager: an import keeps the one on record
    assert "opened_on" in table.absent
    assert "latest_pathway_plan" not in table.absent
    assert "worker" not in table.absent
    # List 9 has no closure column because its cases are open: closed_on is always compared.
    assert "closed_on" not in table.absent
    assert not {"child_id", "cohort"} & table.absent


def test_missing_child_id_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        ImportRefused, match=r"Sheet 'List 8' \(List 8\) has no 'Child Unique ID' column"
    ) as info:
        read(tmp_path, {9: [{"child_id": "C1"}], 8: [{"Gender": "a) Male", "Allocated Team": "North"}]})
    assert "'Gender', 'Allocated Team'" in str(info.value)


def test_workbook_without_a_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        ImportRefused, match=r"no sheet named like 'List 9'.*sheets in the file: 'Notes', 'List 1'"
    ):
        read(tmp_path, {"Notes": [{"a": 1}], "List 1": [{"child_id": "A1"}]})


def test_two_sheets_for_one_list_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="both look like List 9"):
        read(tmp_path, {"List 9": [{"child_id": "C1"}], "List 9 (old)": [{"child_id": "C1"}]})


def test_empty_list_sheet_is_warned_and_the_rest_read(tmp_path: Path) -> None:
    table = read(tmp_path, {2: [], 9: [{"child_id": "C1"}]})
    assert "List 2: the sheet is empty; nothing read." in table.warnings
    assert rows(table, "child_id") == [("C1",)]


def test_only_empty_lists_give_an_empty_frame(tmp_path: Path) -> None:
    table = read(tmp_path, {9: []})
    assert table.frame.height == 0
    assert table.frame.columns == [*COLUMNS, "_source", "_row"]


def test_header_only_list_gives_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "header-only.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("List 6").write_row(0, 0, ["Child Unique ID", "CIN Start Date"])
    workbook.close()
    assert read_annex_a(path).frame.height == 0


def test_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ImportRefused, match="could not be read"):
        read_annex_a(path)


# --- lists of events (3, 4, 5) --------------------------------------------------------------------------


def test_the_lists_of_events_give_their_latest_dates_to_the_children_on_the_lists_of_open_cases(
    tmp_path: Path,
) -> None:
    table = read(
        tmp_path,
        {
            6: [{"child_id": "N1", "CIN Start Date": date(2024, 3, 4)}],
            7: [{"child_id": "P1", "Child Protection Plan Start Date": date(2024, 2, 1)}],
            3: [
                {"child_id": "N1", "Date of referral": date(2023, 11, 20), "Referral Source": "1A"},
                {"child_id": "N1", "Date of referral": date(2024, 3, 1)},  # the latest of two referrals
                {"child_id": "Z9", "Date of referral": date(2024, 1, 5)},  # on no list of open cases
            ],
            4: [
                {
                    "child_id": "N1",
                    "Continuous Assessment Start Date": date(2024, 3, 4),
                    "Continuous Assessment Date of Authorisation": date(2024, 4, 30),
                }
            ],
            5: [
                {
                    "child_id": "P1",
                    "Strategy discussion initiating Section 47 Enquiry Start Date": date(2024, 1, 10),
                    "Date of Initial Child Protection Conference": date(2024, 1, 31),
                }
            ],
        },
    )
    by_child = {row["child_id"]: row for row in table.frame.iter_rows(named=True)}
    assert set(by_child) == {"N1", "P1"}  # a list of events makes no case of its own
    assert by_child["N1"]["referral_date"] == "2024-03-01"
    assert (by_child["N1"]["assessment_start"], by_child["N1"]["assessment_completed"]) == (
        "2024-03-04",
        "2024-04-30",
    )
    assert (by_child["P1"]["strategy_discussion"], by_child["P1"]["initial_conference"]) == (
        "2024-01-10",
        "2024-01-31",
    )
    # The list's other columns are not news; the child on no list of open cases is.
    assert "List 3 (referrals): 1 child(ren) on no list of open cases; their dates were not used." in (
        table.warnings
    )
    assert not any("columns not used" in warning for warning in table.warnings)


def test_a_list_of_events_fills_only_what_the_list_of_open_cases_leaves_blank(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        {
            7: [
                {
                    "child_id": "P1",
                    "Child Protection Plan Start Date": date(2024, 2, 1),
                    "Date of Initial Child Protection Conference": date(2024, 1, 30),
                }
            ],
            5: [{"child_id": "P1", "Date of Initial Child Protection Conference": date(2024, 1, 31)}],
        },
    )
    assert rows(table, "initial_conference") == [("2024-01-30",)]


def test_a_date_in_a_list_of_events_that_is_no_date_is_named_and_not_used(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        {
            6: [{"child_id": "N1", "CIN Start Date": date(2024, 3, 4)}],
            3: [{"child_id": "N1", "Date of referral": "31/02/2024"}],
        },
    )
    assert rows(table, "referral_date") == [(None,)]
    assert (
        "List 3: 1 referral date value(s) are not dates and were not used (the first, row 2: '31/02/2024')."
        in table.warnings
    )


def test_an_assessment_on_list_4_is_never_an_early_help_cases(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        {
            2: [{"child_id": "E1", "Assessment start date": date(2024, 1, 8)}],  # still open
            6: [{"child_id": "N1", "CIN Start Date": date(2024, 3, 4)}],
            4: [
                {"child_id": "E1", "Continuous Assessment Date of Authorisation": date(2024, 2, 20)},
                {"child_id": "N1", "Continuous Assessment Date of Authorisation": date(2024, 4, 30)},
            ],
        },
    )
    completed = dict(rows(table, "child_id", "assessment_completed"))
    assert completed == {"E1": None, "N1": "2024-04-30"}
