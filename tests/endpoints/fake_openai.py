"""A small OpenAI-compatible server of our own, for tests and the endpoint benchmark.

A real HTTP server (uvicorn, a plain ASGI app: no framework) on a free port of 127.0.0.1, in a
thread of the test process. It answers

* ``POST /v1/chat/completions``: the answer for the last user message from ``answers``
  (else ``default_answer``) after ``latency`` seconds, with token counts (words);
  with ``"stream": true``, the same answer as server-sent events (a word per chunk, each
  chunk naming the served model, ``stream_delay`` seconds apart, then ``data: [DONE]``);
* ``GET /v1/models``: the one model it serves.

Faults, queued with ``fail_next(fault, times=n, prompt=None)`` (for the next requests, or for
the next requests of one prompt) or set for every request with ``always(fault)``:
``Fault.rate_limited(retry_after)``, ``Fault.status(500)`` (any status, e.g. 401, 403, 404,
400), ``Fault.slow(seconds)`` (answers after that long: a timeout for the client),
``Fault.truncated()`` (declares a longer body than it sends, then closes), ``Fault.invalid()``
(200 with a body that is not JSON), ``Fault.not_completion()`` (JSON, but no choices). Every
completion request is kept (``bodies``, ``authorizations``, ``calls``: arrival and prompt). A request
for another model gets 404 ``model_not_found``; without ``Authorization: Bearer <api_key>``,
401. It counts what a limit test needs: requests in flight now and the most ever (a request is
in flight from its arrival until its response is sent or its client hung up), every arrival's
time (``time.monotonic()``, comparable across processes of this host) and
``max_in_window(seconds)``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass

import orjson
import pytest
import uvicorn

API_KEY = "sk-fake-0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Fault:
    """What the server does instead of answering normally."""

    kind: str
    http_status: int = 500
    retry_after: str | None = None
    seconds: float = 0.0
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def rate_limited(cls, retry_after: float | str | None = None) -> Fault:
        value = None if retry_after is None else str(retry_after)
        return cls("status", 429, retry_after=value)

    @classmethod
    def status(cls, status: int, body: bytes | None = None, retry_after=None, headers=()) -> Fault:
        value = None if retry_after is None else str(retry_after)
        return cls("status", status, body=body, retry_after=value, headers=tuple(headers))

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        return cls("slow", seconds=seconds)

    @classmethod
    def truncated(cls) -> Fault:
        return cls("truncated")

    @classmethod
    def invalid(cls) -> Fault:
        return cls("invalid")

    @classmethod
    def not_completion(cls) -> Fault:
        return cls("not_completion")


class FakeOpenAI:
    """``with FakeOpenAI(answers={...}) as server: server.url`` → ``http://127.0.0.1:P/v1``."""

    def __init__(
        self,
        *,
        answers: dict[str, str] | None = None,
        default_answer: str = "A",
        model: str = "fake-model",
        api_key: str | None = API_KEY,
        latency: float = 0.0,
        keep_alive: float = 30.0,
        tls: tuple[str, str] | None = None,
    ):
        self.answers = dict(answers or {})
        self.default_answer = default_answer
        self.model = model
        self.api_key = api_key
        self.latency = latency
        self.stream_delay = 0.0  # seconds between the chunks of a streamed answer
        self.keep_alive = keep_alive  # seconds an idle connection stays open
        self.tls = tls  # (certificate file, key file): serve https
        self._queued: deque[Fault] = deque()
        self._queued_by_prompt: dict[str, deque[Fault]] = {}
        self._always: Fault | None = None
        self._lock = threading.Lock()
        self.reset_counts()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # counting -------------------------------------------------------------------------------
    def reset_counts(self) -> None:
        with self._lock:
            self.in_flight = 0
            self.max_in_flight = 0
            self.requests = 0
            self.arrivals: list[float] = []
            self.bodies: list[dict] = []
            self.calls: list[tuple[float, str]] = []  # (arrival, prompt) of each completion
            self.authorizations: list[str | None] = []

    def max_in_window(self, seconds: float) -> int:
        """The most chat-completion arrivals within any half-open window of ``seconds``."""
        with self._lock:
            times = sorted(self.arrivals)
        most = start = 0
        for end, arrived in enumerate(times):
            while arrived - times[start] >= seconds:
                start += 1
            most = max(most, end - start + 1)
        return most

    # faults ---------------------------------------------------------------------------------
    def fail_next(self, fault: Fault, *, times: int = 1, prompt: str | None = None) -> None:
        with self._lock:
            target = (
                self._queued
                if prompt is None
                else self._queued_by_prompt.setdefault(prompt, deque())
            )
            target.extend([fault] * times)

    def always(self, fault: Fault | None) -> None:
        self._always = fault

    def _fault_for(self, prompt: str) -> Fault | None:
        with self._lock:
            by_prompt = self._queued_by_prompt.get(prompt)
            if by_prompt:
                return by_prompt.popleft()
            if self._queued:
                return self._queued.popleft()
        return self._always

    # life -----------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeOpenAI:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted sockets inherit this; without it Nagle + delayed ACK add 40 ms per request
        # on a kept-alive connection (the response goes out as two writes).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app,
            lifespan="off",
            interface="asgi3",
            proxy_headers=False,
            log_level="critical",
            access_log=False,
            http="h11",
            loop="asyncio",
            backlog=4096,
            timeout_keep_alive=self.keep_alive,
            ssl_certfile=self.tls[0] if self.tls else None,
            ssl_keyfile=self.tls[1] if self.tls else None,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake OpenAI server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # the ASGI app ---------------------------------------------------------------------------
    async def _app(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await self._handle(scope, receive, send)
        finally:
            with self._lock:
                self.in_flight -= 1

    async def _handle(self, scope, receive, send) -> None:
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
        path, method = scope["path"], scope["method"]
        authorization = headers.get("authorization")
        if self.api_key is not None and authorization != f"Bearer {self.api_key}":
            await _json(send, 401, _error("Incorrect API key provided.", "invalid_api_key"))
            return
        if path == "/v1/models" and method == "GET":
            data = {"object": "list", "data": [{"id": self.model, "object": "model"}]}
            await _json(send, 200, data)
            return
        if path != "/v1/chat/completions" or method != "POST":
            await _json(send, 404, _error(f"No route {method} {path}", None))
            return
        arrived = time.monotonic()
        with self._lock:
            self.arrivals.append(arrived)
        try:
            request = orjson.loads(body)
        except orjson.JSONDecodeError:
            await _json(send, 400, _error("Body is not JSON.", None))
            return
        with self._lock:
            self.bodies.append(request)
            self.authorizations.append(authorization)
        prompt = _last_user_text(request.get("messages") or [])
        with self._lock:
            self.calls.append((arrived, prompt))
        fault = self._fault_for(prompt)
        delay = self.latency + (fault.seconds if fault and fault.kind == "slow" else 0.0)
        if delay and not await _sleep_unless_gone(receive, delay):
            return
        if request.get("model") != self.model:
            message = f"The model `{request.get('model')}` does not exist."
            await _json(send, 404, _error(message, "model_not_found"))
            return
        if fault is not None and fault.kind == "status":
            extra = [(b"retry-after", fault.retry_after.encode())] if fault.retry_after else []
            extra += [(name.encode(), value.encode()) for name, value in fault.headers]
            payload = fault.body or orjson.dumps(_error(f"fault {fault.http_status}", None))
            await _raw(send, fault.http_status, payload, extra)
            return
        if fault is not None and fault.kind == "invalid":
            await _raw(send, 200, b'{"choices": [ this is not json', [])
            return
        if fault is not None and fault.kind == "not_completion":
            await _json(send, 200, {"object": "chat.completion", "choices": []})
            return
        answer = self.answers.get(prompt, self.default_answer)
        if request.get("stream") is True and (fault is None or fault.kind != "truncated"):
            await self._stream(send, answer)
            return
        payload = orjson.dumps(self._completion(request, prompt, answer))
        if fault is not None and fault.kind == "truncated":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(payload)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": payload[:20], "more_body": True})
            raise ConnectionAbortedError("truncated on purpose")
        await _raw(send, 200, payload, [])

    async def _stream(self, send, answer: str) -> None:
        """The answer as server-sent events, a word per chunk, each naming the served model."""
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream; charset=utf-8")],
            }
        )
        pieces = [w + " " for w in answer.split(" ")]
        pieces[-1] = pieces[-1][:-1]
        for n, piece in enumerate(pieces):
            if n and self.stream_delay:
                await asyncio.sleep(self.stream_delay)
            chunk = {
                "id": f"chatcmpl-{self.requests}",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": self.model,
                "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
            }
            event = b"data: " + orjson.dumps(chunk) + b"\n\n"
            await send({"type": "http.response.body", "body": event, "more_body": True})
        done = {
            "model": self.model,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        tail = b"data: " + orjson.dumps(done) + b"\n\ndata: [DONE]\n\n"
        await send({"type": "http.response.body", "body": tail})

    def _completion(self, request: dict, prompt: str, answer: str) -> dict:
        words_in = sum(
            len(str(message.get("content", "")).split()) for message in request["messages"]
        )
        return {
            "id": f"chatcmpl-{self.requests}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": words_in,
                "completion_tokens": len(answer.split()),
                "total_tokens": words_in + len(answer.split()),
            },
        }


def _error(message: str, code: str | None) -> dict:
    return {"error": {"message": message, "type": "invalid_request_error", "code": code}}


def _last_user_text(messages: list) -> str:
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return str(message.get("content", ""))
    return ""


async def _sleep_unless_gone(receive, seconds: float) -> bool:
    """Sleep; False as soon as the client hangs up (so it no longer counts as in flight)."""
    waiter = asyncio.ensure_future(receive())
    try:
        done, _ = await asyncio.wait({waiter}, timeout=seconds)
        return not done
    finally:
        waiter.cancel()


async def _json(send, status: int, data: dict) -> None:
    await _raw(send, status, orjson.dumps(data), [])


async def _raw(send, status: int, payload: bytes, extra_headers: list) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        *extra_headers,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


@pytest.fixture
def fake_openai():
    """A running ``FakeOpenAI`` (answers "A" unless told otherwise); stopped after the test."""
    with FakeOpenAI() as server:
        yield server
