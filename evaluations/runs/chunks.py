"""Large runs scored in chunks by several workers; the last chunk merges and saves."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from ..models import AnswerKey, EvaluationRun, RunChunk
from ..scoring.chunks import merge_chunks, score_chunk
from ..scoring.errors import PredictionFileError
from .queue import score_chunk_later
from .results import result_save
from .rules import SCORABLE_METRICS, log, scoring_options
from .states import run_fail_for_file, run_fail_missing_file


def run_is_chunked(run: EvaluationRun) -> bool:
    """Large runs are split so that several workers score them in parallel."""
    return run.file_size > settings.RUN_CHUNK_BYTES


def run_start_chunks(run: EvaluationRun, plan) -> None:
    """Record the chunks of this attempt and queue one task per chunk."""
    with transaction.atomic():
        RunChunk.objects.filter(run=run).delete()  # a previous attempt's chunks, if any
        RunChunk.objects.bulk_create(
            [
                RunChunk(run=run, index=i, start=start, end=end, first_line_no=first)
                for i, (start, end, first) in enumerate(plan)
            ]
        )
        for index in range(len(plan)):
            transaction.on_commit(lambda index=index: score_chunk_later(run.pk, index))
    log.info("run state=running run=%s chunks=%d", run.pk, len(plan))


def run_score_chunk(*, run_id, index: int) -> None:
    """Score one chunk; the chunk that completes the set merges them and saves the result."""
    run = EvaluationRun.objects.select_related("benchmark").filter(pk=run_id).first()
    chunk = RunChunk.objects.filter(run_id=run_id, index=index).first()
    if run is None or chunk is None or chunk.tally is not None:
        return  # another delivery did it, or the attempt was replaced
    if run.status != EvaluationRun.Status.RUNNING:
        return
    source = Path(default_storage.path(run.input_file.name))
    key = AnswerKey.objects.get(benchmark=run.benchmark)
    metric = SCORABLE_METRICS[run.benchmark.metric]
    try:
        tally = score_chunk(
            predictions_path=source,
            key_path=key.full_path,
            metric=metric,
            k=run.benchmark.pass_k,
            start=chunk.start,
            end=chunk.end,
            first_line_no=chunk.first_line_no,
            fmt=run.file_format,
            record_errors=True,
            options=scoring_options(run.benchmark),
        )
    except FileNotFoundError:
        run_fail_missing_file(run_id)
        return
    with transaction.atomic():
        locked = EvaluationRun.objects.select_for_update().get(pk=run_id)
        if locked.status != EvaluationRun.Status.RUNNING:
            return
        updated = RunChunk.objects.filter(pk=chunk.pk, tally__isnull=True).update(
            tally=tally.to_dict(), done_at=timezone.now()
        )
        if not updated:
            return
        chunks = list(RunChunk.objects.filter(run_id=run_id).order_by("index"))
        done = sum(c.tally is not None for c in chunks)
        EvaluationRun.objects.filter(pk=run_id).update(
            progress=min(0.99, done / len(chunks)), heartbeat_at=timezone.now()
        )
        if done < len(chunks):
            return
    run_merge_chunks(run, key, [c.tally for c in chunks])


def run_merge_chunks(run: EvaluationRun, key: AnswerKey, tallies: list[dict]) -> None:
    try:
        result = merge_chunks(
            tallies,
            predictions_path=Path(default_storage.path(run.input_file.name)),
            key_path=key.full_path,
            metric=SCORABLE_METRICS[run.benchmark.metric],
            k=run.benchmark.pass_k,
            options=scoring_options(run.benchmark),
        )
    except PredictionFileError as exc:
        run_fail_for_file(run.pk, exc)
        return
    result_save(run, result)
