"""The paper's sections made of the QA lead's words (story.py): the report's details, the recommendation to
members, the summary, the conclusion and the implications."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .model import Block, Facts, Paragraphs, Section, Subheading
from .story import LABELS, text_blocks
from .words import long_date

DETAILS = ("authority", "committee", "report_of", "author", "classification")
IMPLICATIONS = ("financial", "legal", "equalities", "safeguarding")


def details_section(story: Mapping[str, str], *, meeting_on: date | None, dated: date) -> Section:
    """The front matter a council paper opens with; a detail nobody has given is left out."""
    pairs = [(LABELS[key], story[key]) for key in DETAILS[:2] if story[key]]
    if meeting_on:
        pairs.append(("Meeting", long_date(meeting_on)))
    pairs += [(LABELS[key], story[key]) for key in DETAILS[2:] if story[key]]
    pairs.append(("Paper dated", long_date(dated)))
    return Section("details", "Report details", (Facts(tuple(pairs)),))


def words_section(slug: str, heading: str, text: str) -> Section:
    return Section(slug, heading, text_blocks(text) or (Paragraphs(("None given.",)),))


def implications_section(story: Mapping[str, str]) -> Section:
    blocks: list[Block] = []
    for key in IMPLICATIONS:
        blocks += [Subheading(LABELS[key].removesuffix(" implications")), *text_blocks(story[key])]
    return Section("implications", "Implications", tuple(blocks))
