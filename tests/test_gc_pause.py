"""The cyclic garbage collector is paused for bulk work and always switched back on after it."""

from __future__ import annotations

import gc

import pytest

from caseaudit.gc_pause import gc_paused


@pytest.fixture(autouse=True)
def _collector_on():
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_paused_inside_and_on_again_after_even_when_the_work_fails():
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("the work failed")
    assert gc.isenabled()


def test_a_nested_pause_leaves_the_collector_as_the_outermost_found_it():
    @gc_paused()
    def inner() -> bool:
        return gc.isenabled()

    with gc_paused():
        assert inner() is False
        assert not gc.isenabled()  # still paused: the inner pause ended inside the outer one
    assert gc.isenabled()


def test_a_collector_already_off_is_left_off():
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()
