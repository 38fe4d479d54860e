"""One streamed chat completion from an endpoint, within its shared limits (for people trying a
model; the benchmark runs use ``client.py``).

``stream_chat(config, settings, messages, limiter)`` is an async iterator of text deltas: it
takes a permit of the endpoint's ``EndpointLimiter`` (in flight and per minute, shared with the
runs), sends ``POST {base_url}/chat/completions`` with ``"stream": true`` through the
``GuardedTransport`` (the same address checks as the runs), and reads the server-sent events of
the OpenAI Chat Completions streaming format (``data: {chunk}`` lines, ``choices[0].delta.content``,
ending with ``data: [DONE]``; reference: platform.openai.com/docs/api-reference/chat-streaming).
Only the delta texts come out: the chunks' ``model``, ``id`` and other fields are dropped here.
A server that ignores ``stream`` and answers one JSON completion is read as one delta.

Everything, waiting for the permit included, must finish within the endpoint's ``timeout``.
Failures raise ``StreamFailure`` with an ``ErrorKind``; no retries (a person is waiting: they
can send again). Texts kept from the endpoint have the API key redacted.

``iterate_in_thread(factory)`` runs such an async iterator on an event loop of its own thread
and yields its items in the calling (synchronous) thread, for Django's ``StreamingHttpResponse``.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any

import httpx
import orjson

from .chat import EndpointConfig, GenerationSettings, error_detail, is_model_error, message_text
from .client import USER_AGENT
from .limits import EndpointLimiter
from .retry import ErrorKind, kind_of_status
from .safety import GuardedTransport, refusal_of
from .secrets import redact

MAX_STREAM_CHARS = 200_000


class StreamFailure(Exception):
    """The streamed answer failed; ``kind`` says how, ``detail`` is for evaluators' logs only."""

    def __init__(self, kind: ErrorKind, detail: str = ""):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def _delta_of(chunk: Any) -> str:
    """The text of one streamed chunk (``choices[0].delta.content``), or ``""``."""
    if not isinstance(chunk, dict):
        return ""
    choices = chunk.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return ""
    delta = choices[0].get("delta") or choices[0].get("message") or {}
    if not isinstance(delta, dict):
        return ""
    try:
        return message_text(delta.get("content")) or ""
    except TypeError:
        return ""


async def stream_chat(
    config: EndpointConfig,
    settings: GenerationSettings,
    messages: Sequence[Mapping[str, Any]],
    limiter: EndpointLimiter,
) -> AsyncIterator[str]:
    """Yield the answer's text deltas; raise ``StreamFailure`` (see the module's docstring)."""
    body = settings.request_body(config.served_model, messages)
    body["stream"] = True
    headers = {"User-Agent": USER_AGENT, "Accept": "text/event-stream"}
    headers["Content-Type"] = "application/json"
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key.reveal()}"
    transport = GuardedTransport(allow_private=config.allow_private)
    produced = 0
    try:
        async with (
            asyncio.timeout(config.timeout),
            httpx.AsyncClient(
                transport=transport,
                timeout=httpx.Timeout(config.timeout, connect=min(10.0, config.timeout)),
                follow_redirects=False,
                trust_env=False,
            ) as http,
            limiter.slot(),
        ):
            request = http.build_request(
                "POST", f"{config.base_url}/chat/completions", content=orjson.dumps(body),
                headers=headers,
            )  # fmt: skip
            response = await http.send(request, stream=True)
            try:
                if kind_of_status(response.status_code) is not None:
                    raw = await response.aread()
                    raise _status_failure(response.status_code, raw, config)
                kind = response.headers.get("content-type", "")
                if "text/event-stream" not in kind:
                    raw = await response.aread()
                    try:
                        text = _delta_of(orjson.loads(raw))
                    except orjson.JSONDecodeError:
                        raise StreamFailure(ErrorKind.INVALID_BODY, "not JSON") from None
                    if text:
                        yield redact(text, config.api_key)
                    return
                async for line in response.aiter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    try:
                        chunk = orjson.loads(data)
                    except orjson.JSONDecodeError:
                        raise StreamFailure(
                            ErrorKind.INVALID_BODY, "an event is not JSON"
                        ) from None
                    if isinstance(chunk, dict) and chunk.get("error"):
                        raise StreamFailure(ErrorKind.SERVER_ERROR, "error event")
                    text = _delta_of(chunk)
                    if text:
                        produced += len(text)
                        if produced > MAX_STREAM_CHARS:
                            raise StreamFailure(ErrorKind.INVALID_BODY, "answer too long")
                        yield redact(text, config.api_key)
            finally:
                await response.aclose()
    except StreamFailure:
        raise
    except (TimeoutError, httpx.TimeoutException):
        raise StreamFailure(
            ErrorKind.TIMEOUT, f"no complete answer in {config.timeout:g} s"
        ) from None
    except httpx.ConnectError as error:
        refused = refusal_of(error)
        kind = ErrorKind.REFUSED_ADDRESS if refused is not None else ErrorKind.CONNECTION
        raise StreamFailure(kind, "cannot connect") from None
    except (httpx.RemoteProtocolError, httpx.ReadError):
        raise StreamFailure(ErrorKind.TRUNCATED, "connection closed early") from None
    except httpx.HTTPError:
        raise StreamFailure(ErrorKind.CONNECTION, "connection failed") from None


def _status_failure(status: int, raw: bytes, config: EndpointConfig) -> StreamFailure:
    detail, code = error_detail(raw)
    kind = kind_of_status(status) or ErrorKind.UNEXPECTED_STATUS
    if is_model_error(status, detail, code):
        kind = ErrorKind.WRONG_MODEL
    return StreamFailure(kind, redact(f"HTTP {status}: {detail}", config.api_key))


_END = object()


def iterate_in_thread(
    factory: Callable[[], AsyncIterator[Any]], *, join_timeout: float = 5.0
) -> Iterator[Any]:
    """Items of ``factory()`` (an async iterator run on a new event loop in a thread of its own),
    yielded here as they come. Its exception is raised here. Stopping early (the person left)
    cancels the loop's work."""
    inbox: queue.Queue = queue.Queue()
    stop = threading.Event()
    holder: dict[str, asyncio.AbstractEventLoop | asyncio.Task] = {}

    async def pump() -> None:
        holder["task"] = asyncio.current_task()
        async for item in factory():
            if stop.is_set():
                return
            inbox.put(("item", item))

    def runner() -> None:
        loop = asyncio.new_event_loop()
        holder["loop"] = loop
        try:
            loop.run_until_complete(pump())
            inbox.put(("end", _END))
        except asyncio.CancelledError:
            inbox.put(("end", _END))
        except BaseException as exc:  # handed to the caller's thread
            inbox.put(("error", exc))
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()

    thread = threading.Thread(target=runner, name="endpoint-stream", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = inbox.get()
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stop.set()
        loop, task = holder.get("loop"), holder.get("task")
        if thread.is_alive() and loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(task.cancel)
        thread.join(join_timeout)
