"""A cycle's sample in Child Unique ID order, kept between requests for the cycle page's list.

Sorting a cycle's audits by their cases' Child Unique IDs follows a join: for a cycle of 17,000 audits it
is most of the page's database time, on every page of the list. The order changes only when audits join or
leave the sample (a Child Unique ID never changes), so it is kept under the sample's count and highest id,
which one query over the sample's index gives, and which the page needs anyway for its count. An audit's
id is never used again (AUTOINCREMENT on SQLite, a sequence on PostgreSQL), so a sample that lost one audit
and gained another still has a new highest id. The cycle's creation time is in the key too: a database
emptied and filled again (a test's) gives its first cycle the same id, never the same moment."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Max

from caseaudit.kept import cache_key, kept

from .models import Cycle


@dataclass(frozen=True)
class SampleOrder:
    count: int  # audits in the sample
    ordered: Callable[
        [], Sequence[int]
    ]  # their ids in Child Unique ID order, read only when a page needs them


def sample_order(cycle: Cycle) -> SampleOrder:
    found = cycle.audits.order_by().aggregate(n=Count("pk"), last=Max("pk"))
    key = cache_key("cycle-sample-order", cycle.pk, cycle.created_at.isoformat(), found["n"], found["last"])

    def ordered() -> Sequence[int]:
        return kept(key, lambda: _ids(cycle), dump=lambda ids: array("q", ids).tobytes(), load=_from_bytes)

    return SampleOrder(count=found["n"], ordered=ordered)


def _ids(cycle: Cycle) -> list[int]:
    return list(cycle.audits.order_by("case__child_id").values_list("pk", flat=True))


def _from_bytes(data: bytes) -> Sequence[int]:
    ids = array("q")
    ids.frombytes(data)
    return ids
