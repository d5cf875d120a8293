"""Withdrawing the audit of a case closed while in a live sample: the QA lead, from the cycle page, with
a reason, after a confirmation page; the audit then stops being anyone's work and cannot be edited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from caseaudit.audits.actions import completion as completing
from caseaudit.audits.models import AuditStatus

from .builders import allocate_to, make_cycle


@pytest.fixture
def closed_case_audit(personas):
    cycle = make_cycle([personas.own_case, personas.other_case])
    allocate_to(cycle, personas.auditor)
    personas.own_case.closed_on = timezone.localdate() - timedelta(days=3)
    personas.own_case.save()
    return cycle.audits.select_related("case").get(case=personas.own_case)


def test_the_qa_lead_withdraws_from_the_cycle_page_after_confirming_with_a_reason(
    client, personas, closed_case_audit
):
    cycle, url = (
        closed_case_audit.cycle,
        reverse("cycles:withdraw", args=[closed_case_audit.cycle_id, closed_case_audit.pk]),
    )
    client.force_login(personas.qa_lead)
    cycle_page = client.get(reverse("cycles:detail", args=[cycle.pk])).text
    assert "Case closed" in cycle_page and f'href="{url}"' in cycle_page
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": "", "version": closed_case_audit.version})
    assert "govuk-error-summary" in empty.text
    done = client.post(
        url, {"reason": "The family moved away", "version": closed_case_audit.version}, follow=True
    )
    assert f"The audit of {closed_case_audit.case.child_id} is withdrawn." in done.text
    assert "Withdrawn" in done.text and "The family moved away" in done.text
    closed_case_audit.refresh_from_db()
    assert closed_case_audit.status == AuditStatus.WITHDRAWN


def test_only_the_qa_lead_sees_the_link_and_may_open_the_page(client, personas, closed_case_audit):
    url = reverse("cycles:withdraw", args=[closed_case_audit.cycle_id, closed_case_audit.pk])
    client.force_login(personas.moderator)
    assert f'href="{url}"' not in client.get(reverse("cycles:detail", args=[closed_case_audit.cycle_id])).text
    assert client.get(url).status_code == 403


def test_a_withdrawn_audit_cannot_be_edited_and_is_no_ones_work(client, personas, closed_case_audit):
    from caseaudit.audits.actions.withdrawal import withdraw_audit

    client.force_login(personas.auditor)
    assert closed_case_audit.case.child_id in client.get(reverse("home")).text  # their work, until withdrawn
    withdraw_audit(
        closed_case_audit,
        reason="Closed",
        expected_version=closed_case_audit.version,
        acting_user=personas.qa_lead,
    )
    closed_case_audit.refresh_from_db()
    with pytest.raises(ValidationError):
        completing.start_audit(closed_case_audit, acting_user=personas.auditor)
    home = client.get(reverse("home")).text
    assert closed_case_audit.case.child_id not in home  # not in the auditor's audits to complete
    # The audit's own page says why it stopped, and offers no start.
    page = client.get(reverse("audits:detail", args=[closed_case_audit.pk])).text
    assert "Withdrawn from" in page and "Reason: Closed" in page
    assert "Start this audit" not in page
