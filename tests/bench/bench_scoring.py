"""Benchmark: score 1,000,000 multiple-choice predictions end to end against the orjson floor.

Run as ``.venv/bin/python tests/bench/bench_scoring.py``. It writes a seeded 1,000,000-item key
with 45 categories through ``write_answer_key`` and a 1,000,000-line predictions JSONL (some
lines written as chat models answer) into a temporary directory, then measures, alternating
the two five times and keeping the best of each:

* the floor: reading the predictions file line by line and ``orjson.loads`` on each line;
* ``score_file`` end to end (load the key from parquet, parse, validate, match, read every
  prediction in both extraction modes, score, intervals, examples) with the benchmark set to
  flexible extraction.

Peak memory is measured in a fresh subprocess: peak RSS (``VmHWM`` from /proc/self/status,
falling back to ``getrusage``) after scoring, minus the RSS of that same interpreter once
it has imported the scoring modules and before it reads anything. Targets: total/floor <= 3.0
and peak RSS growth <= 300 MB.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

ITEMS = 1_000_000
CATEGORIES = 45
SEED = 20250101
RATIO_TARGET = 3.0
MEMORY_TARGET_MB = 300.0
REPEATS = 3
TIMED_REPEATS = 5  # floor and score_file alternate, so that a busy machine slows both alike
_ALLOCATOR_TUNING = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}


def generate(directory: Path, items: int = ITEMS, seed: int = SEED) -> tuple[Path, Path]:
    """Write the stored key (parquet) and the predictions JSONL; return their paths."""
    from evaluations.scoring.answer_key import answer_key_from_items, write_answer_key

    rng = random.Random(seed)
    letters = "ABCD"
    categories = [f"category-{index:02d}" for index in range(CATEGORIES)]
    answers = [letters[rng.randrange(4)] for _ in range(items)]
    ids = [f"item-{index:07d}" for index in range(items)]
    key = answer_key_from_items(
        (
            (ident, answer, categories[index % CATEGORIES], 4)
            for index, (ident, answer) in enumerate(zip(ids, answers, strict=True))
        ),
        metric="accuracy",
    )
    key_path = directory / "key.parquet"
    write_answer_key(key, key_path)
    styles = ["{}"] * 74 + ["({})"] * 6 + ["{}."] * 4 + ["Answer: {}"] * 4 + ["lower"] * 4
    styles += [
        "fullwidth",
        "invalid",
        "정답은 {}입니다.",
        "**{}**",
        "The final answer is $\\boxed{{{}}}$",
    ]
    styles += ["{}) 서울", "Answer: {}\n\nBecause the others contradict the passage."]
    order = list(range(items))
    rng.shuffle(order)
    predictions_path = directory / "predictions.jsonl"
    with open(predictions_path, "wb") as handle:
        for index in order:
            letter = answers[index] if rng.random() < 0.6 else letters[rng.randrange(4)]
            style = styles[rng.randrange(len(styles))]
            if style == "lower":
                text = letter.lower()
            elif style == "fullwidth":
                text = chr(ord(letter) + 0xFEE0)
            elif style == "invalid":
                text = "I am not sure"
            else:
                text = style.format(letter)
            handle.write(orjson.dumps({"id": ids[index], "prediction": text}) + b"\n")
    return key_path, predictions_path


def floor_seconds(predictions_path: Path) -> float:
    """Read the file line by line and orjson.loads each line; nothing else."""
    loads = orjson.loads
    started = time.perf_counter()
    with open(predictions_path, "rb") as handle:
        for line in handle:
            loads(line)
    return time.perf_counter() - started


def score_seconds(predictions_path: Path, key_path: Path):
    """Time one score_file call end to end (flexible extraction, both modes tallied)."""
    from evaluations.scoring.engine import ScoringOptions, score_file

    started = time.perf_counter()
    result = score_file(
        predictions_path=predictions_path,
        key_path=key_path,
        metric="accuracy",
        options=ScoringOptions(extraction="flexible"),
    )
    return time.perf_counter() - started, result


_CHILD = r"""
import json, resource, sys
sys.path.insert(0, sys.argv[3])
from evaluations.scoring.engine import ScoringOptions, score_file

def rss_kib(field):
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

baseline = rss_kib("VmRSS")
result = score_file(
    predictions_path=sys.argv[1],
    key_path=sys.argv[2],
    metric="accuracy",
    options=ScoringOptions(extraction="flexible"),
)
print(json.dumps({"baseline_kib": baseline, "peak_kib": rss_kib("VmHWM"), "value": result.value}))
"""


def peak_memory_mb(predictions_path: Path, key_path: Path, env: dict | None = None) -> dict:
    """Peak RSS growth of a fresh interpreter scoring the file once (MB = 10**6 bytes)."""
    output = subprocess.run(
        [sys.executable, "-c", _CHILD, str(predictions_path), str(key_path), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    figures["baseline_mb"] = figures["baseline_kib"] * 1024 / 1e6
    figures["peak_mb"] = figures["peak_kib"] * 1024 / 1e6
    figures["growth_mb"] = figures["peak_mb"] - figures["baseline_mb"]
    return figures


def main() -> int:
    """Generate, measure, print the figures; exit status 1 if a target is missed."""
    with tempfile.TemporaryDirectory(prefix="bench-scoring-") as temporary:
        directory = Path(temporary)
        started = time.perf_counter()
        key_path, predictions_path = generate(directory)
        size_mb = os.path.getsize(predictions_path) / 1e6
        print(
            f"generated {ITEMS:,} items / {CATEGORIES} categories in "
            f"{time.perf_counter() - started:.1f}s; predictions {size_mb:.1f} MB, "
            f"key {os.path.getsize(key_path) / 1e6:.1f} MB (parquet)"
        )
        floors, runs = [], []
        for _ in range(TIMED_REPEATS):
            floors.append(floor_seconds(predictions_path))
            runs.append(score_seconds(predictions_path, key_path))
        floor = min(floors)
        total = min(seconds for seconds, _ in runs)
        result = runs[0][1]
        memory_runs = [peak_memory_mb(predictions_path, key_path) for _ in range(REPEATS)]
        memory = max(memory_runs, key=lambda figures: figures["growth_mb"])
        tuned = peak_memory_mb(predictions_path, key_path, env=_ALLOCATOR_TUNING)
    ratio = total / floor
    print(f"floor (line by line + orjson.loads), best of {TIMED_REPEATS}: {floor:.3f}s")
    print(
        f"score_file end to end, best of {TIMED_REPEATS}:           {total:.3f}s "
        f"({ITEMS / total:,.0f} items/s; floor {ITEMS / floor:,.0f} lines/s)"
    )
    print(
        f"ratio total/floor: {ratio:.2f}x (target <= {RATIO_TARGET:.1f}x) "
        f"{'OK' if ratio <= RATIO_TARGET else 'MISSED'}"
    )
    growths = ", ".join(f"{figures['growth_mb']:.0f}" for figures in memory_runs)
    print(
        "peak memory, worst of "
        f"{REPEATS} fresh subprocesses (peak RSS VmHWM minus RSS after imports): "
        f"{memory['growth_mb']:.0f} MB (runs: {growths} MB; baseline "
        f"{memory['baseline_mb']:.0f} MB, peak {memory['peak_mb']:.0f} MB; "
        f"target <= {MEMORY_TARGET_MB:.0f} MB) "
        f"{'OK' if memory['growth_mb'] <= MEMORY_TARGET_MB else 'MISSED'}"
    )
    print(
        "  for information, with polars' jemalloc returning freed pages at once "
        f"(_RJEM_MALLOC_CONF={_ALLOCATOR_TUNING['_RJEM_MALLOC_CONF']}): "
        f"{tuned['growth_mb']:.0f} MB"
    )
    print(
        f"score {result.value:.3f}% [{result.interval_low:.3f}, {result.interval_high:.3f}] "
        f"answered {result.answered:,} invalid {result.invalid:,} missing {result.missing:,} "
        f"categories {len(result.categories)} macro {result.macro:.3f}"
    )
    figures = ", ".join(f"{f.extraction} {f.value:.3f}%" for f in result.figures)
    reasons = ", ".join(f"{r.reason} {r.count:,}" for r in result.reasons)
    print(f"extraction {result.extraction}: {figures}; not counted: {reasons}")
    missed = ratio > RATIO_TARGET or memory["growth_mb"] > MEMORY_TARGET_MB
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
