"""What the access-log entry of a list says it showed. A page listing children's records is one read, so it
is one entry (`record_access(user, "view", "case-list", "", shown(...))`), and its detail says enough to
tell which records were on the screen: how many rows of how many, which page, and the filters that chose
them. It never holds a child's name: the register's search box takes any text, so a search is written
down only when the text has the shape of a Child Unique ID (see `searched_for`)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.paginator import Page

from caseaudit.core.register import CHILD_ID_PATTERN

_CHILD_ID = re.compile(CHILD_ID_PATTERN)
# A name has no digits; every Child Unique ID a case management system gives has some. Text without one is
# treated as a possible name, and left out of the log.
_DIGIT = re.compile(r"\d")
OTHER_SEARCH = "other text (not recorded)"


def shown(
    noun: str, count: int, *, page: Page | None = None, filters: Mapping[str, object] | None = None
) -> str:
    """The rows on the page (or all `count` of them when the list is on one page) and the filters that are
    set, in the order given: "50 of 230 cases, page 1 of 5; status closed, cohort care-leaver"."""
    if count == 1 and noun.endswith("s"):
        noun = noun.removesuffix("s")
    if page is not None and page.paginator.num_pages > 1:
        text = f"{len(page.object_list)} of {count} {noun}, page {page.number} of {page.paginator.num_pages}"
    else:
        text = f"{count} {noun}"
    chosen = [f"{name} {value}" for name, value in (filters or {}).items() if value not in ("", None)]
    return f"{text}; {', '.join(chosen)}" if chosen else text


def searched_for(text: str) -> str:
    """What a search is logged as: the Child Unique ID searched for, or, for text that could be a name (no
    digit in it, or characters no Child Unique ID has), only that other text was searched for."""
    text = text.strip()
    if not text:
        return ""
    if _CHILD_ID.fullmatch(text) and _DIGIT.search(text):
        return f'Child Unique ID "{text}"'
    return OTHER_SEARCH
