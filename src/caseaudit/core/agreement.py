"""How far moderators agree with auditors: agreement rates, moves up and down, and Cohen's weighted kappa.

Grades are ordinal indexes on their scale, worst first (0 = the worst grade, k - 1 the best), as grade
scales store them (docs/domain.md#grades). A pair is (auditor's grade, moderated grade)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Literal, TypedDict

Weights = Literal["linear", "quadratic"]


def _disagreement_weight(i: int, j: int, categories: int, weights: Weights) -> Fraction:
    distance = Fraction(abs(i - j), categories - 1)
    return distance if weights == "linear" else distance * distance


def weighted_kappa(
    pairs: Sequence[tuple[int, int]], categories: int, weights: Weights = "linear"
) -> float | None:
    """Cohen's weighted kappa (Cohen 1968, "Weighted kappa: nominal scale agreement with provision for
    scaled disagreement or partial credit", Psychological Bulletin 70(4)) between two raters who graded
    the same cases on an ordinal scale of `categories` points:

        kappa_w = 1 - sum(w_ij * o_ij) / sum(w_ij * e_ij)

    where o_ij is the proportion of cases the first rater put in grade i and the second in grade j,
    e_ij = (row total i) * (column total j) is the proportion expected by chance from each rater's own
    spread of grades, and w_ij the disagreement weight: |i - j| / (k - 1) ("linear") or its square
    ("quadratic"), so that a grade one step apart counts less than a grade three steps apart.

    1 is perfect agreement, 0 agreement no better than chance, below 0 worse than chance. None when it
    is undefined: fewer than two pairs, or no disagreement expected by chance (both raters gave every
    case the same single grade). Exact fractions inside, so the result does not depend on the order of
    the pairs."""
    if categories < 2:
        raise ValueError("a scale has at least two grades")
    if weights not in ("linear", "quadratic"):
        raise ValueError(f"weights are 'linear' or 'quadratic', not {weights!r}")
    for i, j in pairs:
        if not (0 <= i < categories and 0 <= j < categories):
            raise ValueError(f"grade index out of range 0..{categories - 1}: {(i, j)}")
    n = len(pairs)
    if n < 2:
        return None
    rows = [0] * categories
    columns = [0] * categories
    observed = Fraction(0)
    for i, j in pairs:
        rows[i] += 1
        columns[j] += 1
        observed += _disagreement_weight(i, j, categories, weights)
    # Both sums are scaled by n (observed) and n * n (expected) rather than turned into proportions.
    expected = sum(
        (
            _disagreement_weight(i, j, categories, weights) * rows[i] * columns[j]
            for i in range(categories)
            for j in range(categories)
        ),
        Fraction(0),
    )
    if expected == 0:
        return None
    return float(1 - (observed / n) / (expected / (n * n)))


class AgreementSummary(TypedDict):
    n: int
    agreed: int
    agreement_rate: float | None  # agreed / n; None when n is 0
    moved_up: int  # the moderator graded better than the auditor
    moved_down: int  # the moderator graded worse than the auditor


def agreement_summary(pairs: Sequence[tuple[int, int]]) -> AgreementSummary:
    """Counts for (auditor, moderated) grade pairs, worst grade first: how many the moderator agreed,
    and how many they moved up (a better grade, a higher index) or down."""
    agreed = sum(1 for i, j in pairs if i == j)
    return {
        "n": len(pairs),
        "agreed": agreed,
        "agreement_rate": agreed / len(pairs) if pairs else None,
        "moved_up": sum(1 for i, j in pairs if j > i),
        "moved_down": sum(1 for i, j in pairs if j < i),
    }
