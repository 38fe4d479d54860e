"""Metrics: pass@k edge cases and hand-computed values, accuracy and averages."""

import math
import time

import pytest

from evaluations.scoring.metrics import accuracy, macro_average, micro_average, pass_at_k


def test_pass_at_k_is_zero_when_no_sample_passed():
    assert pass_at_k(10, 0, 1) == 0.0
    assert pass_at_k(10, 0, 5) == 0.0


def test_pass_at_k_is_one_when_every_sample_passed():
    assert pass_at_k(10, 10, 1) == 1.0
    assert pass_at_k(1, 1, 1) == 1.0


def test_pass_at_k_is_one_when_fewer_failures_than_k():
    assert pass_at_k(10, 8, 3) == 1.0  # n - c = 2 < k = 3


def test_pass_at_1_equals_the_fraction_of_passing_samples():
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3, abs=1e-12)


def test_pass_at_2_matches_the_binomial_formula_by_hand():
    # 1 - C(3,2)/C(5,2) = 1 - 3/10
    assert pass_at_k(5, 2, 2) == pytest.approx(0.7, abs=1e-12)


def test_pass_at_k_matches_exact_binomials_on_a_grid():
    for n in range(1, 15):
        for c in range(n + 1):
            for k in range(1, n + 1):
                expected = 1.0 - math.comb(n - c, k) / math.comb(n, k)
                assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


def chen_estimator(n, c, k):
    """The estimator as published by Chen et al. (2021), Figure 3 (numpy's product written out)."""
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def test_pass_at_k_equals_the_published_estimator():
    for n, c, k in [(200, 37, 1), (200, 37, 10), (200, 150, 100), (1000, 999, 1), (20, 3, 5)]:
        assert pass_at_k(n, c, k) == pytest.approx(chen_estimator(n, c, k), abs=1e-12)


def test_pass_at_k_with_a_billion_passing_samples_takes_under_a_second():
    started = time.perf_counter()
    value = pass_at_k(1_000_000_001, 1_000_000_000, 1)
    many = pass_at_k(10**12, 10**9, 100)
    assert time.perf_counter() - started < 1.0
    assert value == pytest.approx(1_000_000_000 / 1_000_000_001, abs=1e-15)
    assert many == pytest.approx(1 - (1 - 1e-3) ** 100, rel=1e-9)


def test_pass_at_k_stays_finite_for_large_sample_counts():
    value = pass_at_k(100_000, 3, 1000)
    assert 0.0 < value < 1.0


@pytest.mark.parametrize(
    ("n", "c", "k", "word"),
    [(5, 6, 1, "exceeds"), (5, 2, 0, "k must"), (0, 0, 1, r"n \(samples"), (5, -1, 1, "negative")],
)
def test_pass_at_k_rejects_impossible_arguments_and_says_which(n, c, k, word):
    with pytest.raises(ValueError, match=word):
        pass_at_k(n, c, k)


def test_accuracy_is_a_fraction_and_rejects_impossible_counts():
    assert accuracy(3, 4) == 0.75
    assert accuracy(0, 0) == 0.0
    with pytest.raises(ValueError):
        accuracy(5, 4)


def test_micro_average_pools_items_and_macro_average_weights_groups_equally():
    assert micro_average([9.0, 1.0], [10, 10]) == 0.5
    assert micro_average([], []) == 0.0
    assert macro_average([100.0, 0.0, 50.0]) == 50.0
    assert macro_average([]) == 0.0
