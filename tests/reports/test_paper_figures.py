"""Figures in the committee paper that nobody in the meeting has to query: agreement in words with kappa
only from 20 moderated audits, a cohort nobody audited said so, and no paper at all for a cycle with no
audit completed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from caseaudit.audits.moderation import AgreementRow
from caseaudit.core.grade_tables import GradeRow
from caseaudit.reports.models import PaperVersion
from caseaudit.reports.paper.context import build_paper_context
from caseaudit.reports.paper.model import Paragraphs
from caseaudit.reports.paper.sections import _cells, _kappa

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
