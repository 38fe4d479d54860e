"""A real Celery worker process for tests, and the fixtures that start one."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import TestCase

from evaluations.services import run_submit
from kai_site.celery import app as celery_app
from tests.evaluations.conftest import upload

ROOT = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).with_name("celery")


def require_postgres_and_redis():
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip(
            "needs a real worker on PostgreSQL and Redis: set DATABASE_URL (postgres://…) and "
            "REDIS_URL, as .ci/run does"
        )


@pytest.fixture
def broker():
    """The real broker: tasks leave the test process through Redis, emptied before and after."""
    require_postgres_and_redis()
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    celery_app.conf.task_always_eager = False
    yield client
    celery_app.conf.task_always_eager = True
    with contextlib.suppress(redis.ConnectionError):
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
