"""The phase leaderboard as flat rows for the CSV and JSON exports."""

from __future__ import annotations

from .board import Leaderboard


def export_rows(board: Leaderboard) -> list[dict]:
    """The long form of a leaderboard view: one record per chosen score, with its provenance."""
    records = []
    for row, benchmark, cell in board.cells():
        score = cell.score
        reference = board.references.get(benchmark.pk)
        records.append(
            {
                "phase": board.phase.slug,
                "rank": row.rank.label if row.rank else "",
                "team": row.team.slug if row.team else "",
                "model": row.model.slug,
                "model_name": row.model.name,
                "is_baseline": row.is_baseline,
                "benchmark": benchmark.code,
                "language": benchmark.language,
                "group": benchmark.group,
                "value": f"{score.value:.{score.decimals}f}",
                "interval_low": "" if score.interval_low is None else str(score.interval_low),
                "interval_high": "" if score.interval_high is None else str(score.interval_high),
                "reference_model": reference.model_slug if reference else "",
                "reference_value": "" if reference is None else f"{reference.value:g}",
                "percent_of_reference": "" if cell.percent is None else f"{cell.percent:.1f}",
                "below_target": cell.below_target,
                "mode": score.mode,
                "reporter": score.reporter,
                "reliability": score.reliability,
                "source_title": score.source_title,
                "source_url": score.source_url,
                "run_id": str(score.run_id or ""),
                "is_demo": score.is_demo,
            }
        )
    return records


EXPORT_FIELDS = (
    "phase",
    "rank",
    "team",
    "model",
    "model_name",
    "is_baseline",
    "benchmark",
    "language",
    "group",
    "value",
    "interval_low",
    "interval_high",
    "reference_model",
    "reference_value",
    "percent_of_reference",
    "below_target",
    "mode",
    "reporter",
    "reliability",
    "source_title",
    "source_url",
    "run_id",
    "is_demo",
)
