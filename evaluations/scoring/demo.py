"""Deterministic generator of clearly SYNTHETIC demo benchmarks (answer keys and predictions).

Nothing here is real evaluation data: every question, choice and answer is generated from a
seed, benchmark names start with "[DEMO]" and descriptions say the data is synthetic. The same
seed always produces byte-identical files.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path

import orjson

__all__ = ["DEMO_SEED", "DemoBenchmark", "demo_benchmarks", "model_slug", "write_demo_files"]

DEMO_SEED = 20250815


@dataclass(frozen=True)
class DemoBenchmark:
    """Metadata of one synthetic demo benchmark."""

    code: str
    name: str
    description: str
    description_ko: str
    language: str  # "ko" | "en" | "ja" | "math" | "code"
    group: str  # "nia" | "global_common" | "global_individual"
    metric: str  # "accuracy" | "exact_match" | "pass_at_k"
    k: int | None
    items: int
    chance: float  # percent a random guesser is expected to score
    categories: tuple[str, ...]
    n_choices: int | None = None
    samples: int | None = None


_SYNTHETIC = "Synthetic demo data generated from a fixed seed; not a real benchmark."
_SYNTHETIC_KO = "고정된 시드로 만든 합성 데모 데이터이며, 실제 벤치마크가 아닙니다."


def _four_choice(
    code: str, name: str, language: str, group: str, items: int, categories: tuple[str, ...]
) -> DemoBenchmark:
    """A synthetic 4-choice benchmark in one language."""
    language_name = {"ko": "Korean", "en": "English", "ja": "Japanese"}[language]
    language_name_ko = {"ko": "한국어", "en": "영어", "ja": "일본어"}[language]
    return DemoBenchmark(
        code=code,
        name=name,
        description=f"{language_name} 4-choice questions. {_SYNTHETIC}",
        description_ko=f"{language_name_ko} 4지선다 문제입니다. {_SYNTHETIC_KO}",
        language=language,
        group=group,
        metric="accuracy",
        k=None,
        items=items,
        chance=25.0,
        categories=categories,
        n_choices=4,
    )


def demo_benchmarks() -> list[DemoBenchmark]:
    """The five demo benchmarks shipped with the demo pack."""
    return [
        _four_choice(
            "demo-ko-mc",
            "[DEMO] 한국어 객관식 (합성)",
            "ko",
            "nia",
            400,
            ("국어", "역사", "지리", "사회", "과학", "법률", "경제", "문화"),
        ),
        _four_choice(
            "demo-en-mc",
            "[DEMO] English multiple choice (synthetic)",
            "en",
            "global_common",
            300,
            ("reading", "science", "history", "logic", "commonsense", "law"),
        ),
        _four_choice(
            "demo-ja-mc",
            "[DEMO] 日本語 多肢選択 (合成)",
            "ja",
            "global_individual",
            240,
            ("国語", "歴史", "地理", "科学", "社会"),
        ),
        DemoBenchmark(
            code="demo-math-exact",
            name="[DEMO] Math word problems, exact answer (synthetic)",
            description=f"Numeric answers compared after normalization. {_SYNTHETIC}",
            description_ko=f"숫자 답을 정규화한 뒤 비교합니다. {_SYNTHETIC_KO}",
            language="math",
            group="global_common",
            metric="exact_match",
            k=None,
            items=250,
            chance=0.0,
            categories=("arithmetic", "algebra", "geometry", "probability", "number-theory"),
        ),
        DemoBenchmark(
            code="demo-code-passk",
            name="[DEMO] Code generation pass@1 (synthetic)",
            description=f"Sample counts per problem (n=10), scored as pass@1. {_SYNTHETIC}",
            description_ko=f"문제마다 표본 10개(n=10)를 pass@1로 채점합니다. {_SYNTHETIC_KO}",
            language="code",
            group="global_individual",
            metric="pass_at_k",
            k=1,
            items=160,
            chance=0.0,
            categories=("strings", "lists", "math", "graphs", "parsing"),
            samples=10,
        ),
    ]


def model_slug(name: str) -> str:
    """A filesystem-friendly slug: lower-case ASCII letters, digits and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))


def _key_records(bench: DemoBenchmark, seed: int) -> list[dict]:
    rng = _rng(seed, bench.code, "key")
    records = []
    for index in range(bench.items):
        item = {
            "id": f"{bench.code}-{index + 1:04d}",
            "category": bench.categories[index % len(bench.categories)],
        }
        if bench.metric == "accuracy":
            item["answer"] = "ABCD"[rng.randrange(bench.n_choices or 4)]
            item["choices"] = [f"synthetic option {n + 1}" for n in range(bench.n_choices or 4)]
        elif bench.metric == "exact_match":
            magnitude = rng.choice([10, 100, 1000, 100_000])
            value = rng.randrange(1, magnitude)
            item["answer"] = str(value) if rng.random() < 0.8 else f"{value / 4:g}"
        records.append(item)
    return records


def _difficulty(bench: DemoBenchmark, seed: int, index: int) -> float:
    return _rng(seed, bench.code, "difficulty", index).uniform(-1.5, 1.5)


def _probability(skill: float, difficulty: float, chance: float) -> float:
    """Chance of a correct answer: logistic in (skill - difficulty), floored at chance."""
    ability = 4.0 * (min(max(skill, 0.0), 1.0) - 0.5)
    return chance + (1.0 - chance) / (1.0 + math.exp(-(ability - difficulty)))


def _format_choice(letter: str, rng: random.Random, language: str) -> str:
    roll = rng.random()
    if roll < 0.55:
        return letter
    if roll < 0.65:
        return f"({letter})"
    if roll < 0.72:
        return letter.lower()
    if roll < 0.80:
        label = {"ko": "정답: ", "ja": "答え：", "en": "Answer: "}.get(language, "Answer: ")
        return label + letter
    if roll < 0.86:
        return chr(ord(letter) + 0xFEE0)  # full-width letter
    if roll < 0.92:
        return f"{letter}."
    return f"The answer is ({letter})"


def _format_number(answer: str, rng: random.Random) -> str:
    value = float(answer)
    roll = rng.random()
    if value.is_integer() and value >= 1000 and roll < 0.4:
        return f"{int(value):,}"
    if roll < 0.55:
        return f"{answer}.0" if "." not in answer else f"{answer}0"
    if roll < 0.65:
        return f"Answer: {answer}"
    return answer


def _wrong_choice(answer: str, rng: random.Random, n_choices: int) -> str:
    others = [letter for letter in "ABCDEFGH"[:n_choices] if letter != answer]
    return rng.choice(others)


def _prediction_records(
    bench: DemoBenchmark, key: list[dict], skill: float, seed: int, slug: str
) -> list[dict]:
    rng = _rng(seed, bench.code, "model", slug)
    records = []
    chance = bench.chance / 100.0
    for index, item in enumerate(key):
        if rng.random() < 0.01:
            continue  # a few missing items
        p_correct = _probability(skill, _difficulty(bench, seed, index), chance)
        if bench.metric == "pass_at_k":
            samples = bench.samples or 10
            passed = sum(rng.random() < p_correct for _ in range(samples))
            records.append({"id": item["id"], "n": samples, "c": passed})
            continue
        if rng.random() < 0.015:
            records.append(
                {"id": item["id"], "prediction": rng.choice(["", "모르겠습니다", "N/A"])}
            )
            continue
        correct = rng.random() < p_correct
        if bench.metric == "accuracy":
            n_choices = bench.n_choices or 4
            letter = item["answer"] if correct else _wrong_choice(item["answer"], rng, n_choices)
            prediction = _format_choice(letter, rng, bench.language)
        else:
            answer = item["answer"]
            if not correct:
                answer = str(int(float(answer)) + rng.choice([-2, -1, 1, 3, 10]))
            prediction = _format_number(answer, rng)
        records.append({"id": item["id"], "prediction": prediction})
    rng.shuffle(records)
    return records


def write_demo_files(
    directory: str | Path, team_models: list[tuple[str, float]], *, seed: int = DEMO_SEED
) -> dict[str, dict]:
    """Write ``<code>.key.jsonl`` and ``<code>__<model_slug>.jsonl`` for every demo benchmark.

    ``team_models`` lists ``(model name, skill in 0..1)``. Returns, per benchmark code,
    ``{"benchmark": DemoBenchmark, "key": Path, "predictions": {model_slug: Path}}``.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict] = {}
    for bench in demo_benchmarks():
        key = _key_records(bench, seed)
        key_path = target / f"{bench.code}.key.jsonl"
        _write_jsonl(key_path, key)
        predictions = {}
        for name, skill in team_models:
            slug = model_slug(name)
            path = target / f"{bench.code}__{slug}.jsonl"
            _write_jsonl(path, _prediction_records(bench, key, skill, seed, slug))
            predictions[slug] = path
        written[bench.code] = {"benchmark": bench, "key": key_path, "predictions": predictions}
    return written
