"""The reports page: the table of grades with its chart, caveats and downloads, and the analysts' export."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html import unescape

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseaudit.accounts.models import AccessLog
from caseaudit.reports.audit_export import child_reference
from tests.factories import make_case

from .grade_history import graded_audit, load_three_years

pytestmark = pytest.mark.django_db

GRADES_URL = reverse("reports:grades")


@pytest.fixture
def history(tmp_path, personas):
    load_three_years(tmp_path)
    return personas


def signed_in(client, user):
    client.force_login(user)
    return client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_committee_table_on_screen(client, history):
    response = signed_in(client, history.qa_lead).get(GRADES_URL)
    assert response.status_code == 200
    page = text_of(response.text)
    assert "Audits by year and cohort (moderated grades)" in page
    assert "2019 Care leaver 13 0 2 (15%) 5 (39%) 6 (46%) Small" in page
    assert "2019 All cohorts 17 1 (6%) 4 (24%) 6 (35%) 6 (35%) Small" in page
    # 0, 3, 8 and 3 of 14: the equal threes print alike, and the row's 99 is explained under the table.
    assert "2021 All cohorts 14 0 3 (21%) 8 (57%) 3 (21%) Small" in page
    assert "Percentages may not sum to 100 because of rounding" in page
    # Newest year first.
    assert page.index("2021 Care leaver") < page.index("2020 Care leaver") < page.index("2019 Care leaver")
    # The caveats, as warnings, and what is not counted.
    assert "so they are not directly comparable. 2021: half of the open cases" in page
    assert "1 audit not yet moderated is not counted" in page
    # The 95% interval of 6 of 13 Outstanding.
    assert "23% to 71%" in page
    # The chart, with a text alternative that points at the table.
    img = re.search(r'<img class="app-chart" src="([^"]+)" alt="([^"]+)"', response.text)
    assert img and img.group(1) == reverse("reports:chart")
    assert "The same figures are in the table" in img.group(2)
    # Downloads, and the QA team's export.
    assert f'href="{reverse("reports:grades-csv")}"' in response.text
    assert f'href="{reverse("reports:grades-xlsx")}"' in response.text
    assert "Export audit data" in page
    # Aggregates only: no child on the page.
    assert "CL001" not in response.text


def test_the_cycles_link_to_their_committee_papers(client, history):
    from caseaudit.cycles.models import Cycle

    response = signed_in(client, history.senior_leader).get(GRADES_URL)
    page = text_of(response.text)
    assert re.search(r"Autumn 2021 15 Committee paper for Autumn 2021 Autumn 2020 16 .* Autumn 2019 17", page)
    for cycle in Cycle.objects.all():
        assert f'href="{reverse("paper:page", args=[cycle.pk])}"' in response.text


def test_filters_change_the_table_chart_and_downloads(client, history):
    response = signed_in(client, history.moderator).get(
        GRADES_URL, {"by": "cycle", "cohort": "care-leaver", "grade_source": "auditor"}
    )
    page = text_of(response.text)
    assert "Audits by cycle and cohort (auditors' grades)" in page
    assert "Autumn 2019 Care leaver 13 0 2 (15%) 4 (31%) 7 (54%) Small" in page
    assert "All cohorts 17" not in page  # one cohort: no row for all cohorts
    query = "by=cycle&amp;cohort=care-leaver&amp;grade_source=auditor"
    assert f'src="{reverse("reports:chart")}?{query}"' in response.text
    assert f'href="{reverse("reports:grades-csv")}?{query}"' in response.text
    assert re.search(r'value="cycle" checked', response.text)
    assert "Clear filters" in page


def test_an_invalid_filter_is_shown_as_an_error_and_the_default_used(client, history):
    response = signed_in(client, history.qa_lead).get(GRADES_URL, {"cohort": "teenagers", "by": "decade"})
    assert response.status_code == 200
    page = text_of(response.text)
    assert "<title>Error: " in response.text
    assert "There is a problem Select year or audit cycle Select a cohort from the list" in page
    assert "Audits by year and cohort" in page


def test_senior_leaders_see_the_table_but_cannot_export_audit_data(client, history):
    response = signed_in(client, history.senior_leader).get(GRADES_URL)
    assert response.status_code == 200
    page = text_of(response.text)
    assert "5 (39%)" in page
    assert "Export audit data" not in page
    assert reverse("reports:export") not in response.text
    assert 'href="/cycles/' not in response.text  # papers only, never the cycle's child-level page
    assert client.get(reverse("reports:export")).status_code == 403
    assert client.post(reverse("reports:export"), {"file_format": "csv"}).status_code == 403


@pytest.mark.parametrize("persona", ["auditor", "worker"])
def test_child_level_roles_without_reports_are_refused(client, personas, persona):
    client = signed_in(client, getattr(personas, persona))
    for name in (
        "reports:grades",
        "reports:chart",
        "reports:grades-csv",
        "reports:grades-xlsx",
        "reports:export",
    ):
        assert client.get(reverse(name)).status_code == 403


# A team manager's own team ----------------------------------------------------------------------------------


@pytest.fixture
def two_teams(personas):
    """Moderated audits of both teams' cases in 2024: the own team's Good, the other team's Inadequate."""
    for n in range(3):
        own = make_case(f"N10000{n}", "care-leaver", personas.own_case.team)
        graded_audit(own, completed_on=date(2024, 5, 1), auditor_grade="good", moderated_grade="good")
    for n in range(5):
        other = make_case(f"S10000{n}", "care-leaver", personas.other_case.team)
        graded_audit(
            other, completed_on=date(2024, 5, 1), auditor_grade="inadequate", moderated_grade="inadequate"
        )
    return personas


def test_a_team_manager_reads_their_own_teams_grades_and_never_another_teams(client, two_teams):
    response = signed_in(client, two_teams.team_manager).get(GRADES_URL)
    assert response.status_code == 200
    page = text_of(response.text)
    assert "Audit grades for your team" in page and "North Children and Families" in page
    assert "2024 Care leaver 3 0 0 3 (100%) 0" in page
    assert "Inadequate 5" not in page and " 5 (100%)" not in page
    # No committee papers (they cover the whole authority) and no export of audit data.
    assert "Committee papers" not in page
    assert signed_in(client, two_teams.team_manager).get(reverse("reports:export")).status_code == 403
    # The downloads are scoped the same way.
    csv_text = client.get(reverse("reports:grades-csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert any("2024" in row and "3" in row for row in rows)
    assert not any("5" in row for row in rows if "2024" in row)


def test_the_qa_lead_still_reads_every_team(client, two_teams):
    page = text_of(signed_in(client, two_teams.qa_lead).get(GRADES_URL).text)
    assert "2024 Care leaver 8 5 (63%) 0 3 (37%) 0" in page
    assert "for your team" not in page


def test_a_team_manager_with_no_team_sees_no_grades(client, two_teams):
    from caseaudit.accounts.models import Role

    from ..factories import make_staff, make_user

    lone = make_user(Role.TEAM_MANAGER, "lone-manager", staff=make_staff("Lee Lone", None))
    page = text_of(signed_in(client, lone).get(GRADES_URL).text)
    assert "No graded audits yet" in page and "2024" not in page


def test_empty_state_says_how_to_fill_the_table(client, personas):
    page = text_of(signed_in(client, personas.qa_lead).get(GRADES_URL).text)
    assert "No graded audits yet" in page
    assert "caseaudit import-audits" in page
    assert "app-chart" not in page


def test_filters_that_match_nothing_say_so(client, history):
    page = text_of(signed_in(client, history.qa_lead).get(GRADES_URL, {"cohort": "child-protection"}).text)
    assert "No graded audits match these filters" in page


def test_the_chart_is_an_svg_of_the_same_table(client, history):
    response = signed_in(client, history.senior_leader).get(
        reverse("reports:chart"), {"cohort": "care-leaver"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content[:1000]
    assert b"<script" not in response.content


def test_csv_download_with_the_filters(client, history):
    response = signed_in(client, history.senior_leader).get(
        reverse("reports:grades-csv"), {"cohort": "care-leaver", "by": "cycle"}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "grades-by-cycle-moderated-care-leaver-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "period",
        "cohort",
        "total",
        "inadequate",
        "requires_improvement",
        "good",
        "outstanding",
        "inadequate_pct",
        "requires_improvement_pct",
        "good_pct",
        "outstanding_pct",
    ]
    assert rows[3] == ["Autumn 2019", "care-leaver", "13", "0", "2", "5", "6", "0", "15", "39", "46"]
    entry = AccessLog.objects.get(action="export", object_type="grade-table")
    assert (entry.user, entry.detail) == (
        history.senior_leader,
        "csv, by cycle, moderated grades, care-leaver",
    )


def test_xlsx_download(client, history, tmp_path):
    response = signed_in(client, history.qa_lead).get(reverse("reports:grades-xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / "grades.xlsx"
    path.write_bytes(response.content)
    grades = pl.read_excel(path, sheet_name="Grades")
    assert grades.filter(pl.col("Cohort") == "All cohorts")["Period"].to_list() == ["2021", "2020", "2019"]
    assert AccessLog.objects.filter(action="export", object_type="grade-table").count() == 1


def test_the_page_takes_the_same_queries_however_many_audits(client, personas, tmp_path):
    client = signed_in(client, personas.qa_lead)
    graded_audit(make_case("Q1", "early-help"), completed_on=date(2018, 10, 3), auditor_grade="good",
                 moderated_grade="good")  # fmt: skip
    with CaptureQueriesContext(connection) as few:
        assert client.get(GRADES_URL).status_code == 200
    load_three_years(tmp_path)
    with CaptureQueriesContext(connection) as many:
        assert "Autumn 2021" in client.get(GRADES_URL).text
    assert len(many) == len(few)


# The analysts' export ------------------------------------------------------------------------------------


def test_the_export_form_offers_identifiable_data_to_the_qa_lead_only(client, history):
    page = text_of(signed_in(client, history.qa_lead).get(reverse("reports:export")).text)
    assert "Include child ids, teams and names" in page
    assert "Warning With child ids and names the file is child-level personal data" in page
    assert "Autumn 2019" in page  # the cycles to choose from
    page = text_of(signed_in(client, history.moderator).get(reverse("reports:export")).text)
    assert "Export audit data" in page
    assert "Include child ids" not in page


def test_a_moderator_downloads_pseudonymised_data(client, history):
    client = signed_in(client, history.moderator)
    # A moderator asking for identifiable data gets the pseudonymised file: the option is not theirs.
    response = client.post(reverse("reports:export"), {"file_format": "csv", "identifiable": "on"})
    assert response.status_code == 200
    assert "audit-data-pseudonymised-" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 48
    assert "child_id" not in rows[0] and "CL001" not in text
    assert child_reference("CL001") in text
    entry = AccessLog.objects.get(action="export", object_type="audit-data")
    assert (entry.user, entry.detail) == (history.moderator, "48 audits, csv, pseudonymised, all audits")


def test_the_qa_lead_downloads_identifiable_data_of_one_cycle_since_a_date(client, history, tmp_path):
    from caseaudit.cycles.models import Cycle

    cycle = Cycle.objects.get(name="Autumn 2021")
    response = signed_in(client, history.qa_lead).post(
        reverse("reports:export"),
        {
            "file_format": "xlsx",
            "cycle": str(cycle.pk),
            "since_0": "12",
            "since_1": "10",
            "since_2": "2021",
            "identifiable": "on",
        },
    )
    assert "audit-data-identifiable-" in response["Content-Disposition"]
    path = tmp_path / "audits.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    sheet = pl.read_excel(path, sheet_name="Audits")
    assert sheet.columns[:2] == ["audit_id", "child_id"]
    assert set(sheet["cycle"]) == {"Autumn 2021"}
    assert sorted(sheet["child_id"]) == ["CL011", "CL012", "CL900"]  # completed on 12 October 2021 or later
    entry = AccessLog.objects.get(action="export", object_type="audit-data")
    assert entry.detail == "3 audits, xlsx, identifiable, cycle Autumn 2021, since 2021-10-12"


def test_an_export_without_a_format_is_refused_with_an_error(client, history):
    response = signed_in(client, history.qa_lead).post(
        reverse("reports:export"), {"since_0": "31", "since_1": "2"}
    )
    assert response.status_code == 200
    page = text_of(response.text)
    assert "There is a problem Select a file format Earliest audit date must include a year" in page
    assert not AccessLog.objects.filter(object_type="audit-data").exists()
