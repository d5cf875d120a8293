"""How the panels say a deadline."""

from __future__ import annotations

from datetime import date

from django.utils.dateformat import format as format_date

from ..panel import plural


def long_date(day: date) -> str:
    return format_date(day, "j F Y")


def due_note(due_on: date, today: date) -> str:
    """The deadline in words: "Due on 4 December 2026", or "Due 3 days ago, on 1 December 2026" (beside
    the "Late" tag, which says the rest)."""
    if due_on < today:
        return f"Due {plural((today - due_on).days, 'day')} ago, on {long_date(due_on)}"
    if due_on == today:
        return "Due today"
    return f"Due on {long_date(due_on)}"
