"""Figures in the committee paper that nobody in the meeting has to query: agreement in words with kappa
only from 20 moderated audits, a cohort nobody audited said so, no paper at all for a cycle with no audit
completed, and what the follow-up audits found since the last paper."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from caseaudit.audits.moderation import AgreementRow
from caseaudit.core.grade_tables import GradeRow
from caseaudit.improvement.models import Action, FollowUp, FollowUpItem, FollowUpStatus
from caseaudit.reports.models import PaperVersion
from caseaudit.reports.paper.context import build_paper_context
from caseaudit.reports.paper.model import Paragraphs
from caseaudit.reports.paper.sections import _cells, _kappa
from caseaudit.reports.paper_store import store_file

from ..cycles.builders import make_cycle
from .paper_builders import TODAY, build_live_cycle

pytestmark = pytest.mark.django_db

GRADES = ("inadequate", "requires-improvement", "good", "outstanding")


def agreement(n: int, kappa: float | None) -> AgreementRow:
    return AgreementRow(None, "", n, n - 1, None, 1, 0, kappa, overall=True)


def test_kappa_is_given_only_from_twenty_moderated_audits():
    assert _kappa(agreement(19, 0.71)) == (
        "Agreement beyond chance (Cohen's kappa) is given from 20 moderated audits; this cycle has 19, too "
        "few for it to mean much. The method section gives the agreement in words."
    )
    assert _kappa(agreement(20, 0.71)).endswith(
        "(Cohen's weighted kappa, linear weights) was 0.71: substantial agreement."
    )


def words(paper, slug: str) -> str:
    return " ".join(t for b in paper.section(slug).blocks if isinstance(b, Paragraphs) for t in b.texts)


def test_agreement_is_in_words_and_kappa_in_the_appendix(personas):
    paper = build_paper_context(build_live_cycle(personas).cycle, today=TODAY)
    method = " ".join(t for b in paper.section("method").blocks if isinstance(b, Paragraphs) for t in b.texts)
    assert "kappa" not in method
    appendix = " ".join(
        t for b in paper.section("appendix").blocks if isinstance(b, Paragraphs) for t in b.texts
    )
    assert "this cycle has 6, too few for it to mean much" in appendix


def test_a_cohort_nobody_audited_says_so_rather_than_a_row_of_noughts():
    nobody = GradeRow("2026", "child-protection", GRADES, (0, 0, 0, 0))
    assert _cells(nobody) == ("None audited", "—", "—", "—", "—")
    assert _cells(GradeRow("2026", "care-leaver", GRADES, (0, 1, 1, 0)))[:3] == ("2", "0", "1 (50%)")


@pytest.fixture
def nothing_done(personas):
    return make_cycle([personas.own_case, personas.other_case], name="Spring 2027")


def test_a_cycle_with_no_audit_completed_has_no_paper(client, personas, nothing_done):
    client.force_login(personas.qa_lead)
    page = client.get(reverse("paper:page", args=[nothing_done.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "No audits completed yet" in text
    assert "No audit in Spring 2027 is completed yet." in text
    assert "Download the draft" not in text
    assert client.get(reverse("paper:download", args=[nothing_done.pk, "pdf"])).status_code == 404
    regenerate = client.post(
        reverse("paper:regenerate", args=[nothing_done.pk]), {"grade_source": "moderated"}
    )
    assert regenerate.status_code == 409
    assert not PaperVersion.objects.exists()
    with pytest.raises(CommandError, match="No audit in Spring 2027 is completed yet"):
        call_command("report", "paper", "--cycle", "Spring 2027", "--format", "html", stdout=io.StringIO())


def issued_paper(cycle, issued_at):
    """An issued paper of `cycle`, made directly with stand-in files."""
    files = {}
    for fmt in ("pdf", "docx"):
        stored = store_file(cycle.pk, fmt, b"stand-in")
        files.update({f"{fmt}_name": stored.name, f"{fmt}_size": stored.size, f"{fmt}_sha256": stored.sha256})
    return PaperVersion.objects.create(
        cycle=cycle,
        state="issued",
        number=1,
        issued_at=issued_at,
        grade_source="moderated",
        dated=issued_at.date(),
        rendered_at=issued_at,
        **files,
    )


def test_the_follow_up_section_says_what_got_done_since_the_last_paper(personas):
    live = build_live_cycle(personas)
    earlier = make_cycle([], name="Spring 2026", season="spring", year=2026)
    issued_paper(earlier, timezone.make_aware(datetime(2026, 6, 15, 10)))
    open_actions = list(Action.objects.filter(kind="action", status="open"))
    follow_up = FollowUp.objects.create(
        case=open_actions[0].case,
        auditor=personas.auditor,
        due_on=date(2026, 12, 5),
        status=FollowUpStatus.COMPLETED,
        completed_at=timezone.make_aware(datetime(2026, 12, 4, 12)),
    )
    FollowUpItem.objects.create(follow_up=follow_up, action=open_actions[0], done=True)
    FollowUpItem.objects.create(follow_up=follow_up, action=open_actions[1], done=False)
    section = build_paper_context(live.cycle, today=TODAY).section("follow-up")
    texts = section.blocks[0].texts  # type: ignore[union-attr]
    assert (
        texts[0] == "Since the last committee paper was issued on 15 June 2026, across every cycle's actions."
    )
    assert texts[1] == "1 follow-up audit found 1 of the 2 actions it checked done (50%); 1 was reopened."
    rows = dict(section.blocks[1].rows)  # type: ignore[union-attr]
    # One action of the live cycle was due on 1 December and is still open.
    assert (rows["Follow-up audits completed"], rows["Actions overdue today"]) == ("1", "1")


def test_without_an_earlier_paper_progress_is_counted_from_the_cycles_first_day(personas):
    live = build_live_cycle(personas)
    texts = build_paper_context(live.cycle, today=TODAY).section("follow-up").blocks[0].texts  # type: ignore[union-attr]
    start = live.cycle.starts_on
    assert texts == (
        f"Since the cycle began on {start.day} {start:%B %Y}, across every cycle's actions.",
        "No follow-up audit was completed in this time.",
    )
