from decimal import Decimal

from leaderboard.points import BenchmarkInput, attainment, benchmark_points


def test_reaching_the_reference_everywhere_gives_the_full_points():
    inputs = [BenchmarkInput("a", 90.0, 80.0), BenchmarkInput("b", 80.0, 80.0)]
    assert benchmark_points(Decimal("20"), inputs).points == Decimal("20.00")


def test_points_are_the_maximum_times_the_mean_capped_attainment():
    inputs = [BenchmarkInput("a", 40.0, 80.0), BenchmarkInput("b", 100.0, 80.0)]
    # mean(0.5, 1.0) = 0.75 → 20 × 0.75
    assert benchmark_points(20, inputs).points == Decimal("15.00")


def test_lower_is_better_benchmarks_use_reference_over_value():
    assert attainment(20.0, 10.0, higher_is_better=False) == 0.5


def test_missing_values_or_references_make_the_points_not_computable():
    result = benchmark_points(
        10, [BenchmarkInput("a", None, 80.0), BenchmarkInput("b", 50.0, None)]
    )
    assert not result.computable
    assert result.missing_values == ("a",) and result.missing_references == ("b",)
    assert benchmark_points(10, []).no_benchmarks
