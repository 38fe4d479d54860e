"""Fault tests against the real services: Redis restarts or is down, a worker's database
connection is terminated. Each run still finishes, exactly once."""

import shutil
import signal
import subprocess
import time
from datetime import timedelta
from urllib.parse import urlparse

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from evaluations.models import EvaluationRun, RunResult
from evaluations.services import runs_sweep
from leaderboard.models import Score
from tests.evaluations.conftest import predictions, upload
from tests.workers import require_postgres_and_redis, submit, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

REDIS_SERVER = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


@pytest.fixture(autouse=True)
def _needs_postgres_and_redis():
    require_postgres_and_redis()


@pytest.fixture
def local_redis():
    """Stop and start the machine's own Redis (the one .ci/run starts); always started again."""
    url = urlparse(settings.REDIS_URL)
    if url.hostname not in ("127.0.0.1", "localhost") or (url.port or 6379) != 6379:
        pytest.skip("restarts only the local Redis on 127.0.0.1:6379")
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed here, so it cannot be restarted")
    client = redis.Redis.from_url(settings.REDIS_URL)

    def stop():
        subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
            except redis.ConnectionError:
                return
            time.sleep(0.1)
        raise AssertionError("Redis did not stop")

    def start():
        subprocess.run(REDIS_SERVER, check=True, capture_output=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise AssertionError("Redis did not start")

    class Control:
        pass

    control = Control()
    control.stop, control.start = stop, start
    yield control
    try:
        client.ping()
    except redis.ConnectionError:
        start()


def sweep_as_if_stale():
    later = timezone.now() + timedelta(
        seconds=max(settings.RUN_QUEUE_STALE_SECONDS, settings.RUN_STALE_SECONDS) + 1
    )
    return runs_sweep(now=later)


def test_redis_restarted_while_20_runs_are_queued_every_run_finishes_once(
    broker, local_redis, workers, evaluator, model_a, phase, benchmark
):
    runs = [
        submit(evaluator, model_a, phase, benchmark, predictions(correct=c)) for c in range(40, 60)
    ]
    assert broker.llen("scoring") == 20
    local_redis.stop()
    local_redis.start()  # Redis keeps nothing on disk: the 20 messages are gone
    assert broker.llen("scoring") == 0
    workers("w1")
    time.sleep(1)
    assert set(EvaluationRun.objects.values_list("status", flat=True)) == {"queued"}
    assert sweep_as_if_stale().requeued == 20
    for run in runs:
        wait_for(run, EvaluationRun.FINAL_STATES, timeout=120)
    assert set(EvaluationRun.objects.values_list("status", flat=True)) == {"succeeded"}
    assert RunResult.objects.count() == 20 and Score.objects.filter(run__isnull=False).count() == 20
    assert set(EvaluationRun.objects.values_list("attempts", flat=True)) == {1}
    values = sorted(round(r.value) for r in RunResult.objects.all())
    assert values == list(range(40, 60))


def test_a_worker_whose_database_connection_is_terminated_retries_and_finishes(
    broker, workers, member_a, model_a, phase, big_benchmark
):
    bench, content = big_benchmark
    worker = workers("w1")
    run = submit(member_a, model_a, phase, bench, content)
    wait_for(run, {"running"}, timeout=60)
    worker.kill(signal.SIGSTOP)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        terminated = cursor.fetchone()[0]
    worker.kill(signal.SIGCONT)
    assert terminated >= 1
    wait_for(run, EvaluationRun.FINAL_STATES, timeout=120)
    assert run.status == "succeeded", run.error_message
    assert run.attempts == 2  # released after the dropped connection, then claimed again
    assert RunResult.objects.filter(run=run).count() == 1
    assert Score.objects.filter(run=run).count() == 1


def test_a_submission_while_redis_is_down_is_saved_as_queued_and_scored_once_it_is_back(
    client, broker, local_redis, workers, member_a, model_a, phase, benchmark
):
    client.force_login(member_a)
    local_redis.stop()
    response = client.post(
        "/ko/runs/new/",
        {
            "model": model_a.pk,
            "phase": phase.pk,
            "benchmark": benchmark.pk,
            "mode": "reasoning",
            "upload": upload(predictions(correct=77)),
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    run = EvaluationRun.objects.get()
    assert run.status == "queued"
    html = response.content.decode()
    assert "queued" in html.lower()
    local_redis.start()
    workers("w1")
    sweep_as_if_stale()
    wait_for(run, EvaluationRun.FINAL_STATES, timeout=120)
    assert run.status == "succeeded" and run.result.value == pytest.approx(77.0)
    assert RunResult.objects.count() == 1
