"""Annex A sheet and header matching (caseaudit.core.annex_a)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseaudit.core.annex_a import (
    LIST_2,
    LIST_6,
    LIST_7,
    LIST_8,
    LIST_9,
    LISTS,
    find_header_row,
    identify_list,
    list_number,
    match_headers,
    missing_key_dates,
    normalise_header,
)
from caseaudit.core.cohorts import COHORT_SLUGS
from caseaudit.core.register import COLUMNS

# --- normalise_header --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Date of Latest Statutory Review",
        "DateOfLatestStatutoryReview",
        " date of latest  statutory review ",
        "DATE_OF_LATEST_STATUTORY_REVIEW",
        "Date of Latest\u00a0Statutory Review",  # a non-breaking space, as exports often have
        "Date-of-Latest-Statutory-Review:",
    ],
)
def test_spellings_of_one_header_normalise_alike(text: str) -> None:
    assert normalise_header(text) == "dateoflateststatutoryreview"


def test_punctuation_and_smart_quotes_are_dropped() -> None:
    assert normalise_header("Child\u2019s Legal Status") == normalise_header("Child's Legal Status")
    assert normalise_header("Age of Child (Years)") == "ageofchildyears"
    assert normalise_header("\uff29\uff24") == "id"  # full-width letters


@given(st.text())
def test_normalise_header_is_idempotent(text: str) -> None:
    once = normalise_header(text)
    assert normalise_header(once) == once
    assert set(once) <= set(string.ascii_lowercase + string.digits)


_WORDS = st.lists(
    st.text(string.ascii_letters + string.digits, min_size=1, max_size=8), min_size=1, max_size=6
)
_SEPARATORS = st.text(" \t\u00a0_-.,:;()/?'\u2019\"#&", max_size=3)


@given(
    _WORDS, st.lists(_SEPARATORS, min_size=7, max_size=7), st.lists(st.booleans(), min_size=60, max_size=60)
)
def test_normalise_header_ignores_case_spacing_and_punctuation(
    words: list[str], separators: list[str], upper: list[bool]
) -> None:
    joined = "".join(separators[i] + word for i, word in enumerate(words)) + separators[-1]
    recased = "".join(c.upper() if upper[i % len(upper)] else c.lower() for i, c in enumerate(joined))
    assert normalise_header(recased) == "".join(words).lower()


# --- identify_list -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("List 9", 9),
        ("List 9 - Care leavers", 9),
        ("list_9", 9),
        ("List9", 9),
        ("L9 Care Leavers", 9),
        ("Annex A List 9", 9),
        ("AA_List_09", 9),
        ("LIST 8 Children in care", 8),
        ("List 7: Child protection", 7),
        ("List 6", 6),
        ("List 2 - Early help", 2),
    ],
)
def test_sheet_names_identify_their_list(name: str, number: int) -> None:
    spec = identify_list(name)
    assert spec is not None
    assert spec.number == number


@pytest.mark.parametrize("name", ["List 1", "List 10", "List 11", "List 91"])
def test_lists_caseaudit_does_not_read_are_none(name: str) -> None:
    assert identify_list(name) is None
    assert list_number(name) is not None


@pytest.mark.parametrize(
    "name", ["Notes", "Sheet1", "Table 9", "Level 2", "Cell 8", "Lookups", "Care leavers"]
)
def test_other_sheets_are_none(name: str) -> None:
    assert identify_list(name) is None
    assert list_number(name) is None


# --- the list specs ----------------------------------------------------------------------------------


def test_each_list_feeds_its_cohort() -> None:
    assert {n: spec.cohort for n, spec in LISTS.items() if not spec.supplementary} == {
        2: "early-help",
        6: "child-in-need",
        7: "child-protection",
        8: "looked-after",
        9: "care-leaver",
    }
    assert all(spec.cohort in COHORT_SLUGS for spec in LISTS.values() if not spec.supplementary)
    # Referrals, assessments and section 47 enquiries are events, not open cases: they feed dates only.
    events = {n: spec.register_columns for n, spec in LISTS.items() if spec.supplementary}
    assert events == {
        3: ("child_id", "referral_date"),
        4: ("child_id", "assessment_start", "assessment_completed"),
        5: ("child_id", "strategy_discussion", "initial_conference"),
    }
    assert all(set(spec.fills) <= set(COHORT_SLUGS) for spec in LISTS.values())
    assert "early-help" not in LISTS[4].fills


@pytest.mark.parametrize("spec", LISTS.values(), ids=lambda s: s.label)
def test_spec_is_consistent(spec) -> None:
    assert set(spec.register_columns) <= set(COLUMNS)
    assert "cohort" not in spec.register_columns
    # Each spelling belongs to one column only, and a column is never also "ignored".
    keys = [key for column in spec.columns for key in column.keys]
    assert len(keys) == len(set(keys))
    assert not set(keys) & spec.ignored_keys
    assert [c.name for c in spec.columns if c.required] == ["Child Unique ID"]


@pytest.mark.parametrize(
    ("spec", "opens", "closes"),
    [
        (LIST_2, "Assessment start date", None),
        (LIST_6, "CIN Start Date", "CIN Closure Date"),
        (LIST_7, "Child Protection Plan Start Date", "Child Protection Plan End Date"),
        (LIST_8, "Date Started to be Looked After", "Date Ceased to be Looked After"),
        (LIST_9, None, None),
    ],
)
def test_which_column_opens_and_closes_a_case(spec, opens: str | None, closes: str | None) -> None:
    feeding = {target: column.name for column in spec.columns for target in column.feeds}
    assert feeding.get("opened_on") == opens
    assert feeding.get("closed_on") == closes


def test_start_dates_are_key_dates_too() -> None:
    def feeds(spec, name):
        return next(c.feeds for c in spec.columns if c.name == name)

    assert feeds(LIST_2, "Assessment start date") == ("opened_on", "assessment_start")
    assert feeds(LIST_7, "Child Protection Plan Start Date") == ("opened_on", "cp_plan_start")
    assert feeds(LIST_8, "Date Started to be Looked After") == ("opened_on", "looked_after_since")


# --- match_headers -----------------------------------------------------------------------------------

LIST_8_HUMAN = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
    "Does the Child have a Disability",
    "Date Started to be Looked After",
    "Child's Category of Need",
    "Child's Legal Status",
    "Date of Latest Statutory Review",
    "Date of Last Social Work Visit",
    "What is the permanence plan for this child?",
    "Date of Last IRO Visit / Contact to the Child",
    "Date of Last Health Assessment",
    "Date of Last Dental Check",
    "Number of Placements in the Last 12 months",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement",
    "Placement Type",
    "Allocated Team",
    "Allocated Worker",
]


def test_official_list_8_headers_map_with_nothing_unknown() -> None:
    match = match_headers(LIST_8, LIST_8_HUMAN)
    assert match.unknown == []
    assert match.missing_required == []
    assert match.missing == []
    assert match.columns == {
        "child_id": 0,
        "sex": 1,
        "ethnicity": 2,
        "birth_month": 3,
        "disability": 6,
        "opened_on": 7,
        "looked_after_since": 7,
        "latest_statutory_review": 10,
        "last_social_work_visit": 11,
        "last_health_assessment": 14,
        "last_dental_check": 15,
        "closed_on": 17,
        "placement_start": 19,
        "team": 21,
        "worker": 22,
        # The legal status, placement type and asylum-seeking status, read since issue 15.
        "uasc": 5,
        "legal_status": 9,
        "placement_type": 20,
    }
    assert match.labels["latest_statutory_review"] == "Date of Latest Statutory Review"


def test_camel_case_headers_from_sql_extracts_map() -> None:
    headers = [
        "ChildUniqueID",
        "Gender",
        "DateOfBirth",
        "Age",
        "HasDisability",
        "LoookedAfterStartDate",
        "LatestStatutoryReviewDate",
        "LastSocialWorkVisitDate",
        "LastHealthAssessmentDate",
        "LastDentalCheckDate",
        "CeasedLookedAfterDate",
        "PlacementType",
        "AllocatedTeam",
        "AllocatedWorker",
    ]
    match = match_headers(LIST_8, headers)
    assert match.unknown == []
    assert set(match.columns) == {
        "child_id",
        "sex",
        "disability",
        "birth_month",
        "opened_on",
        "looked_after_since",
        "latest_statutory_review",
        "last_social_work_visit",
        "last_health_assessment",
        "last_dental_check",
        "closed_on",
        "placement_type",
        "team",
        "worker",
    }


@pytest.mark.parametrize(
    "child_id", ["Child Unique ID", "ChildUniqueID", "Child ID", "Unique ID", "CHILD_ID"]
)
def test_child_id_spellings(child_id: str) -> None:
    assert match_headers(LIST_6, [child_id]).columns == {"child_id": 0}


def test_dob_alias_feeds_birth_month() -> None:
    assert match_headers(LIST_6, ["Child ID", "DOB"]).columns["birth_month"] == 1


def test_unknown_headers_are_reported_as_written() -> None:
    match = match_headers(LIST_9, ["Child Unique ID", " Local ref ", "Comments", None, "", "Gender"])
    assert match.unknown == ["Local ref", "Comments"]


def test_missing_child_id_is_reported_by_name() -> None:
    match = match_headers(LIST_9, ["Gender", "Allocated Worker"])
    assert match.missing_required == ["Child Unique ID"]
    assert "child_id" not in match.columns


def test_second_header_for_the_same_column_is_known_not_unknown() -> None:
    match = match_headers(LIST_6, ["Child Unique ID", "Allocated Social Worker", "Allocated Worker"])
    assert match.columns["worker"] == 1
    assert match.unknown == []
    assert "worker" not in match.fallbacks


def test_list_9_prefers_the_personal_adviser_and_falls_back_to_the_worker() -> None:
    match = match_headers(LIST_9, ["Child Unique ID", "Allocated Worker", "Allocated Personal Adviser"])
    assert match.columns["worker"] == 2
    assert match.fallbacks["worker"] == (1,)
    assert match.labels["worker"] == "Allocated Personal Adviser"


def test_list_9_liia_tools_spellings() -> None:
    headers = [
        "Child Unique ID",
        "Allocated Personal Advisor",
        "Latest Pathway Plan Review Date",
        "LA in Touch",
        "Latest Date of Contact",
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
        "Eligibility Category",
        "Type of Accommodation",
        "Suitability of Accommodation",
        "Activity Status",
    ]
    match = match_headers(LIST_9, headers)
    assert match.unknown == []
    assert match.columns == {"child_id": 0, "worker": 1, "latest_pathway_plan": 2, "latest_contact": 4}


def test_older_list_9_without_adviser_pathway_plan_or_contact() -> None:
    headers = ["Child Unique ID", "Gender", "Allocated Team", "Allocated Worker", "Eligibility Category"]
    match = match_headers(LIST_9, headers)
    assert match.columns["worker"] == 3
    assert "latest_pathway_plan" not in match.columns
    assert set(match.missing) == {
        "Date of Birth",
        "Ethnicity",
        "Does the Child have a Disability",
        "Allocated Personal Adviser",
        "Latest Pathway Plan",
        "Latest Contact",
    }
    assert missing_key_dates(LIST_9, match) == ["Latest Pathway Plan", "Latest Contact"]


def test_list_7_optional_conference_dates() -> None:
    headers = [
        "Child Unique ID",
        "Child Protection Plan Start Date",
        "Date of the Last Statutory Visit",
        "Date of latest review conference",
        "Date of Strategy Discussion",
        "Date of Initial Child Protection Conference",
        "Child Protection Plan End Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Was the Child Seen Alone?",
    ]
    match = match_headers(LIST_7, headers)
    assert match.unknown == []
    assert match.columns["strategy_discussion"] == 4
    assert match.columns["initial_conference"] == 5
    assert match.columns["cp_plan_start"] == match.columns["opened_on"] == 1
    # Without them, nothing is said to be missing: List 7 itself does not have them.
    without = match_headers(LIST_7, headers[:4])
    assert "Date of Strategy Discussion" not in without.missing
    assert missing_key_dates(LIST_7, without) == []


def test_list_2_older_and_camel_case() -> None:
    match = match_headers(
        LIST_2,
        [
            "ChildUniqueID",
            "AssessmentStartDate",
            "AssessmentCompletionDate",
            "OrganisationCompletingAssessment",
        ],
    )
    assert match.unknown == []
    assert match.columns == {"child_id": 0, "opened_on": 1, "assessment_start": 1, "assessment_completed": 2}


def test_list_6_camel_case_last_seen() -> None:
    match = match_headers(
        LIST_6, ["ChildUniqueID", "CINStartDate", "DateChildLastSeen", "CINClosureDate", "CaseStatus"]
    )
    assert match.unknown == []
    assert match.columns == {"child_id": 0, "opened_on": 1, "last_seen": 2, "closed_on": 3}


# --- find_header_row ---------------------------------------------------------------------------------


def test_header_row_is_found_below_a_title() -> None:
    rows = [["Annex A: List 9 care leavers", None], [None, None], ["Child Unique ID", "Gender"], ["C1", "x"]]
    assert find_header_row(rows) == 2
    assert find_header_row([["Gender", "Allocated Worker"]]) is None
    assert find_header_row([["ChildUniqueID"]]) == 0
