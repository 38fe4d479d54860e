"""A Redis restart in the middle of an endpoint run: every item still answered exactly once.

The test starts a Redis server of its own on a free port (the broker and the shared limits of
the worker) and restarts that one, never the machine's Redis. It needs PostgreSQL (a real worker
shares the test database) and the `redis-server` binary; without them it is skipped, saying why.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from datetime import timedelta

import pytest
import redis
from django.db import connection
from django.utils import timezone

from evaluations.endpoints.models import EndpointResponse, EndpointRun
from evaluations.endpoints.services import endpoint_run_resume, endpoint_run_start
from evaluations.models import EvaluationRun
from kai_site.celery import app as celery_app
from tests.workers import wait_for

from .conftest import ITEMS, answer_table
from .test_endpoint_run_worker import WORKER_ENV, wait_answered

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A `redis-server` of this test alone: nothing on disk, so a restart loses every message."""

    def __init__(self, port: int, log_dir):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.log_path = log_dir / f"redis-{port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--logfile",
                str(self.log_path),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError as exc:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"redis-server did not start on {self.port}") from exc
                time.sleep(0.05)
            finally:
                client.close()

    def kill(self) -> None:
        """Killed at once (SIGKILL): queued and unacknowledged messages are gone."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def use_broker(url: str, *, eager: bool, close: bool = False) -> None:
    """Send this process's tasks to ``url``. The app's connection and producer pools for the
    broker used until now are dropped (or they would keep sending there); with ``close``, also
    closed (only for the private broker: kombu shares a broker's pools across the process).
    """
    if close and celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def private_redis(settings, tmp_path):
    """A private Redis as the broker of this test and its workers; stopped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs a real worker on PostgreSQL: set DATABASE_URL (postgres://…), as .ci/run does"
        )
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed here, so a private Redis cannot be started")
    server = PrivateRedis(free_port(), tmp_path)
    server.start()
    before = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    settings.REDIS_URL = server.url  # the workers' broker and shared limits (tests.workers)
    use_broker(server.url, eager=False)
    yield server
    use_broker(before[0], eager=before[1], close=True)
    server.kill()


def test_a_redis_restart_mid_run_leaves_every_item_answered_exactly_once(
    private_redis, workers, evaluator, endpoint, phase, benchmark, server
):
    server.answers = answer_table(benchmark, correct=ITEMS)
    server.latency = 0.4  # about two seconds a batch of five, three in flight at most
    workers("w1", BROKER_VISIBILITY_TIMEOUT="5", **WORKER_ENV)
    run = endpoint_run_start(user=evaluator, endpoint=endpoint, phase=phase, benchmark=benchmark)
    deadline = time.monotonic() + 60
    while not EndpointResponse.objects.filter(run=run).exists():
        assert time.monotonic() < deadline, "no answer stored before the restart"
        time.sleep(0.05)
    answered_before = EndpointResponse.objects.filter(run=run).count()
    assert answered_before < ITEMS, "the run finished before Redis could be restarted"

    private_redis.kill()
    time.sleep(1.0)
    private_redis.start()  # the same port, empty: the queued batches are lost

    # The batch in hand either finished or paused the run (its limits live in Redis); the lost
    # batches never report. Once the run is seen stopped, an evaluator resumes it, as the page
    # offers: a paused run at once, a running one when its heartbeat is stale.
    quiet_since, last = time.monotonic(), -1
    while True:
        run.refresh_from_db()
        done = EndpointResponse.objects.filter(run=run).count()
        if run.status != EndpointRun.Status.RUNNING or done == ITEMS:
            break
        if done != last:
            quiet_since, last = time.monotonic(), done
        elif time.monotonic() - quiet_since > 8:
            break  # nothing stored for 8 s: the batches' messages were lost
        time.sleep(0.1)
    print(f"after the restart: {run.status} {run.reason_code!r}, {done} of {ITEMS} stored")
    if run.status == EndpointRun.Status.RUNNING and done < ITEMS:
        EndpointRun.objects.filter(pk=run.pk).update(
            heartbeat_at=timezone.now() - timedelta(hours=1)
        )
    if run.status != EndpointRun.Status.ANSWERED and done < ITEMS:
        assert endpoint_run_resume(run=run, user=evaluator), run.status

    run = wait_answered(run, timeout=180)
    assert run.status == EndpointRun.Status.ANSWERED, (run.status, run.reason)
    stored = list(EndpointResponse.objects.filter(run=run).values_list("item_id", flat=True))
    assert len(stored) == len(set(stored)) == ITEMS  # every item once (unique per run and item)
    # An item in flight when Redis went away may have been asked twice; never more.
    assert len(server.calls) <= ITEMS + endpoint.max_in_flight
    scored = wait_for(run.evaluation_run, EvaluationRun.FINAL_STATES, timeout=120)
    assert scored.status == EvaluationRun.Status.SUCCEEDED, scored.error_code
    assert scored.result.value == pytest.approx(100.0)
    assert scored.result.item_count == ITEMS
