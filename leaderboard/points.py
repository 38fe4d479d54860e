"""Benchmark points: a pure, documented formula (no Django import).

For a benchmark sub-component with maximum M computed from benchmark group G:

    points = M × mean over the phase's benchmarks b in G of min(1, value_b / reference_b)

where value_b is the team model's score on b (its official run, else its published score) and
reference_b is b's global reference (the best eligible global baseline; for lower-is-better
benchmarks the ratio is reference_b / value_b). A team that reaches the reference on every
benchmark gets the full M. If the group has no benchmarks in the phase, or the team has no
value or the benchmark no reference for any of them, the points are not computable: nothing is
guessed and nothing is left out of the mean silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FORMULA_TEXT = "M × mean_b∈G min(1, value_b ÷ reference_b)"


@dataclass(frozen=True)
class BenchmarkInput:
    code: str
    value: float | None
    reference: float | None
    higher_is_better: bool = True


@dataclass(frozen=True)
class PointsResult:
    points: Decimal | None
    missing_values: tuple[str, ...] = ()
    missing_references: tuple[str, ...] = ()
    no_benchmarks: bool = False

    @property
    def computable(self) -> bool:
        return self.points is not None


def attainment(value: float, reference: float, higher_is_better: bool = True) -> float | None:
    """min(1, value / reference) (or reference / value when lower is better); None if undefined."""
    if higher_is_better:
        if reference <= 0:
            return None
        ratio = value / reference
    else:
        if value <= 0:
            return None
        ratio = reference / value
    return max(0.0, min(1.0, ratio))


def benchmark_points(max_points: Decimal | float, inputs: Sequence[BenchmarkInput]) -> PointsResult:
    """Points of one benchmark sub-component by the formula above, or why they are not computable."""
    if not inputs:
        return PointsResult(None, no_benchmarks=True)
    missing_values = tuple(i.code for i in inputs if i.value is None)
    missing_refs = tuple(i.code for i in inputs if i.value is not None and i.reference is None)
    if missing_values or missing_refs:
        return PointsResult(None, missing_values, missing_refs)
    ratios = [attainment(i.value, i.reference, i.higher_is_better) for i in inputs]
    undefined = tuple(i.code for i, r in zip(inputs, ratios, strict=True) if r is None)
    if undefined:
        return PointsResult(None, (), undefined)
    mean = sum(ratios) / len(ratios)
    points = (Decimal(str(max_points)) * Decimal(str(mean))).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return PointsResult(min(points, Decimal(str(max_points))))
