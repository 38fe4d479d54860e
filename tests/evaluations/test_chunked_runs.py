"""A large run split into chunks (scored by several workers) gives exactly the single-pass result."""

import json
import re
import time

import pytest
from django.test import TestCase

from evaluations.models import AnswerKey, EvaluationRun, RunChunk, RunResult
from evaluations.scoring.engine import score_file
from evaluations.services import result_feedback, result_figures, run_submit, scoring_options
from tests.evaluations.conftest import ITEMS, predictions, upload
from tests.workers import submit, wait_for


def eager_submit(user, model, phase, benchmark, content):
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = run_submit(
            user=user, model=model, phase=phase, benchmark=benchmark, upload=upload(content)
        )
    run.refresh_from_db()
    return run


def single_pass(run):
    key = AnswerKey.objects.get(benchmark=run.benchmark)
    return score_file(
        predictions_path=run.input_file.path,
        key_path=key.full_path,
        metric="accuracy",
        options=scoring_options(run.benchmark),
        fmt=run.file_format,
    )


@pytest.mark.django_db
def test_a_chunked_run_gives_exactly_the_single_pass_result(
    settings, evaluator, model_a, phase, benchmark
):
    settings.RUN_CHUNK_BYTES = 400
    run = eager_submit(evaluator, model_a, phase, benchmark, predictions(correct=67))
    assert run.status == "succeeded", run.error_message
    assert RunChunk.objects.filter(run=run).count() > 5
    expected = single_pass(run)
    result = run.result
    assert (result.value, result.interval_low, result.interval_high) == (
        expected.value,
        expected.interval_low,
        expected.interval_high,
    )
    assert (result.answered, result.missing, result.invalid, result.macro) == (
        expected.answered,
        expected.missing,
        expected.invalid,
        expected.macro,
    )
    categories = {
        c.category: (c.items, c.value, c.interval_low, c.interval_high)
        for c in run.categories.all()
    }
    assert categories == {
        c.category: (c.items, c.value, c.interval_low, c.interval_high) for c in expected.categories
    }
    assert result.figures == result_figures(expected)
    assert result.feedback == result_feedback(expected)


@pytest.mark.django_db
def test_a_duplicate_id_across_chunks_fails_the_run_naming_the_second_line(
    settings, evaluator, model_a, phase, benchmark
):
    settings.RUN_CHUNK_BYTES = 400
    lines = [json.dumps({"id": f"q{i}", "prediction": "A"}) for i in range(ITEMS)]
    lines.append(json.dumps({"id": "q1", "prediction": "B"}))
    run = eager_submit(evaluator, model_a, phase, benchmark, ("\n".join(lines) + "\n").encode())
    assert run.status == "failed" and run.failure_kind == "file"
    assert f"line {ITEMS + 1}" in run.error_message.lower()
    assert RunResult.objects.count() == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_workers_share_the_chunks_of_a_large_run_and_merge_it_exactly(
    broker, workers, evaluator, model_a, phase, big_benchmark, settings
):
    bench, content = big_benchmark
    chunk_bytes = len(content) // 12
    settings.RUN_CHUNK_BYTES = chunk_bytes
    first = workers("w1", RUN_CHUNK_BYTES=str(chunk_bytes))
    second = workers("w2", RUN_CHUNK_BYTES=str(chunk_bytes))
    run = submit(evaluator, model_a, phase, bench, content)
    wait_for(run, EvaluationRun.FINAL_STATES, timeout=180)
    assert run.status == "succeeded", run.error_message
    assert RunChunk.objects.filter(run=run).count() >= 12
    expected = single_pass(run)
    assert (run.result.value, run.result.interval_low, run.result.interval_high) == (
        expected.value,
        expected.interval_low,
        expected.interval_high,
    )
    time.sleep(0.5)
    done_by = [
        len(re.findall(r"score_chunk_task\[[^\]]+\] succeeded", w.log_path.read_text()))
        for w in (first, second)
    ]
    assert sum(done_by) >= 12 and min(done_by) >= 1, done_by
