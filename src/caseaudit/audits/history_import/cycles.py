"""Past audits may name the cycle they belonged to, recorded first with `record-cycle`. The cycles app sits
above this one, so it hands down, at start-up (CyclesConfig.ready), the function that lists every cycle as
(id, name); until then no name is known and every audit is kept without a cycle."""

from __future__ import annotations

from collections.abc import Callable, Iterable

CycleNames = Callable[[], Iterable[tuple[int, str]]]


def _none() -> Iterable[tuple[int, str]]:
    return ()


_cycle_names: CycleNames = _none


def register_cycle_names(lookup: CycleNames) -> None:
    global _cycle_names  # one lookup, set once at start-up
    _cycle_names = lookup


def cycle_names() -> Iterable[tuple[int, str]]:
    return _cycle_names()
