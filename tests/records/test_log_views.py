"""The log search pages and their downloads, as the QA lead and the administrator use them: the filters,
a Child Unique ID that finds entries without showing the child, errors that keep what was typed, a
download that lists what the page lists with formulas defused, and every search recorded."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import AccessLog, SecurityEvent

from ..cycles.builders import allocate_to, make_cycle

LOG_URLS = ("logs:access", "logs:access-export", "logs:security", "logs:security-export")


def _get(client, user, name: str, **query):
    client.force_login(user)
    return client.get(reverse(name), query)


def _table(response) -> str:
    """The results table of the page, as text."""
    match = re.search(r"<table.*?</table>", response.text, re.S)
    return match.group(0) if match else ""


def _csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def logged(personas):
    """Reads by two people, one of them of the own child's audit."""
    cycle = make_cycle([personas.own_case])
    allocate_to(cycle, personas.auditor)
    audit = cycle.audits.get()
    record_access(personas.auditor, "view", "audit", audit.pk)
    record_access(personas.auditor, "view", "case", personas.own_case.pk)
    record_access(personas.qa_lead, "view", "case", personas.other_case.pk)
    record_access(personas.qa_lead, "export", "grade-table", detail="12 rows, csv")
    return audit


def test_the_qa_lead_narrows_the_access_log_to_one_person(client, personas, logged):
    response = _get(client, personas.qa_lead, "logs:access", username="auditor")
    assert response.status_code == 200
    assert [row.who for row in response.context["rows"]] == ["auditor", "auditor"]
    assert "2 entries matching your search, newest first" in response.text
    assert f"case {personas.own_case.pk}" in _table(response)
    assert "Clear filters" in response.text
    # The tabs between the two logs say which one this is.
    assert '<strong aria-current="page">Access log</strong>' in response.text
    security = _get(client, personas.qa_lead, "logs:security")
    assert '<strong aria-current="page">Security log</strong>' in security.text


def test_a_child_id_finds_the_entries_about_the_child_without_showing_the_child(client, personas, logged):
    response = _get(client, personas.administrator, "logs:access", child=personas.own_case.child_id)
    assert response.status_code == 200
    records = [row.record for row in response.context["rows"]]
    assert sorted(records) == sorted([f"audit {logged.pk}", f"case {personas.own_case.pk}"])
    table = _table(response)
    assert personas.own_case.child_id not in table
    assert personas.own_case.team.name not in response.text  # nothing of the child's record
    # The search is recorded with the case's internal number, not the Child Unique ID.
    search = AccessLog.objects.get(action="view", object_type="access-log")
    assert search.detail == f"about case {personas.own_case.pk}; 2 entries"


def test_an_unknown_child_id_is_an_error_on_the_field(client, personas, logged):
    response = _get(client, personas.qa_lead, "logs:access", child="N999999")
    assert "No case in the register has this Child Unique ID" in response.text
    assert 'value="N999999"' in response.text
    assert response.context.get("rows") is None


def test_a_date_that_is_not_real_is_an_error_and_the_form_keeps_what_was_typed(client, personas, logged):
    query = {"username": "auditor", "date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"}
    response = _get(client, personas.qa_lead, "logs:access", **query)
    assert response.status_code == 200
    text = response.text
    assert "<title>Error: Access log" in text
    assert '<a href="#id_date_from_0">Date from must be a real date</a>' in text
    for value in ("auditor", "31", "2", "2026"):
        assert f'value="{value}"' in text
    # Nothing is searched, so nothing is shown and nothing recorded.
    assert "Correct the search to see the entries." in text
    assert not _table(response)
    assert not AccessLog.objects.filter(object_type="access-log").exists()


def test_a_date_to_before_the_date_from_is_an_error(client, personas):
    query = {"date_from_0": "5", "date_from_1": "3", "date_from_2": "2026"}
    query |= {"date_to_0": "4", "date_to_1": "3", "date_to_2": "2026"}
    response = _get(client, personas.administrator, "logs:security", **query)
    assert "Date to must be the same as or after date from" in response.text


def test_a_part_missing_from_a_date_is_named(client, personas):
    response = _get(client, personas.qa_lead, "logs:security", date_to_0="5", date_to_2="2026")
    assert "Date to must include a month" in response.text


def test_viewing_the_log_is_recorded_in_the_access_log(client, personas, logged):
    _get(client, personas.qa_lead, "logs:access", action="export")
    _get(client, personas.administrator, "logs:security", event="locked-out")
    searches = AccessLog.objects.filter(action="view", object_type__endswith="-log").order_by("pk")
    assert [(e.username, e.object_type, e.detail) for e in searches] == [
        ("qa-lead", "access-log", "action export; 1 entry"),
        ("administrator", "security-log", "event locked-out; 0 entries"),
    ]


def test_the_download_lists_what_the_page_lists(client, personas, logged):
    query = {"username": "auditor", "object_type": "audit"}
    page = _get(client, personas.qa_lead, "logs:access", **query)
    export_href = reverse("logs:access-export") + "?username=auditor&object_type=audit"
    assert page.context["export_href"] == export_href
    response = _get(client, personas.qa_lead, "logs:access-export", **query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    name = r'attachment; filename="access-log-\d{4}-\d\d-\d\d\.csv"'
    assert re.match(name, response["Content-Disposition"])
    rows = _csv(response)
    shown = page.context["rows"]
    assert [(r["username"], r["object_type"], r["object_id"]) for r in rows] == [
        (row.who, *row.record.split()) for row in shown
    ]
    assert list(rows[0]) == [
        "seq",
        "at",
        "username",
        "os_user",
        "address",
        "action",
        "object_type",
        "object_id",
        "detail",
    ]


def test_the_download_is_recorded_and_does_not_list_itself(client, personas, logged):
    rows = _csv(_get(client, personas.administrator, "logs:access-export", username="administrator"))
    assert rows == []
    export = AccessLog.objects.get(action="export", object_type="access-log")
    assert (export.username, export.detail) == ("administrator", "username administrator; csv")


def test_the_download_defuses_text_a_spreadsheet_would_run(client, personas):
    record_access(personas.qa_lead, "view", "case", 1, detail='=HYPERLINK("http://example.test")')
    SecurityEvent.objects.create(username="@SUM(A1)", event="sign-in-failed", detail="+1 attempt")
    access = _csv(_get(client, personas.qa_lead, "logs:access-export", action="view"))
    assert access[0]["detail"] == '\'=HYPERLINK("http://example.test")'
    security = _csv(_get(client, personas.qa_lead, "logs:security-export", event="sign-in-failed"))
    assert (security[0]["username"], security[0]["detail"]) == ("'@SUM(A1)", "'+1 attempt")
    assert security[0]["event"] == "sign-in-failed"


def test_a_download_with_a_bad_filter_goes_back_to_the_page_to_say_why(client, personas):
    response = _get(client, personas.qa_lead, "logs:security-export", event="no-such-event")
    assert response.status_code == 302
    assert response["Location"] == reverse("logs:security") + "?event=no-such-event"
    assert not AccessLog.objects.exists()


def test_the_results_come_a_page_at_a_time_keeping_the_filters(client, personas):
    for number in range(52):
        record_access(personas.auditor, "view", "audit", number)
    response = _get(client, personas.qa_lead, "logs:access", username="auditor")
    assert len(response.context["rows"]) == 50
    assert response.context["pagination"]["next"] == "?username=auditor&page=2"
    response = _get(client, personas.qa_lead, "logs:access", username="auditor", page="2")
    assert [row.record for row in response.context["rows"]] == ["audit 1", "audit 0"]
    assert "Showing 51 to 52 of 52 entries" in response.text


def _signed_in(client, user):
    """Signed in, with the security log as it was before: signing in is itself an event."""
    client.force_login(user)
    SecurityEvent.objects.all().delete()
    return client


def test_an_empty_log_and_a_search_that_matches_nothing_say_which(client, personas):
    response = _signed_in(client, personas.qa_lead).get(reverse("logs:security"))
    assert "The security log has no entries yet" in response.text
    SecurityEvent.objects.create(username="alice", event="signed-in")
    response = client.get(reverse("logs:security"), {"username": "bob"})
    assert "No entries match your search" in response.text
    response = client.get(reverse("logs:security"))
    assert [(row.who, row.did) for row in response.context["rows"]] == [("alice", "Signed in")]


def test_an_entry_says_where_it_came_from(client, personas):
    _signed_in(client, personas.qa_lead)
    SecurityEvent.objects.create(username="alice", event="signed-in", address="192.0.2.7")
    SecurityEvent.objects.create(event="unlocked", os_user="itops", detail="bob")
    rows = client.get(reverse("logs:security")).context["rows"]
    assert [(row.who, row.where) for row in rows] == [
        ("no one", "command line, run by itops"),
        ("alice", "192.0.2.7"),
    ]


@pytest.mark.parametrize("persona", ["moderator", "auditor", "team_manager", "worker", "senior_leader"])
def test_everyone_else_is_refused(client, personas, persona):
    user = getattr(personas, persona)
    for name in LOG_URLS:
        response = _get(client, user, name)
        assert response.status_code == 403, name
    assert "Only the QA lead or an administrator may read the access log" in response.text
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("persona", ["qa_lead", "administrator"])
def test_the_account_bar_links_to_the_logs_for_those_who_may_read_them(client, personas, persona):
    home = _get(client, getattr(personas, persona), "home").text
    assert f'href="{reverse("logs:access")}"' in home


def test_the_account_bar_has_no_logs_link_for_others(client, personas):
    home = _get(client, personas.moderator, "home").text
    assert f'href="{reverse("logs:access")}"' not in home


def test_the_page_and_the_download_take_the_same_queries_however_many_entries(
    client, personas, django_assert_max_num_queries
):
    client.force_login(personas.qa_lead)
    record_access(personas.auditor, "view", "audit", 1)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(reverse("logs:access")).context["rows"]) == 1
    with CaptureQueriesContext(connection) as few_rows:
        assert len(_csv(client.get(reverse("logs:access-export")))) >= 1
    for number in range(120):
        record_access(personas.auditor, "view", "audit", number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(reverse("logs:access")).context["rows"]) == 50
    with django_assert_max_num_queries(len(few_rows.captured_queries)):
        assert len(_csv(client.get(reverse("logs:access-export")))) > 120


def test_only_a_username_is_taken_in_the_username_box(client, personas):
    response = _get(client, personas.qa_lead, "logs:access", username="Jane Smith")
    assert "Enter a username: letters, digits and @ . + - _ only" in response.text
    assert 'value="Jane Smith"' in response.text
    assert not AccessLog.objects.exists()  # nothing searched, so nothing recorded with what was typed


def test_the_command_writes_what_the_page_s_download_writes(client, personas, logged, tmp_path):
    from django.core.management import CommandError, call_command

    page = _csv(_get(client, personas.qa_lead, "logs:access-export", child=personas.own_case.child_id))
    out = io.StringIO()
    call_command("logs", "access", "--child", personas.own_case.child_id, "--as", "administrator", stdout=out)
    command = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["seq"] for row in command] == [row["seq"] for row in page]
    assert {(row["object_type"], row["object_id"]) for row in command} == {
        ("audit", str(logged.pk)), ("case", str(personas.own_case.pk))
    }  # fmt: skip
    assert personas.own_case.child_id not in out.getvalue()
    # The command's search is recorded too, naming the case by its id.
    entry = AccessLog.objects.filter(object_type="access-log", action="export").latest("seq")
    assert entry.username == "administrator" and f"case {personas.own_case.pk}" in entry.detail
    call_command("logs", "security", "--from", "2020-01-01", "-o", str(tmp_path / "s.csv"),
                 "--as", "qa-lead", stderr=io.StringIO())  # fmt: skip
    assert (tmp_path / "s.csv").read_text().startswith("seq,at,username,os_user,address,event,detail")
    with pytest.raises(CommandError, match="Only the QA lead or an administrator"):
        call_command("logs", "access", "--as", "auditor", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--to must be"):
        call_command("logs", "access", "--from", "2026-05-02", "--to", "2026-05-01", "--as", "qa-lead")
