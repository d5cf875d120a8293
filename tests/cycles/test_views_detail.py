"""The list of cycles (cycles:list) and one cycle (cycles:detail): the draft preview, then allocation and
progress once the sample is confirmed."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseaudit.accounts.models import AccessLog
from caseaudit.audits.models import Audit, AuditStatus, SelectionReason

from ..factories import make_case
from .builders import allocate_to, make_cycle

LIST = reverse("cycles:list")


def detail(cycle) -> str:
    return reverse("cycles:detail", args=[cycle.pk])


def sample_ids(response) -> list[str]:
    return re.findall(r'<a class="govuk-link app-child-id" href="/cases/\d+/">([^<]+)</a>', response.text)


def row_numbers(text: str, label: str) -> list[str]:
    """The numbers in the table row headed `label`."""
    row = re.search(rf">{label}</th>(.*?)</tr>", text)
    assert row, f"no row {label}"
    return re.findall(r">(\d+)<", row.group(1))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# The list -------------------------------------------------------------------------------------------------


def test_no_cycles_yet(qa_client, db):
    response = qa_client.get(LIST)
    assert response.status_code == 200
    assert "There are no audit cycles yet" in response.text
    assert reverse("cycles:plan") in response.text
    assert reverse("cases:import") in response.text  # the QA lead may need the register first


def test_the_list_counts_each_cycles_audits(qa_client, register):
    spring = make_cycle(register.cases[:6], name="Spring 2026", season="spring", year=2026)
    allocate_to(spring, register.auditors[0], register.cases[:4])
    Audit.objects.filter(cycle=spring, case__in=register.cases[:2]).update(status=AuditStatus.SUBMITTED)
    Audit.objects.filter(cycle=spring, case=register.cases[2]).update(status=AuditStatus.MODERATED)
    make_cycle(register.cases[6:9], name="Autumn 2026", draft=True)
    response = qa_client.get(LIST)
    rows = [
        squash(row) for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", response.text, re.S)
    ]
    # The latest window first.
    assert "Autumn 2026" in rows[1] and "Draft" in rows[1] and "Sample not confirmed" in rows[1]
    assert "Spring 2026" in rows[2] and "1 Apr 2026 to 31 May 2026" in rows[2]
    assert re.findall(r'numeric">(\d+)<', rows[2]) == ["6", "3", "1", "2"]
    assert "2 cycles" in response.text


# A draft: the preview --------------------------------------------------------------------------------------


def test_the_draft_preview(qa_client, register):
    cycle = make_cycle(register.cases[:8], draft=True, focus="care-leaver", reason=SelectionReason.RANDOM)
    response = qa_client.get(detail(cycle))
    assert response.status_code == 200
    text = squash(response.text)
    assert '<h1 class="govuk-heading-l">Autumn 2026</h1>' in text
    assert "1 October 2026 to 30 November 2026" in text
    assert "8 cases of 22 open on 1 October 2026 (22 eligible)" in text
    # Cases by cohort: eligible and sampled.
    assert re.search(r"Care leaver <strong[^>]*>Focus</strong></th> <td[^>]*>7</td> <td[^>]*>6</td>", text)
    assert re.search(r"Early help</th> <td[^>]*>6</td> <td[^>]*>2</td>", text)
    # Why each case was picked, counted and case by case.
    assert re.search(r"Focus cohort</th> <td[^>]*>6</td>", text)
    assert re.search(r"Random</th> <td[^>]*>2</td>", text)
    assert sample_ids(response) == sorted(c.child_id for c in register.cases[:8])
    # The Swap link names the audit by its number: no child's identifier in an address.
    swapped = cycle.audits.get(case__child_id="N100000")
    assert f"{reverse('cycles:swap', args=[cycle.pk])}?audit={swapped.pk}" in text
    assert "?remove=" not in text
    assert f'action="{reverse("cycles:confirm", args=[cycle.pk])}"' in text
    assert f'href="{reverse("cycles:discard", args=[cycle.pk])}"' in text
    assert "Progress" not in text and "Allocate audits" not in text


def test_the_swaps_are_listed(qa_client, register, personas):
    cycle = make_cycle(register.cases[:3], draft=True)
    qa_client.post(
        reverse("cycles:swap", args=[cycle.pk]),
        {
            "remove": register.cases[0].child_id,
            "add": register.cases[10].child_id,
            "reason": "Complaint open",
        },
    )
    text = squash(qa_client.get(detail(cycle)).text)
    assert "Swaps" in text
    assert re.search(rf"{register.cases[0].child_id}</td> <td[^>]*>{register.cases[10].child_id}</td>", text)
    assert "Complaint open" in text and "qa-lead" in text
    assert "Swapped in by the QA team" in text


# A confirmed cycle: allocation and progress -----------------------------------------------------------------


def test_a_confirmed_cycle_before_allocation(qa_client, register):
    cycle = make_cycle(register.cases[:5], year=2099)
    text = squash(qa_client.get(detail(cycle)).text)
    assert "5 of 5 audits have no auditor." in text
    assert f'action="{reverse("cycles:allocate", args=[cycle.pk])}"' in text
    assert "Audits not submitted by 30 November 2099 will be overdue." in text
    assert f"{reverse('cycles:swap', args=[cycle.pk])}" not in text  # a confirmed sample is fixed
    assert reverse("cycles:export", args=[cycle.pk, "xlsx"]) in text
    assert reverse("cycles:export", args=[cycle.pk, "csv"]) in text
    # The committee paper, and, for the QA lead, the way to put its recommendations in the tracker.
    assert reverse("paper:download", args=[cycle.pk, "pdf"]) in text
    assert f"{reverse('actions:recommend')}?cycle={cycle.pk}" in text


def test_a_moderator_gets_the_paper_but_adds_no_recommendation(client, register, personas):
    cycle = make_cycle(register.cases[:2], year=2099)
    client.force_login(personas.moderator)
    text = client.get(detail(cycle)).text
    assert reverse("paper:page", args=[cycle.pk]) in text
    assert reverse("actions:recommend") not in text


def test_progress_per_auditor_and_cohort(qa_client, register):
    ann, ben, _ = register.auditors
    cycle = make_cycle(register.cases[:6] + register.cases[6:10], year=2099)
    allocate_to(cycle, ann, register.cases[:6])
    allocate_to(cycle, ben, register.cases[6:9])
    Audit.objects.filter(case__in=register.cases[:2]).update(status=AuditStatus.IN_PROGRESS)
    Audit.objects.filter(case=register.cases[6]).update(status=AuditStatus.MODERATED)
    response = qa_client.get(detail(cycle))
    text = squash(response.text)
    assert "1 of 10 audits has no auditor." in text
    by_auditor = text[text.index("By auditor") : text.index("By cohort")]
    by_cohort = text[text.index("By cohort") :]
    # Not started, in progress, submitted, moderated, total, overdue.
    assert row_numbers(by_auditor, "Ann Audit") == ["4", "2", "0", "0", "0", "6", "0"]
    assert row_numbers(by_auditor, "Ben Check") == ["2", "0", "0", "0", "1", "3", "0"]
    assert row_numbers(by_auditor, "Not allocated") == ["1", "0", "0", "0", "0", "1", "0"]
    assert row_numbers(by_auditor, "All audits") == ["7", "2", "0", "0", "1", "10", "0"]
    assert row_numbers(by_cohort, "Care leaver") == ["4", "2", "0", "0", "0", "6", "0"]
    assert row_numbers(by_cohort, "Early help") == ["3", "0", "0", "0", "1", "4", "0"]
    assert "Overdue</strong>" not in text


def test_overdue_is_highlighted_once_the_window_has_ended(qa_client, register):
    cycle = make_cycle(register.cases[:3], year=2020)
    allocate_to(cycle, register.auditors[0])
    Audit.objects.filter(case=register.cases[0]).update(status=AuditStatus.SUBMITTED)
    text = squash(qa_client.get(detail(cycle)).text)
    assert "The window ended on 30 November 2020: 2 audits not yet submitted are overdue." in text
    assert text.count('<strong class="govuk-tag govuk-tag--red">Overdue</strong>') == 2
    assert '<strong class="govuk-tag govuk-tag--red">2</strong>' in text


def test_only_the_qa_lead_is_offered_reallocation(client, register, personas):
    cycle = make_cycle(register.cases[:2], year=2099)
    allocate_to(cycle, register.auditors[0])
    link = reverse("cycles:reallocate", args=[cycle.pk, cycle.audits.first().pk])
    client.force_login(personas.qa_lead)
    assert link in client.get(detail(cycle)).text
    client.force_login(personas.moderator)
    response = client.get(detail(cycle))
    assert response.status_code == 200
    assert link not in response.text


def test_viewing_a_cycle_is_recorded(qa_client, register, personas):
    cycle = make_cycle(register.cases[:2])
    qa_client.get(detail(cycle))
    assert AccessLog.objects.filter(
        user=personas.qa_lead, action="view", object_type="cycle", object_id=str(cycle.pk)
    ).exists()


def test_an_unknown_cycle_is_not_found(qa_client, db):
    assert qa_client.get(reverse("cycles:detail", args=[999])).status_code == 404


# Thousands of audits --------------------------------------------------------------------------------------


def test_the_sample_is_paginated(qa_client, personas):
    cases = [make_case(f"Q{n:05d}", "child-in-need") for n in range(60)]
    cycle = make_cycle(cases, draft=True)
    first = qa_client.get(detail(cycle))
    assert len(sample_ids(first)) == 50
    assert "Showing 1 to 50 of 60 cases" in first.text
    assert f'href="{detail(cycle)}?page=2" rel="next"' in first.text
    second = qa_client.get(detail(cycle), {"page": 2})
    assert sample_ids(second) == [f"Q{n:05d}" for n in range(50, 60)]
    assert "(page 2 of 2)" in second.text


def test_the_sample_s_order_is_kept_only_while_the_sample_is_the_same(qa_client, personas):
    cases = [make_case(f"Q{n:05d}", "child-in-need") for n in range(5)]
    cycle = make_cycle(cases, draft=True)
    assert sample_ids(qa_client.get(detail(cycle))) == [f"Q{n:05d}" for n in range(5)]
    # Swapped: the last case out, one whose Child Unique ID sorts first in. The count stays the same.
    audit = Audit.objects.get(cycle=cycle, case=cases[-1])
    audit.delete()
    Audit.objects.create(cycle=cycle, case=make_case("A00000", "child-in-need"), cohort="child-in-need")
    assert sample_ids(qa_client.get(detail(cycle))) == ["A00000", *(f"Q{n:05d}" for n in range(4))]


@pytest.mark.parametrize("draft", [True, False], ids=["draft", "confirmed"])
def test_the_cycle_page_makes_a_constant_number_of_queries(qa_client, register, draft):
    def cycle_of(count: int, name: str):
        cases = [make_case(f"{name[0]}{n:05d}", ("care-leaver", "early-help")[n % 2]) for n in range(count)]
        cycle = make_cycle(cases, name=name, draft=draft)
        if not draft:
            for n, auditor in enumerate(register.auditors):
                allocate_to(cycle, auditor, cases[n::3])
        return cycle

    small, large = cycle_of(10, "Ten"), cycle_of(60, "Sixty")
    for _ in ("sorted and kept", "read as kept"):  # the sample's order
        with CaptureQueriesContext(connection) as few:
            assert len(sample_ids(qa_client.get(detail(small)))) == 10
        with CaptureQueriesContext(connection) as many:
            assert len(sample_ids(qa_client.get(detail(large)))) == 50
        assert len(many.captured_queries) == len(few.captured_queries)
    # One of them lists the times the cycle was closed early or reopened, with the reasons; up to three
    # write the access log's entry (on PostgreSQL its lock, then its last entry and the new one).
    assert len(few.captured_queries) <= 15
