"""The public side-by-side with real endpoints: the rater's own prompt goes to two models drawn
at random, the answers come back without names, the vote reveals them; the abuse limits hold."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluations.endpoints.secrets import ApiKey
from evaluations.endpoints.services import endpoint_add
from evaluations.panels import votes
from evaluations.panels.models import Comparison, ComparisonPrompt
from tests.endpoints.fake_openai import API_KEY, FakeOpenAI, Fault

from .conftest import make_panel, secret_strings
from .test_side_by_side import _citizen

pytestmark = pytest.mark.django_db

SENTINEL = "sentinel-served-model-77ab"


@pytest.fixture(autouse=True)
def _loopback(settings):
    settings.ENDPOINT_ALLOW_PRIVATE = True


@pytest.fixture
def servers():
    with (
        FakeOpenAI(model=SENTINEL, default_answer="첫째 모델의 답입니다.") as one,
        FakeOpenAI(model=SENTINEL, default_answer="둘째 모델의 답입니다.") as two,
    ):
        yield [one, two]


@pytest.fixture
def public_panel(evaluator, phase, public_component, team_models):
    return make_panel(evaluator, phase, public_component, kind="public", code="public")


@pytest.fixture
def live(evaluator, team_models, servers):
    """Endpoints for the first two models only: the third cannot be drawn."""
    return {
        endpoint_add(
            user=evaluator, model=model, base_url=server.url, served_model=SENTINEL,
            api_key=ApiKey(API_KEY), timeout=5,
        ).model_id: server
        for model, server in zip(team_models[:2], servers, strict=True)
    }  # fmt: skip


def test_own_prompt_two_anonymous_answers_vote_then_names(public_panel, live, servers):
    rater = _citizen(public_panel, "asker")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(rater.user)
    url = reverse("panels:compare", args=[public_panel.pk])
    assert b"data-compare-ask" in client.get(url).content
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        asked = client.post(
            reverse("panels:compare_ask", args=[public_panel.pk]), {"text": "김치찌개 끓이는 법은?"}
        )
        assert asked.status_code == 302
        page = client.get(asked["Location"])
    body = page.content.decode()
    assert "첫째 모델의 답입니다." in body and "둘째 모델의 답입니다." in body
    forbidden = [*secret_strings(), SENTINEL, *(s.url for s in servers), API_KEY]
    assert not [s for s in forbidden if s.lower() in body.lower()]
    comparison = Comparison.objects.get(rater=rater)
    assert {comparison.model_a_id, comparison.model_b_id} == set(live)
    assert comparison.prompt.written_by == rater
    for server in servers:
        assert server.bodies[-1]["messages"][-1]["content"] == "김치찌개 끓이는 법은?"
    # another rater's prompt list does not show it
    other = _citizen(public_panel, "other")
    client2 = Client(HTTP_ACCEPT_LANGUAGE="en")
    client2.force_login(other.user)
    assert "김치찌개" not in client2.get(url).content.decode()
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        revealed = client.post(
            reverse("panels:vote", args=[public_panel.pk, comparison.pk]), {"vote": "a"}
        )
    assert comparison.model_a.name in revealed.content.decode()
    comparison.refresh_from_db()
    assert comparison.vote == "a" and comparison.excluded_reason == ""
    # the same prompt again: asked, kept, but excluded as repeated
    second = _ask(rater, "  김치찌개 끓이는 법은?  ", at=start + timedelta(minutes=2))
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        second = votes.comparison_vote(user=rater.user, comparison_id=second.pk, vote="b")
    assert second.excluded_reason == Comparison.Excluded.REPEATED_PROMPT


def _ask(rater, text, *, at=None):
    from evaluations.panels.tryout import live_comparison

    with time_machine.travel(at or timezone.now(), tick=False):
        return live_comparison(user=rater.user, panel_id=rater.panel_id, text=text)


def test_a_failing_endpoint_saves_nothing_and_says_so(public_panel, live, servers):
    rater = _citizen(public_panel, "unlucky")
    servers[1].always(Fault.status(500))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(rater.user)
    response = client.post(
        reverse("panels:compare_ask", args=[public_panel.pk]), {"text": "hello"}, follow=True
    )
    assert "The model could not answer: its endpoint failed." in response.content.decode()
    assert not Comparison.objects.exists() and not ComparisonPrompt.objects.exists()


def test_bad_prompts_and_the_daily_vote_limit_refuse(public_panel, live, servers, settings):
    rater = _citizen(public_panel, "limited")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(rater.user)
    ask = reverse("panels:compare_ask", args=[public_panel.pk])
    empty = client.post(ask, {"text": "  "}, follow=True).content.decode()
    assert "Write a message first." in empty
    settings.PANEL_VOTES_PER_DAY = 0
    limited = client.post(ask, {"text": "hello"}, follow=True).content.decode()
    assert "You have cast today" in limited
    assert not Comparison.objects.exists() and all(not s.calls for s in servers)


def test_without_two_endpoints_the_page_keeps_the_fixed_prompts(
    evaluator, public_panel, team_models, servers
):
    endpoint_add(
        user=evaluator, model=team_models[0], base_url=servers[0].url, served_model=SENTINEL,
        api_key=ApiKey(API_KEY), timeout=5,
    )  # fmt: skip
    votes.prompt_add(
        user=evaluator,
        panel=public_panel,
        text="Fixed prompt",
        answers={m.pk: f"fixed answer {m.pk}" for m in team_models},
    )
    rater = _citizen(public_panel, "classic")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(rater.user)
    page = client.get(reverse("panels:compare", args=[public_panel.pk])).content.decode()
    assert "data-compare-ask" not in page and "Fixed prompt" in page
    refused = client.post(
        reverse("panels:compare_ask", args=[public_panel.pk]), {"text": "hi"}, follow=True
    )
    assert "Fewer than two models can be asked live" in refused.content.decode()
    assert not servers[0].calls


def test_only_public_panels_take_own_prompts(evaluator, pro_panel, live):
    from .conftest import seat

    rater = seat(evaluator, pro_panel, "expert-ish")
    client = Client()
    client.force_login(rater.user)
    response = client.post(reverse("panels:compare_ask", args=[pro_panel.pk]), {"text": "hi"})
    assert response.status_code == 404
