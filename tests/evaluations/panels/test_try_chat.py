"""Trying a model from the rating page: the answer streams from the model's endpoint, blind
(no model, team, served-model name, address or key in the page, its JSON, the request or the
streamed bytes), within the endpoint's limits, stored for the evaluators only."""

from datetime import timedelta

import orjson
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from evaluations.endpoints.secrets import ApiKey
from evaluations.endpoints.services import endpoint_add
from evaluations.panels.models import RaterLabel, TryMessage
from tests.endpoints.fake_openai import API_KEY, FakeOpenAI, Fault
from tests.language import in_language

from .conftest import make_panel, seat, secret_strings

pytestmark = pytest.mark.django_db

SENTINEL = "sentinel-served-model-5c1e"


@pytest.fixture(autouse=True)
def _loopback(settings):
    settings.ENDPOINT_ALLOW_PRIVATE = True  # the fake server listens on 127.0.0.1


@pytest.fixture
def server():
    with FakeOpenAI(model=SENTINEL, default_answer="안녕하세요, 도와드릴까요? Hello there") as fake:
        yield fake


def add_endpoints(evaluator, models, server, **limits):
    return [
        endpoint_add(
            user=evaluator, model=m, base_url=server.url, served_model=server.model,
            api_key=ApiKey(API_KEY), max_in_flight=limits.get("max_in_flight", 4),
            requests_per_minute=limits.get("requests_per_minute"),
            timeout=limits.get("timeout", 5),
        )
        for m in models
    ]  # fmt: skip


def forbidden(server) -> list[str]:
    return [*secret_strings(), SENTINEL, server.url, f"127.0.0.1:{server.port}", API_KEY]


def events(response) -> list[tuple[str, dict]]:
    body = b"".join(response.streaming_content).decode()
    out = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        name = "message"
        data = ""
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data += line[5:].strip()
        out.append((name, orjson.loads(data)))
    return out, body


@pytest.fixture
def rater(evaluator, pro_panel):
    return seat(evaluator, pro_panel, "tester")


def _client(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def try_url(panel, label):
    return reverse("panels:try", args=[panel.pk, label])


def test_the_answer_streams_blind_and_the_chat_is_stored_for_evaluators(
    evaluator, pro_panel, rater, team_models, server
):
    add_endpoints(evaluator, team_models, server)
    client = _client(rater.user)
    page = client.get(reverse("panels:rate", args=[pro_panel.pk]))
    assert page.status_code == 200 and b"data-try-url" in page.content
    response = client.post(try_url(pro_panel, "A"), {"message": "서울의 인구는?"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    got, body = events(response)
    assert got[-1] == ("done", {})
    assert "".join(e["delta"] for n, e in got if n == "message") == server.default_answer
    assert len(got) > 3  # a piece per word, as they came
    # the upstream chunks named the served model; nothing of it reaches the browser
    lowered = body.lower()
    assert not [s for s in forbidden(server) if s.lower() in lowered]
    assert server.bodies[-1]["stream"] is True and server.bodies[-1]["model"] == SENTINEL
    model = RaterLabel.objects.get(rater=rater, label="A").model
    stored = list(TryMessage.objects.filter(rater=rater).values_list("role", "text", "model"))
    assert stored == [
        ("user", "서울의 인구는?", model.pk),
        ("assistant", server.default_answer, model.pk),
    ]
    # the next message carries the conversation so far
    events(client.post(try_url(pro_panel, "A"), {"message": "그리고 부산은?"}))
    assert [m["content"] for m in server.bodies[-1]["messages"]] == [
        "서울의 인구는?",
        server.default_answer,
        "그리고 부산은?",
    ]
    # the rater's page, its JSON: their chat, and still no name anywhere
    for url in (
        reverse("panels:rate", args=[pro_panel.pk]),
        reverse("panels:rate_json", args=[pro_panel.pk]),
    ):
        html = client.get(url).content.decode().lower()
        assert not [s for s in forbidden(server) if s.lower() in html]
    assert (
        "그리고 부산은?" in client.get(reverse("panels:rate", args=[pro_panel.pk])).content.decode()
    )
    # another rater sees none of it; the evaluators do, with the model's name
    other = seat(evaluator, pro_panel, "other-rater")
    assert (
        "서울의 인구는?"
        not in _client(other.user).get(reverse("panels:rate", args=[pro_panel.pk])).content.decode()
    )
    manage = (
        _client(evaluator)
        .get(reverse("panels:manage_detail", args=[pro_panel.pk]))
        .content.decode()
    )
    assert "서울의 인구는?" in manage and model.name in manage


def test_a_model_naming_itself_is_masked_even_across_chunks(
    evaluator, pro_panel, rater, team_models, server
):
    add_endpoints(evaluator, team_models, server)
    label_a = RaterLabel.objects.get(rater=rater, label="A").model
    server.default_answer = f"I am {label_a.name}, made by {label_a.team.name_en} ({SENTINEL})."
    got, body = events(
        _client(rater.user).post(try_url(pro_panel, "A"), {"message": "Who are you?"})
    )
    text = "".join(e["delta"] for n, e in got if n == "message")
    assert text == "I am […], made by […] ([…])."
    assert not [s for s in forbidden(server) if s.lower() in body.lower()]


def test_bad_input_and_labels_outside_the_rater_s_map_change_nothing(
    evaluator, pro_panel, rater, team_models, server, phase, public_component
):
    add_endpoints(evaluator, team_models, server)
    client = _client(rater.user)
    assert client.post(try_url(pro_panel, "Z"), {"message": "hi"}).status_code == 404
    assert client.get(try_url(pro_panel, "A")).status_code == 405
    empty = client.post(try_url(pro_panel, "A"), {"message": "   "})
    assert empty.status_code == 400 and empty.json() == {"error": "Write a message first."}
    long = client.post(try_url(pro_panel, "A"), {"message": "가" * 4001})
    assert long.status_code == 400 and "4000" in long.json()["error"]
    korean = _client(rater.user, "ko").post(
        in_language(try_url(pro_panel, "A"), "ko"), {"message": ""}
    )
    assert korean.json()["error"] == "먼저 메시지를 쓰세요."
    # a panel the rater has no seat on
    other = make_panel(evaluator, phase, public_component, kind="public", code="other")
    assert client.post(try_url(other, "A"), {"message": "hi"}).status_code == 404
    assert _client(evaluator).post(try_url(pro_panel, "A"), {"message": "hi"}).status_code == 404
    assert TryMessage.objects.count() == 0 and server.requests == 0


def test_a_closed_panel_refuses_the_chat(evaluator, pro_panel, rater, team_models, server):
    add_endpoints(evaluator, team_models, server)
    with time_machine.travel(pro_panel.closes_at + timedelta(minutes=1), tick=False):
        response = _client(rater.user).post(try_url(pro_panel, "A"), {"message": "hi"})
    assert response.status_code == 400
    assert "closed" in response.json()["error"]
    assert TryMessage.objects.count() == 0 and server.requests == 0


NOT_OPEN = "Trying the models is not available on this panel yet."


def test_the_chat_box_is_offered_for_every_label_or_none(
    evaluator, pro_panel, rater, team_models, server
):
    """While one model of the rater's map has no endpoint, no label offers a chat box and
    every label is refused with the same note: which labels could be tried would otherwise
    tell which models have endpoints."""
    add_endpoints(evaluator, team_models[:2], server)
    client = _client(rater.user)
    rate_url = reverse("panels:rate", args=[pro_panel.pk])
    page = client.get(rate_url).content.decode()
    assert "data-try-url" not in page and "data-try-send" not in page
    assert page.count(NOT_OPEN) == 1 and "no endpoint" not in page
    with_endpoint = RaterLabel.objects.get(rater=rater, model=team_models[0]).label
    without = RaterLabel.objects.get(rater=rater, model=team_models[2]).label
    answers = [client.post(try_url(pro_panel, lab), {"message": "hi"}) for lab in "ABC"]
    assert {(r.status_code, r.json()["error"]) for r in answers} == {(400, NOT_OPEN)}
    assert {with_endpoint, without} <= set("ABC")
    ko = _client(rater.user, "ko").post(in_language(try_url(pro_panel, with_endpoint), "ko"),
                                        {"message": "hi"})  # fmt: skip
    assert ko.json()["error"] == "이 평가단에서는 아직 모델을 써 볼 수 없습니다."
    assert TryMessage.objects.count() == 0 and server.requests == 0
    # the last endpoint approved: every label offers the box, the note is gone
    add_endpoints(evaluator, team_models[2:], server)
    page = client.get(rate_url).content.decode()
    assert page.count("data-try-url") == 3 and NOT_OPEN not in page
    events(client.post(try_url(pro_panel, without), {"message": "hi"}))
    assert TryMessage.objects.filter(role="assistant", error_kind="").count() == 1


def test_a_model_calling_itself_by_its_family_name_is_masked(
    evaluator, pro_panel, rater, team_models, server
):
    """Models say "EXAONE", "Solar", "DeepSeek" more often than their full listed name; they
    must not name another panel model either."""
    add_endpoints(evaluator, team_models, server)
    model = RaterLabel.objects.get(rater=rater, label="A").model  # e.g. "ZebraLM 300B"
    family = model.name.split()[0]  # "ZebraLM"
    other = next(m for m in team_models if m != model).name.split()[0]
    server.default_answer = f"I am {family}, a large language model, not {other}."
    got, body = events(_client(rater.user).post(try_url(pro_panel, "A"), {"message": "Who?"}))
    text = "".join(e["delta"] for n, e in got if n == "message")
    assert text == "I am […], a large language model, not […]."
    assert family.lower() not in body.lower() and other.lower() not in body.lower()


def test_an_endpoint_failure_ends_the_stream_with_a_plain_message(
    evaluator, pro_panel, rater, team_models, server
):
    add_endpoints(evaluator, team_models, server)
    server.always(
        Fault.status(
            404,
            body=orjson.dumps(
                {
                    "error": {
                        "message": f"The model `{SENTINEL}` does not exist.",
                        "code": "model_not_found",
                    }
                }
            ),
        )
    )
    got, body = events(_client(rater.user).post(try_url(pro_panel, "A"), {"message": "hi"}))
    assert got == [
        ("error", {"error": "The model could not answer: its endpoint failed. Try again later."})
    ]
    assert SENTINEL not in body
    answer = TryMessage.objects.get(rater=rater, role="assistant")
    assert answer.text == "" and answer.error_kind == "wrong_model"


def test_the_endpoint_s_per_minute_limit_holds_for_chats(
    evaluator, pro_panel, rater, team_models, server
):
    add_endpoints(evaluator, team_models, server, requests_per_minute=1, timeout=1.5)
    client = _client(rater.user)
    label = RaterLabel.objects.get(rater=rater, label="A")
    first, _ = events(client.post(try_url(pro_panel, "A"), {"message": "one"}))
    assert first[-1] == ("done", {})
    second, _ = events(client.post(try_url(pro_panel, "A"), {"message": "two"}))
    assert second == [
        (
            "error",
            {"error": "The model did not answer in time (it may be busy). Try again in a moment."},
        )
    ]
    assert len(server.calls) == 1  # the second waited for its token and gave up: never sent
    assert (
        TryMessage.objects.get(rater=rater, model=label.model, text="", role="assistant").error_kind
        == "timeout"
    )


def test_messages_per_day_are_limited(evaluator, pro_panel, rater, team_models, server, settings):
    settings.PANEL_TRIES_PER_DAY = 1
    add_endpoints(evaluator, team_models, server)
    client = _client(rater.user)
    events(client.post(try_url(pro_panel, "A"), {"message": "one"}))
    refused = client.post(try_url(pro_panel, "B"), {"message": "two"})
    assert refused.status_code == 400 and "today's 1 messages" in refused.json()["error"]
    assert len(server.calls) == 1


# Committed transactions, as in production: closing the response ends the request, and Django
# then closes a database connection left inside a transaction (PostgreSQL shows it).
@pytest.mark.django_db(transaction=True)
def test_a_rater_leaving_mid_answer_stops_it_and_keeps_what_came(
    evaluator, pro_panel, rater, team_models, server
):
    add_endpoints(evaluator, team_models, server)
    server.default_answer = " ".join(f"word{n}" for n in range(40))
    server.stream_delay = 0.1
    response = _client(rater.user).post(try_url(pro_panel, "A"), {"message": "long please"})
    first = next(iter(response.streaming_content))
    assert first.startswith(b"data: ")
    response.close()
    answer = TryMessage.objects.get(rater=rater, role="assistant")
    assert answer.error_kind == "truncated"
    assert answer.text.startswith("word0") and len(answer.text) < len(server.default_answer)
