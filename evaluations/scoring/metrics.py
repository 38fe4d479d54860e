"""Per-item metrics and averages: accuracy, the unbiased pass@k estimator, micro and macro means."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

__all__ = ["accuracy", "macro_average", "micro_average", "pass_at_k"]


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem with ``n`` samples of which ``c`` passed.

    pass@k = 1 - C(n - c, k) / C(n, k) (Chen et al. 2021, "Evaluating Large Language Models
    Trained on Code", eq. 1). The ratio of binomials is evaluated as a product of
    min(c, k) factors, so the time does not grow with n or c (``c = 10**9`` costs as little as
    ``c = 3``): for c <= k the published form prod_{i = n - c + 1}^{n} (1 - k / i), otherwise
    the equal prod_{j = 0}^{k - 1} (1 - c / (n - j)). Edge cases: ``c == 0`` gives 0.0;
    ``n - c < k`` gives 1.0 (every draw of k samples contains a passing one).
    """
    for name, value in (("n", n), ("c", c), ("k", k)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"pass_at_k: {name} must be an integer, got {value!r}")
    if n < 1:
        raise ValueError(f"pass_at_k: n (samples per problem) must be at least 1, got {n}")
    if k < 1:
        raise ValueError(f"pass_at_k: k must be at least 1, got {k}")
    if c < 0:
        raise ValueError(f"pass_at_k: c (passing samples) must not be negative, got {c}")
    if c > n:
        raise ValueError(f"pass_at_k: c (passing samples, {c}) exceeds n (samples, {n})")
    if c == 0:
        return 0.0
    if n - c < k:
        return 1.0
    survive = 1.0
    if c <= k:
        for i in range(n - c + 1, n + 1):
            survive *= 1.0 - k / i
    else:
        for j in range(k):
            survive *= 1.0 - c / (n - j)
    return 1.0 - survive


def accuracy(correct: int, total: int) -> float:
    """Fraction ``correct / total`` in [0, 1]; raises ValueError for impossible counts."""
    if total < 0 or correct < 0:
        raise ValueError(
            f"accuracy: counts must not be negative (correct={correct}, total={total})"
        )
    if correct > total:
        raise ValueError(f"accuracy: correct ({correct}) exceeds total ({total})")
    if total == 0:
        return 0.0
    return correct / total


def micro_average(sums: Iterable[float], counts: Iterable[int]) -> float:
    """Pool every item: sum of per-group sums divided by the total item count (0.0 if none)."""
    total = sum(counts)
    if total == 0:
        return 0.0
    return math.fsum(sums) / total


def macro_average(values: Sequence[float]) -> float:
    """Unweighted mean of per-group values (0.0 for no groups); each group counts once."""
    if not values:
        return 0.0
    return math.fsum(values) / len(values)
