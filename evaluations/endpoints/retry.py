"""When to try a request to an endpoint again, and how long to wait first (pure, no I/O).

* ``ErrorKind``: every way one attempt can fail, with whether it is retried, fails the item, or
  stops the whole batch (``RETRYABLE``, ``ITEM_FATAL``, ``BATCH_FATAL``).
* ``RetryPolicy.backoff(n)``: exponential backoff with "Full Jitter" —
  ``uniform(0, min(max_delay, base_delay * 2**n))`` seconds before retry ``n`` (0-based). Source:
  Marc Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015: of the jitter
  variants compared there, full jitter does the least total work and spreads clients out best.
* ``parse_retry_after(headers)``: ``Retry-After`` (RFC 9110 §10.2.3: delay seconds or an
  HTTP date) and the ``retry-after-ms`` extension (OpenAI, Azure), in seconds. The wait before
  a retry is ``max(retry_after, backoff)``, capped at ``max_retry_after``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum


class ErrorKind(StrEnum):
    """How one attempt failed (stored with the item; counted for the run's progress)."""

    RATE_LIMITED = "rate_limited"  # 429
    SERVER_ERROR = "server_error"  # 5xx, 408, 409, 425
    TIMEOUT = "timeout"  # no complete answer within the endpoint's timeout
    CONNECTION = "connection"  # refused, reset or closed before a response
    TRUNCATED = "truncated"  # the response body was cut short
    INVALID_BODY = "invalid_body"  # not JSON, or not a chat completion, or too large
    BAD_REQUEST = "bad_request"  # 400, 413, 422: this item cannot be asked as it is
    UNAUTHORIZED = "unauthorized"  # 401: the key is wrong
    FORBIDDEN = "forbidden"  # 403: the key may not use this model
    NOT_FOUND = "not_found"  # 404: the base URL is wrong
    WRONG_MODEL = "wrong_model"  # the endpoint does not serve the served-model name
    REFUSED_ADDRESS = "refused_address"  # the host resolves to an address we may not call
    UNEXPECTED_STATUS = "unexpected_status"  # a redirect or another 4xx


#: Tried again after a backoff.
RETRYABLE = frozenset(
    {
        ErrorKind.RATE_LIMITED,
        ErrorKind.SERVER_ERROR,
        ErrorKind.TIMEOUT,
        ErrorKind.CONNECTION,
        ErrorKind.TRUNCATED,
        ErrorKind.INVALID_BODY,
    }
)
#: The item fails at once (counts towards the consecutive failures that pause a batch).
ITEM_FATAL = frozenset({ErrorKind.BAD_REQUEST})
#: The batch stops at once: asking again cannot help until someone fixes the endpoint.
BATCH_FATAL = frozenset(
    {
        ErrorKind.UNAUTHORIZED,
        ErrorKind.FORBIDDEN,
        ErrorKind.NOT_FOUND,
        ErrorKind.WRONG_MODEL,
        ErrorKind.REFUSED_ADDRESS,
        ErrorKind.UNEXPECTED_STATUS,
    }
)


def kind_of_status(status: int) -> ErrorKind | None:
    """The error kind of an HTTP status (None for 2xx)."""
    if 200 <= status < 300:
        return None
    if status == 429:
        return ErrorKind.RATE_LIMITED
    if status >= 500 or status in (408, 409, 425):
        return ErrorKind.SERVER_ERROR
    if status in (400, 413, 422):
        return ErrorKind.BAD_REQUEST
    return {
        401: ErrorKind.UNAUTHORIZED,
        403: ErrorKind.FORBIDDEN,
        404: ErrorKind.NOT_FOUND,
    }.get(status, ErrorKind.UNEXPECTED_STATUS)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry; when a batch pauses.

    ``max_attempts``: attempts per item, the first included. ``base_delay``/``max_delay``:
    seconds, for ``backoff``. ``max_retry_after``: the longest ``Retry-After`` obeyed
    (seconds; a longer one is cut to this). ``pause_after``: the batch pauses after this many
    items in a row failed (after their retries).
    """

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0
    pause_after: int = 10

    def __post_init__(self):
        if self.max_attempts < 1 or self.pause_after < 1:
            raise ValueError("max_attempts and pause_after must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ValueError("delays cannot be negative")

    def backoff(self, retry: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (0 for the first retry): full jitter."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** min(retry, 62)))
        return (rng or random).uniform(0.0, ceiling)

    def delay(
        self, retry: int, retry_after: float | None, rng: random.Random | None = None
    ) -> float:
        """The wait before a retry: the backoff, or the server's Retry-After if longer (capped)."""
        wait = self.backoff(retry, rng)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait


def parse_retry_after(headers, *, now: datetime | None = None) -> float | None:
    """Seconds the server asked us to wait, from ``retry-after-ms`` or ``Retry-After``; or None.

    ``headers``: any mapping with case-insensitive ``get`` (httpx.Headers). A date in the past
    gives 0; unreadable values are ignored.
    """
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            value = float(milliseconds) / 1000
            if value >= 0 and value == value and value != float("inf"):
                return value
        except ValueError:
            pass
    text = headers.get("retry-after")
    if not text:
        return None
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        return value if 0 <= value < float("inf") else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
