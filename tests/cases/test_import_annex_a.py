"""An Annex A workbook as a real authority exports it, imported end to end."""

from __future__ import annotations

from datetime import date

import pytest

from caseaudit.cases.actions import import_case_register
from caseaudit.cases.annex_a_writer import write_annex_a_workbook
from caseaudit.cases.importing.result import RowsRefused
from caseaudit.cases.models import Case
from caseaudit.compliance.queries import case_timescales
from caseaudit.policy import SYSTEM

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


def messy_workbook(path, **overrides):
    """Human-text and CamelCase headers, odd spacing, Excel dates and typed dd/mm/yyyy text, extra columns
    and sheets, and a child (AA2) who is both looked after and on the CIN list."""
    lists = {
        "List 9 - Care leavers": [
            {
                "Child Unique ID": "AA1",
                "Date of Birth": date(2005, 4, 17),
                "Allocated Team": "Leaving Care",
                "Allocated Personal Adviser": "Pat Adviser",
                "Latest Pathway Plan": "01/03/2026",
                "Latest Contact": date(2026, 10, 2),
                "Local ref": "x1",
            }
        ],
        "list 8": [
            {
                "  child unique id ": "AA2",
                "DateStartedToBeLookedAfter": date(2022, 6, 1),
                "Date of Latest Statutory Review": "15/09/2026",
                "Allocated Team": "Children in Care",
                "Allocated Worker": "Sam Worker",
                "Date Ceased to be Looked After": None,
            }
        ],
        "List 6 CIN": [
            {
                "Child Unique ID": "AA2",
                "CIN Start Date": date(2021, 1, 5),
                "Date Child Was Last Seen": date(2026, 10, 20),
                "Allocated Team": "Children and Families North",
                "Allocated Worker": "Chris Worker",
            },
            {"Child Unique ID": "AA3", "CIN Start Date": "02/02/2026", "Allocated Team": "North"},
        ],
        "Notes": [{"Note": "Extract run 1 November"}],
    }
    lists.update(overrides)
    return write_annex_a_workbook(path / "annex-a.xlsx", lists)


def test_a_messy_workbook_imports_one_case_per_child(tmp_path):
    result = import_case_register(messy_workbook(tmp_path), acting_user=SYSTEM, today=TODAY)
    assert result.written and not result.errors, result.errors
    assert result.kind == "annex-a"
    cases = {c.child_id: c for c in Case.objects.select_related("team", "worker")}
    assert sorted(cases) == ["AA1", "AA2", "AA3"]

    leaver = cases["AA1"]
    assert leaver.cohort == "care-leaver"
    assert leaver.birth_month == date(2005, 4, 1)  # never the full date of birth
    assert leaver.worker.name == "Pat Adviser"
    assert leaver.latest_pathway_plan == date(2026, 3, 1) and leaver.latest_contact == date(2026, 10, 2)

    both = cases["AA2"]  # looked after outranks child in need
    assert both.cohort == "looked-after"
    assert both.team.name == "Children in Care" and both.worker.name == "Sam Worker"
    assert both.opened_on == date(2022, 6, 1)
    assert both.latest_statutory_review == date(2026, 9, 15)
    assert both.last_seen == date(2026, 10, 20)  # key dates from the other list are kept
    assert cases["AA3"].cohort == "child-in-need"

    assert result.counts("looked-after").created == 1 and result.counts("child-in-need").created == 1
    assert any("Notes" in w for w in result.warnings)
    assert any("Local ref" in w for w in result.warnings)


def test_a_closed_list_gives_way_to_an_open_one(tmp_path):
    path = messy_workbook(
        tmp_path,
        **{
            "list 8": [
                {
                    "Child Unique ID": "AA2",
                    "Date Started to be Looked After": date(2022, 6, 1),
                    "Date Ceased to be Looked After": date(2025, 3, 1),
                }
            ]
        },
    )
    import_case_register(path, acting_user=SYSTEM, today=TODAY)
    case = Case.objects.get(child_id="AA2")
    assert (case.cohort, case.closed_on) == ("child-in-need", None)


def test_bad_cells_are_named_as_the_sheet_spells_them(tmp_path):
    path = messy_workbook(
        tmp_path,
        **{"List 9 - Care leavers": [{"Child Unique ID": "AA1", "Latest Pathway Plan": "31/02/2026"}]},
    )
    with pytest.raises(RowsRefused) as refused:
        import_case_register(path, acting_user=SYSTEM, today=TODAY)
    assert Case.objects.count() == 0
    [error] = refused.value.result.errors
    assert (error.source, error.row, error.column, error.value) == (
        "List 9 - Care leavers",
        2,
        "Latest Pathway Plan",
        "31/02/2026",
    )
    assert "no such day" in error.reason


def test_reimporting_the_same_workbook_changes_nothing(tmp_path):
    path = messy_workbook(tmp_path)
    import_case_register(path, acting_user=SYSTEM, today=TODAY)
    again = import_case_register(path, acting_user=SYSTEM, today=TODAY)
    assert again.totals.unchanged == 3 and again.totals.updated == 0 and again.totals.closed == 0


def test_referrals_and_enquiries_give_their_dates_to_the_childrens_cases(tmp_path):
    """Lists 3 and 5 are events: their dates reach the cases of the children on Lists 6 and 7, where the
    child and family assessment counts from the referral, and make no case of their own."""
    path = write_annex_a_workbook(
        tmp_path / "annex-a.xlsx",
        {
            "List 6": [
                {
                    "Child Unique ID": "N1",
                    "CIN Start Date": date(2026, 8, 10),
                    "Date Child Was Last Seen": date(2026, 10, 20),
                }
            ],
            "List 7": [{"Child Unique ID": "P1", "Child Protection Plan Start Date": date(2026, 9, 3)}],
            "List 3": [
                {"Child Unique ID": "N1", "Date of referral": date(2026, 8, 3)},
                {"Child Unique ID": "X1", "Date of referral": date(2026, 8, 4)},
            ],
            "List 4": [{"Child Unique ID": "N1", "Continuous Assessment Start Date": date(2026, 8, 10)}],
            "List 5": [
                {
                    "Child Unique ID": "P1",
                    "Strategy discussion initiating Section 47 Enquiry Start Date": date(2026, 8, 12),
                    "Date of Initial Child Protection Conference": date(2026, 9, 3),
                }
            ],
        },
    )
    result = import_case_register(path, acting_user=SYSTEM, today=TODAY)
    assert result.written and not result.errors, result.errors
    assert sorted(Case.objects.values_list("child_id", flat=True)) == ["N1", "P1"]
    child_in_need = Case.objects.get(child_id="N1")
    assert (child_in_need.referral_date, child_in_need.assessment_start) == (
        date(2026, 8, 3),
        date(2026, 8, 10),
    )
    protection = Case.objects.get(child_id="P1")
    assert (protection.strategy_discussion, protection.initial_conference) == (
        date(2026, 8, 12),
        date(2026, 9, 3),
    )
    # Referred on Monday 3 August 2026: 45 working days, over the August bank holiday, is 6 October.
    assessment = next(r for r in case_timescales(child_in_need, TODAY) if r.check == "assessment-completion")
    assert (assessment.due_date, assessment.anchor_label) == (date(2026, 10, 6), "referral 3 August 2026")
