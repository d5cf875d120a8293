"""Pausing Python's cyclic garbage collector while a piece of work makes a great many objects at once.

Planning a cycle over a register, or checking its compliance, turns hundreds of thousands of rows into
Python tuples. The cyclic collector runs after every few hundred new objects, and each of its full passes
walks every object alive: a million new tuples make it walk the whole growing heap again and again, which
took a third of the planner's time at 300,000 cases and more at a million. None of these objects form
cycles, which is all that collector is for: reference counting frees them as always. So the work runs with
it paused, and it is switched back on (if it was on) however the work ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """As a `with` block or a decorator. Nested pauses leave the collector as the outermost found it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
