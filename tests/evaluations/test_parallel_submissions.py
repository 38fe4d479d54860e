"""Parallel submissions on the embedded default: a real server (gunicorn, several worker
processes and threads) on a file-based SQLite database, hit by many API clients at once."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUOTA = 20

SETUP = r"""
import json, sys
from datetime import timedelta
from pathlib import Path

import django
django.setup()
from django.utils import timezone
from knox.models import AuthToken

from evaluations.services import answer_key_import
from leaderboard.models import PhaseParticipant
from tests.factories import (
    BenchmarkFactory, MembershipFactory, ModelFactory, PhaseFactory, TeamFactory, UserFactory,
)

tmp = Path(sys.argv[1])
team = TeamFactory(slug="team-a")
user = MembershipFactory(team=team, user=UserFactory(username="member-a")).user
model = ModelFactory(slug="model-a", team=team)
now = timezone.now()
phase = PhaseFactory(
    slug="final-test",
    announcement_at=None,
    submission_opens=now - timedelta(days=1),
    submission_closes=now + timedelta(days=1),
)
PhaseParticipant.objects.create(phase=phase, team=team, model=model)
bench = BenchmarkFactory(code="mc-test", metric="accuracy", extraction="flexible")
key = tmp / "key.jsonl"
key.write_text("".join(
    json.dumps({"id": f"q{i}", "answer": "ABCD"[i % 4], "category": "c"}) + "\n"
    for i in range(200)
))
answer_key_import(benchmark=bench, path=key)
_, token = AuthToken.objects.create(user=user)
print(token)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def multipart(fields: dict[str, str], content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        'filename="predictions.jsonl"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A DEBUG site on a file-based SQLite database served by gunicorn; yields (url, token)."""
    tmp = tmp_path_factory.mktemp("parallel")
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        DJANGO_SETTINGS_MODULE="kai_site.settings",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"sqlite:///{tmp / 'site.sqlite3'}",
        DEBUG="true",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        RUN_DAILY_QUOTA=str(QUOTA),
        MEDIA_ROOT=str(tmp / "media"),
        ANSWER_KEY_ROOT=str(tmp / "keys"),
        API_USER_RATE="100000/min",
        LOG_LEVEL="WARNING",
    )
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "text": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input"], **run)
    token = subprocess.run([sys.executable, "-c", SETUP, str(tmp)], **run).stdout.split()[-1]
    port = free_port()
    log = open(tmp / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kai_site.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--threads",
            "4",
            "--timeout",
            "120",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/ping", timeout=5).read()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp / "gunicorn.log").read_text()) from None
            time.sleep(0.3)
    yield url, token
    server.terminate()
    server.wait(timeout=30)
    log.close()


def post_run(url: str, token: str, content: bytes) -> tuple[int, dict]:
    body, content_type = multipart(
        {"model": "model-a", "phase": "final-test", "benchmark": "mc-test", "mode": "reasoning"},
        content,
    )
    request = urllib.request.Request(
        url + "/api/v1/runs/",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": content_type,
            "Accept-Language": "en",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, {"not_json": raw[:300].decode(errors="replace")}


def in_parallel(url: str, token: str, count: int) -> list[tuple[int, dict]]:
    content = "".join(
        json.dumps({"id": f"q{i}", "prediction": f"정답은 {'ABCD'[i % 4]}입니다."}) + "\n"
        for i in range(200)
    ).encode()
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def one(index: int) -> None:
        barrier.wait()
        results[index] = post_run(url, token, content)

    threads = [threading.Thread(target=one, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_fourteen_parallel_submissions_within_the_quota_are_all_accepted(site):
    url, token = site
    results = in_parallel(url, token, 14)
    assert [status for status, _ in results] == [201] * 14, results
    assert all(body["status"] in ("queued", "running", "succeeded") for _, body in results)
    runs = json.loads(
        urllib.request.urlopen(
            urllib.request.Request(
                url + "/api/v1/runs/?page_size=100", headers={"Authorization": f"Token {token}"}
            ),
            timeout=30,
        ).read()
    )["results"]
    assert len(runs) == 14
    assert {run["status"] for run in runs} == {"succeeded"}
    assert {run["result"]["value"] for run in runs} == {100.0}


def test_parallel_submissions_past_the_quota_are_refused_in_the_error_shape(site):
    url, token = site
    results = in_parallel(url, token, 10)  # 14 used: 6 left of 20
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * 6 + [429] * 4, results
    for status, body in results:
        if status == 429:
            assert body["error"]["code"] == "quota_exceeded"
            assert "Try again tomorrow" in body["error"]["message"]
