"""What the committee paper's tests share: a cycle as the QA team runs it (paper_builders.py)."""

from __future__ import annotations

import pytest

from .paper_builders import LiveCycle, build_live_cycle


@pytest.fixture
def live(personas) -> LiveCycle:
    return build_live_cycle(personas)
