"""The GOV.UK pagination component's items for a Django Page, and a sequence to page through in an order the
database must sort."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, overload

from django.core.paginator import Page
from django.db.models import Model, QuerySet
from django.db.models.expressions import OrderBy

M = TypeVar("M", bound=Model)


def pagination(page: Page, href: Callable[[int], str]) -> dict[str, Any] | None:
    """First, last, the current page and its neighbours, with ellipses between; `href` gives each page's
    link. None when everything fits on one page."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return None
    current = page.number
    shown = sorted({1, paginator.num_pages, current - 1, current, current + 1} & set(paginator.page_range))
    items: list[dict[str, Any]] = []
    previous = 0
    for number in shown:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == current})
        previous = number
    return {
        "items": items,
        "previous": href(current - 1) if page.has_previous() else None,
        "next": href(current + 1) if page.has_next() else None,
    }


def page_links(base_url: str) -> Callable[[int], str]:
    """Links that carry the page's own address, so they work from a re-rendered form."""
    return lambda number: base_url if number == 1 else f"{base_url}?page={number}"


class SortedNarrow(Sequence[M]):
    """`rows` in `order`, as Django's Paginator reads them, for an order the database must sort (it
    follows a join): a page's ids are sorted alone, two narrow columns, then only that page's rows are read
    whole, with what `rows` selects beside them. Sorting the ids rather than the wide rows keeps a page of a
    cycle's 17,000 audits in a few milliseconds; the page still takes the same queries (a count, then one)."""

    def __init__(
        self,
        rows: QuerySet[M],
        *order: str | OrderBy,
        read: QuerySet[M] | None = None,
        count: Callable[[], int] | None = None,
        ordered: Callable[[], Sequence[int]] | None = None,
    ) -> None:
        """`read` reads the page's rows by id (with what it selects beside them): without `rows`' filters,
        which the ids have already applied, so the database does not apply them twice. `count` counts the
        rows where that is cheaper than counting them (a count kept between requests). `ordered` gives every
        row's id in `order` where that is cheaper than sorting them (an order kept between requests)."""
        self.rows, self.order = rows, order
        self.read = rows.model._default_manager.all() if read is None else read
        self.counted = count or self.rows.order_by().count
        self.ordered = ordered

    def __len__(self) -> int:
        # The paginator asks once, and keeps the answer.
        return self.counted()

    @overload
    def __getitem__(self, index: int) -> M: ...
    @overload
    def __getitem__(self, index: slice) -> list[M]: ...
    def __getitem__(self, index: int | slice) -> M | list[M]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        ids = self.ordered()[index] if self.ordered else self.rows.order_by(*self.order).values("pk")[index]
        return list(self.read.filter(pk__in=ids).order_by(*self.order))
