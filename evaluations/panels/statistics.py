"""The statistics of panels, pure code (no Django import).

- Mean rating with a 95% interval: each rater's rating of a model is the mean of their ratings
  over the panel's criteria; the model's mean rating is the mean over raters, with Student's t
  interval over raters (mean ± t(0.975, n−1) · s / √n; scipy.stats.t). Raters are the sampling
  unit, so several criteria of one rater do not narrow the interval.
- Agreement: Krippendorff's alpha per criterion, raters × models, interval level, computed by
  the `krippendorff` package (Castro, S. 2017, "Fast Krippendorff", github.com/pln-fing-udelar/
  fast-krippendorff, version 0.9.0); Krippendorff, K. (2011), "Computing Krippendorff's
  Alpha-Reliability".
- Votes: Bradley–Terry strengths by the `choix` package (Maystre, L., github.com/lucasmaystre/
  choix, version 0.4.1; `ilsr_pairwise`, Maystre & Grossglauser 2015), a tie or "both bad"
  counted as half a win each way (as LMArena counts ties), on the Elo-like scale
  1000 + 400·θ/ln 10; 95% intervals are percentile bootstrap intervals over votes resampled with
  replacement (Efron & Tibshirani 1993), seeded so the page shows the same figures every time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import choix
import krippendorff
import numpy as np
from scipy import stats

CONFIDENCE = 0.95
BOOTSTRAP_SAMPLES = 500
BOOTSTRAP_SEED = 20260818
ELO_BASE = 1000.0
ELO_SCALE = 400.0 / math.log(10.0)
CHOIX_ALPHA = 0.01  # a little regularisation, so a model that never lost still has a rating


@dataclass(frozen=True)
class MeanInterval:
    mean: float
    low: float | None
    high: float | None
    n: int


def mean_interval(values: Sequence[float], confidence: float = CONFIDENCE) -> MeanInterval | None:
    """Mean with Student's t interval; no interval for fewer than two values; None if empty."""
    n = len(values)
    if n == 0:
        return None
    mean = float(np.mean(values))
    if n < 2:
        return MeanInterval(mean, None, None, n)
    sd = float(np.std(values, ddof=1))
    half = float(stats.t.ppf((1 + confidence) / 2, n - 1)) * sd / math.sqrt(n)
    return MeanInterval(mean, mean - half, mean + half, n)


def agreement_alpha(rows: Sequence[Sequence[float | None]]) -> float | None:
    """Krippendorff's alpha (interval) of raters (rows) × models (columns); None marks a model a
    rater did not rate. None when it is not defined (fewer than two raters with a pairable
    value, or no variation at all)."""
    if len(rows) < 2:
        return None
    data = np.array([[np.nan if v is None else float(v) for v in row] for row in rows], dtype=float)
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    values = data[:, pairable]
    if values.size == 0 or np.nanmax(values) == np.nanmin(values):
        return None
    try:
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"))
    except ValueError:
        return None


@dataclass(frozen=True)
class PairVote:
    """One counted vote between items `a` and `b`: winner 'a', 'b' or 'tie'."""

    a: int
    b: int
    winner: str


@dataclass(frozen=True)
class Strength:
    rating: float
    low: float | None
    high: float | None


def _pairs(votes: Sequence[PairVote]) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    for vote in votes:
        if vote.winner == "a":
            pairs.append((vote.a, vote.b))
        elif vote.winner == "b":
            pairs.append((vote.b, vote.a))
        else:  # half a win each way
            pairs.extend([(vote.a, vote.b), (vote.b, vote.a)])
    return pairs


def _fit(n_items: int, votes: Sequence[PairVote]) -> np.ndarray:
    params = choix.ilsr_pairwise(n_items, _pairs(votes), alpha=CHOIX_ALPHA)
    return ELO_BASE + ELO_SCALE * (params - params.mean())


def bradley_terry(
    n_items: int,
    votes: Sequence[PairVote],
    *,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = CONFIDENCE,
) -> list[Strength] | None:
    """Bradley–Terry ratings of items 0..n−1 with percentile bootstrap intervals; None if no vote."""
    if n_items < 2 or not votes:
        return None
    point = _fit(n_items, votes)
    rng = np.random.default_rng(seed)
    draws = np.empty((samples, n_items))
    for i in range(samples):
        picked = rng.integers(0, len(votes), size=len(votes))
        draws[i] = _fit(n_items, [votes[j] for j in picked])
    tail = (1 - confidence) / 2 * 100
    lows = np.percentile(draws, tail, axis=0)
    highs = np.percentile(draws, 100 - tail, axis=0)
    return [Strength(float(point[k]), float(lows[k]), float(highs[k])) for k in range(n_items)]


def rater_distances(ratings: dict[int, dict[int, float]]) -> dict[int, float]:
    """Per rater, the mean absolute distance between their rating of each model and the median
    of the other raters' ratings of it (a median, so one far rater does not move the yardstick
    of the others), over the models others rated too."""
    distances: dict[int, float] = {}
    for rater, own in ratings.items():
        gaps = []
        for model, value in own.items():
            others = [r[model] for k, r in ratings.items() if k != rater and model in r]
            if others:
                gaps.append(abs(value - float(np.median(others))))
        if gaps:
            distances[rater] = sum(gaps) / len(gaps)
    return distances
