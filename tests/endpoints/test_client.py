"""The endpoint client against our fake OpenAI-compatible server: answers, faults, stops, secrecy."""

import asyncio
import logging
import time

import pytest

from evaluations.endpoints.client import (
    ChatItem,
    EndpointClient,
    EndpointConfig,
    GenerationSettings,
)
from evaluations.endpoints.limits import EndpointLimiter, LimitSpec, LocalLimitStore
from evaluations.endpoints.retry import ErrorKind, RetryPolicy
from evaluations.endpoints.secrets import ApiKey
from tests.endpoints.fake_openai import API_KEY, FakeOpenAI, Fault

FAST_RETRY = RetryPolicy(base_delay=0.01, max_delay=0.05, pause_after=10)


def items(count, prefix="q"):
    return [ChatItem(f"item-{n}", f"{prefix}{n}") for n in range(count)]


def batch(
    server,
    work,
    *,
    spec=None,
    retry=FAST_RETRY,
    settings=None,
    timeout=2.0,
    model="fake-model",
    api_key=API_KEY,
    allow_private=True,
    check_model=True,
    on_outcome=None,
    name=None,
):
    """Run one batch against ``server`` with a fresh local limit; return the BatchResult."""

    async def go():
        limiter = EndpointLimiter(
            LocalLimitStore(), name or f"client-{time.monotonic_ns()}", spec or LimitSpec(4)
        )
        endpoint = EndpointConfig(
            server.url, model, ApiKey(api_key), timeout=timeout, allow_private=allow_private
        )
        async with (
            limiter,
            EndpointClient(endpoint, limiter=limiter, settings=settings, retry=retry) as client,
        ):
            return await client.run_batch(work, on_outcome=on_outcome, check_model=check_model)

    return asyncio.run(go())


def test_every_item_gets_its_answer_with_all_the_fields(fake_openai):
    fake_openai.answers = {"q1": "B", "q2": "The answer is C"}
    fake_openai.latency = 0.05
    result = batch(fake_openai, items(5))
    assert result.stopped is None and result.not_done == []
    by_id = {outcome.item_id: outcome for outcome in result.outcomes}
    assert sorted(by_id) == [f"item-{n}" for n in range(5)]
    second = by_id["item-2"]
    assert second.ok and second.text == "The answer is C"
    assert by_id["item-1"].text == "B" and by_id["item-0"].text == "A"
    assert second.finish_reason == "stop"
    assert second.tokens_in == 1 and second.tokens_out == 4
    assert 50 <= second.latency_ms < 2000
    assert second.attempts == 1 and second.retried == ()
    assert second.served_model == "fake-model"
    assert second.error_kind is None and second.error is None


def test_each_request_carries_the_generation_settings_and_the_key(fake_openai):
    settings = GenerationSettings(
        temperature=0.2,
        max_tokens=16,
        system_prompt="Answer with one letter.",
        seed=7,
        reasoning=False,
        extra_body={"top_k": 1},
    )
    batch(fake_openai, items(1), settings=settings)
    (body,) = fake_openai.bodies
    assert body["model"] == "fake-model"
    assert body["messages"] == [
        {"role": "system", "content": "Answer with one letter."},
        {"role": "user", "content": "q0"},
    ]
    assert body["temperature"] == 0.2 and body["max_tokens"] == 16 and body["seed"] == 7
    assert body["chat_template_kwargs"] == {"enable_thinking": False}
    assert body["top_k"] == 1 and body["stream"] is False
    assert fake_openai.authorizations == [f"Bearer {API_KEY}"]


def test_unset_settings_are_not_sent_and_full_messages_pass_through(fake_openai):
    settings = GenerationSettings(temperature=None, max_tokens=None)
    messages = ({"role": "user", "content": "hi"}, {"role": "assistant", "content": "A"})
    work = [ChatItem("x", messages=(*messages, {"role": "user", "content": "q9"}))]
    batch(fake_openai, work, settings=settings)
    (body,) = fake_openai.bodies
    assert "temperature" not in body and "max_tokens" not in body
    assert "seed" not in body and "chat_template_kwargs" not in body
    assert body["messages"][:2] == list(messages)


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (Fault.rate_limited(), ErrorKind.RATE_LIMITED),
        (Fault.status(500), ErrorKind.SERVER_ERROR),
        (Fault.status(502), ErrorKind.SERVER_ERROR),
        (Fault.status(503), ErrorKind.SERVER_ERROR),
        (Fault.slow(3.0), ErrorKind.TIMEOUT),
        (Fault.truncated(), ErrorKind.TRUNCATED),
        (Fault.invalid(), ErrorKind.INVALID_BODY),
        (Fault.not_completion(), ErrorKind.INVALID_BODY),
    ],
)
def test_a_passing_fault_is_retried_and_the_item_answered(fake_openai, fault, kind):
    fake_openai.fail_next(fault, prompt="q1")
    result = batch(fake_openai, items(3), timeout=0.5)
    assert result.stopped is None
    by_id = {outcome.item_id: outcome for outcome in result.outcomes}
    assert all(outcome.ok for outcome in result.outcomes) and len(by_id) == 3
    assert by_id["item-1"].attempts == 2
    assert by_id["item-1"].retried == (kind,)
    assert by_id["item-1"].text == "A"
    assert result.attempt_errors == {kind: 1}
    assert [prompt for _, prompt in fake_openai.calls].count("q1") == 2


def test_retries_stop_after_max_attempts_and_the_item_fails_with_the_last_reason(fake_openai):
    fake_openai.always(Fault.status(500))
    retry = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02)
    result = batch(fake_openai, items(1), retry=retry)
    (outcome,) = result.outcomes
    assert outcome.error_kind == ErrorKind.SERVER_ERROR
    assert outcome.attempts == 3 and len(outcome.retried) == 2
    assert outcome.text is None and outcome.error.startswith("HTTP 500")
    assert len(fake_openai.calls) == 3


def test_retry_after_is_obeyed_by_the_item_and_held_by_every_other_request(fake_openai):
    fake_openai.latency = 0.02
    fake_openai.fail_next(Fault.rate_limited(0.6), prompt="q0")
    result = batch(fake_openai, items(20), spec=LimitSpec(4))
    assert all(outcome.ok for outcome in result.outcomes) and len(result.outcomes) == 20
    calls = sorted(fake_openai.calls)
    first_q0, second_q0 = [when for when, prompt in calls if prompt == "q0"]
    assert second_q0 - first_q0 >= 0.55
    # Nothing new starts while the endpoint asked us to wait (requests already on their way
    # when the 429 came back may still arrive just after it).
    during = [when for when, _ in calls if first_q0 + 0.15 < when < first_q0 + 0.55]
    assert during == []


def test_an_endpoint_that_rejects_the_key_stops_the_batch_before_any_question(fake_openai):
    result = batch(fake_openai, items(10), api_key="sk-wrong-key-000000000000000")
    assert result.stopped.kind == "fatal"
    assert result.stopped.error_kind == ErrorKind.UNAUTHORIZED
    assert "HTTP 401" in result.stopped.message
    assert result.outcomes == [] and len(result.not_done) == 10
    assert fake_openai.calls == []


@pytest.mark.parametrize(
    ("status", "kind"),
    [(401, ErrorKind.UNAUTHORIZED), (403, ErrorKind.FORBIDDEN), (404, ErrorKind.NOT_FOUND)],
)
def test_auth_and_not_found_during_the_batch_stop_it_at_once(fake_openai, status, kind):
    fake_openai.latency = 0.02
    fake_openai.fail_next(Fault.status(status), prompt="q3")
    result = batch(fake_openai, items(50), spec=LimitSpec(2), check_model=False)
    assert result.stopped.kind == "fatal" and result.stopped.error_kind == kind
    assert result.stopped.item_id == "item-3"
    assert f"HTTP {status}" in result.stopped.message
    assert "item-3" in result.not_done
    assert len(fake_openai.calls) <= 6  # stopped at once, not after the other 46 items
    assert {outcome.item_id for outcome in result.outcomes}.isdisjoint(result.not_done)


def test_a_served_model_name_the_endpoint_does_not_list_is_fatal_and_says_what_it_lists(
    fake_openai,
):
    result = batch(fake_openai, items(3), model="gemma-wrong")
    assert result.stopped.error_kind == ErrorKind.WRONG_MODEL
    assert "'gemma-wrong'" in result.stopped.message and "'fake-model'" in result.stopped.message
    assert fake_openai.calls == []


def test_a_wrong_model_found_by_the_completion_itself_is_fatal_too(fake_openai):
    result = batch(fake_openai, items(3), model="gemma-wrong", check_model=False, spec=LimitSpec(1))
    assert result.stopped.error_kind == ErrorKind.WRONG_MODEL
    assert "does not exist" in result.stopped.message
    assert len(fake_openai.calls) == 1


def test_a_redirect_is_not_followed_and_stops_the_batch_with_the_new_address(fake_openai):
    moved = Fault.status(307, headers=[("location", "https://elsewhere.example/v1")])
    fake_openai.fail_next(moved, prompt="q0")
    result = batch(fake_openai, items(2), spec=LimitSpec(1), check_model=False)
    assert result.stopped.error_kind == ErrorKind.UNEXPECTED_STATUS
    assert "https://elsewhere.example/v1" in result.stopped.message
    assert len(fake_openai.calls) == 1


def test_an_endpoint_on_a_forbidden_address_is_never_contacted(fake_openai):
    result = batch(fake_openai, items(3), allow_private=False)
    assert result.stopped.error_kind == ErrorKind.REFUSED_ADDRESS
    assert "ENDPOINT_ALLOW_PRIVATE" in result.stopped.message
    assert fake_openai.requests == 0


def test_a_bad_request_fails_only_its_item_and_is_not_retried(fake_openai):
    too_long = b'{"error": {"message": "This prompt is longer than the context (2048 tokens)"}}'
    fake_openai.fail_next(Fault.status(400, body=too_long), prompt="q3")
    result = batch(fake_openai, items(6))
    assert result.stopped is None
    by_id = {outcome.item_id: outcome for outcome in result.outcomes}
    assert by_id["item-3"].error_kind == ErrorKind.BAD_REQUEST
    assert by_id["item-3"].attempts == 1
    assert "longer than the context" in by_id["item-3"].error
    assert sum(outcome.ok for outcome in result.outcomes) == 5


def test_a_run_of_failures_pauses_the_batch_and_a_resume_finishes_exactly_the_rest(fake_openai):
    fake_openai.always(Fault.status(500))
    retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02, pause_after=3)
    work = items(12)
    first = batch(fake_openai, work, spec=LimitSpec(1), retry=retry)
    assert first.stopped.kind == "paused"
    assert first.stopped.error_kind == ErrorKind.SERVER_ERROR
    assert "3 items in a row failed" in first.stopped.message
    assert len(first.outcomes) == 3 and not any(outcome.ok for outcome in first.outcomes)
    assert len(first.not_done) == 9

    fake_openai.always(None)
    stored = {}

    def store(outcome):
        assert outcome.item_id not in stored
        stored[outcome.item_id] = outcome

    failed = [outcome.item_id for outcome in first.outcomes]
    resumed = [item for item in work if item.id in set(first.not_done) | set(failed)]
    second = batch(fake_openai, resumed, spec=LimitSpec(3), retry=retry, on_outcome=store)
    assert second.stopped is None and second.not_done == []
    assert sorted(stored) == sorted(item.id for item in work)
    assert all(outcome.ok for outcome in stored.values())


def test_failures_that_are_not_in_a_row_do_not_pause(fake_openai):
    for n in range(0, 12, 3):  # two of every three items fail: never three in a row
        fake_openai.fail_next(Fault.status(400), prompt=f"q{n}")
        fake_openai.fail_next(Fault.status(400), prompt=f"q{n + 1}")
    retry = RetryPolicy(base_delay=0.01, pause_after=3)
    result = batch(fake_openai, items(12), spec=LimitSpec(1), retry=retry)
    assert result.stopped is None
    assert sum(not outcome.ok for outcome in result.outcomes) == 8


def test_async_and_sync_outcome_callbacks_see_each_finished_item_once(fake_openai):
    seen_async, seen_sync = [], []

    async def store_async(outcome):
        await asyncio.sleep(0.001)
        seen_async.append(outcome.item_id)

    batch(fake_openai, items(8), on_outcome=store_async)
    batch(fake_openai, items(8), on_outcome=lambda outcome: seen_sync.append(outcome.item_id))
    expected = sorted(f"item-{n}" for n in range(8))
    assert sorted(seen_async) == expected and sorted(seen_sync) == expected


def test_the_in_flight_limit_holds_at_the_server(fake_openai):
    fake_openai.latency = 0.05
    result = batch(fake_openai, items(60), spec=LimitSpec(5))
    assert len(result.outcomes) == 60
    assert fake_openai.max_in_flight == 5


def test_the_rate_limit_holds_at_the_server(fake_openai):
    fake_openai.latency = 0.01
    spec = LimitSpec(max_in_flight=10, requests_per_minute=20, period=1.0, burst=2)
    started = time.monotonic()
    result = batch(fake_openai, items(30), spec=spec, check_model=False)
    assert len(result.outcomes) == 30
    # Arrivals, not grants: a request spaced from the next by the limiter can arrive closer to
    # it (a new connection, a busy machine); the exact count of grants is in test_limits.py.
    assert fake_openai.max_in_window(0.75) <= 20
    assert time.monotonic() - started >= 28 / 19 - 0.05  # 2 at once, then 19 per second


def test_cancelling_a_batch_gives_every_permit_back(fake_openai):
    fake_openai.latency = 0.3
    store = LocalLimitStore()

    async def go():
        limiter = EndpointLimiter(store, f"cancel-{time.monotonic_ns()}", LimitSpec(4))
        endpoint = EndpointConfig(
            fake_openai.url, "fake-model", ApiKey(API_KEY), allow_private=True
        )
        async with EndpointClient(endpoint, limiter=limiter, retry=FAST_RETRY) as client:
            task = asyncio.ensure_future(client.run_batch(items(20)))
            await asyncio.sleep(0.4)
            assert await limiter.in_flight() > 0
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        await asyncio.sleep(0.01)
        return await limiter.in_flight()

    assert asyncio.run(go()) == 0


def test_the_key_never_appears_in_outcomes_errors_reprs_or_logs(fake_openai, caplog):
    leaky = f'{{"error": {{"message": "You sent {API_KEY}, which is fine"}}}}'.encode()
    fake_openai.fail_next(Fault.status(400, body=leaky), prompt="q1")
    fake_openai.fail_next(Fault.status(500, body=leaky), prompt="q2")
    fake_openai.answers = {"q3": f"Your key is {API_KEY}."}
    with caplog.at_level(logging.DEBUG):
        result = batch(fake_openai, items(4))
    by_id = {outcome.item_id: outcome for outcome in result.outcomes}
    assert "[redacted]" in by_id["item-1"].error
    assert by_id["item-3"].text == "Your key is [redacted]."
    texts = [repr(result), str(result.attempt_errors)]
    texts += [record.getMessage() for record in caplog.records]
    texts += [repr(record.args) for record in caplog.records]
    endpoint = EndpointConfig(fake_openai.url, "fake-model", ApiKey(API_KEY), allow_private=True)
    limiter = EndpointLimiter(LocalLimitStore(), "repr", LimitSpec(1))
    texts += [repr(endpoint), str(endpoint), repr(EndpointClient(endpoint, limiter=limiter))]
    assert caplog.records  # httpx and the client did log
    for text in texts:
        assert API_KEY not in text


def test_a_fatal_stop_with_the_key_echoed_in_the_body_is_redacted(fake_openai):
    fake_openai.api_key = None  # the server takes any key…
    echo = f'{{"error": {{"message": "Invalid key {API_KEY}"}}}}'.encode()
    fake_openai.fail_next(Fault.status(401, body=echo))  # …and echoes it when refusing
    result = batch(fake_openai, items(1), check_model=False)
    assert result.stopped.error_kind == ErrorKind.UNAUTHORIZED
    assert API_KEY not in result.stopped.message and "[redacted]" in result.stopped.message


def test_a_connection_the_server_closed_while_idle_is_not_reused():
    """The server drops idle connections after 0.2 s; the next request must open a new one
    rather than fail on the dead one (the transport's cheap "is the socket readable" check)."""
    with FakeOpenAI(keep_alive=0.2) as server:

        async def go():
            limiter = EndpointLimiter(
                LocalLimitStore(), f"idle-{time.monotonic_ns()}", LimitSpec(1)
            )
            endpoint = EndpointConfig(server.url, "fake-model", ApiKey(API_KEY), allow_private=True)
            async with EndpointClient(endpoint, limiter=limiter, retry=FAST_RETRY) as client:
                first = await client.run_batch(items(2), check_model=False)
                await asyncio.sleep(0.6)
                second = await client.run_batch(items(2, prefix="r"), check_model=False)
            return first.outcomes + second.outcomes

        outcomes = asyncio.run(go())
    assert [outcome.attempts for outcome in outcomes] == [1, 1, 1, 1]
    assert all(outcome.ok for outcome in outcomes)


def test_many_permits_are_spread_over_several_connection_pools_and_all_used(fake_openai):
    fake_openai.latency = 0.1
    result = batch(fake_openai, items(200), spec=LimitSpec(40), check_model=False)
    assert len(result.outcomes) == 200 and all(outcome.ok for outcome in result.outcomes)
    assert fake_openai.max_in_flight == 40
