"""The data quality page: the register's implausible data, for the QA lead, with each case linked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from caseaudit.accounts.models import AccessLog
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_the_qa_lead_sees_each_problem_with_its_cases(client, personas):
    today = timezone.localdate()
    before_birth = make_case(
        "Q1", "looked-after", birth_month=date(2020, 6, 1), looked_after_since=date(2020, 5, 2)
    )
    make_case("Q2", "child-in-need", opened_on=date(2025, 5, 2), closed_on=date(2025, 5, 1))
    make_case("Q3", "child-in-need", opened_on=date(2025, 5, 2), last_seen=today + timedelta(days=3))
    client.force_login(personas.qa_lead)
    text = client.get(reverse("cases:data-quality")).text
    assert "3 cases have implausible data" in text
    assert "Looked after before birth: 1 case" in text
    assert f'href="/cases/{before_birth.pk}/">Q1</a>' in text
    assert "Closed before it opened: 1 case" in text and "A date after today: 1 case" in text
    # Who looked at which children's IDs is in the access log.
    assert AccessLog.objects.filter(user=personas.qa_lead, object_type="data-quality").exists()


def test_a_clean_register_says_so(client, personas):
    client.force_login(personas.qa_lead)
    text = client.get(reverse("cases:data-quality")).text
    assert "Nothing implausible found" in text


@pytest.mark.parametrize("role", ["moderator", "auditor", "team_manager", "worker"])
def test_only_those_who_import_the_register_see_the_page(client, personas, role):
    client.force_login(getattr(personas, role))
    assert client.get(reverse("cases:data-quality")).status_code == 403


def test_the_register_links_to_the_page_for_the_qa_lead(client, personas):
    client.force_login(personas.qa_lead)
    assert reverse("cases:data-quality") in client.get(reverse("cases:list")).text
    client.force_login(personas.moderator)
    assert reverse("cases:data-quality") not in client.get(reverse("cases:list")).text


def test_the_command_lists_what_the_page_lists(personas):
    import csv
    import io

    from django.core.management import CommandError, call_command

    make_case("Q1", "looked-after", birth_month=date(2020, 6, 1), looked_after_since=date(2020, 5, 2))
    make_case("Q2", "child-in-need", opened_on=date(2025, 5, 2), closed_on=date(2025, 5, 1))

    def run(*args: str) -> str:
        out = io.StringIO()
        call_command("data_quality", *args, stdout=out)
        return out.getvalue()

    text = run()
    assert text.startswith("2 cases have implausible data")
    assert "Looked after before birth (1): " in text and "\n  Q1\n" in text
    rows = list(csv.DictReader(io.StringIO(run("--format", "csv", "--as", "qa-lead"))))
    assert {(row["child_id"], row["problem"]) for row in rows} == {
        ("Q1", "looked-after-before-birth"), ("Q2", "closed-before-opened")
    }  # fmt: skip
    assert AccessLog.objects.filter(user=personas.qa_lead, object_type="data-quality").count() == 1
    with pytest.raises(CommandError):
        run("--as", "worker")
