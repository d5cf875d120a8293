"""Cohorts of children's cases and the order of need between them."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Highest need first. A child on several Annex A lists has one case, in the highest-need cohort that is
# open (docs/domain.md#cohort-precedence): a care leaver who is also on the CIN list is a care-leaver case.
COHORTS: tuple[tuple[str, str], ...] = (
    ("care-leaver", "Care leaver"),
    ("looked-after", "Looked after child"),
    ("child-protection", "Child protection"),
    ("child-in-need", "Child in need"),
    ("early-help", "Early help"),
)
COHORT_SLUGS = tuple(slug for slug, _ in COHORTS)
COHORT_LABELS = dict(COHORTS)
_PRECEDENCE = {slug: rank for rank, (slug, _) in enumerate(COHORTS)}

# What people type in spreadsheets, after normalising: labels, abbreviations and old names.
COHORT_ALIASES = {
    **{re.sub(r"[^a-z0-9]", "", slug): slug for slug in COHORT_SLUGS},
    **{re.sub(r"[^a-z0-9]", "", label.lower()): slug for slug, label in COHORTS},
    "careleavers": "care-leaver",
    "leavingcare": "care-leaver",
    "cl": "care-leaver",
    "lookedafter": "looked-after",
    "lookedafterchildren": "looked-after",
    "childincare": "looked-after",
    "childrenincare": "looked-after",
    "cla": "looked-after",
    "lac": "looked-after",
    "cic": "looked-after",
    "cp": "child-protection",
    "cpplan": "child-protection",
    "childprotectionplan": "child-protection",
    "cin": "child-in-need",
    "childreninneed": "child-in-need",
    "eh": "early-help",
}


def parse_cohort(text: str) -> str | None:
    """The cohort slug for a slug, label or common abbreviation (any case or spacing), else None."""
    return COHORT_ALIASES.get(re.sub(r"[^a-z0-9]", "", text.lower()))


def precedence(slug: str) -> int:
    """0 for the highest need (care leaver) up to 4 (early help)."""
    return _PRECEDENCE[slug]


def highest_need(slugs: Iterable[str]) -> str:
    """The highest-need cohort among `slugs` (which must not be empty)."""
    return min(slugs, key=precedence)
