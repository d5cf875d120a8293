"""The Children in Need census as a source of the register (issue 16): each child's latest episode of need
read for the dates the checks count from; a child in both returns is one case, in the cohort of highest
need. The census files are our own, written from the specification's elements."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from caseaudit.cases.actions import import_return
from caseaudit.cases.date_sources import sources_of
from caseaudit.cases.importing.cin_census import read_cin_census
from caseaudit.cases.importing.ssda903 import CollectionYear, read_ssda903
from caseaudit.cases.models import Case, ImportBatch
from caseaudit.policy import SYSTEM
from caseaudit.readers.table import ImportRefused

from .test_import_ssda903 import write_return

pytestmark = pytest.mark.django_db


def child(
    child_id: str, details: str, *, gender: str = "2", ethnicity: str = "MWBC", disability: str = "NONE"
) -> str:
    return f"""
    <Child>
      <ChildIdentifiers>
        <LAchildID>{child_id}</LAchildID><UPN>A123456789012</UPN>
        <PersonBirthDate>2015-07-14</PersonBirthDate><GenderCurrent>{gender}</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>{ethnicity}</Ethnicity><Disabilities><Disability>{disability}</Disability></Disabilities>
      </ChildCharacteristics>
      {details}
    </Child>"""


ON_A_PLAN = """
      <CINdetails>
        <CINreferralDate>2025-06-02</CINreferralDate><ReferralSource>1A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>
        <Assessments>
          <AssessmentActualStartDate>2025-06-03</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2025-07-25</AssessmentAuthorisationDate>
        </Assessments>
        <Section47>
          <S47ActualStartDate>2025-06-04</S47ActualStartDate><InitialCPCtarget>2025-07-02</InitialCPCtarget>
          <DateOfInitialCPC>2025-06-27</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired>
        </Section47>
        <ChildProtectionPlans>
          <CPPstartDate>2025-06-27</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <Reviews><CPPreviewDate>2025-09-19</CPPreviewDate><CPPreviewDate>2026-03-13</CPPreviewDate></Reviews>
        </ChildProtectionPlans>
      </CINdetails>"""
IN_NEED = """
      <CINdetails>
        <CINreferralDate>2023-02-01</CINreferralDate><CINclosureDate>2023-09-30</CINclosureDate>
        <ReasonForClosure>RC1</ReasonForClosure>
      </CINdetails>
      <CINdetails>
        <CINreferralDate>2025-11-10</CINreferralDate><ReferralSource>5A</ReferralSource>
        <Assessments><AssessmentActualStartDate>2025-11-11</AssessmentActualStartDate></Assessments>
      </CINdetails>"""


def census(path: Path, *children: str) -> Path:
    path.write_text(
        "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year>"
        "<ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails></Header><Children>"
        + "".join(children)
        + "</Children></Message>",
        encoding="utf-8",
    )
    return path


def test_the_latest_episode_of_each_child_gives_the_case_and_its_dates(tmp_path):
    path = census(
        tmp_path / "cin.xml", child("CP1", ON_A_PLAN), child("CN1", IN_NEED, gender="1", disability="HAND")
    )
    import_return(read_cin_census(path), file_name="CIN census", acting_user=SYSTEM)
    protection, in_need = Case.objects.get(child_id="CP1"), Case.objects.get(child_id="CN1")
    assert (protection.cohort, protection.opened_on, protection.cp_plan_start) == (
        "child-protection", date(2025, 6, 27), date(2025, 6, 27),
    )  # fmt: skip
    assert (protection.strategy_discussion, protection.initial_conference) == (
        date(2025, 6, 4),
        date(2025, 6, 27),
    )
    assert protection.latest_review_conference == date(2026, 3, 13)
    assert (protection.assessment_start, protection.assessment_completed) == (
        date(2025, 6, 3),
        date(2025, 7, 25),
    )
    assert (protection.sex, protection.ethnicity, protection.disability) == ("F", "MWBC", "N")
    # The latest episode, not the one closed two years before: open, from its referral.
    assert (in_need.cohort, in_need.opened_on, in_need.referral_date, in_need.closed_on) == (
        "child-in-need", date(2025, 11, 10), date(2025, 11, 10), None,
    )  # fmt: skip
    assert (in_need.sex, in_need.disability, in_need.birth_month) == ("M", "Y", date(2015, 7, 1))
    assert ImportBatch.objects.get().kind == "cin"


def test_a_child_in_both_returns_is_one_case_in_the_cohort_of_highest_need(tmp_path):
    import_return(read_ssda903([write_return(tmp_path / "903")]), file_name="SSDA903", acting_user=SYSTEM)
    # LAC1 is looked after; the census also counts them as a child in need, on a plan.
    path = census(tmp_path / "cin.xml", child("LAC1", ON_A_PLAN))
    import_return(read_cin_census(path), file_name="CIN census", acting_user=SYSTEM)
    looked_after = Case.objects.get(child_id="LAC1")
    assert Case.objects.filter(child_id="LAC1").count() == 1
    assert (looked_after.cohort, looked_after.opened_on, looked_after.closed_on) == (
        "looked-after", date(2019, 3, 4), None,
    )  # fmt: skip
    # The census's dates come in all the same, and the return's stay.
    assert looked_after.cp_plan_start == date(2025, 6, 27)
    assert looked_after.placement_start == date(2020, 1, 2)


def test_care_ending_never_closes_a_case_still_open_under_another_cohort(tmp_path):
    path = census(tmp_path / "cin.xml", child("LAC2", ON_A_PLAN))
    import_return(read_cin_census(path), file_name="CIN census", acting_user=SYSTEM)
    # The SSDA903 return shows LAC2's care ended in February: the plan goes on.
    import_return(read_ssda903([write_return(tmp_path / "903")]), file_name="SSDA903", acting_user=SYSTEM)
    case = Case.objects.get(child_id="LAC2")
    assert (case.cohort, case.closed_on, case.placement_type) == ("child-protection", None, "K2")


def test_bad_values_are_named_by_line_and_element_and_nothing_is_written(tmp_path):
    bad = ON_A_PLAN.replace("2025-06-04", "2025-13-04").replace("2026-03-13", "2026-04-20")
    path = census(
        tmp_path / "cin.xml", child("CP1", bad, gender="7", ethnicity="ZZZZ"), child("CP1", IN_NEED)
    )
    with pytest.raises(ImportRefused) as refused:
        read_cin_census(path, year=CollectionYear(2026))
    message = str(refused.value)
    assert message.startswith("5 problem(s) in the Children in Need census: nothing was imported.")
    for expected in (
        "GenderCurrent '7': not a gender",
        "Ethnicity 'ZZZZ': not an ethnicity",
        "S47ActualStartDate '2025-13-04': not a date",
        "CPPreviewDate '2026-04-20': after the collection year, which ends on 31 March 2026",
        "LAchildID 'CP1': named twice",
    ):
        assert expected in message, expected
    # An XML file has lines, not rows.
    assert "cin.xml line " in message and "cin.xml row " not in message
    assert not Case.objects.filter(child_id="CP1").exists()


def test_entities_are_never_expanded_and_a_broken_file_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        "<Message><Children>" + child("&b;", ON_A_PLAN) + "</Children></Message>",
        encoding="utf-8",
    )
    with pytest.raises(ImportRefused):
        read_cin_census(bomb)
    broken = tmp_path / "broken.xml"
    broken.write_text("<Message><Children><Child>", encoding="utf-8")
    with pytest.raises(ImportRefused, match="not a readable XML file"):
        read_cin_census(broken)


def test_the_command_imports_the_census(tmp_path):
    path = census(tmp_path / "cin.xml", child("CP1", ON_A_PLAN))
    out = io.StringIO()
    call_command("import_returns", "--cin", str(path), stdout=out)
    assert "Imported Children in Need census (cin.xml)" in out.getvalue()
    assert Case.objects.get(child_id="CP1").cohort == "child-protection"


def test_the_day_the_census_was_extracted_is_read_from_its_header(tmp_path):
    path = census(tmp_path / "cin.xml", child("CP1", ON_A_PLAN))
    text = path.read_text(encoding="utf-8").replace(
        "</CollectionDetails>",
        "</CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>999</LEA>"
        "<DateTime>2026-05-06T10:11:12</DateTime></Source>",
    )
    path.write_text(text, encoding="utf-8")
    import_return(read_cin_census(path), file_name="CIN census", acting_user=SYSTEM)
    batch = ImportBatch.objects.get()
    assert batch.extracted_on == date(2026, 5, 6)
    case = Case.objects.get(child_id="CP1")
    assert sources_of(case)["cp_plan_start"] == "Children in Need census, extracted 6 May 2026"


def test_the_child_in_need_plan_still_running_gives_its_start(tmp_path):
    plans = """
      <CINdetails>
        <CINreferralDate>2025-09-01</CINreferralDate>
        <CINPlanDates><CINPlanStartDate>2025-10-06</CINPlanStartDate><CINPlanEndDate>2025-12-01</CINPlanEndDate></CINPlanDates>
        <CINPlanDates><CINPlanStartDate>2026-01-12</CINPlanStartDate></CINPlanDates>
      </CINdetails>"""
    ended = plans.replace(
        "<CINPlanStartDate>2026-01-12</CINPlanStartDate>",
        "<CINPlanStartDate>2026-01-12</CINPlanStartDate><CINPlanEndDate>2026-02-01</CINPlanEndDate>",
    )
    path = census(tmp_path / "cin.xml", child("CN1", plans), child("CN2", ended), child("CN3", IN_NEED))
    import_return(read_cin_census(path), file_name="CIN census", acting_user=SYSTEM)
    starts = dict(Case.objects.values_list("child_id", "cin_plan_start"))
    # The second plan is running; both of CN2's have ended; CN3 has had none.
    assert starts == {"CN1": date(2026, 1, 12), "CN2": None, "CN3": None}
    with pytest.raises(ImportRefused, match="CINPlanStartDate 'soon': not a date"):
        read_cin_census(census(tmp_path / "bad.xml", child("CN1", plans.replace("2025-10-06", "soon"))))
