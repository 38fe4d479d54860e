"""Endpoint runs through a real Celery worker (PostgreSQL and Redis, as .ci/run has them)."""

from __future__ import annotations

import signal
import time

import pytest

from evaluations.endpoints.models import EndpointResponse, EndpointRun
from evaluations.endpoints.services import endpoint_run_start
from evaluations.endpoints.tasks import endpoint_batch_task
from evaluations.models import EvaluationRun
from tests.workers import require_postgres_and_redis, wait_for

from .conftest import ITEMS, answer_table

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WORKER_ENV = {
    "ENDPOINT_ALLOW_PRIVATE": "true",  # the fake server listens on 127.0.0.1
    "ENDPOINT_BATCH_SIZE": "5",
    "ENDPOINT_RETRY_BASE_DELAY": "0",
    "ENDPOINT_PAUSE_AFTER": "3",
}


@pytest.fixture(autouse=True)
def _needs_postgres_and_redis():
    require_postgres_and_redis()


def wait_answered(run: EndpointRun, timeout: float = 120.0) -> EndpointRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_final or run.status == EndpointRun.Status.PAUSED:
            return run
        time.sleep(0.1)
    raise AssertionError(f"endpoint run still {run.status} after {timeout} s")


def start(evaluator, endpoint, phase, benchmark) -> EndpointRun:
    # A transactional test: the run's tasks are queued when its transaction commits.
    return endpoint_run_start(user=evaluator, endpoint=endpoint, phase=phase, benchmark=benchmark)


def test_a_real_worker_asks_every_item_within_the_limits_and_scores_the_answers(
    broker, workers, evaluator, endpoint, phase, benchmark, server
):
    server.answers = answer_table(benchmark, correct=9)
    server.latency = 0.05
    workers("w1", **WORKER_ENV)
    workers("w2", **WORKER_ENV)
    run = wait_answered(start(evaluator, endpoint, phase, benchmark))
    assert run.status == EndpointRun.Status.ANSWERED, run.reason
    scored = wait_for(run.evaluation_run, EvaluationRun.FINAL_STATES)
    assert scored.status == EvaluationRun.Status.SUCCEEDED
    assert scored.result.value == pytest.approx(75.0)
    assert len(server.calls) == ITEMS
    assert server.max_in_flight <= endpoint.max_in_flight  # two workers, one shared limit


def test_a_worker_killed_mid_batch_leaves_every_item_answered_exactly_once(
    broker, workers, evaluator, endpoint, phase, benchmark, server
):
    server.latency = 0.3
    first = workers("w1", BROKER_VISIBILITY_TIMEOUT="5", **WORKER_ENV)
    run = start(evaluator, endpoint, phase, benchmark)
    deadline = time.monotonic() + 60
    while not EndpointResponse.objects.filter(run=run).exists():
        assert time.monotonic() < deadline, "no answer stored"
        time.sleep(0.05)
    first.kill(signal.SIGKILL)
    first.process.wait(timeout=10)
    workers("w2", BROKER_VISIBILITY_TIMEOUT="5", **WORKER_ENV)
    run = wait_answered(run, timeout=180)
    assert run.status == EndpointRun.Status.ANSWERED, run.reason
    assert EndpointResponse.objects.filter(run=run).count() == ITEMS
    # A request in flight when the worker died may have been asked twice; never more.
    assert len(server.calls) <= ITEMS + endpoint.max_in_flight
    scored = wait_for(run.evaluation_run, EvaluationRun.FINAL_STATES)
    assert scored.status == EvaluationRun.Status.SUCCEEDED
    # A late redelivery of a batch changes nothing.
    calls = len(server.calls)
    endpoint_batch_task.delay(str(run.pk), 0)
    time.sleep(2)
    assert len(server.calls) == calls
    assert EndpointResponse.objects.filter(run=run).count() == ITEMS
