"""The GOV.UK pagination component's items for a Django Page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page


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
