"""A real Celery worker against Redis and PostgreSQL: scoring, double delivery, SIGKILL mid-run."""

import signal
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from evaluations.models import EvaluationRun, RunResult
from evaluations.services import runs_sweep
from evaluations.tasks import score_run_task
from leaderboard.models import Score
from tests.evaluations.conftest import predictions
from tests.workers import require_postgres_and_redis, submit, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres_and_redis():
    require_postgres_and_redis()


def test_a_real_worker_scores_a_submitted_run(broker, workers, member_a, model_a, phase, benchmark):
    workers("w1")
    run = wait_for(
        submit(member_a, model_a, phase, benchmark, predictions(correct=81)),
        EvaluationRun.FINAL_STATES,
    )
    assert run.status == "succeeded", run.error_message
    assert run.result.value == pytest.approx(81.0)
    assert Score.objects.get(run=run).reporter == "organizer"


def test_delivering_the_same_task_twice_to_a_real_worker_changes_nothing(
    broker, workers, member_a, model_a, phase, benchmark
):
    run = submit(member_a, model_a, phase, benchmark, predictions(correct=64))
    score_run_task.delay(str(run.pk))  # a second delivery of the same run
    score_run_task.delay(str(run.pk))  # and a third
    workers("w1")
    wait_for(run, EvaluationRun.FINAL_STATES)
    deadline = time.monotonic() + 10
    while broker.llen("scoring") and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # let the last delivery finish
    run.refresh_from_db()
    assert run.status == "succeeded" and run.attempts == 1
    assert RunResult.objects.filter(run=run).count() == 1
    assert Score.objects.filter(run=run).count() == 1


def test_a_worker_killed_mid_run_leaves_the_run_finished_exactly_once_after_the_sweeper(
    broker, workers, member_a, model_a, phase, big_benchmark
):
    bench, content = big_benchmark
    first = workers("w1", BROKER_VISIBILITY_TIMEOUT="5")
    run = submit(member_a, model_a, phase, bench, content)
    wait_for(run, {"running"}, timeout=60)
    first.kill(signal.SIGSTOP)  # freeze it mid-run, so the kill lands while it is running
    run.refresh_from_db()
    assert run.status == "running" and run.attempts == 1
    first.kill(signal.SIGKILL)
    first.process.wait(timeout=10)
    workers("w2", BROKER_VISIBILITY_TIMEOUT="5")
    time.sleep(1)
    run.refresh_from_db()
    assert run.status == "running"  # nobody finishes it until the sweeper notices
    report = runs_sweep(now=timezone.now() + timedelta(seconds=settings.RUN_STALE_SECONDS + 1))
    assert report.reset == 1
    wait_for(run, EvaluationRun.FINAL_STATES, timeout=120)
    assert run.status == "succeeded", run.error_message
    assert run.attempts == 2
    # The killed worker's unacknowledged message comes back after the visibility timeout:
    # it must change nothing.
    time.sleep(7)
    run.refresh_from_db()
    assert run.status == "succeeded" and run.attempts == 2
    assert RunResult.objects.filter(run=run).count() == 1
    assert Score.objects.filter(run=run).count() == 1
    assert run.result.value == pytest.approx(50.0)
