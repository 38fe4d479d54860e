"""Confidence intervals: exact Clopper-Pearson for 0/1 items, and its bounded-mean form.

Both return fractions (the caller multiplies by 100 for percentages) and always contain the
point estimate. With no observations they return the uninformative interval ``(0.0, 1.0)``.
Neither is ever zero-width for finite data (except the degenerate (0, 1) convention above),
so the rank rule (leaderboard/ranking.py) never treats a small benchmark's 100% as certain.

A percentile bootstrap was used for pass@k before; simulated, its 95% interval covered the
truth 64% of the time at 20 problems with a true rate of 0.95 and returned [100, 100] for
30 of 30 problems solved. :func:`bounded_mean_interval` replaces it.
"""

from __future__ import annotations

import math
from statistics import NormalDist

__all__ = [
    "beta_ppf",
    "bounded_mean_interval",
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
        # The even and the odd term of step m, each one Lentz update of c, d and h.
        for aa in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
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


def bounded_mean_interval(total: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Interval for the mean of ``n`` values in [0, 1] whose sum is ``total`` (pass@k).

    The exact Clopper-Pearson bound applied to the equivalent count: the sum is treated as
    ``total`` successes in ``n`` trials, with the beta quantiles taken at that (possibly
    fractional) count -- the beta form of Clopper, C. J. and Pearson, E. S. (1934), "The use
    of confidence or fiducial limits illustrated in the case of the binomial", Biometrika 26,
    404-413. For 0/1 values it *is* Clopper-Pearson. Among variables in [0, 1] with a given
    mean, the Bernoulli one is the most spread out (it dominates in the convex order, the
    argument of Hoeffding, W. (1963), "Probability inequalities for sums of bounded random
    variables", JASA 58, 13-30), so values strictly inside (0, 1) only make the interval
    conservative. Unlike a percentile bootstrap it never has zero width from finite data:
    30 problems all at 1 give [0.884, 1], not [1, 1]. The seeded simulation in
    tests/evaluations/test_scoring_coverage.py checks its coverage (>= 94% in every setting).
    """
    if n < 0 or not math.isfinite(total) or total < -1e-9 or total > n + 1e-9:
        raise ValueError(f"bounded_mean_interval: need 0 <= total <= n, got {total}/{n}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"bounded_mean_interval: confidence must be in (0, 1), got {confidence}")
    if n == 0:
        return (0.0, 1.0)
    nearest = round(total)
    if abs(total - nearest) <= 1e-9 * max(1.0, n):
        total = float(nearest)  # a sum of exact 0/1 values up to float rounding
    total = min(max(total, 0.0), float(n))
    alpha = 1.0 - confidence
    estimate = total / n
    low = 0.0 if total == 0 else beta_ppf(alpha / 2.0, total, n - total + 1.0)
    high = 1.0 if total == n else beta_ppf(1.0 - alpha / 2.0, total + 1.0, n - total)
    return (min(max(low, 0.0), estimate), max(min(high, 1.0), estimate))
