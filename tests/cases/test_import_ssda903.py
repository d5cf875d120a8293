"""The SSDA903 return as a source of the register (issue 16, a first step): its tables read, checked cell by
cell, and turned into one case per child, which adds to the register without wiping what other sources
brought. The files are our own, written from the return's specification."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from caseaudit.cases.actions import import_case_register, import_return
from caseaudit.cases.date_sources import describe, sources_of
from caseaudit.cases.importing.ssda903 import CollectionYear, read_ssda903
from caseaudit.cases.models import Case, ImportBatch
from caseaudit.compliance.queries import case_timescales, compliance_results
from caseaudit.compliance.review_breaches import reviews_held_late
from caseaudit.core.timescales import Status
from caseaudit.policy import SYSTEM
from caseaudit.readers.table import ImportRefused

pytestmark = pytest.mark.django_db
TODAY = date(2026, 4, 20)

HEADER = """CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
LAC1,2,14/05/2012,WBRI,A123456789012,,
LAC2,1,02/11/2009,BAFR,A123456789013,,
CL1,1,03/03/2006,AIND,A123456789014,,
"""
EPISODES = """CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
LAC1,04/03/2019,S,C1,N1,U6,PR1,10/06/2019,X1,,AB1,AB2,
LAC1,10/06/2019,L,C2,N1,U6,PR1,02/01/2020,X1,,AB1,AB2,
LAC1,02/01/2020,P,C2,N1,U4,PR1,,,CARPL,AB1,AB3,
LAC2,01/09/2024,S,V2,N4,K2,PR4,15/02/2026,E8,,AB1,AB4,SC123456
"""
REVIEWS = """CHILD,DOB,REVIEW,REVIEW_CODE
LAC1,14/05/2012,12/09/2025,PN1
LAC1,14/05/2012,10/03/2026,PN1
LAC2,02/11/2009,20/10/2025,PN0
"""
UASC = """CHILD,DOB,SEX,DUC
LAC2,02/11/2009,1,02/11/2027
"""
OC3 = """CHILD,DOB,IN_TOUCH,ACTIV,ACCOM
CL1,03/03/2006,YES,F2,S1
"""
MISSING = """CHILD,DOB,MISSING,MIS_START,MIS_END
LAC1,14/05/2012,M,01/02/2026,02/02/2026
"""


def write_return(folder: Path, **tables: str) -> Path:
    folder.mkdir(exist_ok=True)
    given = {"header": HEADER, "episodes": EPISODES, "reviews": REVIEWS, "uasc": UASC, "oc3": OC3} | tables
    for name, text in given.items():
        if text:
            (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def cases() -> dict[str, Case]:
    return {c.child_id: c for c in Case.objects.all()}


def test_each_child_becomes_one_case_from_their_episodes_reviews_and_header(tmp_path):
    read = read_ssda903([write_return(tmp_path / "903")])
    result = import_return(read, file_name="SSDA903 return", acting_user=SYSTEM, today=TODAY)
    assert result.written and not result.errors
    found = cases()
    looked_after = found["LAC1"]
    assert (looked_after.cohort, looked_after.opened_on, looked_after.looked_after_since) == (
        "looked-after", date(2019, 3, 4), date(2019, 3, 4),
    )  # fmt: skip
    # A change of legal status alone (L) is no new placement: the placement began with the move (P).
    assert looked_after.placement_start == date(2020, 1, 2)
    assert (looked_after.legal_status, looked_after.placement_type, looked_after.closed_on) == (
        "C2",
        "U4",
        None,
    )
    assert looked_after.latest_statutory_review == date(2026, 3, 10)
    assert (looked_after.sex, looked_after.ethnicity, looked_after.birth_month) == (
        "F",
        "WBRI",
        date(2012, 5, 1),
    )
    # Care that ended closes the case; the UASC table says the child came as an asylum seeker.
    ended = found["LAC2"]
    assert (ended.cohort, ended.closed_on, ended.uasc, ended.placement_type) == (
        "looked-after", date(2026, 2, 15), "Y", "K2",
    )  # fmt: skip
    # OC3 follows up a care leaver, whose case stays open.
    leaver = found["CL1"]
    assert (leaver.cohort, leaver.closed_on, leaver.sex) == ("care-leaver", None, "M")
    assert ImportBatch.objects.get().kind == "ssda903"


def test_a_return_adds_to_the_register_without_wiping_what_other_sources_brought(tmp_path):
    csv = tmp_path / "register.csv"
    csv.write_text(
        "child_id,cohort,team,worker,looked_after_since,last_social_work_visit\n"
        "LAC1,looked-after,Children in Care,Sam Worker,2019-03-04,2026-04-01\n"
        "CP9,child-protection,North,Kim Worker,2025-12-01,\n",
        encoding="utf-8",
    )
    import_case_register(csv, acting_user=SYSTEM, today=TODAY)
    import_return(read_ssda903([write_return(tmp_path / "903")]), file_name="SSDA903", acting_user=SYSTEM)
    found = cases()
    assert (found["LAC1"].team.name, found["LAC1"].worker.name) == ("Children in Care", "Sam Worker")
    assert found["LAC1"].last_social_work_visit == date(2026, 4, 1)
    assert found["LAC1"].placement_start == date(2020, 1, 2)
    # A child the return does not name stays as the register has them.
    assert found["CP9"].closed_on is None


def test_every_bad_cell_is_named_with_its_file_row_and_column_and_nothing_is_written(tmp_path):
    episodes = EPISODES.replace("02/01/2020,P,C2", "02/01/2020,Q,C9").replace("01/09/2024,S", "31/09/2024,S")
    reviews = REVIEWS + "LAC2,02/11/2009,05/04/2026,PN0\n"
    folder = write_return(tmp_path / "903", episodes=episodes, reviews=reviews)
    with pytest.raises(ImportRefused) as refused:
        read_ssda903([folder], year=CollectionYear(2026))
    message = str(refused.value)
    assert message.startswith("4 problem(s) in the SSDA903 return: nothing was imported.")
    assert "episodes.csv row 4, RNE 'Q': not a reason for a new episode" in message
    assert "episodes.csv row 4, LS 'C9': not a legal status" in message
    assert "episodes.csv row 5, DECOM '31/09/2024': not a date: write it as dd/mm/yyyy" in message
    assert (
        "reviews.csv row 5, REVIEW '05/04/2026': after the collection year, which ends on 31 March 2026"
        in message
    )
    assert not Case.objects.exists()


def test_an_episode_that_ends_before_it_starts_is_refused(tmp_path):
    episodes = EPISODES.replace(
        "01/09/2024,S,V2,N4,K2,PR4,15/02/2026", "01/09/2024,S,V2,N4,K2,PR4,15/02/2023"
    )
    with pytest.raises(
        ImportRefused,
        match=re.escape("episodes.csv row 5, DEC '15/02/2023': the episode ends before it starts"),
    ):
        read_ssda903([write_return(tmp_path / "903", episodes=episodes)])


def test_a_file_that_is_no_table_of_the_return_is_refused_and_other_tables_are_named(tmp_path):
    folder = write_return(tmp_path / "903")
    ad1 = "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
    (folder / "ad1.csv").write_text(ad1 + "LAC1,14/05/2012,01/02/2026,,,,,\n", encoding="utf-8")
    read = read_ssda903([folder])
    assert "ad1.csv is the AD1 table, which caseaudit does not read yet: ignored." in read.raw.warnings
    (folder / "notes.csv").write_text("Note,Author\nExtract,QA\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"notes\.csv is not a table of the SSDA903 return"):
        read_ssda903([folder])


def test_the_command_checks_then_imports(tmp_path):
    folder = write_return(tmp_path / "903")
    out = io.StringIO()
    call_command("import_returns", "--ssda903", str(folder), "--dry-run", stdout=out)
    assert "Dry run: nothing was written" in out.getvalue() and not Case.objects.exists()
    call_command("import_returns", "--ssda903", *map(str, sorted(folder.glob("*.csv"))), stdout=io.StringIO())
    assert set(cases()) == {"LAC1", "LAC2", "CL1"}
    bad = write_return(tmp_path / "bad", episodes=EPISODES.replace("LAC1,04/03/2019,S", "LAC1,04/03/2019,Z"))
    with pytest.raises(CommandError, match="RNE 'Z': not a reason for a new episode"):
        call_command("import_returns", "--ssda903", str(bad), stdout=io.StringIO())


def test_the_history_of_each_child_builds_up_from_one_return_to_the_next(tmp_path):
    import_return(read_ssda903([write_return(tmp_path / "903")]), file_name="SSDA903", acting_user=SYSTEM)
    looked_after = Case.objects.get(child_id="LAC1")
    assert [(e.starts_on, e.reason, e.placement_type) for e in looked_after.care_episodes.all()] == [
        (date(2019, 3, 4), "S", "U6"),
        (date(2019, 6, 10), "L", "U6"),
        (date(2020, 1, 2), "P", "U4"),
    ]
    assert [r.held_on for r in looked_after.statutory_reviews.all()] == [date(2025, 9, 12), date(2026, 3, 10)]
    # Next year's return holds the year's reviews, and restates the episode still open, now ended.
    reviews = "CHILD,DOB,REVIEW,REVIEW_CODE\nLAC1,14/05/2012,08/09/2026,PN1\n"
    episodes = EPISODES.replace("02/01/2020,P,C2,N1,U4,PR1,,,", "02/01/2020,P,C2,N1,U4,PR1,20/01/2027,E8,")
    import_return(read_ssda903([write_return(tmp_path / "next", reviews=reviews, episodes=episodes)]),
                  file_name="next", acting_user=SYSTEM)  # fmt: skip
    held = [r.held_on for r in looked_after.statutory_reviews.all()]
    assert held == [date(2025, 9, 12), date(2026, 3, 10), date(2026, 9, 8)]
    assert looked_after.care_episodes.count() == 3
    assert looked_after.care_episodes.last().ends_on == date(2027, 1, 20)


def test_the_case_page_reads_the_reviews_exactly(client, personas, tmp_path):
    import_return(read_ssda903([write_return(tmp_path / "903")]), file_name="SSDA903", acting_user=SYSTEM)
    client.force_login(personas.qa_lead)
    case = Case.objects.get(child_id="LAC1")
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    table = page.split('id="reviews"')[1].split("</table>")[0]
    # In care since 4 March 2019, the return holds the reviews of September 2025 and March 2026 only: read
    # as the first and second of the period, the first is years late.
    assert "1st" in table and "12 September 2025" in table and "late</strong>" in table
    assert "2nd" in table and "10 March 2026" in table
    assert "Next" in table and "10 September 2026" in table
    # A child whose return holds no reviews has no such table.
    other = Case.objects.get(child_id="CL1")
    assert 'id="reviews"' not in client.get(reverse("cases:detail", args=[other.pk])).text


def test_reviews_are_not_numbered_when_the_history_starts_after_care_began(client, personas, tmp_path):
    # This year's return only: the period of care began years before its first episode (a move, "P").
    episodes = (
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "LAC1,02/01/2020,P,C2,N1,U4,PR1,,,CARPL,AB1,AB3,\n"
    )
    import_return(read_ssda903([write_return(tmp_path / "903", episodes=episodes)]), file_name="SSDA903",
                  acting_user=SYSTEM)  # fmt: skip
    client.force_login(personas.qa_lead)
    case = Case.objects.get(child_id="LAC1")
    assert 'id="reviews"' not in client.get(reverse("cases:detail", args=[case.pk])).text


def test_reviews_held_late_in_a_period_are_counted_from_the_history(client, personas, tmp_path):
    import_return(read_ssda903([write_return(tmp_path / "903")]), file_name="SSDA903", acting_user=SYSTEM)
    # LAC1's reviews of September 2025 and March 2026 are its first and second: both late.
    breaches = reviews_held_late(Case.objects.all(), date(2026, 4, 1))
    assert (breaches.children, breaches.held, breaches.late) == (1, 2, 2)
    assert reviews_held_late(Case.objects.all(), date(2026, 4, 1), months=3).held == 1
    client.force_login(personas.qa_lead)
    page = client.get(reverse("compliance:summary"), {"as_of_0": "1", "as_of_1": "4", "as_of_2": "2026"}).text
    said = page.split('id="reviews-held-late"')[1].split("</p>")[0]
    assert "for the 1 looked after child whose history reaches back" in said
    assert "2 of the 2 reviews held from 1 April 2025 to 1 April 2026 were late" in said


def test_missing_episodes_are_kept_and_shown_on_the_case_page(client, personas, tmp_path):
    missing = MISSING + "LAC1,14/05/2012,A,20/03/2026,\n"
    import_return(read_ssda903([write_return(tmp_path / "903", missing=missing)]), file_name="SSDA903",
                  acting_user=SYSTEM)  # fmt: skip
    case = Case.objects.get(child_id="LAC1")
    assert [(m.kind, m.starts_on, m.ends_on) for m in case.missing_episodes.all()] == [
        ("M", date(2026, 2, 1), date(2026, 2, 2)),
        ("A", date(2026, 3, 20), None),
    ]
    client.force_login(personas.qa_lead)
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    table = page.split('id="missing"')[1].split("</table>")[0]
    assert "1 February 2026" in table and "Not recorded as ended" in table
    assert "Away from placement without authorisation" in table
    # A bad kind of absence is named like any other bad cell.
    with pytest.raises(ImportRefused, match="MISSING 'X': not a kind of absence"):
        read_ssda903([write_return(tmp_path / "bad", missing=MISSING.replace(",M,", ",X,"))])


def test_the_review_check_reads_which_review_the_latest_was_from_the_history(client, personas, tmp_path):
    # Looked after from 1 October 2025: the first review on time, the second on 20 January 2026. The
    # latest review alone could be a late first (next due in 3 months) or the second (in 6).
    episodes = EPISODES + "LAC3,01/10/2025,S,C1,N1,U1,PR1,,,,AB1,AB2,\n"
    reviews = REVIEWS + "LAC3,01/01/2015,15/10/2025,PN1\nLAC3,01/01/2015,20/01/2026,PN1\n"
    import_return(read_ssda903([write_return(tmp_path / "903", episodes=episodes, reviews=reviews)]),
                  file_name="SSDA903", acting_user=SYSTEM)  # fmt: skip
    case = Case.objects.get(child_id="LAC3")
    assert case.first_looked_after_review == date(2025, 10, 15)

    def review_check(case: Case):
        return next(c for c in case_timescales(case, TODAY) if c.check == "looked-after-review")

    exact = review_check(case)
    assert (exact.due_date, exact.status) == (date(2026, 7, 20), Status.COMPLIANT)
    assert "review history shows the latest review was the second" in exact.interval_note
    client.force_login(personas.qa_lead)
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    assert "review history shows the latest review was the second" in page
    # The register's checks, which the compliance page counts, read the same history.
    register = compliance_results(Case.objects.all(), TODAY).filter(
        (pl.col("child_id") == "LAC3") & (pl.col("check") == "looked-after-review")
    )
    assert register.select("due_date", "status").row(0) == (date(2026, 7, 20), "compliant")
    # Without the history, the same latest review is read the stricter way: due 3 months after it.
    Case.objects.filter(pk=case.pk).update(first_looked_after_review=None)
    inferred = review_check(Case.objects.get(pk=case.pk))
    assert (inferred.due_date, inferred.status) == (date(2026, 4, 20), Status.DUE_SOON)
    # A return whose history starts after care began says nothing of which review was the first.
    later = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    later += "LAC3,01/12/2025,P,C1,N1,U4,PR1,,,CARPL,AB1,AB3,\n"
    import_return(read_ssda903([write_return(tmp_path / "next", episodes=later, reviews=reviews)]),
                  file_name="next", acting_user=SYSTEM)  # fmt: skip
    assert Case.objects.get(pk=case.pk).first_looked_after_review == date(2025, 10, 15)
    # ... nor moves the start of care to its first episode: the period began before its year.
    assert Case.objects.get(pk=case.pk).looked_after_since == date(2025, 10, 1)


def test_the_case_page_says_where_each_date_came_from_and_when_it_was_extracted(client, personas, tmp_path):
    csv = tmp_path / "register.csv"
    csv.write_text(
        "child_id,cohort,team,looked_after_since,latest_statutory_review,last_social_work_visit\n"
        "LAC1,looked-after,Children in Care,2019-03-04,2025-09-12,2026-04-01\n",
        encoding="utf-8",
    )
    import_case_register(csv, acting_user=SYSTEM, today=TODAY, partial=True)
    read = read_ssda903([write_return(tmp_path / "903")])
    import_return(read, file_name="SSDA903", acting_user=SYSTEM, extracted_on=date(2026, 3, 31))
    case = Case.objects.get(child_id="LAC1")
    # The return changed the latest review; the visit and the start of care it agreed with or lacks.
    csv_import, ssda903 = (ImportBatch.objects.get(kind=kind) for kind in ("csv", "ssda903"))
    assert sources_of(case) == {
        "opened_on": describe(ssda903),
        "looked_after_since": describe(csv_import),
        "latest_statutory_review": describe(ssda903),
        "last_social_work_visit": describe(csv_import),
        "placement_start": describe(ssda903),
        "birth_month": describe(ssda903),
    }
    client.force_login(personas.qa_lead)
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    review = page.split("Latest statutory review</dt>")[1].split("</dd>")[0]
    assert "10 March 2026" in review and "From the SSDA903 return, extracted 31 March 2026" in review
    visit = page.split("Last social work visit</dt>")[1].split("</dd>")[0]
    # Nobody said when the CSV was extracted: the page gives the day it was imported.
    assert "From the caseaudit CSV, imported " in visit
    # A full import that closes the case is where its closing date came from.
    csv.write_text("child_id,cohort\nOTHER,looked-after\n", encoding="utf-8")
    import_case_register(csv, acting_user=SYSTEM, today=TODAY, allow_close=True)
    closed = sources_of(Case.objects.get(pk=case.pk))
    assert closed["closed_on"] == describe(ImportBatch.objects.first())
    assert closed["latest_statutory_review"] == "SSDA903 return, extracted 31 March 2026"


def test_the_extracted_day_is_given_on_the_command_line(tmp_path):
    call_command(
        "import_returns", "--ssda903", str(write_return(tmp_path / "903")), "--extracted-on", "2026-04-02",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert ImportBatch.objects.get().extracted_on == date(2026, 4, 2)
    with pytest.raises(CommandError, match="'2 April' is not a date: write it as YYYY-MM-DD"):
        call_command("import_returns", "--ssda903", str(tmp_path / "903"), "--extracted-on", "2 April")


OC2 = """CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,\
SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED
LAC1,14/05/2012,12,,0,1,1,1,1,0,,
LAC2,02/11/2009,,SDQ2,0,1,0,1,1,0,,
"""
PREV_PERM = """CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM
LAC1,14/05/2012,Z1,,
LAC2,02/11/2009,P1,999,zz/06/2015
"""
PLACED_ADOPTION = """CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED
LAC1,14/05/2012,01/03/2026,,
"""


def test_the_outcomes_permanence_and_adoption_tables_are_checked_in_the_same_import(tmp_path):
    folder = write_return(tmp_path / "903", oc2=OC2, prevperm=PREV_PERM, placedadoption=PLACED_ADOPTION)
    read = read_ssda903([folder], year=CollectionYear(2026))
    for file, table in (
        ("oc2.csv", "OC2"),
        ("prevperm.csv", "PrevPerm"),
        ("placedadoption.csv", "PlacedAdoption"),
    ):
        assert any(w.startswith(f"{file} is the {table} table: checked") for w in read.raw.warnings)
    # They change no case: the register is the same as from the return without them.
    import_return(read, file_name="SSDA903", acting_user=SYSTEM)
    assert Case.objects.count() == 3


@pytest.mark.parametrize(
    ("table", "text", "error"),
    [
        (
            "oc2",
            OC2.replace("LAC1,14/05/2012,12,", "LAC1,14/05/2012,41,"),
            "SDQ_SCORE '41': not an SDQ score",
        ),
        ("oc2", OC2.replace(",SDQ2,", ",SDQ9,"), "SDQ_REASON 'SDQ9': not a reason for no SDQ score"),
        (
            "oc2",
            OC2.replace("LAC1,14/05/2012,12,,0,1", "LAC1,14/05/2012,12,,0,Y"),
            "HEALTH_CHECK 'Y': not an answer",
        ),
        ("prevperm", PREV_PERM.replace(",P1,", ",P7,"), "PREV_PERM 'P7': not a previous permanence option"),
        ("oc3", OC3.replace(",F2,S1", ",F2,S3"), "ACCOM 'S3': not an accommodation"),
        ("oc3", OC3.replace(",F2,S1", ",X9,S1"), "ACTIV 'X9': not an activity"),
        ("prevperm", PREV_PERM.replace("zz/06/2015", "June 2015"), "DATE_PERM 'June 2015': not a date"),
        ("prevperm", PREV_PERM.replace("Z1", ""), "PREV_PERM is required"),
        (
            "placedadoption",
            PLACED_ADOPTION.replace("01/03/2026,,", "01/03/2026,01/02/2026,RD1"),
            "DATE_PLACED_CEASED '01/02/2026': the placement ends before it starts",
        ),
        (
            "placedadoption",
            PLACED_ADOPTION.replace("01/03/2026,,", "01/03/2026,02/03/2026,RD7"),
            "REASON_PLACED_CEASED 'RD7': not a reason the adoptive placement ended",
        ),
        (
            "placedadoption",
            PLACED_ADOPTION.replace("01/03/2026", "01/05/2026"),
            "DATE_PLACED '01/05/2026': after the collection year, which ends on 31 March 2026",
        ),
    ],
)
def test_a_bad_cell_of_the_outcomes_care_leavers_permanence_or_adoption_tables_is_named(
    tmp_path, table, text, error
):
    folder = write_return(tmp_path / "903", **{table: text})
    with pytest.raises(ImportRefused, match=re.escape(error)) as refused:
        read_ssda903([folder], year=CollectionYear(2026))
    assert f"{table}.csv row " in str(refused.value)


def test_a_care_leaver_the_return_knows_only_from_oc3_keeps_the_dates_of_their_care(tmp_path):
    csv = tmp_path / "register.csv"
    csv.write_text(
        "child_id,cohort,opened_on,looked_after_since,placement_start,legal_status\n"
        "CL1,care-leaver,2021-05-04,2021-05-04,2022-01-10,C2\n",
        encoding="utf-8",
    )
    import_case_register(csv, acting_user=SYSTEM, today=TODAY, partial=True)
    import_return(read_ssda903([write_return(tmp_path / "903")]), file_name="SSDA903", acting_user=SYSTEM)
    leaver = Case.objects.get(child_id="CL1")
    # The return holds no episode of theirs: what episodes would say stays as the register had it.
    assert (leaver.cohort, leaver.opened_on, leaver.looked_after_since) == (
        "care-leaver", date(2021, 5, 4), date(2021, 5, 4),
    )  # fmt: skip
    assert (leaver.placement_start, leaver.legal_status) == (date(2022, 1, 10), "C2")
    assert (leaver.sex, leaver.ethnicity) == ("M", "AIND")  # from the Header, which does name them


def test_the_visit_check_counts_from_the_placement_the_episodes_show(tmp_path):
    import_return(read_ssda903([write_return(tmp_path / "903")]), file_name="SSDA903", acting_user=SYSTEM)
    case = Case.objects.get(child_id="LAC1")
    visit = next(c for c in case_timescales(case, TODAY) if c.check == "looked-after-visit")
    # In care since March 2019, moved on 2 January 2020 (a change of legal status in between is no move):
    # with no visit recorded, the first was due within a week of the move.
    assert (visit.due_date, visit.status) == (date(2020, 1, 9), Status.OVERDUE)
    assert "current placement started" in visit.anchor_label
