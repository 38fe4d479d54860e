"""Fixtures for endpoint runs: a benchmark with hidden prompts, a phase, a model, the fake server."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from evaluations.endpoints.models import HiddenItem, PromptTemplate
from evaluations.endpoints.prompts import item_text
from evaluations.endpoints.secrets import ApiKey
from evaluations.endpoints.services import endpoint_add
from leaderboard.models import PhaseParticipant
from tests.endpoints.fake_openai import API_KEY, FakeOpenAI
from tests.factories import BenchmarkFactory, ModelFactory, PhaseFactory

ITEMS = 12
SENTINEL = "SENTINEL-PROMPT-7f3a9c"


def key_rows(n=ITEMS):
    rows = []
    for i in range(n):
        row = {"id": f"q{i:02d}", "answer": "ABCD"[i % 4], "category": ("law", "math")[i % 2]}
        if i == 0:
            row["prompt"] = f"{SENTINEL} 다음 중 옳은 것은? A, B, C, D 중 하나로 답하세요."
        else:
            row["question"] = f"{SENTINEL}-{i} 질문 {i}"
            row["choices"] = ["하나", "둘", "셋", "넷"]
        rows.append(row)
    return rows


@pytest.fixture(autouse=True)
def _endpoint_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ANSWER_KEY_ROOT = tmp_path / "keys"
    settings.ENDPOINT_ALLOW_PRIVATE = True  # the fake server listens on 127.0.0.1
    settings.ENDPOINT_RETRY_BASE_DELAY = 0.0
    settings.ENDPOINT_BATCH_SIZE = 5
    settings.ENDPOINT_PAUSE_AFTER = 3


@pytest.fixture
def benchmark(db, tmp_path):
    bench = BenchmarkFactory(code="ko-mc", name="Korean MC", metric="accuracy", item_count=None)
    path = tmp_path / "key.jsonl"
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in key_rows()) + "\n", encoding="utf-8"
    )
    call_command("import_benchmark", str(path), "--benchmark", bench.code)
    bench.refresh_from_db()
    return bench


@pytest.fixture
def phase(db, team_a):
    phase = PhaseFactory(
        slug="final-test",
        announcement_at=None,
        submission_opens=timezone.now() - timedelta(days=1),
        submission_closes=timezone.now() + timedelta(days=30),
    )
    PhaseParticipant.objects.create(phase=phase, team=team_a)
    return phase


@pytest.fixture
def model_a(team_a):
    return ModelFactory(slug="model-a", team=team_a)


def answer_table(benchmark, correct: int) -> dict[str, str]:
    """What the fake server answers for each item's text: the first `correct` items right."""
    template = PromptTemplate.objects.get(benchmark=benchmark, version=1)
    table = {}
    for n, item in enumerate(HiddenItem.objects.filter(benchmark=benchmark).order_by("position")):
        right = "ABCD"[n % 4]
        wrong = "ABCD"[(n + 1) % 4]
        table[item_text(item, template)] = right if n < correct else f"정답은 {wrong}입니다"
    return table


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def endpoint(evaluator, model_a, server):
    return endpoint_add(
        user=evaluator,
        model=model_a,
        base_url=server.url,
        served_model=server.model,
        api_key=ApiKey(API_KEY),
        max_in_flight=3,
        requests_per_minute=6000,
        timeout=5,
    )


def run_everything():
    """Run every on-commit callback (queued tasks run eagerly), including those they add."""
    return TestCase.captureOnCommitCallbacks(execute=True)
