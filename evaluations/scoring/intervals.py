"""Confidence intervals: exact Clopper-Pearson for proportions and a seeded bootstrap for means.

Both return fractions (the caller multiplies by 100 for percentages) and always contain the
point estimate. With no observations they return the uninformative interval ``(0.0, 1.0)``.

The bootstrap resamples items with replacement. Because a resample of N items only matters
through how many copies of each distinct value it holds, each resample is drawn as a
multinomial count vector over the sorted distinct values (a chain of binomial draws from
``random.Random(seed)``). This is the same distribution as drawing N indices, but costs
O(resamples x distinct values) instead of O(resamples x N), and it does not depend on the
order of the input values. The interval is the percentile interval: the resample means at
positions ``floor(alpha/2 * R)`` and ``ceil((1 - alpha/2) * R) - 1`` of the sorted means.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping
from statistics import NormalDist

__all__ = [
    "beta_ppf",
    "bootstrap_mean_interval",
    "bootstrap_mean_interval_from_counts",
    "proportion_interval",
    "regularized_incomplete_beta",
]

_TINY = 1e-300
_CF_EPSILON = 1e-15
_CF_MAX_ITERATIONS = 200_000


def _continued_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz's method)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    if abs(d) < _TINY:
        d = _TINY
    d = 1.0 / d
    h = d
    for m in range(1, _CF_MAX_ITERATIONS + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        if abs(d) < _TINY:
            d = _TINY
        c = 1.0 + aa / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        if abs(d) < _TINY:
            d = _TINY
        c = 1.0 + aa / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        step = d * c
        h *= step
        if abs(step - 1.0) < _CF_EPSILON:
            return h
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def regularized_incomplete_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the CDF of Beta(a, b) at ``x``, for a, b > 0."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _continued_fraction(b, a, 1.0 - x) / b


def beta_ppf(q: float, a: float, b: float) -> float:
    """Inverse of I_x(a, b) in x: safeguarded Newton steps inside a shrinking bisection bracket."""
    if not 0.0 < q < 1.0:
        return 0.0 if q <= 0.0 else 1.0
    mean = a / (a + b)
    spread = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1.0)))
    low, high = 0.0, 1.0
    x = min(max(mean + NormalDist().inv_cdf(q) * spread, 1e-300), 1.0 - 1e-16)
    log_norm = _log_beta(a, b)
    for _ in range(200):
        error = regularized_incomplete_beta(a, b, x) - q
        if error == 0.0:
            return x
        if error > 0.0:
            high = x
        else:
            low = x
        density = math.exp((a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x) - log_norm)
        candidate = x - error / density if density > 0.0 else -1.0
        if not low < candidate < high:
            candidate = 0.5 * (low + high)
        if abs(candidate - x) <= 1e-15 * max(x, 1e-300) or high - low <= 1e-300:
            return candidate
        x = candidate
    return x


def proportion_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for ``successes`` out of ``n``; (0.0, 1.0) when n is 0."""
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"proportion_interval: need 0 <= successes <= n, got {successes}/{n}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"proportion_interval: confidence must be in (0, 1), got {confidence}")
    if n == 0:
        return (0.0, 1.0)
    alpha = 1.0 - confidence
    estimate = successes / n
    low = 0.0 if successes == 0 else beta_ppf(alpha / 2.0, successes, n - successes + 1)
    high = 1.0 if successes == n else beta_ppf(1.0 - alpha / 2.0, successes + 1, n - successes)
    return (min(max(low, 0.0), estimate), max(min(high, 1.0), estimate))


def _binomial(rng: random.Random, n: int, p: float) -> int:
    """Draw from Binomial(n, p): geometric method for small n*p, BTRS (Hoermann 1993) otherwise."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    if p > 0.5:
        return n - _binomial(rng, n, 1.0 - p)
    uniform = rng.random
    if n * p < 10.0:
        log_q = math.log1p(-p)
        successes = position = 0
        while True:
            position += math.floor(math.log(1.0 - uniform()) / log_q) + 1
            if position > n:
                return successes
            successes += 1
    spread = math.sqrt(n * p * (1.0 - p))
    b = 1.15 + 2.53 * spread
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * spread
    log_odds = math.log(p / (1.0 - p))
    mode = math.floor((n + 1) * p)
    h = math.lgamma(mode + 1) + math.lgamma(n - mode + 1)
    while True:
        u = uniform() - 0.5
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + c) if us > 0.0 else -1
        if k < 0 or k > n:
            continue
        v = uniform()
        if us >= 0.07 and v <= v_r:
            return k
        v *= alpha / (a / (us * us) + b)
        if v > 0.0 and math.log(v) <= (
            h - math.lgamma(k + 1) - math.lgamma(n - k + 1) + (k - mode) * log_odds
        ):
            return k


def bootstrap_mean_interval_from_counts(
    counts: Mapping[float, int], *, seed: int, resamples: int = 2000, confidence: float = 0.95
) -> tuple[float, float]:
    """Bootstrap interval of the mean of a multiset given as {value: how many items}."""
    if resamples < 1:
        raise ValueError(f"bootstrap: resamples must be at least 1, got {resamples}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"bootstrap: confidence must be in (0, 1), got {confidence}")
    groups = sorted((float(value), int(count)) for value, count in counts.items() if count > 0)
    if any(not math.isfinite(value) for value, _ in groups):
        raise ValueError("bootstrap: values must be finite numbers")
    total = sum(count for _, count in groups)
    if total == 0:
        return (0.0, 1.0)
    estimate = math.fsum(value * count for value, count in groups) / total
    if len(groups) == 1:
        return (estimate, estimate)
    rng = random.Random(seed)
    head, (last_value, _) = groups[:-1], groups[-1]
    means = []
    for _ in range(resamples):
        left_to_draw, left_in_population, acc = total, total, 0.0
        for value, count in head:
            drawn = _binomial(rng, left_to_draw, count / left_in_population)
            acc += drawn * value
            left_to_draw -= drawn
            left_in_population -= count
            if left_to_draw == 0:
                break
        acc += left_to_draw * last_value
        means.append(acc / total)
    means.sort()
    alpha = 1.0 - confidence
    low_index = min(max(math.floor(alpha / 2.0 * resamples), 0), resamples - 1)
    high_index = min(max(math.ceil((1.0 - alpha / 2.0) * resamples) - 1, 0), resamples - 1)
    return (min(means[low_index], estimate), max(means[high_index], estimate))


def bootstrap_mean_interval(
    values: Iterable[float], seed: int, resamples: int = 2000, confidence: float = 0.95
) -> tuple[float, float]:
    """Seeded percentile-bootstrap interval of the mean of ``values``; same seed, same result."""
    return bootstrap_mean_interval_from_counts(
        Counter(float(value) for value in values),
        seed=seed,
        resamples=resamples,
        confidence=confidence,
    )
