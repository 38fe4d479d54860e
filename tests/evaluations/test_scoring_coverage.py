"""Seeded simulation: the 95% interval of pass@k covers the truth in the settings that broke
the percentile bootstrap (20-30 problems, rates 0.95 and 0.99, skewed, all 0, all 1)."""

import math
import random
import time

import pytest

from evaluations.scoring.intervals import bounded_mean_interval
from evaluations.scoring.metrics import pass_at_k

REPETITIONS = 2000
SEED = 20_250_601

# name -> (problems, samples n, k, population of problems as (pass probability, weight))
SETTINGS = {
    "20 problems, rate 0.95, pass@1": (20, 10, 1, [(1.0, 0.8), (0.75, 0.2)]),
    "30 problems, rate 0.95, pass@1": (30, 10, 1, [(1.0, 0.8), (0.75, 0.2)]),
    "20 problems, rate 0.99, pass@1": (20, 10, 1, [(1.0, 0.9), (0.9, 0.1)]),
    "30 problems, rate 0.99, pass@1": (30, 10, 1, [(1.0, 0.9), (0.9, 0.1)]),
    "20 problems, 0/1 items, rate 0.95": (20, 1, 1, [(0.95, 1.0)]),
    "20 problems, skewed, pass@1": (20, 20, 1, [(1.0, 0.85), (0.05, 0.15)]),
    "20 skewed problems, pass@10 of 20": (20, 20, 10, [(0.9, 0.7), (0.02, 0.3)]),
    "30 problems, spread, pass@5 of 10": (30, 10, 5, [(0.05, 1 / 3), (0.2, 1 / 3), (0.6, 1 / 3)]),
    "20 problems, all 0": (20, 10, 1, [(0.0, 1.0)]),
    "30 problems, all 1": (30, 10, 1, [(1.0, 1.0)]),
    "30 problems, all 1, pass@10": (30, 20, 10, [(1.0, 1.0)]),
}


def truth(k, population):
    """E[pass@k] of a problem drawn from the population (the estimator is unbiased)."""
    return math.fsum(weight * (1.0 - (1.0 - p) ** k) for p, weight in population)


def simulate(rng, problems, n, k, population):
    probabilities = [p for p, _ in population]
    weights = [weight for _, weight in population]
    total = 0.0
    for p in rng.choices(probabilities, weights, k=problems):
        passed = sum(rng.random() < p for _ in range(n))
        total += pass_at_k(n, passed, k)
    return bounded_mean_interval(total, problems)


def coverage_table(seed=SEED, repetitions=REPETITIONS):
    """{setting: (coverage, narrowest width)} for the seeded simulation."""
    rng = random.Random(seed)
    table = {}
    for name, (problems, n, k, population) in SETTINGS.items():
        target = truth(k, population)
        covered, narrowest = 0, 1.0
        for _ in range(repetitions):
            low, high = simulate(rng, problems, n, k, population)
            covered += low <= target <= high
            narrowest = min(narrowest, high - low)
        table[name] = (covered / repetitions, narrowest)
    return table


def test_the_pass_at_k_interval_covers_the_truth_in_every_setting():
    started = time.perf_counter()
    table = coverage_table()
    elapsed = time.perf_counter() - started
    for name, (coverage, narrowest) in table.items():
        print(f"{name:40s} coverage {coverage:.3f}  narrowest {narrowest:.3f}")
        assert coverage >= 0.94, name
        assert narrowest > 0.05, name  # never zero-width from finite data
    assert elapsed < 60


@pytest.mark.parametrize("problems", [20, 30])
def test_all_problems_solved_gives_an_honest_interval(problems):
    low, high = bounded_mean_interval(float(problems), problems)
    assert high == 1.0 and low == pytest.approx(0.025 ** (1 / problems))
