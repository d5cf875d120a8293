"""Checking a log's hash chain from its first entry to its last, a chunk at a time (a log of millions of
entries is never held in memory)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import F

from .chain import Break, Link, first_break
from .models import ChainedEntry


@dataclass(frozen=True)
class Verdict:
    count: int  # entries read (up to the break, if there is one)
    broken: Break | None


def verify(model: type[ChainedEntry], chunk_size: int = 5000) -> Verdict:
    read = 0

    def links() -> Iterator[Link]:
        nonlocal read
        # An entry without a place comes first, so it is reported, on either database.
        entries = model._default_manager.order_by(F("seq").asc(nulls_first=True), "pk")
        for entry in entries.only("seq", *model.CHAINED_FIELDS, "prev_hash", "hash").iterator(chunk_size):
            read += 1
            yield Link(entry.pk, entry.seq, entry.chain_content(), entry.prev_hash, entry.hash)

    broken = first_break(links())
    return Verdict(read, broken)
