"""Import a benchmark's answer key (kept private, never displayed)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from leaderboard.models import (
    Benchmark,
)

from ..models import AnswerKey
from ..scoring.answer_key import parse_answer_key, write_answer_key
from ..scoring.errors import AnswerKeyError
from .rules import SCORABLE_METRICS, log


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def answer_key_import(*, benchmark: Benchmark, path: Path, user=None) -> AnswerKey:
    """Validate a JSONL answer key and store it server-side; on any problem nothing is stored."""
    metric = SCORABLE_METRICS.get(benchmark.metric)
    if metric is None:
        raise AnswerKeyError(
            "unscorable_metric",
            f"Benchmark {benchmark.code} uses the metric '{benchmark.metric}', which the scoring "
            "engine does not compute; set it to accuracy, exact match or pass@k first.",
        )
    key = parse_answer_key(path, metric=metric)
    sha = _sha256(Path(path))
    relative = f"{benchmark.code}-{sha[:16]}.parquet"
    root = Path(settings.ANSWER_KEY_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    write_answer_key(key, root / relative)
    with transaction.atomic():
        stored, _ = AnswerKey.objects.update_or_create(
            benchmark=benchmark,
            defaults={
                "path": relative,
                "item_count": len(key),
                "category_count": len(key.categories),
                "sha256": sha,
                "imported_by": user,
                "imported_at": timezone.now(),
            },
        )
        if benchmark.item_count is None:
            Benchmark.objects.filter(pk=benchmark.pk).update(item_count=len(key))
    log.info("answer key imported benchmark=%s items=%d", benchmark.code, len(key))
    return stored
