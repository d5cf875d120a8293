"""Sharing a whole number out in proportion: the largest-remainder (Hamilton) method, and the percentages
printed from it, where equal counts always get equal percentages."""

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


def whole_percentages(counts: Sequence[int]) -> list[int]:
    """Whole percentages of `counts` by the largest remainder, except that equal counts always print the
    same: where the points left run out part-way through a set of equal counts, the whole set rounds up or
    down together, whichever leaves the row nearer 100, and down when both are as near. The row may then sum
    to 99 or 101 (1, 1, 1 is 33, 33, 33; 4, 4, 3 is 36, 36, 27), which the table says.

    The points go to the largest remainders first; between unequal counts with the same remainder, to the
    larger count. Nothing depends on the order the counts come in, so no grade is favoured for its place.
    All counts zero: all zero."""
    if any(c < 0 for c in counts):
        raise ValueError("counts must not be negative")
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    exact = {c: Fraction(100 * c, total) for c in set(counts)}
    floors = {c: int(share) for c, share in exact.items()}
    left = 100 - sum(floors[c] for c in counts)
    up: set[int] = set()
    for count in sorted(exact, key=lambda c: (-(exact[c] - floors[c]), -c)):
        if left <= 0:
            break
        alike = sum(1 for c in counts if c == count)
        if alike > left:
            # The points run out within equal counts: all of them up if that is nearer 100 than all down.
            if alike - left < left:
                up.add(count)
            break
        up.add(count)
        left -= alike
    return [floors[c] + (c in up) for c in counts]
