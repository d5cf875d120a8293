"""The committee paper on screen and as downloads: who may have it, what the page shows, the access log."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse

from caseaudit.accounts.models import AccessLog

from ..cycles.builders import make_cycle
from .paper_builders import page_text

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_paper_with_the_chart_and_its_table(client, personas, live):
    client.force_login(personas.qa_lead)
    response = client.get(reverse("paper:page", args=[live.cycle.pk]))
    assert response.status_code == 200
    html = response.text
    text = page_text(html)
    assert '<h1 class="govuk-heading-l">Case file audit: Autumn 2026</h1>' in html
    assert "7 of 8 planned audits were completed (88%)." in text
    assert (
        'alt="Stacked bar chart of the share of audits at each grade by year, all cohorts. The same ' in html
    )
    assert 'src="data:image/svg+xml;base64,' in html
    assert '<caption class="govuk-table__caption govuk-table__caption--s">Audits by year and cohort' in html
    assert reverse("paper:download", args=[live.cycle.pk, "pdf"]) in html
    assert "Download the draft (Word)" in text
    assert reverse("cycles:detail", args=[live.cycle.pk]) in html  # back to the cycle
    for child_id in live.child_ids:
        assert child_id not in html
    for name in live.names:
        assert name not in html
    entry = AccessLog.objects.filter(user=personas.qa_lead, object_type="cycle").first()
    assert (entry.action, entry.object_id, entry.detail) == ("view", str(live.cycle.pk), "committee paper")


def test_a_senior_leader_reads_the_paper_and_goes_back_to_reports(client, personas, live):
    client.force_login(personas.senior_leader)
    response = client.get(reverse("paper:page", args=[live.cycle.pk]))
    assert response.status_code == 200
    assert f'href="{reverse("reports:grades")}" class="govuk-back-link">Back to reports' in response.text


def test_the_pdf_download_is_named_after_the_cycle_and_logged(client, personas, live):
    client.force_login(personas.moderator)
    response = client.get(reverse("paper:download", args=[live.cycle.pk, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="paper-autumn-2026-draft.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    entry = AccessLog.objects.get(user=personas.moderator, action="export")
    assert (entry.object_type, entry.object_id) == ("cycle", str(live.cycle.pk))
    assert entry.detail == "committee paper (pdf, moderated grades, draft)"


def test_the_word_download_with_auditors_grades(client, personas, live):
    client.force_login(personas.senior_leader)
    response = client.get(reverse("paper:download", args=[live.cycle.pk, "docx"]) + "?grades=auditor")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="paper-autumn-2026-draft.docx"'
    word = docx.Document(io.BytesIO(response.content))
    assert any("The tables use the auditors' grades, before moderation." in p.text for p in word.paragraphs)
    assert AccessLog.objects.get(action="export").detail == "committee paper (docx, auditor grades, draft)"


def test_an_unknown_format_or_a_draft_cycle_is_not_found(client, personas, live):
    client.force_login(personas.qa_lead)
    assert client.get(reverse("paper:download", args=[live.cycle.pk, "xlsx"])).status_code == 404
    draft = make_cycle([personas.other_case], name="Spring 2027", season="spring", year=2027, draft=True)
    assert client.get(reverse("paper:page", args=[draft.pk])).status_code == 404
    assert client.get(reverse("paper:download", args=[draft.pk, "pdf"])).status_code == 404
    assert not AccessLog.objects.filter(action="export").exists()


def test_the_cycle_page_offers_the_paper(client, personas, live):
    client.force_login(personas.qa_lead)
    html = client.get(reverse("cycles:detail", args=[live.cycle.pk])).text
    assert "Download the draft paper (PDF)" in html
    assert "Download the draft paper (Word)" in html
    assert (
        f'href="{reverse("paper:page", args=[live.cycle.pk])}">View the paper and its issued versions</a>'
        in html
    )
    assert reverse("paper:download", args=[live.cycle.pk, "docx"]) in html
