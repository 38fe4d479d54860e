"""Clopper-Pearson against published values; the bootstrap is seeded and reproducible."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluations.scoring.intervals import (
    bootstrap_mean_interval,
    bootstrap_mean_interval_from_counts,
    proportion_interval,
    regularized_incomplete_beta,
)


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


def test_bootstrap_is_reproducible_for_the_same_seed():
    values = [0.0, 0.1, 0.5, 1.0, 1.0, 0.3] * 50
    first = bootstrap_mean_interval(values, seed=7)
    assert bootstrap_mean_interval(values, seed=7) == first
    assert bootstrap_mean_interval(list(reversed(values)), seed=7) == first
    assert bootstrap_mean_interval(values, seed=8) != first


def test_bootstrap_interval_is_close_to_the_normal_approximation():
    values = [1.0] * 300 + [0.0] * 700
    low, high = bootstrap_mean_interval(values, seed=1, resamples=4000)
    assert low == pytest.approx(0.3 - 1.96 * (0.21 / 1000) ** 0.5, abs=0.006)
    assert high == pytest.approx(0.3 + 1.96 * (0.21 / 1000) ** 0.5, abs=0.006)


def test_bootstrap_of_constant_values_and_of_nothing():
    assert bootstrap_mean_interval([0.4] * 10, seed=0) == (0.4, 0.4)
    assert bootstrap_mean_interval([], seed=0) == (0.0, 1.0)


def test_bootstrap_handles_a_million_items_quickly():
    started = time.perf_counter()
    low, high = bootstrap_mean_interval_from_counts(
        {0.0: 400_000, 0.5: 100_000, 1.0: 500_000}, seed=3
    )
    assert time.perf_counter() - started < 5.0
    assert low < 0.55 < high


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=40), st.integers(0, 2**32))
def test_bootstrap_interval_contains_the_mean(values, seed):
    low, high = bootstrap_mean_interval(values, seed=seed, resamples=200)
    mean = sum(values) / len(values)
    assert low <= mean + 1e-12 and mean - 1e-12 <= high
