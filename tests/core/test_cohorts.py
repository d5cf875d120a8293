import pytest

from caseaudit.cases.models import Cohort
from caseaudit.core.cohorts import COHORTS, highest_need, parse_cohort


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("care-leaver", "care-leaver"),
        ("Care Leaver", "care-leaver"),
        (" care leavers ", "care-leaver"),
        ("CLA", "looked-after"),
        ("Looked After Child", "looked-after"),
        ("CP", "child-protection"),
        ("child_protection", "child-protection"),
        ("CIN", "child-in-need"),
        ("Child in need", "child-in-need"),
        ("Early Help", "early-help"),
    ],
)
def test_cohort_from_slug_label_or_abbreviation(text, slug):
    assert parse_cohort(text) == slug


@pytest.mark.parametrize("text", ["", "adoption", "care", "leaver-care-x"])
def test_unknown_cohort_is_none(text):
    assert parse_cohort(text) is None


def test_highest_need_order_is_the_domain_order():
    assert highest_need(["early-help", "child-in-need"]) == "child-in-need"
    assert highest_need(["child-in-need", "child-protection"]) == "child-protection"
    assert highest_need(["child-protection", "looked-after"]) == "looked-after"
    assert highest_need(["looked-after", "care-leaver", "early-help"]) == "care-leaver"


def test_model_choices_mirror_the_core():
    assert tuple(Cohort.choices) == COHORTS
