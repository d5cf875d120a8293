"""A history as most authorities kept it: the moderated grade alone, from an external provider. It loads,
gives the same tables, and the paper says agreement was not recorded rather than claiming it."""

from __future__ import annotations

from datetime import date

import pytest

from caseaudit.audits.models import Audit
from caseaudit.cycles.models import Cycle
from caseaudit.reports.paper.context import build_paper_context
from caseaudit.reports.paper.model import Paragraphs, Table

from .grade_history import load_three_years, moderated_only_rows

pytestmark = pytest.mark.django_db
PROVIDER = "Northern Audit Partners"


@pytest.fixture
def paper(tmp_path):
    load_three_years(
        tmp_path,
        header="child_id,cohort,audit_date,moderated_grade,auditor_organisation,cycle",
        rows=moderated_only_rows(PROVIDER),
    )
    return build_paper_context(Cycle.objects.get(name="Autumn 2021"), today=date(2021, 12, 10))


def words(paper, slug: str) -> str:
    return " ".join(t for b in paper.section(slug).blocks if isinstance(b, Paragraphs) for t in b.texts)


def test_the_audits_load_with_the_auditors_grade_not_recorded_and_the_provider_kept(paper):
    audits = Audit.objects.all()
    assert audits.count() == 47
    assert set(audits.values_list("status", "auditor_grade", "auditor_organisation").distinct()) == {
        ("moderated", "", PROVIDER)
    }


def test_the_tables_are_the_same_as_from_the_full_history(paper):
    years = next(b for b in paper.section("tables").blocks if isinstance(b, Table))
    assert ("2019", "Care leaver", "13", "0", "2 (15%)", "5 (39%)", "6 (46%)") in years.rows
    assert ("2021", "Care leaver", "12", "0", "2 (17%)", "7 (58%)", "3 (25%)") in years.rows


def test_agreement_is_not_recorded_rather_than_perfect(paper):
    assert "not recorded" in words(paper, "moderation")
    assert not [b for b in paper.section("moderation").blocks if isinstance(b, Table)]
    assert "agreed" not in words(paper, "summary")
    assert "For 14 audits loaded from earlier records, which kept only the moderated grade" in words(
        paper, "method"
    )
    assert "no audit of this cycle has both grades" in words(paper, "appendix")


def test_the_method_names_the_provider_who_did_the_audits(paper):
    assert f"14 audits were done by {PROVIDER}." in words(paper, "method")
    assert "in house" not in words(paper, "method")
