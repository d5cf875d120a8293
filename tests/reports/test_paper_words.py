"""The committee paper's words: the report's details, the recommendation to members, the summary, the
findings in brief, the conclusion, who audited, the feedback and the implications. Each is drafted from the
figures until the QA lead writes their own, which is kept however often the paper is drawn again; two
people saving at once never overwrite each other; only the QA lead edits them."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from caseaudit.accounts.models import ChangeEvent
from caseaudit.audits.models import Audit, AuditStatus, FeedbackResponse
from caseaudit.reports.models import PaperStory
from caseaudit.reports.paper.context import build_paper_context
from caseaudit.reports.paper.model import Bullets, Facts, Paragraphs, Subheading
from caseaudit.reports.paper.story import KEYS, kept, text_blocks

from .paper_builders import TODAY, page_text

pytestmark = pytest.mark.django_db


def words_url(live):
    return reverse("paper:words", args=[live.cycle.pk])


def form_values(client, live) -> dict[str, str]:
    """What the page's form holds when opened: each text (drafted or written) and the version."""
    html = client.get(words_url(live)).content.decode()
    values = {}
    for key in KEYS:
        found = re.search(rf'<textarea[^>]*name="{key}"[^>]*>(.*?)</textarea>', html, re.S) or re.search(
            rf'<input[^>]*name="{key}"[^>]*value="([^"]*)"', html
        )
        assert found, key
        values[key] = unescape(found.group(1)).removeprefix("\n")
    values["version"] = re.search(r'name="version" value="(\d+)"', html).group(1)
    return values


def section(paper, slug):
    return paper.section(slug)


def test_plain_text_becomes_paragraphs_and_bullets():
    text = "The audits found\nclear plans.\n\n- Visits on time\n* Plans reviewed\nAfter the list.\n\n\nLast."
    assert text_blocks(text) == (
        Paragraphs(("The audits found clear plans.",)),
        Bullets(("Visits on time", "Plans reviewed")),
        Paragraphs(("After the list.", "Last.")),
    )
    assert text_blocks("  \n ") == ()


def test_a_text_left_as_drafted_or_emptied_is_not_kept_so_it_follows_the_figures():
    drafted = {"summary": "Nine audits.\n\nSix good.", "conclusion": "Well done."}
    submitted = {"summary": "Nine audits.  \r\n\r\nSix good.\r\n", "conclusion": "", "legal": "As drafted"}
    assert kept(submitted, drafted) == {"legal": "As drafted"}
    assert kept({"conclusion": "Better than last year."}, drafted) == {"conclusion": "Better than last year."}


def test_the_paper_opens_as_a_council_report_with_drafted_words(live):
    paper = build_paper_context(live.cycle, today=TODAY)
    slugs = [s.slug for s in paper.sections]
    assert slugs[:4] == ["details", "recommendation", "summary", "method"]
    assert slugs.index("actions") < slugs.index("conclusion") < slugs.index("implications")
    details = dict(section(paper, "details").blocks[0].pairs)
    assert details["Report of"] == "Director of Children's Services"
    assert details["Classification"] == "Public"
    assert details["Paper dated"] == "10 December 2026"
    assert "Committee" not in details  # nobody has named it yet: left out, not "None"
    recommendation = section(paper, "recommendation").blocks
    assert recommendation == (Paragraphs(("Members are asked to note the report.",)),)
    summary = section(paper, "summary").blocks[0].texts
    assert summary[0] == "7 of 8 planned audits were completed (88%)."
    implications = [b.text for b in section(paper, "implications").blocks if isinstance(b, Subheading)]
    assert implications == ["Financial", "Legal", "Equalities", "Safeguarding"]
    assert "None was raised in this cycle's audits." in " ".join(
        t for b in section(paper, "implications").blocks if isinstance(b, Paragraphs) for t in b.texts
    )


def test_the_method_says_who_audited_how_many_were_open_and_what_children_said(live):
    audit = live.audits[0]
    FeedbackResponse.objects.create(audit=audit, respondent="young-person", answers={}, received_on=TODAY)
    FeedbackResponse.objects.create(audit=audit, respondent="carer", answers={}, received_on=TODAY)
    FeedbackResponse.objects.create(audit=live.audits[1], respondent="carer", answers={}, received_on=TODAY)
    paper = build_paper_context(live.cycle, today=TODAY)
    method = section(paper, "method")
    facts = dict(next(b for b in method.blocks if isinstance(b, Facts)).pairs)
    assert facts["Open cases"] == f"8 on {live.cycle.starts_on.day} {live.cycle.starts_on:%B %Y}"
    assert facts["Cases audited"] == "7: 88% of the open cases"
    texts = " ".join(t for b in method.blocks if isinstance(b, Paragraphs) for t in b.texts)
    assert "The audits were done in house, by 1 auditor of the council" in texts
    assert "3 responses were received (1 from a child or young person and 2 from parents or carers)" in texts
    assert "about 2 of the 7 audits completed" in texts


def method_facts(live) -> dict[str, str]:
    method = section(build_paper_context(live.cycle, today=TODAY), "method")
    return dict(next(b for b in method.blocks if isinstance(b, Facts)).pairs)


def method_words(live) -> str:
    method = section(build_paper_context(live.cycle, today=TODAY), "method")
    return " ".join(t for b in method.blocks if isinstance(b, Paragraphs) for t in b.texts)


def test_audits_loaded_without_an_auditor_are_never_credited_to_one(live):
    Audit.objects.filter(pk=live.audits[0].pk).update(auditor=None)
    texts = method_words(live)
    assert (
        "by 1 auditor of the council's children's services, none auditing a case they manage. 1 audit was "
        "loaded from earlier records, which do not say who did it." in texts
    )
    Audit.objects.filter(cycle=live.cycle).update(auditor=None)
    texts = method_words(live)
    assert "7 audits were loaded from earlier records, which do not say who did them." in texts
    assert "in house" not in texts


def test_the_focus_cohorts_reason_comes_from_planning_and_the_qa_lead_may_reword_it(live):
    live.cycle.focus_reason = "Leaving care is to be inspected in the spring"
    live.cycle.save()
    facts = method_facts(live)
    assert facts["Focus cohort"] == "Care leaver: Leaving care is to be inspected in the spring"
    PaperStory.objects.create(cycle=live.cycle, texts={"focus_reason": "Pathway plans were late last year"})
    facts = method_facts(live)
    assert facts["Focus cohort"] == "Care leaver: Pathway plans were late last year"


def test_the_qa_lead_writes_the_words_and_they_survive_new_figures(client, live, personas):
    client.force_login(personas.qa_lead)
    values = form_values(client, live)
    assert values["recommendation"] == "Members are asked to note the report."
    assert values["summary"].startswith("7 of 8 planned audits were completed (88%).")
    values.update(
        committee="Corporate Parenting Panel",
        meeting_on_0="12",
        meeting_on_1="3",
        meeting_on_2="2027",
        compliance_on_0="1",
        compliance_on_1="11",
        compliance_on_2="2026",
        conclusion="Care leavers' plans are better.\n\n- Keep the pathway plan reviews going",
    )
    response = client.post(words_url(live), values, follow=True)
    assert "The paper's words are saved." in page_text(response.content.decode())
    story = PaperStory.objects.get(cycle=live.cycle)
    # Only what differs from the draft is kept: the rest still follows the figures.
    assert set(story.texts) == {"committee", "conclusion"} and story.meeting_on == date(2027, 3, 12)
    assert story.compliance_on == date(2026, 11, 1)
    event = ChangeEvent.objects.get(event="paper.words_saved")
    assert "Care leavers" not in str(event.new)  # its length, never its words

    # New figures: the last audit is submitted. The drafted summary moves; the written words stay.
    last = live.audits[-1]
    last.status, last.auditor_grade, last.completed_on = AuditStatus.SUBMITTED, "good", date(2026, 12, 3)
    last.save()
    paper = build_paper_context(live.cycle, today=TODAY)
    assert section(paper, "summary").blocks[0].texts[0] == "8 of 8 planned audits were completed (100%)."
    assert section(paper, "conclusion").blocks == (
        Paragraphs(("Care leavers' plans are better.",)),
        Bullets(("Keep the pathway plan reviews going",)),
    )
    details = dict(section(paper, "details").blocks[0].pairs)
    assert (details["Committee"], details["Meeting"]) == ("Corporate Parenting Panel", "12 March 2027")
    # The page shows the text as written, and the draft it replaced beside it.
    html = page_text(client.get(words_url(live)).content.decode())
    assert "The draft from today's figures for conclusion" in html


def test_two_people_saving_at_once_never_overwrite_each_other(client, live, personas):
    client.force_login(personas.qa_lead)
    first, second = form_values(client, live), form_values(client, live)
    first["conclusion"] = "The first conclusion."
    assert client.post(words_url(live), first).status_code == 302
    second["conclusion"] = "The second conclusion."
    response = client.post(words_url(live), second)
    assert response.status_code == 409
    text = page_text(response.content.decode())
    assert "changed by someone else after you opened it" in text
    assert "The second conclusion." in text  # what they typed is still on the page
    assert PaperStory.objects.get(cycle=live.cycle).texts["conclusion"] == "The first conclusion."


def test_a_wrong_date_or_an_overlong_text_saves_nothing_and_keeps_what_was_typed(client, live, personas):
    client.force_login(personas.qa_lead)
    values = form_values(client, live)
    values.update(meeting_on_0="31", meeting_on_1="2", meeting_on_2="2027", conclusion="Kept as typed.")
    response = client.post(words_url(live), values)
    text = page_text(response.content.decode())
    assert response.status_code == 200 and "Meeting date must be a real date" in text
    assert "Kept as typed." in text
    values.update(meeting_on_0="", meeting_on_1="", meeting_on_2="", committee="x" * 201)
    text = page_text(client.post(words_url(live), values).content.decode())
    assert "Committee must be 200 characters or fewer" in text
    assert not PaperStory.objects.exists()


def test_words_naming_a_child_are_refused_before_they_reach_members(client, live, personas):
    client.force_login(personas.qa_lead)
    values = form_values(client, live)
    values["conclusion"] = f"See {live.child_ids[0]}, whose plan was late."
    html = client.post(words_url(live), values).content.decode()
    message = "Conclusion names a Child Unique ID: the paper goes to members, so take it out"
    assert f'<a href="#id_conclusion">{message}</a>' in html  # the error summary links to the field
    assert not PaperStory.objects.exists()


@pytest.mark.parametrize("role", ["moderator", "senior_leader", "auditor", "team_manager"])
def test_only_the_qa_lead_edits_the_words(client, live, personas, role):
    client.force_login(getattr(personas, role))
    assert client.get(words_url(live)).status_code == 403
    assert client.post(words_url(live), {"version": "0", "conclusion": "No."}).status_code == 403
    assert not PaperStory.objects.exists()


def test_the_paper_page_links_the_qa_lead_to_the_words(client, live, personas):
    client.force_login(personas.qa_lead)
    html = client.get(reverse("paper:page", args=[live.cycle.pk])).content.decode()
    assert f'href="{words_url(live)}"' in html
    client.force_login(personas.senior_leader)
    html = client.get(reverse("paper:page", args=[live.cycle.pk])).content.decode()
    assert words_url(live) not in html
    assert "Members are asked to note the report." in page_text(html)  # they read the words, drafted
