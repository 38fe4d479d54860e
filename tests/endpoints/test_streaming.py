"""One streamed chat completion (a person trying a model): text deltas only, within the
endpoint's shared limits, failures by kind, and the thread bridge Django's streaming uses."""

import asyncio

import pytest

from evaluations.endpoints.chat import EndpointConfig, GenerationSettings
from evaluations.endpoints.limits import EndpointLimiter, LimitSpec, LocalLimitStore
from evaluations.endpoints.retry import ErrorKind
from evaluations.endpoints.secrets import ApiKey
from evaluations.endpoints.streaming import StreamFailure, iterate_in_thread, stream_chat
from tests.endpoints.fake_openai import API_KEY, FakeOpenAI, Fault

QUESTION = [{"role": "user", "content": "안녕?"}]


def config(server, **kwargs):
    return EndpointConfig(server.url, server.model, ApiKey(API_KEY), allow_private=True, **kwargs)


def limiter(name, **spec):
    return EndpointLimiter(LocalLimitStore(), name, LimitSpec(**{"max_in_flight": 4, **spec}))


async def answer(server, name, **kwargs):
    async with limiter(name, **kwargs.pop("spec", {})) as lim:
        return [
            d
            async for d in stream_chat(
                config(server, **kwargs), GenerationSettings(), QUESTION, lim
            )
        ]


def test_the_deltas_come_as_the_server_sends_them(limit_name):
    with FakeOpenAI(model="secret-model-name", default_answer="하나 둘 셋") as server:
        deltas = asyncio.run(answer(server, limit_name))
    assert deltas == ["하나 ", "둘 ", "셋"]
    assert server.bodies[0]["stream"] is True
    assert server.authorizations[0] == f"Bearer {API_KEY}"


def test_chats_never_pass_the_endpoint_s_in_flight_limit(limit_name):
    with FakeOpenAI(default_answer="a b c d") as server:
        server.stream_delay = 0.05

        async def many():
            async with limiter(limit_name, max_in_flight=2) as lim:

                async def one():
                    return "".join(
                        [
                            d
                            async for d in stream_chat(
                                config(server), GenerationSettings(), QUESTION, lim
                            )
                        ]
                    )

                return await asyncio.gather(*(one() for _ in range(6)))

        texts = asyncio.run(many())
    assert texts == ["a b c d"] * 6
    assert server.max_in_flight == 2


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (Fault.status(500), ErrorKind.SERVER_ERROR),
        (Fault.rate_limited(5), ErrorKind.RATE_LIMITED),
        (Fault.status(401), ErrorKind.UNAUTHORIZED),
        (Fault.slow(3), ErrorKind.TIMEOUT),
    ],
)
def test_failures_end_with_their_kind(limit_name, fault, kind):
    with FakeOpenAI() as server:
        server.always(fault)
        with pytest.raises(StreamFailure) as caught:
            asyncio.run(answer(server, limit_name, timeout=1))
    assert caught.value.kind == kind
    assert API_KEY not in caught.value.detail


def test_a_server_that_ignores_stream_is_read_as_one_answer(limit_name):
    with FakeOpenAI(default_answer="통째로 온 답") as server:
        original = server._stream

        async def plain(send, text):  # as a server that does not stream answers
            from tests.endpoints.fake_openai import _json

            await _json(
                send, 200, {"model": server.model, "choices": [{"message": {"content": text}}]}
            )

        server._stream = plain
        try:
            assert asyncio.run(answer(server, limit_name)) == ["통째로 온 답"]
        finally:
            server._stream = original


def test_the_thread_bridge_yields_in_order_and_raises_here():
    async def numbers():
        for n in range(3):
            await asyncio.sleep(0)
            yield n
        raise StreamFailure(ErrorKind.TIMEOUT, "late")

    got = []
    with pytest.raises(StreamFailure):
        for n in iterate_in_thread(numbers):
            got.append(n)
    assert got == [0, 1, 2]
