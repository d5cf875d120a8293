"""Lists a page at a time: every list of the API takes `page` and `page_size` (at most MOST_A_PAGE) and
answers with the total, so a script knows how many pages to ask for."""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil

from ninja import Field, Schema

MOST_A_PAGE = 500


class PageAsked(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(100, ge=1, le=MOST_A_PAGE)

    @property
    def start(self) -> int:
        """The index of the page's first item."""
        return (self.page - 1) * self.page_size


def paged(asked: PageAsked, total: int, items: Sequence[object]) -> dict[str, object]:
    """One page of a list of `total` items: `items` are the page's own."""
    return {
        "total": total,
        "page": asked.page,
        "page_size": asked.page_size,
        "pages": ceil(total / asked.page_size) if total else 0,
        "items": list(items),
    }
