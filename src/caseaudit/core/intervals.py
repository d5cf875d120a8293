"""How sure a share from a small sample is: the Wilson score interval."""

from __future__ import annotations

import math

# The normal quantile for a two-sided 95% interval.
Z_95 = 1.959963984540054


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion (Wilson 1927; recommended over the normal approximation for
    small samples and shares near 0 or 1 by Brown, Cai and DasGupta 2001). The example of
    docs/domain.md#small-samples: 6 of 13 is 46%, but the 95% interval runs from 23% to 71%. No trials, no
    interval."""
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and the number of trials")
    if trials == 0:
        return None
    share = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (share + z2 / (2 * trials)) / denominator
    half_width = z * math.sqrt(share * (1 - share) / trials + z2 / (4 * trials * trials)) / denominator
    # Exactly 0 of n has a lower bound of 0, and n of n an upper bound of 1; floats would miss by a hair.
    low = 0.0 if successes == 0 else max(0.0, centre - half_width)
    high = 1.0 if successes == trials else min(1.0, centre + half_width)
    return low, high
