"""The endpoint client against a real model server: llama.cpp with Gemma 3 270M (`make llm`).

A small base model answers most questions wrongly or in free text: the test checks that every
answer comes back and is kept with all its fields, not that it is right.
"""

import asyncio
import json

import pytest

from evaluations.endpoints.client import (
    ChatItem,
    EndpointClient,
    EndpointConfig,
    GenerationSettings,
)
from evaluations.endpoints.limits import EndpointLimiter, LimitSpec, LocalLimitStore
from evaluations.endpoints.secrets import ApiKey

pytestmark = pytest.mark.llm

QUESTIONS = [
    ("ko-1", "대한민국의 수도는 어디입니까?", ["부산", "서울", "대구", "인천"]),
    ("ko-2", "한글을 창제한 왕은 누구입니까?", ["세종대왕", "태조", "정조", "광개토대왕"]),
    ("ko-3", "1 더하기 2는 얼마입니까?", ["2", "3", "4", "5"]),
    ("ko-4", "물의 화학식은 무엇입니까?", ["CO2", "O2", "H2O", "NaCl"]),
    ("ko-5", "한국의 전통 발효 음식은 무엇입니까?", ["김치", "피자", "스시", "타코"]),
]
SYSTEM = "다음 객관식 질문에 A, B, C, D 중 하나의 글자로만 답하세요."


def prompt(question: str, choices: list[str]) -> str:
    lines = [
        question,
        *(f"{letter}. {choice}" for letter, choice in zip("ABCD", choices, strict=True)),
    ]
    return "\n".join([*lines, "정답:"])


def test_five_korean_questions_get_answers_that_are_stored_with_every_field(llama_server, tmp_path):
    store_path = tmp_path / "answers.jsonl"
    items = [ChatItem(ident, prompt(question, choices)) for ident, question, choices in QUESTIONS]
    settings = GenerationSettings(
        temperature=0.0, max_tokens=24, system_prompt=SYSTEM, seed=7, reasoning=False
    )

    def store(outcome):
        with store_path.open("a", encoding="utf-8") as handle:
            row = {
                "id": outcome.item_id,
                "text": outcome.text,
                "finish_reason": outcome.finish_reason,
                "tokens_in": outcome.tokens_in,
                "tokens_out": outcome.tokens_out,
                "latency_ms": outcome.latency_ms,
                "attempts": outcome.attempts,
                "error_kind": outcome.error_kind,
            }
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    async def run():
        limiter = EndpointLimiter(LocalLimitStore(), "llama", LimitSpec(max_in_flight=2))
        endpoint = EndpointConfig(
            llama_server.url,
            llama_server.model,
            ApiKey("sk-llama-cpp-takes-any-key"),
            timeout=120,
            allow_private=True,
        )
        async with (
            limiter,
            EndpointClient(endpoint, limiter=limiter, settings=settings) as client,
        ):
            return await client.run_batch(items, on_outcome=store)

    result = asyncio.run(run())
    assert result.stopped is None and result.not_done == []
    rows = [json.loads(line) for line in store_path.read_text(encoding="utf-8").splitlines()]
    assert sorted(row["id"] for row in rows) == [ident for ident, _, _ in QUESTIONS]
    for row in rows:
        assert row["error_kind"] is None and row["attempts"] == 1
        assert isinstance(row["text"], str)
        assert row["finish_reason"] in ("stop", "length")
        assert row["tokens_in"] > 20  # system prompt, question and four choices
        assert 1 <= row["tokens_out"] <= 24
        assert row["latency_ms"] > 0
    assert sum(len(row["text"].strip()) > 0 for row in rows) >= 3
    print("\n" + "\n".join(f"{row['id']}: {row['text']!r}" for row in rows))
