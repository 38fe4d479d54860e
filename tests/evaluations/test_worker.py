"""A real Celery worker against Redis and PostgreSQL: scoring, double delivery, SIGKILL mid-run."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from evaluations.models import EvaluationRun, RunResult
from evaluations.services import answer_key_import, run_submit, runs_sweep
from evaluations.tasks import score_run_task
from kai_site.celery import app as celery_app
from leaderboard.models import Score
from tests.evaluations.conftest import predictions, upload
from tests.factories import BenchmarkFactory

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres_and_redis():
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip(
            "needs a real worker on PostgreSQL and Redis: set DATABASE_URL (postgres://…) and "
            "REDIS_URL, as .ci/run does"
        )


@pytest.fixture
def broker():
    """The real broker: tasks leave the test process through Redis, emptied before and after."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    celery_app.conf.task_always_eager = False
    yield client
    celery_app.conf.task_always_eager = True
    client.flushdb()


class Worker:
    """A `celery worker` process using the test database and the test's storage folders."""

    def __init__(self, name: str, log_dir: Path, extra_env: dict | None = None):
        db = connection.settings_dict
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        user = db.get("USER") or ""
        self.env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="kai_site.settings_test",
            DATABASE_URL=f"postgres://{user}@{host}:{port}/{db['NAME']}",
            REDIS_URL=settings.REDIS_URL,
            CELERY_TASK_ALWAYS_EAGER="false",
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            ANSWER_KEY_ROOT=str(settings.ANSWER_KEY_ROOT),
            **(extra_env or {}),
        )
        self.log_path = log_dir / f"{name}.log"
        self.name = name
        self.process = None

    def start(self, timeout: float = 60.0) -> "Worker":
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "kai_site",
                "worker",
                "-Q",
                "default,scoring",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "-n",
                f"{self.name}@%h",
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while b"ready." not in self.log_path.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"worker did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        return self

    def kill(self, sig=signal.SIGKILL):
        os.killpg(self.process.pid, sig)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(name, **env):
        worker = Worker(name, tmp_path, env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(run, states, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in states:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run still {run.status} after {timeout} s")


def submit(user, model, phase, benchmark, content: bytes):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return run_submit(
            user=user, model=model, phase=phase, benchmark=benchmark, upload=upload(content)
        )


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


@pytest.fixture
def big_benchmark(tmp_path):
    """A benchmark big enough that scoring takes a noticeable moment."""
    items = 400_000
    key = tmp_path / "big-key.jsonl"
    with key.open("w", encoding="utf-8") as fh:
        for i in range(items):
            fh.write(
                json.dumps({"id": f"q{i}", "answer": "ABCD"[i % 4], "category": f"c{i % 45}"})
                + "\n"
            )
    bench = BenchmarkFactory(code="big-mc", name="Big MC", metric="accuracy", item_count=None)
    answer_key_import(benchmark=bench, path=key)
    lines = b"".join(
        b'{"id":"q%d","prediction":"%s"}\n' % (i, b"ABCD"[(i * 3) % 4 : (i * 3) % 4 + 1])
        for i in range(items)
    )
    return bench, lines


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
