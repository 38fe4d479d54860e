"""A 20-item Korean multiple-choice benchmark, end to end, against llama.cpp with Gemma 3 270M.

Through a real Celery worker when the suite has PostgreSQL and Redis (as .ci/run does); on the
embedded default the tasks run in this process. A small base model answers most questions
wrongly or in free text: the test checks that every answer is stored, extracted and scored as
the rules say, not that the score is high.
"""

from __future__ import annotations

import json
import logging
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from evaluations.endpoints.models import EndpointResponse, EndpointRun
from evaluations.endpoints.secrets import ApiKey
from evaluations.endpoints.services import endpoint_add, endpoint_run_start
from evaluations.models import EvaluationRun
from tests.factories import BenchmarkFactory
from tests.workers import wait_for

pytestmark = [pytest.mark.llm, pytest.mark.django_db(transaction=True)]

QUESTIONS = [
    ("대한민국의 수도는 어디입니까?", ["부산", "서울", "대구", "인천"], "B"),
    ("한글을 창제한 왕은 누구입니까?", ["세종대왕", "태조", "정조", "광개토대왕"], "A"),
    ("1 더하기 2는 얼마입니까?", ["2", "3", "4", "5"], "B"),
    ("물의 화학식은 무엇입니까?", ["CO2", "O2", "H2O", "NaCl"], "C"),
    ("한국의 전통 발효 음식은 무엇입니까?", ["김치", "피자", "스시", "타코"], "A"),
    ("태양계에서 가장 큰 행성은?", ["화성", "목성", "금성", "수성"], "B"),
    ("일주일은 며칠입니까?", ["5일", "6일", "7일", "8일"], "C"),
    ("한국의 국화는 무엇입니까?", ["장미", "무궁화", "튤립", "백합"], "B"),
    ("2 곱하기 5는 얼마입니까?", ["7", "10", "12", "25"], "B"),
    ("얼음이 녹으면 무엇이 됩니까?", ["물", "불", "흙", "돌"], "A"),
    ("서울을 가로지르는 강은?", ["낙동강", "금강", "한강", "영산강"], "C"),
    ("한 시간은 몇 분입니까?", ["30분", "60분", "90분", "100분"], "B"),
    ("한국의 화폐 단위는?", ["엔", "위안", "원", "달러"], "C"),
    ("빨강과 파랑을 섞으면?", ["초록", "보라", "노랑", "주황"], "B"),
    ("지구가 도는 별은?", ["달", "태양", "화성", "북극성"], "B"),
    ("10 빼기 4는?", ["4", "5", "6", "7"], "C"),
    ("독도는 어느 바다에 있습니까?", ["동해", "서해", "남해", "북해"], "A"),
    ("김치의 주재료는?", ["배추", "감자", "옥수수", "사과"], "A"),
    ("한국의 전통 옷은?", ["기모노", "한복", "사리", "치파오"], "B"),
    ("봄 다음 계절은?", ["겨울", "가을", "여름", "봄"], "C"),
]


def real_worker_available() -> bool:
    return connection.vendor == "postgresql" and bool(settings.REDIS_URL)


@pytest.fixture
def korean_benchmark(db, tmp_path):
    bench = BenchmarkFactory(
        code="ko-mc-20", name="Korean MC 20", metric="accuracy", item_count=None
    )
    path = tmp_path / "key.jsonl"
    rows = [
        {"id": f"k{i:02d}", "answer": answer, "category": ("상식", "수학")[i % 2],
         "question": question, "choices": choices}
        for i, (question, choices, answer) in enumerate(QUESTIONS)
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    call_command("import_benchmark", str(path), "--benchmark", bench.code)
    bench.refresh_from_db()
    return bench


def test_twenty_korean_questions_are_asked_stored_extracted_and_scored(
    llama_server, request, evaluator, model_a, phase, korean_benchmark
):
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if real_worker_available():
        request.getfixturevalue("broker")
        start_worker = request.getfixturevalue("workers")
        start_worker(
            "llm", ENDPOINT_ALLOW_PRIVATE="true", ENDPOINT_BATCH_SIZE="10", RUN_TIME_LIMIT="1200"
        )
    endpoint = endpoint_add(
        user=evaluator,
        model=model_a,
        base_url=llama_server.url,
        served_model=llama_server.model,
        api_key=ApiKey("sk-llama-cpp-takes-any-key"),
        max_in_flight=2,
        requests_per_minute=600,
        timeout=120,
        temperature=0.0,
        max_tokens=16,
    )
    # A transactional test: the run's tasks are queued when its transaction commits.
    run = endpoint_run_start(
        user=evaluator, endpoint=endpoint, phase=phase, benchmark=korean_benchmark
    )
    deadline = time.monotonic() + 900
    while True:
        run.refresh_from_db()
        if run.is_final or run.status == EndpointRun.Status.PAUSED:
            break
        assert time.monotonic() < deadline, f"endpoint run still {run.status}"
        time.sleep(0.5)
    assert run.status == EndpointRun.Status.ANSWERED, run.reason
    responses = list(EndpointResponse.objects.filter(run=run))
    assert len(responses) == len(QUESTIONS)
    for response in responses:
        assert response.error_kind == "" and response.attempts >= 1
        assert response.finish_reason in ("stop", "length")
        assert response.tokens_in > 20 and 1 <= response.tokens_out <= 16
        assert response.latency_ms > 0
    scored = wait_for(run.evaluation_run, EvaluationRun.FINAL_STATES, timeout=300)
    assert scored.status == EvaluationRun.Status.SUCCEEDED, scored.error_message
    result = scored.result
    assert result.item_count == len(QUESTIONS) and result.missing == 0
    assert result.extraction == korean_benchmark.extraction
    figure = next(f for f in result.figures if f["extraction"] == result.extraction)
    assert result.value == pytest.approx(100 * figure["correct"] / len(QUESTIONS))
    assert figure["correct"] + figure["invalid"] <= len(QUESTIONS)
    print(
        f"\nGemma 3 270M: {result.value:.1f} ({figure['correct']} right, {result.invalid} invalid)"
    )
    for response in sorted(responses, key=lambda r: r.item_id):
        print(f"{response.item_id}: {response.text!r}")
