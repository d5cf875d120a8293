"""`caseaudit users ...`: what IT sees in the terminal when setting the service up."""

from __future__ import annotations

import csv
import io
import json

import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError

from caseaudit.accounts.models import ChangeEvent, User

from .helpers import HEADER, TEAM, write_csv


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("users", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_add_without_an_email_address_prints_the_link_to_hand_over(personas):
    out = run(
        "add",
        "nia",
        "--name",
        "Nia Newcomer",
        "--role",
        "Social worker",
        "--team",
        "North Children and Families",
        "--site-url",
        "https://audits.example.gov.uk/",
    )
    assert "Added nia (Social worker)." in out
    assert "nia has no email address" in out
    assert "https://audits.example.gov.uk/set-password/" in out
    nia = User.objects.get(username="nia")
    assert not nia.has_usable_password() and nia.staff.team.name == "North Children and Families"
    assert ChangeEvent.objects.get(event="user.added").actor_name == "system"


@pytest.mark.django_db(transaction=True)
def test_add_with_an_email_address_says_it_was_emailed_and_prints_no_link():
    out = run(
        "add",
        "aud",
        "--name",
        "Aud Itor",
        "--email",
        "aud@example.test",
        "--role",
        "auditor",
        "--capacity",
        "4",
    )
    assert "Emailed aud a link" in out and "set-password" not in out
    assert User.objects.get(username="aud").audit_capacity == 4


def test_add_refuses_a_bad_field_naming_the_option(personas):
    with pytest.raises(CommandError, match="--capacity: Only an auditor has a capacity"):
        run("add", "nia", "--name", "Nia", "--role", "moderator", "--capacity", "2")


def test_add_as_a_person_who_may_not_is_refused(personas):
    with pytest.raises(CommandError, match="Only the QA lead or an administrator may"):
        run("add", "nia", "--name", "Nia", "--role", "moderator", "--as", "moderator")


def test_import_adds_a_team_and_reimporting_the_same_file_changes_nothing(personas, tmp_path):
    path = write_csv(tmp_path, *TEAM)
    out = run("import", str(path))
    assert "add nia (Social worker)" in out and "added: 3" in out
    assert "ede has no email address" in out  # the link is printed for them
    assert User.objects.get(username="ede").staff.team.name == "East Children and Families"
    events = ChangeEvent.objects.count()
    again = run("import", str(path))
    assert "Nothing to change" in again and ChangeEvent.objects.count() == events


def test_import_is_all_or_nothing_and_names_each_bad_row_and_column(personas, tmp_path):
    path = write_csv(tmp_path, TEAM[0], "bad,Bad Row,not-an-email,Director,,,", TEAM[2])
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"2 problem\(s\) in team\.csv: nothing was imported"):
        call_command("users", "import", str(path), stdout=out, stderr=out)
    assert "team.csv row 3, email 'not-an-email'" in out.getvalue()
    assert "team.csv row 3, role 'Director': No such role" in out.getvalue()
    assert not User.objects.filter(username__in=["nia", "aud", "bad"]).exists()


def test_import_changes_what_differs_and_deactivates_the_missing_only_when_asked(personas, tmp_path):
    run("import", str(write_csv(tmp_path, *TEAM)))
    changed = write_csv(tmp_path, TEAM[0].replace("Nia Newcomer", "Nia Renamed"), TEAM[1], name="t2.csv")
    out = run("import", str(changed))
    assert "change nia: name Nia Newcomer -> Nia Renamed" in out
    assert User.objects.get(username="aud").is_active  # missing, but not asked to deactivate
    dry = run("import", str(changed), "--deactivate-missing", "--dry-run")
    assert "deactivate aud (not in the file)" in dry and User.objects.get(username="aud").is_active
    run("import", str(changed), "--deactivate-missing")
    assert not User.objects.get(username="aud").is_active
    assert not User.objects.get(username="worker").is_active  # the personas are not in the file either
    assert User.objects.get(username="nia").is_active


def test_import_reads_an_xlsx_workbook(personas, tmp_path):
    path = tmp_path / "team.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Team")
    for r, line in enumerate([HEADER.strip(), *TEAM]):
        for c, cell in enumerate(line.split(",")):
            if cell:
                sheet.write(r, c, int(cell) if cell.isdigit() else cell)
    book.close()
    assert "added: 3" in run("import", str(path))
    assert User.objects.get(username="aud").audit_capacity == 4


def test_list_as_csv_and_json(personas):
    rows = list(csv.DictReader(io.StringIO(run("list", "--format", "csv"))))
    assert list(rows[0]) == ["username", "name", "email", "role", "team", "staff", "capacity", "active"]
    worker = next(r for r in rows if r["username"] == "worker")
    assert (worker["role"], worker["team"], worker["staff"], worker["active"]) == (
        "social-worker",
        "North Children and Families",
        "Will Worker",
        "yes",
    )
    people = json.loads(run("list", "--format", "json"))
    assert {p["username"] for p in people} >= {"worker", "administrator"}
    assert "administrator" in run("list")


def test_deactivate_and_reactivate(personas):
    assert "worker is deactivated" in run("deactivate", "worker")
    assert not User.objects.get(username="worker").is_active
    with pytest.raises(CommandError, match="already deactivated"):
        run("deactivate", "worker")
    run("reactivate", "worker")
    assert User.objects.get(username="worker").is_active
    with pytest.raises(CommandError, match="No account has the username 'nobody'"):
        run("deactivate", "nobody")
