import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from evaluations.services import answer_key_import
from leaderboard.models import PhaseParticipant
from tests.factories import BenchmarkFactory, ModelFactory, PhaseFactory


@pytest.fixture(autouse=True)
def _english():
    """The services' messages are read here in English (the site's default is Korean)."""
    with translation.override("en"):
        yield


ITEMS = 100
CATEGORIES = ("algebra", "history", "law", "biology")


def key_lines(n=ITEMS):
    return [
        json.dumps({"id": f"q{i}", "answer": "ABCD"[i % 4], "category": CATEGORIES[i % 4]})
        for i in range(n)
    ]


def predictions(correct: int, n=ITEMS) -> bytes:
    """JSONL predictions with exactly `correct` right answers out of n."""
    lines = []
    for i in range(n):
        right = "ABCD"[i % 4]
        wrong = "ABCD"[(i + 1) % 4]
        lines.append(json.dumps({"id": f"q{i}", "prediction": right if i < correct else wrong}))
    return ("\n".join(lines) + "\n").encode()


def upload(content: bytes, name="predictions.jsonl"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ANSWER_KEY_ROOT = tmp_path / "keys"


@pytest.fixture
def benchmark(db, tmp_path):
    bench = BenchmarkFactory(code="mc-test", name="MC test", metric="accuracy", item_count=None)
    path = Path(tmp_path) / "key.jsonl"
    path.write_text("\n".join(key_lines()) + "\n", encoding="utf-8")
    answer_key_import(benchmark=bench, path=path)
    bench.refresh_from_db()
    return bench


@pytest.fixture
def phase(db, team_a, team_b):
    """A phase teams A and B take part in, its submission window open, not announced."""
    phase = PhaseFactory(
        slug="final-test",
        announcement_at=None,
        submission_opens=timezone.now() - timedelta(days=1),
        submission_closes=timezone.now() + timedelta(days=30),
    )
    for team in (team_a, team_b):
        PhaseParticipant.objects.create(phase=phase, team=team)
    return phase


@pytest.fixture
def model_a(team_a):
    return ModelFactory(slug="model-a", team=team_a)


@pytest.fixture
def model_b(team_b):
    return ModelFactory(slug="model-b", team=team_b)


def expected_percent(correct, n=ITEMS):
    return Decimal(correct * 100) / n


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
