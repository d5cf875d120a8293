import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseaudit.core.agreement import agreement_summary, weighted_kappa

# Ten audits on the Ofsted four-point scale, worst first: 0 inadequate, 1 requires improvement, 2 good,
# 3 outstanding. (auditor's grade, moderated grade); the moderator moved three down by one grade.
TEN = [(0, 0), (1, 1), (1, 1), (1, 0), (2, 2), (2, 2), (2, 2), (2, 1), (3, 3), (3, 2)]


def test_hand_checked_linear_kappa():
    # Auditor's grades a = [1, 3, 4, 2] per grade 0..3; moderator's m = [2, 3, 4, 1]. n = 10, k = 4.
    # Linear weights w_ij = |i - j| / 3.
    # Observed: three pairs one step apart: sum w * count = 3 * 1/3 = 1, as a proportion 1/10.
    # Expected, sum over i, j of a_i * m_j * |i - j|:
    #   i=0 (a=1): 3*1 + 4*2 + 1*3 = 14      -> 14
    #   i=1 (a=3): 2*1 + 4*1 + 1*2 = 8       -> 24
    #   i=2 (a=4): 2*2 + 3*1 + 1*1 = 8       -> 32
    #   i=3 (a=2): 2*3 + 3*2 + 4*1 = 16      -> 32
    # total 102, so the expected weighted disagreement is 102 / (3 * 10 * 10) = 0.34.
    # kappa = 1 - 0.1 / 0.34 = 1 - 30/102 = 12/17 = 0.70588...
    assert weighted_kappa(TEN, 4, "linear") == pytest.approx(12 / 17)


def test_hand_checked_quadratic_kappa():
    # Quadratic weights w_ij = (i - j)^2 / 9. Observed: 3 * 1/9 over 10 cases = 3/90.
    # Expected, sum over i, j of a_i * m_j * (i - j)^2:
    #   i=0 (a=1): 3*1 + 4*4 + 1*9 = 28      -> 28
    #   i=1 (a=3): 2*1 + 4*1 + 1*4 = 10      -> 30
    #   i=2 (a=4): 2*4 + 3*1 + 1*1 = 12      -> 48
    #   i=3 (a=2): 2*9 + 3*4 + 4*1 = 34      -> 68
    # total 174, so expected = 174 / (9 * 100). kappa = 1 - (3/90) / (174/900) = 1 - 30/174 = 24/29.
    assert weighted_kappa(TEN, 4, "quadratic") == pytest.approx(24 / 29)


def test_hand_checked_summary():
    assert agreement_summary(TEN) == {
        "n": 10,
        "agreed": 7,
        "agreement_rate": 0.7,
        "moved_up": 0,
        "moved_down": 3,
    }
    assert agreement_summary([(1, 2), (2, 2), (3, 0)]) == {
        "n": 3,
        "agreed": 1,
        "agreement_rate": pytest.approx(1 / 3),
        "moved_up": 1,
        "moved_down": 1,
    }


def test_empty_summary_has_no_rate():
    assert agreement_summary([]) == {
        "n": 0,
        "agreed": 0,
        "agreement_rate": None,
        "moved_up": 0,
        "moved_down": 0,
    }


@pytest.mark.parametrize("weights", ["linear", "quadratic"])
def test_perfect_agreement_is_one(weights):
    assert weighted_kappa([(0, 0), (1, 1), (2, 2), (3, 3), (2, 2)], 4, weights) == 1


def test_complete_reversal_is_below_chance():
    assert weighted_kappa([(0, 3), (3, 0)], 4) == -1


@pytest.mark.parametrize(
    "pairs",
    [
        [],
        [(2, 2)],  # one pair: no spread of grades to compare with chance
        [(2, 2), (2, 2), (2, 2)],  # every case one grade by both: no disagreement expected by chance
    ],
)
def test_undefined_kappa_is_none(pairs):
    assert weighted_kappa(pairs, 4) is None


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="out of range"):
        weighted_kappa([(0, 4), (1, 1)], 4)
    with pytest.raises(ValueError, match="at least two"):
        weighted_kappa([(0, 0), (0, 0)], 1)
    with pytest.raises(ValueError, match="linear"):
        weighted_kappa([(0, 0), (1, 1)], 4, "cubic")  # type: ignore[arg-type]


def _pairs(categories: int):
    grade = st.integers(0, categories - 1)
    return st.lists(st.tuples(grade, grade), min_size=0, max_size=40)


@given(
    st.integers(2, 11).flatmap(lambda k: st.tuples(st.just(k), _pairs(k))),
    st.sampled_from(["linear", "quadratic"]),
)
def test_kappa_is_at_most_one_and_symmetric(case, weights):
    categories, pairs = case
    kappa = weighted_kappa(pairs, categories, weights)
    swapped = weighted_kappa([(j, i) for i, j in pairs], categories, weights)
    if kappa is None:
        assert swapped is None
        return
    assert kappa <= 1 + 1e-12
    assert swapped == pytest.approx(kappa, abs=1e-12)


@given(
    st.integers(2, 6).flatmap(lambda k: st.tuples(st.just(k), _pairs(k))),
    st.sampled_from([("linear", 1), ("quadratic", 2)]),
)
def test_kappa_matches_the_textbook_matrix_formula(case, weights):
    """An independent float computation from the proportion matrices, as textbooks write it, with linear
    (|i - j| / (k - 1)) or quadratic ((i - j)^2 / (k - 1)^2) disagreement weights."""
    categories, pairs = case
    name, power = weights
    n = len(pairs)
    kappa = weighted_kappa(pairs, categories, name)
    if kappa is None:
        return
    observed = [[0.0] * categories for _ in range(categories)]
    for i, j in pairs:
        observed[i][j] += 1 / n
    rows = [sum(r) for r in observed]
    columns = [sum(observed[i][j] for i in range(categories)) for j in range(categories)]
    weight = [
        [(abs(i - j) / (categories - 1)) ** power for j in range(categories)] for i in range(categories)
    ]
    o = sum(weight[i][j] * observed[i][j] for i in range(categories) for j in range(categories))
    e = sum(weight[i][j] * rows[i] * columns[j] for i in range(categories) for j in range(categories))
    assert kappa == pytest.approx(1 - o / e, abs=1e-9)
