"""Several real processes on one site: a change made by one is what every other one serves.

Two gunicorn servers (one worker each, so that each request's process is known) and management
commands run against one temporary site with the embedded default (SQLite, no REDIS_URL), whose
cache every process shares. With a per-process cache, the second server kept serving what it had
cached for up to ten minutes.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from .site import TempSite

pytestmark = pytest.mark.processes

SETUP = r"""
import json
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from kai_site.api_tokens import token_create
from leaderboard.models import (
    Assessment, Benchmark, FoundationModel, Phase, PhaseParticipant, Score, Team,
)
from leaderboard.services import evaluator_create

evaluator = evaluator_create(username="ev", email="", password="a long password 123")
_, token = token_create(user=evaluator)
session = SessionStore()
session[SESSION_KEY] = str(evaluator.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = evaluator.get_session_auth_hash()
session.create()
team = Team.objects.create(
    slug="t", name_ko="티팀", name_en="Team T", lead_organization_ko="티", lead_organization_en="T"
)
model = FoundationModel.objects.create(
    slug="marker-model", name="Marker Model", kind="team", team=team, organization="Lab",
    country="KR",
)
scored = Benchmark.objects.create(code="b", name="Bench B", language="ko")
Benchmark.objects.create(code="b2", name="Bench Two", language="ko", metric="accuracy")
for slug, order, published in (("p", 2, False), ("q", 1, True)):
    phase = Phase.objects.create(
        slug=slug, kind="final", order=order, name_ko=f"단계 {slug}", name_en=f"Phase {slug}",
        status="deciding",
        announcement_at=timezone.now() - timedelta(days=1) if published else None,
    )
    PhaseParticipant.objects.create(phase=phase, team=team, model=model)
    Assessment.objects.create(
        team=team, phase=phase, model=model, outcome="advanced",
        reasons_ko=f"사유 REASON-{slug}", reasons_en=f"REASON-{slug} in English",
        decided_at=timezone.now(),
    )
Score.objects.create(
    model=model, benchmark=scored, phase=Phase.objects.get(slug="p"), value=Decimal("61.234"),
    decimals=3, mode="reasoning", reporter="self", source_title="report",
)
print(json.dumps({"token": token, "session": session.session_key}))
"""


REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture(scope="module", params=["embedded", "redis"])
def site(request, tmp_path_factory):
    """The site on two processes: with the embedded default, and with Redis when there is one."""
    extra = {}
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("needs REDIS_URL (as .ci/run sets); the embedded default is tested here")
        prefix = f"kai-processes-{uuid.uuid4().hex[:12]}"
        # Tasks stay eager: the command scores its run itself, no worker needed.
        extra = {
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": prefix,
            "CELERY_TASK_ALWAYS_EAGER": "true",
        }
    folder = tmp_path_factory.mktemp(f"shared-cache-{request.param}")
    site = TempSite.create(folder, **extra)
    site.backend = request.param
    site.secrets = site.shell(SETUP)
    site.start_server()
    site.start_server()
    yield site
    site.stop()
    if request.param == "redis":  # remove this run's keys only, never anything else
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{extra['CACHE_KEY_PREFIX']}:*"))
        if keys:
            client.delete(*keys)


def _token(site) -> dict:
    return {"Authorization": f"Token {site.secrets['token']}"}


def _session(site) -> dict:
    return {"Cookie": f"sessionid={site.secrets['session']}"}


def test_migrate_creates_the_cache_table_that_the_processes_share(site):
    if site.backend != "embedded":
        pytest.skip("Redis is the shared cache here")
    out = site.shell(
        "import json; from django.db import connection; "
        "print(json.dumps({'tables': connection.introspection.table_names()}))"
    )
    assert "kai_cache" in out["tables"]


def test_a_result_saved_by_a_command_is_on_the_other_processes_pages_at_the_next_request(site):
    """`submit_run --wait` in its own process; then the servers show it, and official: public."""
    first, second = site.servers
    key = site.folder / "key.jsonl"
    key.write_text(
        "".join(
            json.dumps({"id": f"q{i}", "answer": "ABCD"[i % 4], "category": "c"}) + "\n"
            for i in range(50)
        )
    )
    predictions = site.folder / "predictions.jsonl"
    predictions.write_text(
        "".join(
            json.dumps({"id": f"q{i}", "prediction": "ABCD"[i % 4] if i < 37 else "Z"}) + "\n"
            for i in range(50)
        )
    )
    site.manage("import_benchmark", str(key), "--benchmark", "b2")
    # both servers have the phase page cached, for the evaluator and for the public
    for server in (first, second):
        assert "74.0" not in server.get("/ko/phases/q/", headers=_session(site)).body
        assert "74.0" not in server.get("/ko/phases/q/").body
    out = site.manage(
        "submit_run",
        str(predictions),
        "--model",
        "marker-model",
        "--phase",
        "q",
        "--benchmark",
        "b2",
        "--wait",
    )
    run_id, status = out.split()[0], out.splitlines()[-1]
    assert status.startswith("succeeded 74.0")
    for server in (first, second):  # the evaluators see the run's result at once
        assert "74.0" in server.get("/ko/phases/q/", headers=_session(site)).body
        assert "74.0" not in server.get("/ko/phases/q/").body  # not official: not public
    reason = {"correction_reason_ko": "공식 결과", "correction_reason_en": "The official result"}
    marked = first.post_json(f"/api/v1/runs/{run_id}/official/", reason, headers=_token(site))
    assert marked.status == 200, marked.body
    for server in (second, first):  # marked official through the first: public on both
        assert "74.0" in server.get("/ko/phases/q/").body
        assert "74.0" in server.get("/api/v1/phases/q/leaderboard/").body


PAGES = {
    "/": "REASON-p",
    "/ko/phases/p/": "61.234",
    "/ko/phases/p/decisions/": "REASON-p",
    "/api/v1/phases/p/leaderboard/": "61.234",
}


def test_an_announcement_two_seconds_ahead_flips_every_process_from_one_second_after(site):
    servers = site.servers
    for server in servers:  # every page cached, unpublished, on both processes
        for path, marker in PAGES.items():
            assert marker not in server.get(path).body, (server.port, path)
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    published = servers[0].post_json(
        "/api/v1/phases/p/publish/", {"at": at.isoformat()}, headers=_token(site)
    )
    assert published.status == 200, published.body
    for server in servers:  # before the announcement: still nothing, on either process
        for path, marker in PAGES.items():
            assert marker not in server.get(path).body, (server.port, path)
    time.sleep(max(0.0, (at + timedelta(seconds=1) - datetime.now(UTC)).total_seconds()))
    stale = []
    for _ in range(3):
        for server in servers:
            for path, marker in PAGES.items():
                if marker not in server.get(path).body:
                    stale.append((server.port, path))
    assert not stale, stale


def test_a_reader_between_the_publication_and_its_commit_does_not_keep_the_phase_unpublished(
    tmp_path,
):
    """The bump waits for the commit, so the next request after it sees the published phase."""
    site = TempSite.create(tmp_path, DJANGO_SETTINGS_MODULE="tests.processes.race_settings")
    out = json.loads(site.run("tests/processes/race_probe.py").strip().splitlines()[-1])
    assert out == {"published_inside": False, "published_after_commit": True}
