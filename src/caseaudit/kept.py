"""Results worth keeping between requests: computed once, then shared by every process of the service.

A result is kept twice: in Django's cache, which is the database's table `caseaudit_cache` (created by
`caseaudit migrate`), so that every gunicorn worker on every machine finds what one of them computed; and in
the memory of the process that read it last, so that the next request in that process reads nothing.

The key names everything the result depends on (a fingerprint of the data, the date, the rules), so a kept
result is never out of date: when anything it depends on changes, so does the key, and the old entry is
never asked for again (it expires after `timeout`). Losing the cache (clearing the table) costs one
computation, never a wrong answer."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.cache import cache

T = TypeVar("T")

DAY = 24 * 60 * 60
# Results held in each process's memory, most recently used kept: a few dates and scopes, never the history.
HELD_PER_PROCESS = 16

_held: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


def cache_key(name: str, *parts: object) -> str:
    """A short key for `name` and everything the result depends on (the cache limits keys to 250 characters,
    and the parts need not be safe to store as text)."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"{name}:{digest}"


def kept(
    key: str,
    compute: Callable[[], T],
    *,
    dump: Callable[[T], bytes],
    load: Callable[[bytes], T],
    timeout: int = DAY,
) -> T:
    """The result kept under `key`: from this process's memory, else from the shared cache, else computed
    by `compute()` and stored (as `dump` makes it bytes; `load` reads it back)."""
    with _lock:
        if key in _held:
            _held.move_to_end(key)
            return cast(T, _held[key])
    stored = cache.get(key)
    if stored is None:
        value = compute()
        cache.set(key, dump(value), timeout)
    else:
        value = load(stored)
    with _lock:
        _held[key] = value
        while len(_held) > HELD_PER_PROCESS:
            _held.popitem(last=False)
    return value


def forget_held() -> None:
    """Empty this process's memory of kept results (the shared cache is left alone): for tests."""
    with _lock:
        _held.clear()
