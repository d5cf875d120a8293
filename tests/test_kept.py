"""A result nobody has kept yet is computed by one process while the others wait for it: eight people opening
the compliance page at once after an import cost one count of the register, not eight."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache

from caseaudit import kept as kept_module
from caseaudit.kept import cache_key, forget_held, kept

pytestmark = pytest.mark.django_db(transaction=True)  # claims are only taken outside a transaction


def _as_text(value: str) -> bytes:
    return value.encode()


def _from_text(data: bytes) -> str:
    return data.decode() if isinstance(data, bytes) else str(data)


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    forget_held()
    cache.clear()
    monkeypatch.setattr(kept_module, "LOOK_EVERY", 0.01)
    yield
    forget_held()


def test_a_result_being_computed_elsewhere_is_waited_for_not_computed_again():
    key = cache_key("test-waited", 1)
    computed = []
    # Another process has claimed the key and is computing; it finishes a moment later.
    assert cache.add(f"{key}:computing", b"1", 60)
    finishing = threading.Timer(0.2, lambda: cache.set(key, b"theirs", 60))
    finishing.start()
    try:
        value = kept(key, lambda: computed.append(1) or "ours", dump=_as_text, load=_from_text)
    finally:
        finishing.join()
    assert value == "theirs"
    assert computed == []


def test_the_first_to_ask_computes_and_releases_its_claim():
    key = cache_key("test-first", 1)
    assert kept(key, lambda: "counted", dump=_as_text, load=_from_text) == "counted"
    assert cache.get(key) == b"counted"
    assert cache.get(f"{key}:computing") is None


def test_a_failed_computation_releases_its_claim_so_the_next_request_tries_again():
    key = cache_key("test-failed", 1)

    def fails() -> str:
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        kept(key, fails, dump=_as_text, load=_from_text)
    assert cache.get(f"{key}:computing") is None
    assert kept(key, lambda: "second try", dump=_as_text, load=_from_text) == "second try"


def test_a_claim_left_by_a_process_that_died_is_waited_out_then_computed_here(monkeypatch):
    monkeypatch.setattr(kept_module, "WAIT_FOR_OTHERS", 0.1)
    key = cache_key("test-died", 1)
    assert cache.add(f"{key}:computing", b"1", 60)  # never released
    assert kept(key, lambda: "computed here", dump=_as_text, load=_from_text) == "computed here"
