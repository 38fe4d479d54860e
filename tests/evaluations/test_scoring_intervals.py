"""Clopper-Pearson against published values; its bounded-mean form for pass@k (coverage is
simulated in test_scoring_coverage.py)."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluations.scoring.intervals import (
    bounded_mean_interval,
    proportion_interval,
    regularized_incomplete_beta,
)
from leaderboard.ranking import tied_ranks


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.3085),
        (10, 10, 0.6915, 1.0),
        (5, 10, 0.1871, 0.8129),
        (50, 100, 0.3983, 0.6017),
        (1, 20, 0.0013, 0.2487),
    ],
)
def test_clopper_pearson_matches_known_values(successes, n, low, high):
    got_low, got_high = proportion_interval(successes, n)
    assert got_low == pytest.approx(low, abs=1e-4)
    assert got_high == pytest.approx(high, abs=1e-4)


def test_clopper_pearson_with_no_observations_is_uninformative():
    assert proportion_interval(0, 0) == (0.0, 1.0)


def test_clopper_pearson_is_fast_for_a_million_items():
    started = time.perf_counter()
    low, high = proportion_interval(500_000, 1_000_000)
    assert time.perf_counter() - started < 0.5
    assert low == pytest.approx(0.49902, abs=2e-5)
    assert high == pytest.approx(0.50098, abs=2e-5)


def test_incomplete_beta_matches_closed_forms():
    assert regularized_incomplete_beta(1, 1, 0.3) == pytest.approx(0.3)
    assert regularized_incomplete_beta(2, 1, 0.5) == pytest.approx(0.25)
    assert regularized_incomplete_beta(1, 3, 0.5) == pytest.approx(1 - 0.5**3)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_clopper_pearson_contains_the_estimate_and_stays_in_unit_range(pair):
    successes, n = pair
    low, high = proportion_interval(successes, n)
    assert 0.0 <= low <= high <= 1.0
    if n:
        assert low <= successes / n <= high


def test_the_bounded_mean_interval_is_clopper_pearson_for_whole_counts():
    for successes, n in [(0, 10), (3, 10), (10, 10), (26, 30), (1, 1)]:
        assert bounded_mean_interval(float(successes), n) == proportion_interval(successes, n)


def test_the_bounded_mean_interval_is_never_zero_width_for_finite_data():
    low, high = bounded_mean_interval(30.0, 30)
    assert (low, high) == (pytest.approx(0.025 ** (1 / 30)), 1.0)  # 0.884, not 1.0
    low, high = bounded_mean_interval(0.0, 20)
    assert low == 0.0 and high == pytest.approx(1 - 0.025 ** (1 / 20))
    assert bounded_mean_interval(0.0, 0) == (0.0, 1.0)


def test_a_perfect_small_pass_at_k_result_ties_with_26_of_30():
    """30/30 is not certainly better than 26/30 (Fisher p = 0.11): the ranks must tie."""
    perfect = bounded_mean_interval(30.0, 30)
    good = bounded_mean_interval(26.0, 30)
    ranks = tied_ranks([(1.0, *perfect), (26 / 30, *good)])
    assert all(rank.is_tie for rank in ranks)


def test_fractional_sums_fall_between_their_whole_neighbours():
    low, high = bounded_mean_interval(12.5, 20)
    below, above = bounded_mean_interval(12.0, 20), bounded_mean_interval(13.0, 20)
    assert below[0] < low < above[0] and below[1] < high < above[1]


def test_floating_point_noise_in_a_sum_of_zeros_and_ones_is_ignored():
    total = sum([0.1] * 10) * 3  # 2.9999999999999996
    assert bounded_mean_interval(total, 3) == bounded_mean_interval(3.0, 3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=60))
def test_the_bounded_mean_interval_contains_the_mean_and_has_width(values):
    total = sum(values)
    low, high = bounded_mean_interval(total, len(values))
    mean = total / len(values)
    assert 0.0 <= low <= high <= 1.0
    assert low <= mean + 1e-9 and mean - 1e-9 <= high
    assert high - low > 0.01


def test_the_bounded_mean_interval_refuses_impossible_sums():
    with pytest.raises(ValueError):
        bounded_mean_interval(3.5, 3)
    with pytest.raises(ValueError):
        bounded_mean_interval(float("nan"), 3)
