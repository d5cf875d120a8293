"""Feedback pages: the audit's feedback page for the QA lead and auditor, and the public form."""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from django.urls import reverse

from caseaudit.audits.actions.feedback import create_feedback_link
from caseaudit.audits.models import FeedbackLink, FeedbackResponse, Respondent

from ..cycles.builders import allocate_to, make_cycle


@pytest.fixture
def audit(personas):
    cycle = make_cycle([personas.own_case])
    allocate_to(cycle, personas.auditor)
    return cycle.audits.get()


def _token(audit, personas, respondent=Respondent.YOUNG_PERSON):
    return create_feedback_link(audit, respondent=respondent, acting_user=personas.auditor)


def test_the_auditor_creates_a_link_and_sees_it_once(client, personas, audit):
    client.force_login(personas.auditor)
    page = client.get(reverse("audits:feedback", args=[audit.pk]))
    assert page.status_code == 200 and "No feedback yet" in page.text
    response = client.post(reverse("audits:feedback-link", args=[audit.pk]), {"respondent": "young-person"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    url = re.search(r'value="(http://testserver/feedback/[^"]+/)"', response.text).group(1)
    token = url.rstrip("/").rsplit("/", 1)[1]
    link = FeedbackLink.objects.get()
    assert link.token_hash != token
    assert (link.audit, link.respondent, link.used_at) == (audit, "young-person", None)
    assert "works once" in response.text
    # Without JavaScript the link is in a readonly input to select; the Copy link button waits, hidden.
    assert re.search(r'<input[^>]*id="feedback-url"[^>]*readonly', response.text)
    assert re.search(
        r'<button type="button"[^>]*data-copy-target="feedback-url"[^>]*hidden>Copy link', response.text
    )
    # Never shown again: the feedback page lists the link without it.
    again = client.get(reverse("audits:feedback", args=[audit.pk]))
    assert token not in again.text and "Waiting, works until" in again.text


def test_creating_a_link_needs_a_respondent(client, personas, audit):
    client.force_login(personas.qa_lead)
    response = client.post(reverse("audits:feedback-link", args=[audit.pk]), {})
    assert response.status_code == 200 and "Select who the link is for" in response.text
    assert not FeedbackLink.objects.exists()


def test_paper_feedback_is_typed_in(client, personas, audit):
    client.force_login(personas.auditor)
    url = reverse("audits:feedback-paper", args=[audit.pk]) + "?respondent=carer"
    assert "Does the worker listen to the child" in client.get(url).text
    response = client.post(
        url,
        {
            "respondent": "carer",
            "received_on_0": "2",
            "received_on_1": "10",
            "received_on_2": "2026",
            "helping": "a-bit",
            "anything-else": "Thank you for the help.",
        },
    )
    assert response.status_code == 302
    feedback = FeedbackResponse.objects.get()
    assert feedback.on_paper and feedback.respondent == "carer"
    assert (feedback.audit, feedback.received_on, feedback.recorded_by, feedback.link) == (
        audit,
        date(2026, 10, 2),
        personas.auditor,
        None,
    )
    assert feedback.answers == {"helping": "a-bit", "anything-else": "Thank you for the help."}
    listed = client.get(reverse("audits:feedback", args=[audit.pk])).text
    assert "Parent or carer, on paper, 2 October 2026" in listed and "A bit" in listed


def test_paper_feedback_with_nothing_filled_in_says_what_is_missing(client, personas, audit):
    client.force_login(personas.qa_lead)
    response = client.post(reverse("audits:feedback-paper", args=[audit.pk]), {})
    assert response.status_code == 200
    assert "Enter the date the form was received" in response.text
    assert "Answer at least one question" in response.text
    assert not FeedbackResponse.objects.exists()


def test_the_public_form_shows_no_child_data(client, personas, audit):
    token = _token(audit, personas)
    response = client.get(reverse("feedback:form", args=[token]))
    assert response.status_code == 200
    for secret in (personas.own_case.child_id, personas.own_case.team.name, "Will Worker", "Nadia"):
        assert secret not in response.text
    assert f"/audits/{audit.pk}/" not in response.text
    assert "Do you know who your worker is?" in response.text
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_public_form_names_the_council_and_says_what_the_check_is(client, personas, audit, settings):
    url = reverse("feedback:form", args=[_token(audit, personas)])
    text = client.get(url).text
    assert "The council wants to know what you think" in text  # the default: no name set
    settings.COUNCIL_NAME = "Northshire County Council"
    text = client.get(url).text
    assert "Northshire County Council wants to know what you think" in text
    assert "as part of a check of how we worked with you" in text
    assert "<title>Tell us what you think - A check of how we worked with you</title>" in text
    assert "case file audit" not in text.lower()
    carer = client.get(reverse("feedback:form", args=[_token(audit, personas, Respondent.CARER)])).text
    assert "Northshire County Council wants to know what you think about the help your family" in carer
    gone = client.get(reverse("feedback:form", args=["unknown-token"])).text
    assert "case file audit" not in gone.lower()


def test_the_carer_gets_the_carer_questions(client, personas, audit):
    token = _token(audit, personas, Respondent.CARER)
    assert "Does the worker listen to the child" in client.get(reverse("feedback:form", args=[token])).text


def test_sending_the_form_thanks_and_the_link_then_stops_working(client, personas, audit):
    token = _token(audit, personas)
    url = reverse("feedback:form", args=[token])
    response = client.post(url, {"know-worker": "yes", "going-well": "I like my worker."})
    assert response.status_code == 200 and "Thank you" in response.text
    sent = FeedbackResponse.objects.get()
    assert sent.answers == {"know-worker": "yes", "going-well": "I like my worker."}
    assert (sent.audit, sent.respondent, sent.on_paper) == (audit, "young-person", False)
    assert sent.link == FeedbackLink.objects.get() and sent.link.used_at is not None
    for again in (client.get(url), client.post(url, {"know-worker": "no"})):
        assert again.status_code == 404 and "This link no longer works" in again.text
    assert FeedbackResponse.objects.count() == 1


def test_an_empty_form_is_sent_back_kindly(client, personas, audit):
    token = _token(audit, personas)
    response = client.post(reverse("feedback:form", args=[token]), {})
    assert response.status_code == 200 and "Answer at least one question" in response.text
    assert FeedbackLink.objects.get().used_at is None
    assert not FeedbackResponse.objects.exists()


def test_used_expired_and_unknown_links_get_the_same_page(client, personas, audit):
    used = _token(audit, personas)
    client.post(reverse("feedback:form", args=[used]), {"know-worker": "yes"})
    expired = _token(audit, personas)
    FeedbackLink.objects.filter(used_at__isnull=True).update(expires_at="2020-01-01T00:00Z")
    pages = [client.get(reverse("feedback:form", args=[t])) for t in (used, expired, "unknown-token")]
    assert {p.status_code for p in pages} == {404}
    bodies = {re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", p.text) for p in pages}
    assert len(bodies) == 1


def test_the_token_is_not_logged(client, personas, audit, caplog):
    token = _token(audit, personas)
    client.post(reverse("feedback:form", args=[token]), {"know-worker": "yes"})
    with caplog.at_level(logging.DEBUG):
        client.get(reverse("feedback:form", args=[token]))
        client.get(reverse("feedback:form", args=["unknown-token"]))
    assert token not in caplog.text and "unknown-token" not in caplog.text


@pytest.mark.parametrize("persona", ["moderator", "team_manager", "worker", "senior_leader", "outsider"])
def test_others_may_not_open_the_feedback_pages(client, personas, audit, persona):
    client.force_login(getattr(personas, persona))
    for name in ("audits:feedback", "audits:feedback-paper"):
        assert client.get(reverse(name, args=[audit.pk])).status_code in (403, 404)
    assert client.post(
        reverse("audits:feedback-link", args=[audit.pk]), {"respondent": "carer"}
    ).status_code in (
        403,
        404,
    )
    assert not FeedbackLink.objects.exists()
    paper = {"respondent": "carer", "received_on_0": "2", "received_on_1": "10", "received_on_2": "2026"}
    paper["helping"] = "a-bit"
    assert client.post(reverse("audits:feedback-paper", args=[audit.pk]), paper).status_code in (403, 404)
    assert not FeedbackResponse.objects.exists()


def test_the_public_form_needs_no_cookie(personas, audit):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    token = _token(audit, personas)
    page = strict.get(reverse("feedback:form", args=[token]))
    assert not page.cookies
    sent = strict.post(reverse("feedback:form", args=[token]), {"know-worker": "not-sure"})
    assert sent.status_code == 200 and "Thank you" in sent.text
    assert FeedbackResponse.objects.get().answers == {"know-worker": "not-sure"}
