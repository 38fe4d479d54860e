"""The sweeper: re-queue runs a lost message or a killed worker left behind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import EvaluationRun
from .queue import score_run_later
from .rules import GAVE_UP, MAX_ATTEMPTS, log
from .states import run_finish_failed


@dataclass
class SweepReport:
    requeued: int = 0
    reset: int = 0
    failed: int = 0


def runs_sweep(*, now=None) -> SweepReport:
    """Re-queue runs stuck in the queue and reset runs whose worker stopped; give up after 3."""
    now = now or timezone.now()
    report = SweepReport()
    stale_running = now - timedelta(seconds=settings.RUN_STALE_SECONDS)
    for run in EvaluationRun.objects.filter(
        status=EvaluationRun.Status.RUNNING, heartbeat_at__lt=stale_running
    ).only("pk", "attempts"):
        if run.attempts >= MAX_ATTEMPTS:
            run_finish_failed(
                run.pk,
                kind=EvaluationRun.FailureKind.SERVER,
                code="gave_up",
                message=GAVE_UP,
            )
            report.failed += 1
        elif EvaluationRun.objects.filter(
            pk=run.pk, status=EvaluationRun.Status.RUNNING, heartbeat_at__lt=stale_running
        ).update(status=EvaluationRun.Status.QUEUED, enqueued_at=now):
            log.info("run state=queued run=%s reason=stale-worker", run.pk)
            report.reset += 1
            score_run_later(run.pk)
    stale_queued = now - timedelta(seconds=settings.RUN_QUEUE_STALE_SECONDS)
    for run in EvaluationRun.objects.filter(
        status=EvaluationRun.Status.QUEUED, enqueued_at__lt=stale_queued
    ).only("pk", "attempts", "enqueued_count"):
        if run.attempts >= MAX_ATTEMPTS or run.enqueued_count >= MAX_ATTEMPTS + 3:
            EvaluationRun.objects.filter(pk=run.pk, status=EvaluationRun.Status.QUEUED).update(
                status=EvaluationRun.Status.FAILED,
                failure_kind=EvaluationRun.FailureKind.SERVER,
                error_code="gave_up",
                error_message=GAVE_UP,
                finished_at=now,
            )
            report.failed += 1
            continue
        EvaluationRun.objects.filter(pk=run.pk, status=EvaluationRun.Status.QUEUED).update(
            enqueued_at=now
        )
        report.requeued += 1
        score_run_later(run.pk)
    return report
