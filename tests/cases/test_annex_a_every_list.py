"""A workbook of every Annex A list, laid out as the public sample Annex A workbook of the London
Innovation and Improvement Alliance's tools lays them out: its sheet names ("List 1" to "List 11"), its
headers word for word (the stray bracket of List 8's asylum-seeking column included), its lettered
drop-down answers ("b) Female", "f) U6: Foster placement - not FFA") and its shortened legal statuses
("C2: FCO"). The children and dates are our own. Each list's dates must land in the register's right
columns, and the lists caseaudit does not read are named, not silently dropped."""

from __future__ import annotations

from datetime import date

import pytest

from caseaudit.cases.actions import import_case_register
from caseaudit.cases.annex_a_writer import write_annex_a_workbook
from caseaudit.cases.models import Case
from caseaudit.policy import SYSTEM

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)
CHILD = {"Gender": "b) Female", "Ethnicity": "a) WBRI", "Date of Birth": date(2014, 5, 9), "Age": 12}
WORKED = {"Allocated Team": "North", "Allocated Worker": "Sam Worker"}


def every_list(path):
    lists = {
        "List 1": [{"Child Unique ID": "C1", **CHILD, "Date of Contact": date(2026, 9, 1),
                    "Contact Source": "a) 1A: Individual - Family member"}],
        "List 2": [{"Child Unique ID": "EH1", **CHILD, "Assessment start date": date(2026, 8, 3),
                    "Assessment completion date": date(2026, 9, 14),
                    "Organisation completing assessment": "School"}],
        "List 3": [{"Child Unique ID": "CN1", **CHILD, "Date of Referral": date(2026, 6, 2),
                    "Referral Source": "b) 1B: Individual - Relative", "Referral NFA?": "b) No",
                    "Number of Referrals in Last 12 Months": 1, **WORKED}],
        "List 4": [{"Child Unique ID": "CN1", **CHILD, "Does the Child have a Disability": "b) No",
                    "Continuous Assessment Start Date": date(2026, 6, 3),
                    "Child Seen During Continuous Assessment": "a) Yes",
                    "Continuous Assessment Date of Authorisation": date(2026, 7, 30),
                    "Was the child assessed as requiring LA children's social care support?": "a) Yes",
                    **WORKED}],
        "List 5": [{"Child Unique ID": "CP1", **CHILD, "Does the Child have a Disability": "b) No",
                    "Strategy discussion initiating Section 47 Enquiry Start Date": date(2026, 5, 4),
                    "Was an Initial Child Protection Conference deemed unnecessary?": "b) No",
                    "Date of Initial Child Protection Conference": date(2026, 5, 26),
                    "Did the Initial Child Protection Conference Result in a Child Protection Plan": "a) Yes",
                    "Number of Section 47 Enquiries in the last 12 months": 1,
                    "Number of ICPCs in the last 12 months": 1, **WORKED}],
        "List 6": [{"Child Unique ID": "CN1", **CHILD, "Does the Child have a Disability": "b) No",
                    "CIN Start Date": date(2026, 6, 2), "Primary Need Code": "a) N1",
                    "Date Child Was Last Seen": date(2026, 10, 21), "CIN Closure Date": None,
                    "Reason for Closure": None, "Case Status": "a) Open", **WORKED}],
        "List 7": [{"Child Unique ID": "CP1", **CHILD, "Does the Child have a Disability": "b) No",
                    "Child Protection Plan Start Date": date(2026, 5, 26),
                    "Initial Category of Abuse": "b) Neglect", "Latest Category of Abuse": "b) Neglect",
                    "Date of the Last Statutory Visit": date(2026, 10, 23),
                    "Was the Child Seen Alone?": "a) Yes",
                    "Date of latest review conference": date(2026, 8, 18),
                    "Child Protection Plan End Date": None,
                    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
                    "Months (Y/N)": "b) No",
                    "Number of Previous Child Protection Plans": 0, **WORKED}],
        "List 8": [{"Child Unique ID": "LA1", **CHILD,
                    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))": "b) No",
                    "Does the Child have a Disability": "a) Yes",
                    "Date Started to be Looked After": date(2019, 3, 4),
                    "Child's Category of Need": "a) N1",
                    "Is this a second or subsequent period of being a Looked After Child within the last 12 "
                    "months (Y/N)": "b) No",
                    "Start date of current legal status": date(2019, 9, 1),
                    "Child's Legal Status": "C2: FCO",
                    "Date of Latest Statutory Review": date(2026, 9, 15),
                    "Date of Last Social Work Visit": date(2026, 10, 12),
                    "What is the permanence plan for this child?": "c) Long term fostering",
                    "Date of Last IRO Visit / Contact to the Child": date(2026, 9, 15),
                    "Date of Last Health Assessment": date(2026, 4, 2),
                    "Date of Last Dental Check": date(2026, 3, 20),
                    "Number of Placements in the Last 12 months": 1,
                    "Date Ceased to be Looked After": None, "Reason Ceased to be Looked After": None,
                    "Start Date of Most Recent Placement": date(2020, 1, 6),
                    "Placement Type": "d) U4: Foster placement - long term",
                    "Placement Provider": "b) PR2: Other LA provision", "Placement postcode": "AB1",
                    "URN of Placement": "XXXXXXX", "Placement Location": "a) In LA boundary",
                    "LA of Placement": "Northshire", **WORKED}],
        "List 9": [{"Child Unique ID": "CL1", **CHILD, "Date of Birth": date(2006, 2, 1),
                    "Does the Child have a Disability": "b) No", **WORKED,
                    "Eligibility Category": "a) Relevant", "LA in Touch": "a) Yes",
                    "Type of Accommodation": "b) Independent living",
                    "Suitability of Accommodation": "a) Suitable",
                    "Activity Status": "a) F1"}],
        "List 10": [{"Child Unique ID": "AD1", "Family identifier": "F1", **CHILD,
                     "Date the Child Entered Care": date(2024, 2, 1)}],
        "List 11": [{"Individual adopter identifier": "A1", "Family identifier": "F1",
                     "Date enquiry received": date(2025, 1, 9)}],
    }  # fmt: skip
    return write_annex_a_workbook(path / "Annex_A.xlsx", lists)


def test_every_lists_dates_land_in_the_right_columns(tmp_path):
    result = import_case_register(every_list(tmp_path), acting_user=SYSTEM, today=TODAY)
    assert result.written and not result.errors, result.errors
    cases = {c.child_id: c for c in Case.objects.all()}
    assert {k: c.cohort for k, c in cases.items()} == {
        "EH1": "early-help",
        "CN1": "child-in-need",
        "CP1": "child-protection",
        "LA1": "looked-after",
        "CL1": "care-leaver",
    }
    early_help, in_need, protection = cases["EH1"], cases["CN1"], cases["CP1"]
    looked_after, leaver = cases["LA1"], cases["CL1"]
    assert (early_help.opened_on, early_help.assessment_start, early_help.assessment_completed) == (
        date(2026, 8, 3), date(2026, 8, 3), date(2026, 9, 14),
    )  # fmt: skip
    # List 6 opens the case; Lists 3 and 4 give its referral and its assessment.
    assert (in_need.opened_on, in_need.last_seen, in_need.referral_date) == (
        date(2026, 6, 2), date(2026, 10, 21), date(2026, 6, 2),
    )  # fmt: skip
    assert (in_need.assessment_start, in_need.assessment_completed) == (date(2026, 6, 3), date(2026, 7, 30))
    # List 7 opens the plan; List 5 gives the strategy discussion and the initial conference.
    plan = (protection.cp_plan_start, protection.last_statutory_visit, protection.latest_review_conference)
    assert plan == (date(2026, 5, 26), date(2026, 10, 23), date(2026, 8, 18))
    assert (protection.strategy_discussion, protection.initial_conference) == (
        date(2026, 5, 4),
        date(2026, 5, 26),
    )
    assert (
        looked_after.looked_after_since,
        looked_after.placement_start,
        looked_after.latest_statutory_review,
        looked_after.last_social_work_visit,
        looked_after.last_health_assessment,
        looked_after.last_dental_check,
    ) == (date(2019, 3, 4), date(2020, 1, 6), date(2026, 9, 15), date(2026, 10, 12), date(2026, 4, 2),
          date(2026, 3, 20))  # fmt: skip
    assert (looked_after.legal_status, looked_after.placement_type, looked_after.uasc) == ("C2", "U4", "N")
    assert (looked_after.sex, looked_after.ethnicity, looked_after.disability) == ("F", "WBRI", "Y")
    assert (leaver.team.name, leaver.worker.name, leaver.birth_month) == (
        "North",
        "Sam Worker",
        date(2006, 2, 1),
    )
    # The lists caseaudit does not read are named; none of their children becomes a case.
    for number in (1, 10, 11):
        assert any(f"Annex A List {number}, which caseaudit does not read" in w for w in result.warnings), (
            number
        )
    assert not any("unknown" in w.lower() and "List 8" in w for w in result.warnings), result.warnings
