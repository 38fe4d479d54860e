"""Submitting, scoring, cancelling and sweeping runs through the services (tasks run eagerly)."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from evaluations.models import EvaluationRun, RunCategoryResult, RunResult
from evaluations.services import (
    QuotaExceeded,
    RunError,
    RunNotFound,
    run_cancel,
    run_score,
    run_submit,
    runs_sweep,
)
from leaderboard.models import Reporter, Score
from tests.evaluations.conftest import ITEMS, predictions, upload

pytestmark = pytest.mark.django_db


def submit(user, model, phase, benchmark, content, name="predictions.jsonl", *, queue=True):
    """Submit; with queue, run the task queued on commit (eagerly), as after a real commit."""
    with TestCase.captureOnCommitCallbacks(execute=queue):
        return run_submit(
            user=user, model=model, phase=phase, benchmark=benchmark, upload=upload(content, name)
        )


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_team_member_submits_and_the_run_succeeds_with_the_expected_score(
    member_a, model_a, phase, benchmark
):
    run = submit(member_a, model_a, phase, benchmark, predictions(correct=73))
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.SUCCEEDED
    assert run.progress == 1.0 and run.attempts == 1
    assert run.result.value == pytest.approx(73.0)
    assert run.result.interval_low < 73.0 < run.result.interval_high
    assert (run.result.answered, run.result.missing, run.result.invalid) == (ITEMS, 0, 0)
    assert RunCategoryResult.objects.filter(run=run).count() == 4
    score = Score.objects.get(run=run)
    assert score.reporter == Reporter.ORGANIZER and score.phase == phase
    assert float(score.value) == pytest.approx(73.0)


def test_a_member_cannot_submit_for_another_teams_model(member_b, model_a, phase, benchmark):
    with pytest.raises(RunNotFound):
        submit(member_b, model_a, phase, benchmark, predictions(correct=10))
    assert EvaluationRun.objects.count() == 0


def test_an_evaluator_may_submit_for_any_model(evaluator, model_a, phase, benchmark):
    run = submit(evaluator, model_a, phase, benchmark, predictions(correct=50))
    assert run.team == model_a.team


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_saved(
    settings, member_a, model_a, phase, benchmark
):
    settings.RUN_UPLOAD_MAX_BYTES = 100
    with pytest.raises(RunError) as exc:
        submit(member_a, model_a, phase, benchmark, predictions(correct=10))
    assert exc.value.code == "file_too_large" and "limit is 100 bytes" in exc.value.message
    assert EvaluationRun.objects.count() == 0 and stored_files(settings) == []


def test_a_file_whose_first_lines_do_not_parse_is_refused_with_the_line(
    settings, member_a, model_a, phase, benchmark
):
    content = b'{"id": "q0", "prediction": "A"}\n{"id": "q1", "prediction": \n'
    with pytest.raises(RunError) as exc:
        submit(member_a, model_a, phase, benchmark, content)
    assert "line 2 " in exc.value.message.lower() and exc.value.field == "upload"
    assert EvaluationRun.objects.count() == 0 and stored_files(settings) == []


def test_a_utf8_bom_is_accepted(member_a, model_a, phase, benchmark):
    run = submit(member_a, model_a, phase, benchmark, b"\xef\xbb\xbf" + predictions(correct=40))
    run.refresh_from_db()
    assert run.status == "succeeded" and run.result.value == pytest.approx(40.0)


def test_a_csv_file_with_a_header_is_scored(member_a, model_a, phase, benchmark):
    rows = ["id,prediction"] + [
        f"q{i},{'ABCD'[i % 4] if i < 60 else 'banana'}" for i in range(ITEMS)
    ]
    run = submit(member_a, model_a, phase, benchmark, ("\n".join(rows) + "\n").encode(), "p.csv")
    run.refresh_from_db()
    assert run.status == "succeeded" and run.result.value == pytest.approx(60.0)
    assert run.result.invalid == 40


def test_the_daily_quota_counts_file_failures_but_not_server_failures(
    settings, member_a, model_a, phase, benchmark
):
    settings.RUN_DAILY_QUOTA = 2
    first = submit(member_a, model_a, phase, benchmark, predictions(correct=10))
    EvaluationRun.objects.filter(pk=first.pk).update(status="failed", failure_kind="server")
    second = submit(member_a, model_a, phase, benchmark, predictions(correct=20))
    EvaluationRun.objects.filter(pk=second.pk).update(status="failed", failure_kind="file")
    submit(member_a, model_a, phase, benchmark, predictions(correct=30))
    with pytest.raises(QuotaExceeded) as exc:
        submit(member_a, model_a, phase, benchmark, predictions(correct=40))
    assert "2 runs" in exc.value.message
    assert EvaluationRun.objects.count() == 3


def test_the_quota_is_per_day_in_seoul(settings, member_a, model_a, phase, benchmark):
    settings.RUN_DAILY_QUOTA = 1
    yesterday = timezone.now() - timedelta(days=1)
    run = submit(member_a, model_a, phase, benchmark, predictions(correct=10))
    EvaluationRun.objects.filter(pk=run.pk).update(created_at=yesterday)
    assert submit(member_a, model_a, phase, benchmark, predictions(correct=10)).pk


MALFORMED_AFTER_THE_HEAD = {
    "duplicate_id": lambda good: good + [json.dumps({"id": "q3", "prediction": "A"})],
    "unknown_id": lambda good: good + [json.dumps({"id": "nope", "prediction": "A"})],
    "not_json": lambda good: good + ['{"id": "q99", "prediction": "A"'],
    "nul_byte": lambda good: good + ['{"id": "q99", "prediction": "A\x00"}'],
    "nan_value": lambda good: good + ['{"id": "q99", "prediction": NaN}'],
}


@pytest.mark.parametrize("case", sorted(MALFORMED_AFTER_THE_HEAD))
def test_a_malformed_line_past_the_head_fails_the_run_with_its_own_message(
    case, member_a, model_a, phase, benchmark
):
    good = [json.dumps({"id": f"q{i}", "prediction": "A"}) for i in range(40)]
    content = ("\n".join(MALFORMED_AFTER_THE_HEAD[case](good)) + "\n").encode()
    run = submit(member_a, model_a, phase, benchmark, content)
    run.refresh_from_db()
    assert run.status == "failed" and run.failure_kind == "file"
    assert "line 41" in run.error_message.lower()
    assert RunResult.objects.count() == 0 and Score.objects.filter(run__isnull=False).count() == 0


def test_invalid_utf8_and_over_long_lines_past_the_head_each_fail_with_their_own_message(
    member_a, model_a, phase, benchmark
):
    good = "".join(
        json.dumps({"id": f"q{i}", "prediction": "A"}) + "\n" for i in range(40)
    ).encode()
    bad_utf8 = submit(
        member_a, model_a, phase, benchmark, good + b'{"id": "q50", "prediction": "\xff"}\n'
    )
    long_line = submit(
        member_a,
        model_a,
        phase,
        benchmark,
        good + b'{"id": "q50", "prediction": "' + b"A" * 1_100_000 + b'"}\n',
    )
    bad_utf8.refresh_from_db()
    long_line.refresh_from_db()
    assert bad_utf8.status == long_line.status == "failed"
    assert bad_utf8.error_code != long_line.error_code
    assert "UTF-8" in bad_utf8.error_message and "line 41" in bad_utf8.error_message.lower()
    assert "line 41" in long_line.error_message.lower()
    assert RunResult.objects.count() == 0


def test_an_empty_file_and_a_csv_without_a_header_are_refused_at_submission(
    member_a, model_a, phase, benchmark
):
    with pytest.raises(RunError) as empty:
        submit(member_a, model_a, phase, benchmark, b"")
    with pytest.raises(RunError) as headerless:
        submit(member_a, model_a, phase, benchmark, b"q0,A\nq1,B\n", "p.csv")
    assert empty.value.code == "empty_file"
    assert "header" in headerless.value.message
    assert EvaluationRun.objects.count() == 0


def test_delivering_the_same_run_twice_changes_nothing(member_a, model_a, phase, benchmark):
    run = submit(member_a, model_a, phase, benchmark, predictions(correct=55))
    run.refresh_from_db()
    finished_at = run.finished_at
    run_score(run_id=run.pk)
    run_score(run_id=run.pk)
    run.refresh_from_db()
    assert run.attempts == 1 and run.finished_at == finished_at
    assert RunResult.objects.filter(run=run).count() == 1
    assert Score.objects.filter(run=run).count() == 1


def test_a_run_claimed_by_another_delivery_is_left_alone(
    settings, member_a, model_a, phase, benchmark
):
    run = submit(member_a, model_a, phase, benchmark, predictions(correct=55), queue=False)
    EvaluationRun.objects.filter(pk=run.pk).update(status="running")
    run_score(run_id=run.pk)
    assert RunResult.objects.count() == 0


def test_a_cancelled_run_is_not_scored(member_a, model_a, phase, benchmark):
    run = submit(member_a, model_a, phase, benchmark, predictions(correct=55), queue=False)
    assert run_cancel(run=run, user=member_a) is True
    run_score(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "cancelled" and RunResult.objects.count() == 0
    assert run_cancel(run=run, user=member_a) is False


def test_another_team_cannot_cancel_a_run(member_a, member_b, model_a, phase, benchmark):
    run = submit(member_a, model_a, phase, benchmark, predictions(correct=55), queue=False)
    with pytest.raises(RunNotFound):
        run_cancel(run=run, user=member_b)


def test_the_sweeper_requeues_a_run_whose_worker_stopped_and_it_finishes_once(
    settings, member_a, model_a, phase, benchmark
):
    run = submit(member_a, model_a, phase, benchmark, predictions(correct=42), queue=False)
    long_ago = timezone.now() - timedelta(seconds=settings.RUN_STALE_SECONDS + 5)
    EvaluationRun.objects.filter(pk=run.pk).update(
        status="running", attempts=1, heartbeat_at=long_ago, started_at=long_ago
    )
    report = runs_sweep()
    run.refresh_from_db()
    assert report.reset == 1
    assert run.status == "succeeded" and run.attempts == 2
    assert RunResult.objects.filter(run=run).count() == 1


def test_the_sweeper_requeues_a_run_left_in_the_queue(
    settings, member_a, model_a, phase, benchmark
):
    run = submit(member_a, model_a, phase, benchmark, predictions(correct=42), queue=False)
    EvaluationRun.objects.filter(pk=run.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=settings.RUN_QUEUE_STALE_SECONDS + 5)
    )
    call_command("sweep_runs")
    run.refresh_from_db()
    assert run.status == "succeeded"


def test_the_sweeper_gives_up_after_three_attempts(settings, member_a, model_a, phase, benchmark):
    run = submit(member_a, model_a, phase, benchmark, predictions(correct=42), queue=False)
    long_ago = timezone.now() - timedelta(seconds=settings.RUN_STALE_SECONDS + 5)
    EvaluationRun.objects.filter(pk=run.pk).update(
        status="running", attempts=3, heartbeat_at=long_ago
    )
    assert runs_sweep().failed == 1
    run.refresh_from_db()
    assert (
        run.status == "failed"
        and run.failure_kind == "server"
        and "several attempts" in run.error_message
    )
