"""An endpoint's limits held across every worker process and host: requests in flight and per minute.

One ``EndpointLimiter`` per endpoint and process; every limiter with the same ``name`` on the
same store shares one limit. A request takes a ``Permit`` (``async with limiter.slot():``) and
gives it back when its response has arrived. A permit is granted only when both hold at once:

* **in flight**: fewer than ``max_in_flight`` unexpired permits. Each permit is a *lease* that
  expires ``lease_seconds`` after it was granted or last renewed; the holder renews its leases
  every ``lease_seconds / 3`` while it runs, so a worker killed with SIGKILL (which cannot give
  anything back) blocks its permits for at most ``lease_seconds``. Pattern: the Redis
  sorted-set semaphore with timeouts ("Redis in Action", J. Carlson, §6.3 "Counting
  semaphores"), made atomic by running each step as one Lua script.
* **per minute**: a token bucket in its GCRA form (the Generic Cell Rate Algorithm, ITU-T
  I.371; "virtual scheduling"): the state is one timestamp, the theoretical arrival time
  ``tat``; a request at ``now`` is allowed when ``tat - tolerance <= now`` and moves ``tat`` to
  ``max(tat, now) + interval``. With ``burst`` B and ``requests_per_minute`` N the interval is
  ``period / (N - B + 1)`` (rounded up to the microsecond) and the tolerance ``(B - 1) *
  interval``: at most B at once, and at most N grants in any window of ``period`` seconds
  (B at its start, then one per interval), not merely N per calendar minute.

The in-flight permit is checked before the token is spent, in the same script, so a request
that waits for a slot does not use up the rate, and the request goes out right after its token:
what the endpoint sees is what the bucket allowed. ``hold(seconds)`` makes every limiter of the
name wait (after a 429 with ``Retry-After``: the whole fleet backs off, not one request).
The state lives in a store (``limit_stores.py``): Redis for all workers, or this process alone.

Waiting: a limiter lets one of its waiters at a time ask the store (an ``asyncio.Lock``, first
come first served), so a process sends at most one request per ``poll_interval`` to Redis while
the endpoint is full. A token wait sleeps exactly until the token is due; a full in-flight
limit is re-asked after ``poll_interval`` (jittered) or at once when a permit of this process
is released.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from .limit_stores import (
    Attempt,
    LimitSpec,
    LimitStore,
    LocalLimitStore,
    RedisLimitStore,
    limit_store,
)

__all__ = [
    "Attempt",
    "EndpointLimiter",
    "LimitSpec",
    "LimitStore",
    "LocalLimitStore",
    "Permit",
    "RedisLimitStore",
    "limit_store",
]

logger = logging.getLogger(__name__)


@dataclass
class Permit:
    """One request's permission to be in flight; ``granted_at``/``released_at`` in store seconds."""

    token: str
    granted_at: float
    released_at: float | None = None
    lost: bool = False  # its lease expired before release (the process stalled > lease_seconds)


class EndpointLimiter:
    """Acquire and release permits of limit ``name`` on ``store`` within ``spec`` (asyncio).

    One instance per event loop. ``poll_interval``: seconds between asks while the in-flight
    limit is full (jittered ±50 %).
    """

    def __init__(
        self, store: LimitStore, name: str, spec: LimitSpec, *, poll_interval: float = 0.01
    ):
        self.store = store
        self.name = name
        self.spec = spec
        self.poll_interval = poll_interval
        self._held: dict[str, Permit] = {}
        self._door: asyncio.Lock | None = None
        self._released: asyncio.Event | None = None
        self._renewer: asyncio.Task | None = None
        self._background: set[asyncio.Task] = set()

    def __repr__(self) -> str:
        return f"EndpointLimiter({self.name!r}, {self.spec}, store={self.store!r})"

    def _loop_state(self) -> tuple[asyncio.Lock, asyncio.Event]:
        if self._door is None or self._released is None:
            self._door = asyncio.Lock()
            self._released = asyncio.Event()
        return self._door, self._released

    async def acquire(self) -> Permit:
        """Wait for a permit and return it (cancellable: a permit granted meanwhile goes back)."""
        door, released = self._loop_state()
        async with door:
            while True:
                released.clear()
                token = uuid.uuid4().hex
                attempt = await self._try(token)
                if attempt.granted:
                    permit = Permit(token=token, granted_at=attempt.now)
                    self._held[token] = permit
                    self._ensure_renewer()
                    return permit
                if attempt.wait < 0:
                    delay = self.poll_interval * random.uniform(0.5, 1.5)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(released.wait(), delay)
                else:
                    await asyncio.sleep(attempt.wait)

    async def _try(self, token: str) -> Attempt:
        """Ask the store (awaited directly: a task per ask would cost an event-loop turn)."""
        try:
            return await self.store.try_acquire(self.name, self.spec, token)
        except asyncio.CancelledError:
            # The store may have granted it just before the cancellation: give it back (a
            # release of a token never granted changes nothing).
            self._give_back_later(token)
            raise

    def _give_back_later(self, token: str) -> None:
        task = asyncio.ensure_future(self.store.release(self.name, token))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def release(self, permit: Permit) -> float:
        """Give the permit back; returns the store time of release (seconds)."""
        if self._held.pop(permit.token, None) is None:
            return permit.released_at or 0.0
        try:
            released_at = await self.store.release(self.name, permit.token)
        except asyncio.CancelledError:
            self._give_back_later(permit.token)
            raise
        permit.released_at = released_at
        if self._released is not None:
            self._released.set()
        return released_at

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[Permit]:
        """``async with limiter.slot() as permit:`` one request in flight."""
        permit = await self.acquire()
        try:
            yield permit
        finally:
            await self.release(permit)

    async def hold(self, seconds: float) -> None:
        """Make every limiter of this name wait ``seconds`` before its next grant."""
        if seconds > 0:
            await self.store.hold(self.name, seconds)

    async def in_flight(self) -> int:
        """Unexpired permits of this name, all processes together."""
        return await self.store.in_flight(self.name)

    def _ensure_renewer(self) -> None:
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.ensure_future(self._renew_while_held())

    async def _renew_while_held(self) -> None:
        every = self.spec.lease_seconds / 3
        while self._held:
            await asyncio.sleep(every)
            tokens = list(self._held)
            if not tokens:
                break
            try:
                lost = await self.store.renew(self.name, tokens, self.spec.lease_seconds)
            except Exception:  # the store is away: try again next round, leases still run
                logger.warning("renewing endpoint permits of %s failed", self.name, exc_info=True)
                continue
            for token in lost:
                permit = self._held.get(token)
                if permit is not None:
                    permit.lost = True
                    logger.warning(
                        "a permit of %s expired while held (the process stalled longer than "
                        "%.0f s); the in-flight limit may have been passed",
                        self.name,
                        self.spec.lease_seconds,
                    )

    async def __aenter__(self) -> EndpointLimiter:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Give back every permit still held and stop renewing (the store stays open)."""
        for permit in list(self._held.values()):
            with contextlib.suppress(Exception):
                await self.release(permit)
        for task in list(self._background):
            with contextlib.suppress(Exception):
                await task
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._renewer
            self._renewer = None
