"""The hash chain of a log kept as evidence, without Django: how an entry's hash is made from its content
and the hash of the entry before it, and how a run of entries is checked.

An entry's content is a flat mapping of text (and None); it is written as canonical JSON (sorted keys, no
spaces) so the same content always gives the same hash, on any database and in any Python."""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# The hash the first entry of a log follows.
GENESIS = "0" * 64

Content = Mapping[str, str | int | None]


def entry_hash(prev_hash: str, content: Content) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def canonical_address(value: str | None) -> str | None:
    """An IP address as the hash covers it, the same however a database gives it back (PostgreSQL's inet
    and SQLite's text may write an IPv6 address differently): IPv4 dotted, IPv6 in eight full groups."""
    if not value:
        return None
    address = ipaddress.ip_address(value)
    if address.version == 4:
        return str(address)
    groups = address.packed.hex()
    return ":".join(groups[i : i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class Link:
    """One entry as read back: its database id, its place in the chain, its content, and the hashes it
    holds."""

    id: int
    seq: int | None
    content: Content
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Break:
    """Where the chain first fails: the entry's id (or, for a missing entry, the id of the entry found in
    its place) and what is wrong, in words."""

    id: int
    problem: str


def first_break(links: Iterable[Link]) -> Break | None:
    """Walk the entries in `seq` order and return the first that is wrong, missing or out of order."""
    expected_seq, prev = 1, GENESIS
    for link in links:
        if link.seq is None:
            return Break(link.id, "has no place in the chain")
        if link.seq > expected_seq:
            missing = (
                f"entry {expected_seq} is"
                if link.seq == expected_seq + 1
                else f"entries {expected_seq} to {link.seq - 1} are"
            )
            return Break(link.id, f"comes after a gap: {missing} missing")
        if link.seq < expected_seq:
            return Break(link.id, f"is out of order: place {link.seq} where {expected_seq} was expected")
        if link.prev_hash != prev:
            return Break(link.id, "does not follow the entry before it (out of order, or one was removed)")
        if entry_hash(link.prev_hash, link.content) != link.hash:
            return Break(link.id, "has been changed since it was written")
        expected_seq, prev = expected_seq + 1, link.hash
    return None
