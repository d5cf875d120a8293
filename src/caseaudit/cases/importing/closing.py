"""The cases a full import would close, and when closing them needs the importer's explicit say-so.

A full import closes every open case the file does not list. A truncated extract would close much of the
register, and a case closed while it sits in a live cycle's sample leaves an audit that cannot be done, so
either needs a person to agree: `--allow-close` on the command line, the confirmation box on the page.

Which cases are in a planned or in-progress cycle's sample is a question for the cycles app, above this one;
it hands the answer down at start-up (`register_live_sample_cases`, called from `cycles.apps`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import polars as pl

# Closing more than this share of the open register needs the importer's explicit say-so.
CLOSE_SHARE_LIMIT = 0.10

LiveSampleCases = Callable[[Iterable[int]], set[int]]
_live_sample_cases: LiveSampleCases | None = None


def register_live_sample_cases(finder: LiveSampleCases) -> None:
    """Handed down by the cycles app: of these case ids, those in a planned or in-progress sample."""
    global _live_sample_cases
    _live_sample_cases = finder


@dataclass(frozen=True)
class ClosingCase:
    child_id: str
    in_live_sample: bool


def cases_to_close(close: pl.DataFrame) -> list[ClosingCase]:
    """The plan's cases to close, by Child Unique ID, those in a live sample first."""
    ids = close["_id"].to_list()
    live = _live_sample_cases(ids) if _live_sample_cases and ids else set()
    cases = [
        ClosingCase(child_id, case_id in live)
        for case_id, child_id in zip(ids, close["child_id"].to_list(), strict=True)
    ]
    return sorted(cases, key=lambda c: (not c.in_live_sample, c.child_id))


def needs_say_so(closing: list[ClosingCase], open_before: int) -> bool:
    """Closing any case of a live sample, or more than CLOSE_SHARE_LIMIT of the open register."""
    return any(c.in_live_sample for c in closing) or len(closing) > CLOSE_SHARE_LIMIT * open_before
