"""Score a run: claim it, score the file (or its chunks), save the result or the failure."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from ..models import AnswerKey, EvaluationRun
from ..scoring.chunks import plan_chunks
from ..scoring.engine import score_file
from ..scoring.errors import PredictionFileError
from .chunks import run_is_chunked, run_start_chunks
from .results import result_save
from .rules import ANSWER_KEY_MISSING, SCORABLE_METRICS, scoring_options
from .states import run_claim, run_fail_for_file, run_fail_missing_file, run_finish_failed


@dataclass
class _Progress:
    """Saves progress at most about once a second, and only while the run is still running."""

    run_id: object
    interval: float = 1.0
    last: float = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        fraction = min(1.0, done / total) if total else 0.0
        EvaluationRun.objects.filter(pk=self.run_id, status=EvaluationRun.Status.RUNNING).update(
            progress=fraction, heartbeat_at=timezone.now()
        )


def run_score(*, run_id) -> None:
    """Score one run, exactly once: claim it, score the file, write all results in one transaction."""
    if not run_claim(run_id=run_id):
        return
    run = EvaluationRun.objects.select_related("benchmark", "model", "phase").get(pk=run_id)
    benchmark = run.benchmark
    try:
        key = AnswerKey.objects.get(benchmark=benchmark)
    except AnswerKey.DoesNotExist:
        run_finish_failed(
            run_id,
            kind=EvaluationRun.FailureKind.SERVER,
            code="no_answer_key",
            message=ANSWER_KEY_MISSING,
        )
        return
    source = Path(default_storage.path(run.input_file.name))
    metric = SCORABLE_METRICS[benchmark.metric]
    try:
        if run_is_chunked(run):
            plan = plan_chunks(source, target_bytes=settings.RUN_CHUNK_BYTES, fmt=run.file_format)
            if len(plan) > 1:
                run_start_chunks(run, plan)
                return
        result = score_file(
            predictions_path=source,
            key_path=key.full_path,
            metric=metric,
            k=benchmark.pass_k,
            options=scoring_options(benchmark),
            fmt=run.file_format,
            progress=_Progress(run_id),
        )
    except PredictionFileError as exc:
        run_fail_for_file(run_id, exc)
        return
    except FileNotFoundError:
        run_fail_missing_file(run_id)
        return
    result_save(run, result)
