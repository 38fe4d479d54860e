"""The endpoint-run API: evaluators start, follow, pause and resume; the team reads its figures,
never a hidden prompt or an answer as written; anyone else gets 404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations.endpoints.costs import estimated_cost
from evaluations.endpoints.models import Endpoint, EndpointResponse, EndpointRun
from evaluations.models import RunResult
from tests.api.conftest import token_client
from tests.factories import ModelFactory

from .conftest import ITEMS, SENTINEL, answer_table, run_everything

pytestmark = pytest.mark.django_db

LIST = reverse("api:endpoint-runs")


def detail(run) -> str:
    return reverse("api:endpoint-run", args=[run.pk])


def start_body(model, phase, benchmark, **extra) -> dict:
    return {"model": model.slug, "phase": phase.slug, "benchmark": benchmark.code, **extra}


@pytest.fixture
def staff(evaluator):
    return token_client(evaluator)[0]


@pytest.fixture
def team(member_a):
    return token_client(member_a)[0]


@pytest.fixture
def answered(staff, endpoint, model_a, phase, benchmark, server):
    """A run started through the API and answered (tasks eager): 6 of 12 right, the wrong ones
    written out in words that repeat the hidden question."""
    table = answer_table(benchmark, correct=6)
    server.answers = {
        text: (answer if n < 6 else f"{text} 정답은 모름")
        for n, (text, answer) in enumerate(table.items())
    }
    with run_everything():
        response = staff.post(
            LIST, start_body(model_a, phase, benchmark, endpoint=endpoint.pk), format="json"
        )
    assert response.status_code == 201, response.content
    return EndpointRun.objects.get(pk=response.json()["id"])


@pytest.fixture
def priced(endpoint):
    """Prices set before the run starts: the run card copies them."""
    Endpoint.objects.filter(pk=endpoint.pk).update(
        price_in_per_million=Decimal("0.50"), price_out_per_million=Decimal("1.50")
    )
    return endpoint


def test_an_evaluator_starts_a_run_and_reads_its_progress_card_and_cost(
    staff, priced, answered, endpoint, server
):
    body = staff.get(detail(answered)).json()
    assert body["status"] == "answered" and body["is_final"] is True
    progress = body["progress"]
    assert progress["items"] == progress["done"] == ITEMS and progress["fraction"] == 1.0
    stored = EndpointResponse.objects.filter(run=answered)
    tokens_in = sum(r.tokens_in for r in stored)
    tokens_out = sum(r.tokens_out for r in stored)
    assert (progress["tokens_in"], progress["tokens_out"]) == (tokens_in, tokens_out) > (0, 0)
    assert (
        progress["latency_p50_ms"] > 0 and progress["latency_p95_ms"] >= progress["latency_p50_ms"]
    )
    assert progress["in_flight"] == 0 and progress["errors"] == {} and progress["retries"] == {}
    # The cost is the one rule's, by hand: tokens × price / 1e6.
    by_hand = (Decimal(tokens_in) * Decimal("0.5") + Decimal(tokens_out) * Decimal("1.5")) / 10**6
    assert Decimal(body["estimated_cost"]["amount"]) == by_hand.quantize(Decimal("0.000001"))
    assert body["estimated_cost"]["currency"] == "USD"
    card = body["card"]
    assert card["base_url"] == server.url and card["served_model"] == server.model
    assert card["endpoint"] == endpoint.pk and card["max_in_flight"] == 3
    assert card["template_version"] == 1 and card["seed"] == answered.seed
    assert body["result"]["value"] == pytest.approx(50.0)
    assert {c["category"] for c in body["categories"]} == {"law", "math"}
    content = staff.get(detail(answered)).content.decode()
    assert server.api_key not in content and "api_key" not in content
    # A later change of the endpoint's prices does not rewrite what this run cost.
    Endpoint.objects.filter(pk=endpoint.pk).update(
        price_in_per_million=Decimal("9"), price_out_per_million=Decimal("9")
    )
    again = staff.get(detail(answered)).json()["estimated_cost"]
    assert again == body["estimated_cost"]


def test_without_prices_the_estimated_cost_is_null_and_the_page_says_no_price_set(
    staff, evaluator, answered, client
):
    assert staff.get(detail(answered)).json()["estimated_cost"] is None
    client.force_login(evaluator)
    page = client.get(reverse("evaluations:endpoint_run", args=[answered.pk])).content.decode()
    assert "no price set" in page


def test_the_team_reads_score_categories_speed_and_feedback_but_no_prompt_or_answer(team, answered):
    response = team.get(detail(answered))
    assert response.status_code == 200
    body = response.json()
    assert body["result"]["value"] == pytest.approx(50.0)
    assert body["result"]["interval_low"] <= 50.0 <= body["result"]["interval_high"]
    assert len(body["categories"]) == 2
    assert body["progress"]["done"] == ITEMS and body["progress"]["tokens_out"] > 0
    assert body["progress"]["latency_p50_ms"] > 0
    for evaluators_only in ("card", "estimated_cost", "reason"):
        assert body[evaluators_only] is None
    assert body["progress"]["in_flight"] is None and body["progress"]["errors"] is None
    examples = [e for r in body["result"]["feedback"]["reasons"] for e in r["examples"]]
    assert examples, "the extraction feedback is there"
    assert all(e["prediction"] == RunResult.HIDDEN_PREDICTION for e in examples)
    assert SENTINEL not in response.content.decode()
    assert "정답은 모름" not in response.content.decode()  # no stored answer as written
    listed = team.get(LIST).json()["results"]
    assert [r["id"] for r in listed] == [str(answered.pk)]


def test_another_team_the_public_and_the_team_steering_get_404_or_401(
    answered, team, member_b, anon_client
):
    other = token_client(member_b)[0]
    assert other.get(detail(answered)).status_code == 404
    assert other.get(LIST).json()["results"] == []
    assert anon_client.get(detail(answered)).status_code == 401
    assert anon_client.get(LIST).status_code == 401
    pause = reverse("api:endpoint-run-pause", args=[answered.pk])
    assert team.post(pause).status_code == 404
    body = start_body(answered.model, answered.phase, answered.benchmark)
    assert team.post(LIST, body, format="json").status_code == 404
    assert EndpointRun.objects.count() == 1
    assert team.post(pause).json()["error"]["code"] == "not_found"


@pytest.fixture
def anon_client():
    from rest_framework.test import APIClient

    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    ("change", "field", "english", "korean"),
    [
        ({"phase": "no-such-phase"}, "phase", "No such phase.", "해당 단계가 없습니다."),
        ({"benchmark": "nope"}, "benchmark", "No such benchmark.", None),
        ({"endpoint": 999999}, "endpoint", "The model has no endpoint with this id.", None),
    ],
)
def test_bad_input_is_named_in_english_and_korean_and_starts_nothing(
    evaluator, endpoint, model_a, phase, benchmark, change, field, english, korean
):
    body = {**start_body(model_a, phase, benchmark), **change}
    for language in ("en", "ko"):
        client = token_client(evaluator)[0]
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        response = client.post(LIST, body, format="json")
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == "invalid" and field in error["details"]
        if language == "en":
            assert error["message"] == english
        else:
            assert error["message"] != english and any(
                "가" <= ch <= "힣" for ch in error["message"]
            )
            if korean:
                assert error["message"] == korean
    assert not EndpointRun.objects.exists()


def test_a_benchmark_without_hidden_prompts_and_a_model_without_an_endpoint_are_refused(
    staff, endpoint, model_a, phase, benchmark, team_a
):
    from tests.factories import BenchmarkFactory

    plain = BenchmarkFactory(code="plain")
    response = staff.post(LIST, start_body(model_a, phase, plain), format="json")
    assert response.status_code == 400 and "benchmark" in response.json()["error"]["details"]
    bare = ModelFactory(slug="bare", team=team_a)
    response = staff.post(LIST, start_body(bare, phase, benchmark), format="json")
    assert response.json()["error"]["details"] == {
        "endpoint": ["The model has no approved endpoint."]
    }
    response = staff.post(LIST, {"model": model_a.slug}, format="json")
    assert response.status_code == 400 and "phase" in response.json()["error"]["details"]
    assert not EndpointRun.objects.exists()


def test_an_evaluator_pauses_and_resumes_a_run_and_a_wrong_state_is_409(
    staff, endpoint, model_a, phase, benchmark
):
    # Started without running its tasks: the run stays queued.
    response = staff.post(LIST, start_body(model_a, phase, benchmark), format="json")
    assert response.status_code == 201 and response.json()["status"] == "queued"
    run = EndpointRun.objects.get(pk=response.json()["id"])
    pause = reverse("api:endpoint-run-pause", args=[run.pk])
    resume = reverse("api:endpoint-run-resume", args=[run.pk])
    assert staff.post(resume).status_code == 409
    response = staff.post(pause)
    assert response.status_code == 200 and response.json()["status"] == "paused"
    assert response.json()["reason_code"] == "by_evaluator"
    again = staff.post(pause)
    assert again.status_code == 409 and again.json()["error"]["code"] == "wrong_state"
    assert again.json()["error"]["details"] == {"status": "paused"}
    response = staff.post(resume)
    assert response.status_code == 200 and response.json()["status"] == "queued"


def test_the_cost_rule_is_the_one_the_page_and_the_api_share(answered, endpoint):
    Endpoint.objects.filter(pk=endpoint.pk).update(
        price_in_per_million=Decimal("2"), price_out_per_million=Decimal("8"), price_currency="KRW"
    )
    answered.refresh_from_db()
    cost = estimated_cost(answered.endpoint, tokens_in=1000, tokens_out=500)
    assert cost.amount == Decimal("0.006000") and cost.currency == "KRW"
