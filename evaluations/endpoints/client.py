"""Ask an OpenAI-compatible endpoint many chat completions at once, within its shared limits.

``EndpointClient.run_batch(items)`` sends each item's prompt to ``POST {base_url}/chat/completions``
with as many requests in flight as the ``EndpointLimiter`` grants (across all workers), retries
what can succeed later, and reports one ``ItemOutcome`` per finished item (as it finishes,
through ``on_outcome``, and in the ``BatchResult``). Items it did not finish have no outcome, so
a resumed batch asks exactly those again.

Why ``httpx`` directly rather than the ``openai`` package's ``AsyncOpenAI``: the retry rules here
(one policy with full jitter, ``Retry-After`` shared with every worker through the limiter, a
batch that pauses) would have to switch off and wrap the SDK's own retries; we need the raw
status, headers and body to tell a truncated body from an invalid one and a wrong model from a
wrong URL; the SDK's exceptions keep the ``httpx.Request`` (with its ``Authorization`` header)
and would need wrapping anyway; and the wire format used (one non-streamed chat completion and
the model list) is small and stable. ``httpx`` is what the SDK uses underneath, so the
connection behaviour is the same, and ``GuardedTransport`` plugs the address check in.

Rules, per attempt (``retry.ErrorKind``):

* 429, 5xx, 408/409/425, timeouts, connection errors, truncated or invalid bodies: retried up to
  ``RetryPolicy.max_attempts`` with full-jitter backoff; a ``Retry-After`` (429/503) is obeyed
  and also held by the limiter, so every worker of the endpoint waits.
* 400/413/422: the item fails at once (its request is wrong, e.g. too long for the context).
* 401, 403, 404, another 4xx, a redirect, a served-model name the endpoint does not know, an
  address the URL may not resolve to: the batch stops at once (``Stop(kind="fatal")``).
* ``RetryPolicy.pause_after`` items failing in a row: the batch stops (``Stop(kind="paused")``).

The API key lives in an ``ApiKey`` and is revealed only to build the ``Authorization`` header;
every text kept from a response (answers, error excerpts) has the key replaced by
``[redacted]``, and no exception leaves with an ``httpx.Request`` attached.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import math
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from .chat import (
    BatchResult,
    ChatItem,
    EndpointConfig,
    GenerationSettings,
    ItemOutcome,
    Stop,
    error_detail,
    excerpt,
    is_model_error,
    parse_completion,
)
from .limits import EndpointLimiter
from .retry import BATCH_FATAL, RETRYABLE, ErrorKind, RetryPolicy, kind_of_status, parse_retry_after
from .safety import GuardedTransport, refusal_of
from .secrets import redact

__all__ = [
    "BatchResult",
    "ChatItem",
    "EndpointClient",
    "EndpointConfig",
    "EndpointFatal",
    "GenerationSettings",
    "ItemOutcome",
    "Stop",
]

logger = logging.getLogger(__name__)

USER_AGENT = "kai-leaderboard-evaluator/1"
MAX_BODY_BYTES = 8 * 1024 * 1024
CONNECTIONS_PER_POOL = 16


@dataclass(frozen=True)
class _Attempt:
    """One request's result before the retry rules look at it."""

    kind: ErrorKind | None
    message: str = ""
    retry_after: float | None = None
    data: Mapping[str, Any] | None = None
    latency_ms: float | None = None


class _BatchStop(Exception):
    def __init__(self, stop: Stop):
        self.stop = stop


OnOutcome = Callable[[ItemOutcome], Awaitable[None] | None]


class EndpointClient:
    """``async with EndpointClient(endpoint, limiter=..., settings=...) as client:``.

    ``rng``: the jitter's random source (tests pass a seeded one); ``sleep``: how to wait
    between attempts.

    Connections: one httpx pool per ``CONNECTIONS_PER_POOL`` permits, each worker of a batch
    always using the same pool. httpcore's pool does work quadratic in its connections on every
    request (it re-counts the idle connections for each idle connection); measured here, the CPU
    per request at 128 connections in one pool was three times that at 32.
    """

    def __init__(
        self,
        endpoint: EndpointConfig,
        *,
        limiter: EndpointLimiter,
        settings: GenerationSettings | None = None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        self.endpoint = endpoint
        self.limiter = limiter
        self.settings = settings or GenerationSettings()
        self.retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self._sleep = sleep
        slots = limiter.spec.max_in_flight
        self._pool_count = max(1, math.ceil(slots / CONNECTIONS_PER_POOL))
        self._pool_size = math.ceil(slots / self._pool_count)
        self._pools: list[httpx.AsyncClient] = []
        self._lanes = itertools.count()

    def __repr__(self) -> str:
        return f"EndpointClient({self.endpoint.base_url!r}, model={self.endpoint.served_model!r})"

    async def __aenter__(self) -> EndpointClient:
        size = self._pool_size
        self._pools = [
            httpx.AsyncClient(
                transport=GuardedTransport(
                    allow_private=self.endpoint.allow_private,
                    limits=httpx.Limits(max_connections=size, max_keepalive_connections=size),
                ),
                timeout=httpx.Timeout(
                    self.endpoint.timeout, connect=min(10.0, self.endpoint.timeout)
                ),
                follow_redirects=False,
                trust_env=False,
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            )
            for _ in range(self._pool_count)
        ]
        return self

    async def __aexit__(self, *exc_info) -> None:
        pools, self._pools = self._pools, []
        for pool in pools:
            await pool.aclose()

    def _headers(self) -> dict[str, str]:
        key = self.endpoint.api_key
        return {"Authorization": f"Bearer {key.reveal()}"} if key else {}

    def _clean(self, text: str | None) -> str | None:
        return redact(text, self.endpoint.api_key) if text is not None else None

    async def _request(
        self, method: str, path: str, body: dict | None, lane: int | None = None
    ) -> _Attempt:
        """One request within a permit; never raises for what the endpoint does."""
        assert self._pools, "use `async with EndpointClient(...)`"
        if lane is None:
            lane = next(self._lanes)
        http = self._pools[lane % self._pool_count]
        url = f"{self.endpoint.base_url}/{path}"
        content = orjson.dumps(body) if body is not None else None
        headers = self._headers()
        if content is not None:
            headers["Content-Type"] = "application/json"
        async with self.limiter.slot():
            return await self._send(http, method, url, content, headers)

    async def _send(self, http, method, url, content, headers) -> _Attempt:
        """Send and read the whole body (at most ``MAX_BODY_BYTES``), classifying failures."""
        started = time.perf_counter()
        kind = None
        message = ""
        response = None
        body = b""
        read_started = False
        try:
            async with asyncio.timeout(self.endpoint.timeout):
                request = http.build_request(method, url, content=content, headers=headers)
                response = await http.send(request, stream=True)
                try:
                    read_started = True
                    chunks = []
                    size = 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > MAX_BODY_BYTES:
                            kind, message = ErrorKind.INVALID_BODY, "response body over 8 MB"
                            break
                        chunks.append(chunk)
                    body = b"".join(chunks)
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException):
            kind, message = ErrorKind.TIMEOUT, f"no complete answer in {self.endpoint.timeout:g} s"
        except httpx.ConnectError as error:
            refusal = refusal_of(error)
            if refusal is not None:
                kind, message = ErrorKind.REFUSED_ADDRESS, refusal.message
            else:
                kind, message = ErrorKind.CONNECTION, f"cannot connect: {_first_line(error)}"
        except (httpx.RemoteProtocolError, httpx.ReadError) as error:
            kind = ErrorKind.TRUNCATED if read_started else ErrorKind.CONNECTION
            message = f"connection closed early: {_first_line(error)}"
        except httpx.TransportError as error:
            kind, message = ErrorKind.CONNECTION, f"connection failed: {_first_line(error)}"
        except httpx.DecodingError as error:
            kind, message = ErrorKind.INVALID_BODY, f"body not decodable: {_first_line(error)}"
        latency = _ms_since(started)
        if kind is not None:
            return _Attempt(kind, self._clean(message), latency_ms=latency)
        # response is set when no transport error occurred
        status = response.status_code
        if kind_of_status(status) is not None:
            return self._error_response(response, body, latency)
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return _Attempt(
                ErrorKind.INVALID_BODY,
                self._clean(f"not JSON: {excerpt(body)}"),
                latency_ms=latency,
            )
        if not isinstance(data, dict):
            return _Attempt(
                ErrorKind.INVALID_BODY, "JSON body is not an object", latency_ms=latency
            )
        return _Attempt(None, data=data, latency_ms=latency)

    def _error_response(self, response: httpx.Response, body: bytes, latency: float) -> _Attempt:
        status = response.status_code
        kind = kind_of_status(status)
        detail, code = error_detail(body)
        if is_model_error(status, detail, code):
            kind = ErrorKind.WRONG_MODEL
            message = (
                f"the endpoint does not serve the model {self.endpoint.served_model!r} "
                f"(HTTP {status}: {detail})"
            )
        elif 300 <= status < 400:
            location = response.headers.get("location", "")
            message = f"HTTP {status}: the endpoint redirects to {location[:200]!r}; enter that URL"
        else:
            message = f"HTTP {status}: {detail}" if detail else f"HTTP {status}"
        retry_after = None
        if status in (429, 503):
            retry_after = parse_retry_after(response.headers)
        return _Attempt(kind, self._clean(message), retry_after=retry_after, latency_ms=latency)

    async def models(self) -> list[str] | None:
        """The model names ``GET /models`` lists, or None when the endpoint has no list.

        Raises ``EndpointFatal`` for 401/403/refused addresses.
        """
        attempt = await self._request("GET", "models", None)
        if attempt.kind in (ErrorKind.UNAUTHORIZED, ErrorKind.FORBIDDEN, ErrorKind.REFUSED_ADDRESS):
            raise EndpointFatal(Stop("fatal", attempt.kind, attempt.message or ""))
        if attempt.kind is not None or attempt.data is None:
            return None
        entries = attempt.data.get("data")
        if not isinstance(entries, list):
            return None
        return [str(entry.get("id")) for entry in entries if isinstance(entry, dict)]

    async def check(self) -> None:
        """Before a batch: the key is accepted and the served model is listed (if listed).

        Raises ``EndpointFatal`` with the reason.
        """
        names = await self.models()
        if names is not None and self.endpoint.served_model not in names:
            shown = ", ".join(repr(name) for name in names[:10]) or "none"
            raise EndpointFatal(
                Stop(
                    "fatal",
                    ErrorKind.WRONG_MODEL,
                    f"the endpoint does not serve the model {self.endpoint.served_model!r}; "
                    f"it lists {shown}",
                )
            )

    async def complete(
        self, item: ChatItem, *, counter: Counter | None = None, lane: int | None = None
    ) -> ItemOutcome:
        """Ask one item until it is answered, fails, or the batch must stop.

        Raises ``EndpointFatal`` for a batch-fatal error. ``counter`` gets each failed attempt's
        kind; ``lane``: which connection pool to use (a batch's worker number).
        """
        body = self.settings.request_body(self.endpoint.served_model, item.chat_messages())
        retried: list[ErrorKind] = []
        for attempt_number in range(1, self.retry.max_attempts + 1):
            attempt = await self._request("POST", "chat/completions", body, lane)
            if attempt.kind is None:
                outcome = self._answer(item, attempt, attempt_number, retried)
                if outcome.error_kind is None:
                    return outcome
                attempt = _Attempt(
                    outcome.error_kind, outcome.error or "", latency_ms=attempt.latency_ms
                )
            if counter is not None:
                counter[attempt.kind] += 1
            logger.info(
                "endpoint %s item %s attempt %d failed: %s",
                self.endpoint.base_url,
                item.id,
                attempt_number,
                attempt.kind,
            )
            if attempt.kind in BATCH_FATAL:
                raise EndpointFatal(Stop("fatal", attempt.kind, attempt.message, item.id))
            final = attempt.kind not in RETRYABLE or attempt_number == self.retry.max_attempts
            if final:
                return ItemOutcome(
                    item_id=item.id,
                    text=None,
                    finish_reason=None,
                    tokens_in=None,
                    tokens_out=None,
                    latency_ms=attempt.latency_ms,
                    attempts=attempt_number,
                    error_kind=attempt.kind,
                    error=attempt.message,
                    retried=tuple(retried),
                )
            retried.append(attempt.kind)
            if attempt.retry_after is not None:
                await self.limiter.hold(min(attempt.retry_after, self.retry.max_retry_after))
            await self._sleep(self.retry.delay(attempt_number - 1, attempt.retry_after, self._rng))
        raise AssertionError("unreachable")  # pragma: no cover

    def _answer(self, item, attempt: _Attempt, attempts: int, retried) -> ItemOutcome:
        try:
            answer = parse_completion(attempt.data or {})
        except ValueError as error:
            return ItemOutcome(
                item.id, None, None, None, None, attempt.latency_ms, attempts,
                ErrorKind.INVALID_BODY, str(error), tuple(retried),
            )  # fmt: skip
        return ItemOutcome(
            item_id=item.id,
            text=self._clean(answer.text),
            finish_reason=answer.finish_reason,
            tokens_in=answer.tokens_in,
            tokens_out=answer.tokens_out,
            latency_ms=attempt.latency_ms,
            attempts=attempts,
            retried=tuple(retried),
            served_model=answer.served_model,
            reasoning_text=self._clean(answer.reasoning_text),
        )

    async def run_batch(
        self,
        items: Iterable[ChatItem],
        *,
        on_outcome: OnOutcome | None = None,
        check_model: bool = True,
    ) -> BatchResult:
        """Ask every item, ``max_in_flight`` at a time in this process; stop on fatal or pause.

        ``on_outcome(outcome)`` (sync or async) is called once per finished item as soon as it
        finishes, and is let finish even when the batch stops meanwhile.
        """
        started = time.perf_counter()
        pending = list(items)
        queue = iter(pending)
        outcomes: list[ItemOutcome] = []
        counter: Counter = Counter()
        consecutive = 0
        if check_model:
            try:
                await self.check()
            except EndpointFatal as fatal:
                return BatchResult([], fatal.stop, [i.id for i in pending], counter, 0.0)

        async def record(outcome: ItemOutcome) -> None:
            nonlocal consecutive
            outcomes.append(outcome)
            if on_outcome is not None:
                result = on_outcome(outcome)
                if inspect.isawaitable(result):
                    await asyncio.shield(result)
            consecutive = 0 if outcome.ok else consecutive + 1
            if consecutive >= self.retry.pause_after:
                raise _BatchStop(
                    Stop(
                        "paused",
                        outcome.error_kind,
                        f"{consecutive} items in a row failed; the last: {outcome.error}",
                        outcome.item_id,
                    )
                )

        async def work(lane: int) -> None:
            for item in queue:
                try:
                    outcome = await self.complete(item, counter=counter, lane=lane)
                except EndpointFatal as fatal:
                    raise _BatchStop(fatal.stop) from None
                await record(outcome)

        stop: Stop | None = None
        workers = max(1, min(self.limiter.spec.max_in_flight, len(pending)))
        try:
            async with asyncio.TaskGroup() as group:
                for lane in range(workers):
                    group.create_task(work(lane))
        except* _BatchStop as stops:
            stop = stops.exceptions[0].stop
        done = {outcome.item_id for outcome in outcomes}
        return BatchResult(
            outcomes=outcomes,
            stopped=stop,
            not_done=[item.id for item in pending if item.id not in done],
            attempt_errors=counter,
            elapsed=time.perf_counter() - started,
        )


class EndpointFatal(Exception):
    """The endpoint cannot answer until someone fixes it; ``stop`` says why."""

    def __init__(self, stop: Stop):
        self.stop = stop
        super().__init__(f"{stop.error_kind}: {stop.message}")


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]
