"""A run's state changes: claim, release, cancel, and failing it with a reason."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from leaderboard.models import (
    is_evaluator,
    team_ids_of,
)

from ..models import EvaluationRun
from ..scoring.errors import PredictionFileError
from .rules import UPLOAD_MISSING, RunNotFound, log


def run_finish_failed(
    run_id,
    *,
    kind: str,
    code: str,
    message: str,
    log_line: str = "",
    message_params: dict | None = None,
) -> None:
    updated = EvaluationRun.objects.filter(pk=run_id, status=EvaluationRun.Status.RUNNING).update(
        status=EvaluationRun.Status.FAILED,
        failure_kind=kind,
        error_code=code,
        error_message=message,
        error_params=message_params,
        log=log_line,
        finished_at=timezone.now(),
    )
    if updated:
        log.info("run state=failed run=%s kind=%s code=%s", run_id, kind, code)


def run_claim(*, run_id) -> bool:
    """queued → running in one conditional UPDATE; False if another delivery got there first."""
    now = timezone.now()
    claimed = EvaluationRun.objects.filter(pk=run_id, status=EvaluationRun.Status.QUEUED).update(
        status=EvaluationRun.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        progress=0.0,
    )
    if claimed:
        log.info("run state=running run=%s", run_id)
    return bool(claimed)


def run_fail_for_file(run_id, exc: PredictionFileError) -> None:
    run_finish_failed(
        run_id,
        kind=EvaluationRun.FailureKind.FILE,
        code=exc.code,
        message=exc.message,
        log_line=f"line={exc.line} field={exc.field} code={exc.code}",
        message_params=({"template": exc.template, "params": exc.params} if exc.template else None),
    )


def run_fail_missing_file(run_id) -> None:
    run_finish_failed(
        run_id,
        kind=EvaluationRun.FailureKind.SERVER,
        code="file_missing",
        message=UPLOAD_MISSING,
    )


def run_fail_for_server(*, run_id, message: str, code: str = "server_error") -> None:
    """End a running run as failed for the server's own reasons (does not count toward quota)."""
    run_finish_failed(run_id, kind=EvaluationRun.FailureKind.SERVER, code=code, message=message)


def run_release(*, run_id) -> bool:
    """running → queued, so a retry can claim it again (after a transient error)."""
    return bool(
        EvaluationRun.objects.filter(pk=run_id, status=EvaluationRun.Status.RUNNING).update(
            status=EvaluationRun.Status.QUEUED, enqueued_at=timezone.now()
        )
    )


def run_cancel(*, run: EvaluationRun, user) -> bool:
    """Cancel a queued or running run (evaluators, or the submitting team); False if it was final."""
    if not (is_evaluator(user) or (run.team_id and run.team_id in team_ids_of(user))):
        raise RunNotFound(_("No such run."), code="not_found")
    cancelled = EvaluationRun.objects.filter(
        pk=run.pk, status__in=[EvaluationRun.Status.QUEUED, EvaluationRun.Status.RUNNING]
    ).update(status=EvaluationRun.Status.CANCELLED, finished_at=timezone.now())
    if cancelled:
        log.info("run state=cancelled run=%s by=%s", run.pk, user.pk)
    return bool(cancelled)
