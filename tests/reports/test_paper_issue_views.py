"""The committee paper's stored versions on the web: the QA lead regenerates the draft (a job whose page
shows its steps, then the paper) and issues it after a confirmation; downloads are the stored files,
never drawn again; others read and download as before, and cannot regenerate or issue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caseaudit.accounts.models import AccessLog, ChangeEvent
from caseaudit.jobs.models import Job
from caseaudit.reports import paper_drafts
from caseaudit.reports.models import PaperVersion
from caseaudit.reports.paper import docx, pdf
from caseaudit.reports.paper_store import papers_dir

from ..jobs.queue import run_queued_jobs
from .paper_builders import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_drawing(monkeypatch):
    """From here on, drawing a paper fails the test: a download must be the stored file."""

    def drawn(paper):
        pytest.fail("the paper was drawn again")

    monkeypatch.setattr(paper_drafts, "render_pdf", drawn)
    monkeypatch.setattr(paper_drafts, "render_docx", drawn)


def url(name, live, *args):
    return reverse(f"paper:{name}", args=[live.cycle.pk, *args])


def regenerate(client, live, grade_source="moderated"):
    return client.post(url("regenerate", live), {"grade_source": grade_source}, follow=True)


def issue(client, live, note=""):
    draft = PaperVersion.objects.get(state="draft", grade_source="moderated")
    return client.post(url("issue", live), {"draft": draft.pk, "sha256": draft.pdf_sha256, "note": note})


def draw_draft_once(client, live):
    """The QA lead's draft, drawn for real before drawing is forbidden by `no_drawing`."""
    paper = paper_drafts.build_paper_context(live.cycle, grade_source="moderated")
    pdf_bytes, docx_bytes = pdf.render_pdf(paper), docx.render_docx(paper)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paper_drafts, "render_pdf", lambda paper: pdf_bytes)
        patch.setattr(paper_drafts, "render_docx", lambda paper: docx_bytes)
        assert regenerate(client, live).status_code == 200
    return pdf_bytes, docx_bytes


def test_the_qa_lead_regenerates_the_draft_and_sees_it_on_the_page(client, personas, live):
    client.force_login(personas.qa_lead)
    before = page_text(client.get(url("page", live)).text)
    assert "No draft is kept yet in these grades." in before
    response = regenerate(client, live)
    assert response.redirect_chain[-1][0] == url("page", live)
    text = page_text(response.text)
    assert "The draft is regenerated from today's figures. Check it before you issue it." in text
    assert "Drawn" in text and "by qa-lead" in text
    assert "Issue this draft" in text
    job = Job.objects.get(kind="paper-regenerate")
    assert (job.status, job.rows_done, job.rows_total, job.started_by) == ("done", 4, 4, personas.qa_lead)
    assert ChangeEvent.objects.filter(event="paper.drafted", actor=personas.qa_lead).exists()


def test_the_regenerating_page_shows_its_steps_until_the_worker_has_drawn_it(
    client, personas, live, database_queue
):
    client.force_login(personas.qa_lead)
    response = client.post(url("regenerate", live), {"grade_source": "auditor"})
    job = Job.objects.get(kind="paper-regenerate")
    assert response["Location"] == url("regenerating", live, job.pk)
    waiting = client.get(response["Location"])
    text = page_text(waiting.text)
    assert "Regenerating the draft" in text and "Waiting to start" in text and "Steps done 0" in text
    # A second click while it waits follows the same job rather than starting another.
    assert (
        client.post(url("regenerate", live), {"grade_source": "auditor"})["Location"] == response["Location"]
    )
    assert "A new draft is being drawn" in page_text(client.get(url("page", live) + "?grades=auditor").text)
    run_queued_jobs()
    done = client.get(response["Location"])
    assert done["Location"] == url("page", live) + "?grades=auditor"
    assert PaperVersion.objects.get().grade_source == "auditor"


def test_issuing_asks_to_confirm_then_freezes_the_draft_as_version_one(client, personas, live, no_drawing):
    client.force_login(personas.qa_lead)
    draw_draft_once(client, live)
    confirm = client.get(url("issue", live))
    text = page_text(confirm.text)
    assert "Are you sure you want to issue this draft as version 1?" in text
    assert "Note (optional)" in text
    response = issue(client, live)
    assert response["Location"] == url("page", live)
    page = client.get(url("page", live))
    text = page_text(page.text)
    assert "Version 1 of the committee paper for Autumn 2026 is issued." in text
    assert "No draft is kept yet in these grades." in text
    assert url("version", live, 1, "pdf") in page.text
    version = PaperVersion.objects.get()
    assert (version.state, version.number, version.issued_by) == ("issued", 1, personas.qa_lead)


def test_an_issued_version_is_served_from_storage_and_logged(client, personas, live, no_drawing):
    client.force_login(personas.qa_lead)
    pdf_bytes, docx_bytes = draw_draft_once(client, live)
    issue(client, live)
    client.force_login(personas.senior_leader)
    for fmt, content_type, content in (
        ("pdf", "application/pdf", pdf_bytes),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx_bytes),
    ):
        response = client.get(url("version", live, 1, fmt))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="paper-autumn-2026-v1.{fmt}"'
        assert "no-store" in response["Cache-Control"]
        assert response.content == content
        for child_id in live.child_ids:
            assert child_id not in response["Content-Disposition"]
    details = list(
        AccessLog.objects.filter(user=personas.senior_leader, action="export").values_list(
            "detail", flat=True
        )
    )
    assert sorted(details) == [
        "committee paper (docx, moderated grades, version 1)",
        "committee paper (pdf, moderated grades, version 1)",
    ]
    assert client.get(url("version", live, 2, "pdf")).status_code == 404
    assert client.get(url("version", live, 1, "xlsx")).status_code == 404


def test_the_paper_is_kept_as_an_accessible_web_page_too(client, personas, live, no_drawing):
    client.force_login(personas.qa_lead)
    draw_draft_once(client, live)
    issue(client, live)
    page = client.get(url("page", live)).content.decode()
    assert f'href="{url("version", live, 1, "html")}"' in page
    response = client.get(url("version", live, 1, "html"))
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="paper-autumn-2026-v1.html"'
    document = response.content.decode()
    # A document of its own: its language, its title, real headings and tables, nothing fetched.
    assert document.startswith("<!DOCTYPE html>") and '<html lang="en-GB"' in document
    assert "<title>Case file audit: Autumn 2026</title>" in document
    assert '<h2 class="govuk-heading-m" id="summary-heading">Summary</h2>' in document
    assert "<caption" in document and 'src="http' not in document and 'href="http' not in document
    for child_id in live.child_ids:
        assert child_id not in document
    # A version kept before the web page was: no link, and no file to serve.
    PaperVersion.objects.filter(number=1).update(html_name="", html_size=0, html_sha256="")
    assert f'href="{url("version", live, 1, "html")}"' not in client.get(url("page", live)).content.decode()
    assert client.get(url("version", live, 1, "html")).status_code == 404


def test_the_draft_is_drawn_on_the_first_download_only(client, personas, live, monkeypatch):
    client.force_login(personas.moderator)
    first = client.get(url("download", live, "pdf"))
    assert first.status_code == 200
    draft = PaperVersion.objects.get()
    assert draft.rendered_by == personas.moderator
    monkeypatch.setattr(paper_drafts, "render_pdf", lambda paper: pytest.fail("the paper was drawn again"))
    again = client.get(url("download", live, "pdf"))
    assert again.content == first.content == (papers_dir() / draft.pdf_name).read_bytes()


def test_a_second_version_needs_a_note_of_what_changed(client, personas, live, no_drawing):
    client.force_login(personas.qa_lead)
    draw_draft_once(client, live)
    issue(client, live)
    draw_draft_once(client, live)
    assert "What changed since version 1?" in page_text(client.get(url("issue", live)).text)
    refused = issue(client, live)
    assert refused.status_code == 200
    assert "Enter what changed since the last version issued" in page_text(refused.text)
    assert issue(client, live, note="Two more audits moderated.").status_code == 302
    text = page_text(client.get(url("page", live)).text)
    assert "Two more audits moderated." in text
    assert list(PaperVersion.objects.values_list("number", flat=True).order_by("number")) == [1, 2]


def test_a_draft_regenerated_after_the_confirmation_was_shown_is_not_issued(client, personas, live):
    client.force_login(personas.qa_lead)
    regenerate(client, live)
    seen = PaperVersion.objects.get()
    live.audits[0].moderated_grade = "outstanding"
    live.audits[0].save()
    regenerate(client, live)
    response = client.post(url("issue", live), {"draft": seen.pk, "sha256": seen.pdf_sha256, "note": ""})
    assert response.status_code == 200
    assert "The draft has been regenerated or issued since you looked at it." in page_text(response.text)
    assert not PaperVersion.objects.filter(state="issued").exists()


def test_only_the_qa_lead_regenerates_and_issues(client, personas, live):
    client.force_login(personas.qa_lead)
    regenerate(client, live)
    for person in (personas.moderator, personas.senior_leader):
        client.force_login(person)
        page = client.get(url("page", live))
        assert page.status_code == 200
        assert "Regenerate draft" not in page.text and "Issue this draft" not in page.text
        assert client.post(url("regenerate", live), {"grade_source": "moderated"}).status_code == 403
        assert client.get(url("issue", live)).status_code == 403
        draft = PaperVersion.objects.get()
        posted = client.post(url("issue", live), {"draft": draft.pk, "sha256": draft.pdf_sha256})
        assert posted.status_code == 403
        assert client.get(url("download", live, "docx")).status_code == 200  # downloading stays as it was
    assert not PaperVersion.objects.filter(state="issued").exists()
    assert Job.objects.filter(kind="paper-regenerate").count() == 1


def test_a_stored_file_changed_on_disk_is_not_served_nor_drawn_again(client, personas, live, no_drawing):
    client.force_login(personas.qa_lead)
    draw_draft_once(client, live)
    issue(client, live)
    stored = papers_dir() / PaperVersion.objects.get().pdf_name
    stored.write_bytes(b"%PDF- something else")
    response = client.get(url("version", live, 1, "pdf"))
    assert response.status_code == 500
    assert "is not the file that was stored" in page_text(response.text)
    assert not AccessLog.objects.filter(action="export").exists()
