"""Allocating a confirmed cycle's audits (cycles:allocate) and moving one audit (cycles:reallocate)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse

from caseaudit.accounts.models import ChangeEvent, Role
from caseaudit.audits.models import Audit, AuditStatus, Reallocation

from ..factories import make_user
from .builders import allocate_to, make_cycle


def allocate(client, cycle):
    return client.post(reverse("cycles:allocate", args=[cycle.pk]))


def auditors_of(cycle) -> dict[str, str | None]:
    """Who holds each audit of the cycle, by child id."""
    return dict(cycle.audits.values_list("case__child_id", "auditor__username"))


def test_allocating_balances_the_auditors_and_keeps_them_off_their_own_team(qa_client, register):
    cycle = make_cycle(register.cases[:12])
    response = allocate(qa_client, cycle)
    assert response.status_code == 302
    assert response["Location"] == reverse("cycles:detail", args=[cycle.pk])
    loads = Counter(cycle.audits.values_list("auditor__username", flat=True))
    assert loads == {"ann-auditor": 4, "ben-auditor": 4, "nell-auditor": 4}
    nell = register.auditors[2]
    assert not cycle.audits.filter(auditor=nell, case__team=register.north).exists()
    page = qa_client.get(response["Location"])
    assert "12 audits allocated to 3 auditors." in page.text
    assert "Every audit has an auditor." in page.text


def test_audits_no_auditor_may_take_are_named(qa_client, register):
    # Only Nell is active, and she manages North: North's care leaver cases have no one to go to.
    for auditor in register.auditors[:2]:
        auditor.is_active = False
        auditor.save()
    cycle = make_cycle(register.cases[:2] + register.cases[6:7])
    response = allocate(qa_client, cycle)
    page = qa_client.get(response["Location"])
    assert "1 audit allocated to 1 auditor." in page.text
    assert (
        "2 audits were not allocated because every auditor works in this case&#x27;s team: N100000, N100001."
        in page.text
    )
    assert "2 of 3 audits have no auditor." in page.text
    assert auditors_of(cycle) == {"N100000": None, "N100001": None, "E100000": "nell-auditor"}


def test_allocating_a_draft_is_refused(qa_client, register):
    cycle = make_cycle(register.cases[:4], draft=True)
    response = allocate(qa_client, cycle)
    assert response.status_code == 200
    assert '<a href="#cycle-details">Confirm the sample before allocating it.</a>' in response.text
    assert not Audit.objects.filter(auditor__isnull=False).exists()


def test_allocating_with_no_auditors_is_refused(qa_client, register):
    for auditor in register.auditors:
        auditor.is_active = False
        auditor.save()
    cycle = make_cycle(register.cases[:4])
    page = qa_client.get(reverse("cycles:detail", args=[cycle.pk]))
    assert "There are no auditors yet." in page.text and "Allocate audits</button>" not in page.text
    response = allocate(qa_client, cycle)
    assert '<a href="#allocation">There are no auditors: give at least one user the auditor role.</a>' in (
        response.text
    )
    assert not cycle.audits.filter(auditor__isnull=False).exists()


def test_allocating_again_leaves_allocated_audits_alone(qa_client, register):
    cycle = make_cycle(register.cases[:3])
    allocate_to(cycle, register.auditors[0])
    response = allocate(qa_client, cycle)
    assert "Every audit in this cycle already has an auditor." in qa_client.get(response["Location"]).text
    assert set(cycle.audits.values_list("auditor", flat=True)) == {register.auditors[0].pk}


def test_a_moderator_allocates_too(moderator_client, register):
    cycle = make_cycle(register.cases[:3])
    assert allocate(moderator_client, cycle).status_code == 302
    assert not cycle.audits.filter(auditor__isnull=True).exists()


# Reallocation ---------------------------------------------------------------------------------------------


@pytest.fixture
def allocated(register):
    cycle = make_cycle(register.cases[:6] + register.cases[6:8], year=2099)
    allocate_to(cycle, register.auditors[0])
    return cycle


def reallocate_url(cycle, case) -> str:
    return reverse("cycles:reallocate", args=[cycle.pk, cycle.audits.get(case=case).pk])


def test_the_reallocation_form(qa_client, register, allocated):
    response = qa_client.get(reallocate_url(allocated, register.cases[6]))
    assert response.status_code == 200
    text = response.text
    assert "Reallocate the audit of" in text and register.cases[6].child_id in text
    # The other active auditors, with what they hold in this cycle; not the one who has it now.
    assert "Ben Check (0 audits)</option>" in text and "Nell North (0 audits)</option>" in text
    assert "Ann Audit (" not in text


def test_reallocating_with_a_reason(qa_client, register, allocated, personas):
    ben = register.auditors[1]
    case = register.cases[6]
    response = qa_client.post(
        reallocate_url(allocated, case), {"auditor": ben.pk, "reason": "Ann is on leave until December"}
    )
    assert response.status_code == 302
    audit = allocated.audits.get(case=case)
    assert audit.auditor == ben
    others = {child_id: who for child_id, who in auditors_of(allocated).items() if child_id != case.child_id}
    assert set(others.values()) == {"ann-auditor"}  # only this audit moved
    move = Reallocation.objects.get()
    assert move.audit == audit
    assert (move.from_auditor, move.to_auditor, move.by) == (register.auditors[0], ben, personas.qa_lead)
    assert move.reason == "Ann is on leave until December"
    page = qa_client.get(response["Location"])
    assert f"The audit of {case.child_id} is now Ben Check&#x27;s." in page.text
    # The history shows on the form next time.
    assert "Ann is on leave until December" in qa_client.get(reallocate_url(allocated, case)).text


def test_an_auditor_of_the_cases_team_is_refused(qa_client, register, allocated):
    nell, north_case = register.auditors[2], register.cases[0]
    response = qa_client.post(
        reallocate_url(allocated, north_case), {"auditor": nell.pk, "reason": "Spread load"}
    )
    assert response.status_code == 200
    assert '<a href="#id_auditor">Nell North works in this case&#x27;s team.</a>' in response.text
    assert f'<option value="{nell.pk}" selected>' in response.text  # the choice is kept
    assert "Spread load</textarea>" in response.text
    assert allocated.audits.get(case=north_case).auditor == register.auditors[0]
    assert not Reallocation.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "x"}, "Select the auditor to give this audit to"),
        ({"auditor": "BEN", "reason": "x"}, "Select an auditor from the list"),
        ({"auditor": "ben"}, "Enter why the audit moves"),
    ],
)
def test_the_reallocation_form_is_checked(qa_client, register, allocated, data, message):
    if data.get("auditor") == "ben":
        data = {**data, "auditor": register.auditors[1].pk}
    before = auditors_of(allocated)
    response = qa_client.post(reallocate_url(allocated, register.cases[6]), data)
    assert response.status_code == 200
    assert message in response.text
    assert auditors_of(allocated) == before
    assert not Reallocation.objects.exists()


def test_a_submitted_audit_stays_with_its_auditor(qa_client, register, allocated):
    case = register.cases[6]
    allocated.audits.filter(case=case).update(status=AuditStatus.SUBMITTED)
    response = qa_client.post(
        reallocate_url(allocated, case), {"auditor": register.auditors[1].pk, "reason": "x"}
    )
    assert "A submitted audit stays with the auditor who wrote it." in response.text
    audit = allocated.audits.get(case=case)
    assert (audit.auditor, audit.status) == (register.auditors[0], AuditStatus.SUBMITTED)
    assert not Reallocation.objects.exists()


def test_an_inactive_or_non_auditor_is_not_offered(qa_client, register, allocated):
    moderator = make_user(Role.MODERATOR, "mo")
    ben = register.auditors[1]
    ben.is_active = False
    ben.save()
    form = qa_client.get(reallocate_url(allocated, register.cases[6])).text
    assert f'<option value="{register.auditors[2].pk}"' in form
    assert f'<option value="{ben.pk}"' not in form and f'<option value="{moderator.pk}"' not in form
    for chosen in (moderator, ben):
        response = qa_client.post(
            reallocate_url(allocated, register.cases[6]), {"auditor": chosen.pk, "reason": "x"}
        )
        assert "Select an auditor from the list" in response.text
    assert set(auditors_of(allocated).values()) == {"ann-auditor"}
    assert not Reallocation.objects.exists()


def test_only_the_qa_lead_reallocates(moderator_client, register, allocated):
    url = reallocate_url(allocated, register.cases[6])
    assert moderator_client.get(url).status_code == 403
    assert moderator_client.post(url, {"auditor": register.auditors[1].pk, "reason": "x"}).status_code == 403
    assert set(auditors_of(allocated).values()) == {"ann-auditor"}
    assert not Reallocation.objects.exists()


def test_an_audit_of_another_cycle_is_not_found(qa_client, register, allocated):
    other = make_cycle(register.cases[10:12], name="Spring 2099", season="spring", year=2099)
    audit = other.audits.first()
    assert qa_client.get(reverse("cycles:reallocate", args=[allocated.pk, audit.pk])).status_code == 404


def test_a_drafts_audits_cannot_be_reallocated(qa_client, register):
    draft = make_cycle(register.cases[:2], draft=True)
    assert qa_client.get(reallocate_url(draft, register.cases[0])).status_code == 404


# Closing ----------------------------------------------------------------------------------------------------


def close_url(cycle) -> str:
    return reverse("cycles:close", args=[cycle.pk])


def test_closing_asks_first_saying_what_it_means(qa_client, register, allocated):
    allocated.audits.filter(case=register.cases[0]).update(status=AuditStatus.SUBMITTED)
    page = qa_client.get(reverse("cycles:detail", args=[allocated.pk])).text
    assert f'href="{close_url(allocated)}"' in page  # a link to the question, not a button that closes
    asked = qa_client.get(close_url(allocated)).text
    assert "Are you sure you want to close this cycle?" in asked
    assert "no audit can be allocated or moved to another auditor" in asked
    assert "7 of 8 audits are not submitted." in asked
    allocated.refresh_from_db()
    assert allocated.status == "planned"


def test_closing_before_the_window_ends_without_a_reason_is_refused(qa_client, register, allocated):
    response = qa_client.post(close_url(allocated), {"reason": "  "})
    assert response.status_code == 200
    assert "Enter why the cycle closes before its window ends" in response.text
    assert 'href="#id_reason"' in response.text  # the error summary leads to the box to fill in
    allocated.refresh_from_db()
    assert allocated.status == "planned"
    assert not ChangeEvent.objects.filter(event="cycle.closed").exists()


def test_the_qa_lead_closes_early_with_a_reason_shown_on_the_cycle_page(qa_client, register, allocated):
    response = qa_client.post(close_url(allocated), {"reason": "Inspection brought forward"})
    assert response.status_code == 302
    allocated.refresh_from_db()
    assert allocated.status == "closed"
    event = ChangeEvent.objects.get(event="cycle.closed")
    # The free text is kept with the cycle; the history says only how long it was.
    assert event.new == {"status": "closed", "early": True, "reason": "26 characters"}
    page = qa_client.get(response["Location"]).text
    assert f"{allocated.name} is closed." in page
    assert "Inspection brought forward" in page


def test_a_moderator_may_not_close_before_the_window_ends(moderator_client, register, allocated):
    asked = moderator_client.get(close_url(allocated)).text
    assert "Only the QA lead may close a cycle before its window ends." in asked
    assert "Yes, close" not in asked
    response = moderator_client.post(close_url(allocated), {"reason": "Because"})
    assert response.status_code == 403
    allocated.refresh_from_db()
    assert allocated.status == "planned"


def test_after_the_window_a_cycle_closes_without_a_reason(moderator_client, register):
    cycle = make_cycle(register.cases[:2], year=2020)
    asked = moderator_client.get(close_url(cycle)).text
    assert "id_reason" not in asked
    assert moderator_client.post(close_url(cycle)).status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == "closed"
    assert ChangeEvent.objects.get(event="cycle.closed").new == {"status": "closed"}


def test_a_closed_cycle_offers_no_reallocation(qa_client, register):
    cycle = make_cycle(register.cases[:6], year=2020)
    allocate_to(cycle, register.auditors[0])
    qa_client.post(close_url(cycle))
    page = qa_client.get(reverse("cycles:detail", args=[cycle.pk])).text
    assert "Close the cycle" not in page
    assert "Reallocate" not in page
    audit = cycle.audits.first()
    assert qa_client.get(reallocate_url(cycle, audit.case)).status_code == 404
    data = {"auditor": register.auditors[1].pk, "reason": "x"}
    assert qa_client.post(reallocate_url(cycle, audit.case), data).status_code == 404
    assert set(auditors_of(cycle).values()) == {"ann-auditor"}
    assert not Reallocation.objects.exists()


def test_the_qa_lead_reopens_a_closed_cycle_with_a_reason(qa_client, register):
    cycle = make_cycle(register.cases[:6], year=2020)
    allocate_to(cycle, register.auditors[0])
    qa_client.post(close_url(cycle))
    page = qa_client.get(reverse("cycles:detail", args=[cycle.pk])).text
    reopen_url = reverse("cycles:reopen", args=[cycle.pk])
    assert f'href="{reopen_url}"' in page
    assert "Are you sure you want to reopen this cycle?" in qa_client.get(reopen_url).text
    refused = qa_client.post(reopen_url, {"reason": ""})
    assert "Enter why the cycle reopens" in refused.text
    cycle.refresh_from_db()
    assert cycle.status == "closed"
    response = qa_client.post(reopen_url, {"reason": "Closed by mistake"})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == "in-progress"
    event = ChangeEvent.objects.get(event="cycle.reopened")
    assert (event.old, event.new) == (
        {"status": "closed"},
        {"status": "in-progress", "reason": "17 characters"},
    )
    page = qa_client.get(response["Location"]).text
    assert "Closed by mistake" in page and "Reopened" in page
    assert "Reallocate" in page


def test_only_the_qa_lead_reopens(moderator_client, register):
    cycle = make_cycle(register.cases[:2], year=2020)
    moderator_client.post(close_url(cycle))
    page = moderator_client.get(reverse("cycles:detail", args=[cycle.pk])).text
    assert "Reopen" not in page
    reopen_url = reverse("cycles:reopen", args=[cycle.pk])
    assert moderator_client.post(reopen_url, {"reason": "Please"}).status_code == 403
    cycle.refresh_from_db()
    assert cycle.status == "closed"


def test_a_draft_cannot_be_closed(qa_client, register):
    cycle = make_cycle(register.cases[:3], draft=True)
    page = qa_client.post(reverse("cycles:close", args=[cycle.pk])).text
    assert "Only a confirmed cycle that is still open can be closed." in page
    cycle.refresh_from_db()
    assert cycle.status == "draft"
