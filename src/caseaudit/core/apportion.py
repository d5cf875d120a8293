"""Sharing a whole number out in proportion: the largest-remainder (Hamilton) method."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Whole shares of `total` in proportion to `weights`, summing to `total`: floor every exact share,
    then give the units left, one each, to the largest remainders. Ties go to the larger weight, then to
    the earlier position, so a caller decides the last tie by the order it passes.

    The same rule prints percentages that add up to 100 (docs/domain.md#percentages: 5 of 13 is 39%, not
    38%). Exact fractions, so that no float rounding ever decides a tie. All weights zero: all shares zero."""
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("total and weights must not be negative")
    weight = sum(weights)
    if weight == 0:
        return [0] * len(weights)
    exact = [Fraction(total * w, weight) for w in weights]
    shares = [int(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), -weights[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares
