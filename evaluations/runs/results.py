"""Save a scored run: its result, categories, figures, feedback and the audited score."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from leaderboard.audit.chain import audit_record, score_snapshot
from leaderboard.models import (
    Reporter,
    Score,
)

from ..models import EvaluationRun, RunCategoryResult, RunResult
from ..scoring.engine import ScoreResult
from .rules import log


def result_figures(result: ScoreResult) -> list[dict]:
    """The score under each extraction mode, as stored with the run's result."""
    return [
        {
            "extraction": figure.extraction,
            "value": figure.value,
            "interval_low": figure.interval_low,
            "interval_high": figure.interval_high,
            "correct": figure.correct,
            "invalid": figure.invalid,
        }
        for figure in result.figures
    ]


def result_feedback(result: ScoreResult) -> dict:
    """Why items did not count (count and first examples per reason) and ignored fields."""
    return {
        "reasons": [
            {
                "reason": summary.reason,
                "count": summary.count,
                "examples": [
                    {"line": ex.line, "prediction": ex.prediction, "extracted": ex.extracted}
                    for ex in summary.examples
                ],
            }
            for summary in result.reasons
        ],
        "ignored_fields": [{"name": name, "count": count} for name, count in result.ignored_fields],
        "ignored_field_lines": result.ignored_field_lines,
    }


def result_save(run: EvaluationRun, result: ScoreResult) -> None:
    with transaction.atomic():
        locked = EvaluationRun.objects.select_for_update().filter(pk=run.pk).first()
        if locked is None or locked.status != EvaluationRun.Status.RUNNING:
            return  # cancelled or finished meanwhile: write nothing
        try:
            with transaction.atomic():
                RunResult.objects.create(
                    run=run,
                    value=result.value,
                    interval_low=min(result.interval_low, result.value),
                    interval_high=max(result.interval_high, result.value),
                    method=result.method,
                    item_count=result.item_count,
                    answered=result.answered,
                    missing=result.missing,
                    invalid=result.invalid,
                    micro=result.micro,
                    macro=result.macro,
                    extraction=result.extraction or "",
                    figures=result_figures(result),
                    feedback=result_feedback(result),
                )
        except IntegrityError:
            return  # a second delivery: the first one's results stand
        RunCategoryResult.objects.bulk_create(
            [
                RunCategoryResult(
                    run=run,
                    category=c.category,
                    items=c.items,
                    value=c.value,
                    interval_low=min(c.interval_low, c.value),
                    interval_high=max(c.interval_high, c.value),
                )
                for c in result.categories
            ]
        )
        value = round(result.value, 3)
        score = Score.objects.create(
            model=run.model,
            benchmark=run.benchmark,
            phase=run.phase,
            value=value,
            decimals=1,
            interval_low=min(round(result.interval_low, 3), value),
            interval_high=max(round(result.interval_high, 3), value),
            item_count=result.item_count,
            mode=run.mode,
            setup=f"organizer run {run.pk}",
            reporter=Reporter.ORGANIZER,
            source_title="K-AI Leaderboard evaluation run",
            run=run,
            is_demo=run.is_demo,
        )
        audit_record(run.submitted_by, "score.import", score, None, score_snapshot(score))
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=EvaluationRun.Status.SUCCEEDED,
            progress=1.0,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
    log.info("run state=succeeded run=%s value=%.3f", run.pk, result.value)
