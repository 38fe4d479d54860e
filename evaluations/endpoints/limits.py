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

Two stores, one behaviour:

* ``RedisLimitStore``: Lua scripts (atomic on the Redis server), the clock is Redis ``TIME`` so
  hosts with different clocks agree. Keys ``<prefix>{<name>}:slots`` (sorted set token →
  lease end, µs) and ``<prefix>{<name>}:rate`` (hash: ``tat``, ``hold``), both expiring when
  unused. ``{name}`` is a Redis Cluster hash tag: both keys live on one node.
* ``LocalLimitStore``: the same steps in Python under a lock with the monotonic clock, for the
  embedded default (no REDIS_URL: one process, eager tasks). Limits are shared by name within
  the process only.

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
import math
import random
import threading
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

logger = logging.getLogger(__name__)

MICROS = 1_000_000


@dataclass(frozen=True)
class LimitSpec:
    """The limits of one endpoint.

    ``max_in_flight``: requests at once (≥ 1). ``requests_per_minute``: requests in any window
    of ``period`` seconds (None: no rate limit). ``burst``: requests allowed back to back after
    a quiet spell (1 ≤ burst ≤ requests_per_minute). ``lease_seconds``: how long a permit lives
    without renewal (what a killed worker blocks at most).
    """

    max_in_flight: int
    requests_per_minute: int | None = None
    period: float = 60.0
    burst: int = 1
    lease_seconds: float = 30.0

    def __post_init__(self):
        if self.max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        if self.requests_per_minute is not None:
            if self.requests_per_minute < 1:
                raise ValueError("requests_per_minute must be at least 1 (or None)")
            if not 1 <= self.burst <= self.requests_per_minute:
                raise ValueError("burst must be between 1 and requests_per_minute")
        if self.period <= 0 or self.lease_seconds <= 0:
            raise ValueError("period and lease_seconds must be positive")

    @property
    def interval_us(self) -> int:
        """Microseconds between grants at the steady rate (0 without a rate limit)."""
        if self.requests_per_minute is None:
            return 0
        return math.ceil(self.period * MICROS / (self.requests_per_minute - self.burst + 1))

    @property
    def tolerance_us(self) -> int:
        """How far ahead of the steady schedule a grant may be (GCRA's τ), in µs."""
        return (self.burst - 1) * self.interval_us

    @property
    def lease_us(self) -> int:
        return int(self.lease_seconds * MICROS)


@dataclass(frozen=True)
class Attempt:
    """A store's answer: granted or not, seconds to wait (-1: unknown, poll), the store clock."""

    granted: bool
    wait: float
    now: float


class LimitStore(Protocol):
    """The atomic steps a limiter needs; times are the store's clock in seconds."""

    async def try_acquire(self, name: str, spec: LimitSpec, token: str) -> Attempt: ...
    async def release(self, name: str, token: str) -> float: ...
    async def renew(self, name: str, tokens: list[str], lease_seconds: float) -> list[str]: ...
    async def hold(self, name: str, seconds: float) -> None: ...
    async def in_flight(self, name: str) -> int: ...
    async def aclose(self) -> None: ...


# Lua scripts. Times are integer microseconds from Redis TIME; string.format('%d') keeps all
# their digits (Lua's tostring would round 1.7e15 to 14 significant digits).
_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
"""
ACQUIRE_LUA = (
    _NOW
    + """
local limit, lease, interval, tolerance, period = tonumber(ARGV[1]), tonumber(ARGV[2]),
    tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now))
local hold = tonumber(redis.call('HGET', KEYS[2], 'hold') or '0')
if hold > now then
  return {0, string.format('%d', hold - now), string.format('%d', now)}
end
if redis.call('ZCARD', KEYS[1]) >= limit then
  return {0, '-1', string.format('%d', now)}
end
if interval > 0 then
  local tat = tonumber(redis.call('HGET', KEYS[2], 'tat') or '0')
  if tat < now then tat = now end
  if tat - tolerance > now then
    return {0, string.format('%d', tat - tolerance - now), string.format('%d', now)}
  end
  redis.call('HSET', KEYS[2], 'tat', string.format('%d', tat + interval))
  redis.call('PEXPIRE', KEYS[2], math.ceil((tat + interval - now + period) / 1000))
end
redis.call('ZADD', KEYS[1], string.format('%d', now + lease), ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(2 * lease / 1000))
return {1, '0', string.format('%d', now)}
"""
)
RELEASE_LUA = (
    _NOW
    + """
redis.call('ZREM', KEYS[1], ARGV[1])
return string.format('%d', now)
"""
)
RENEW_LUA = (
    _NOW
    + """
local lease = tonumber(ARGV[1])
local lost = {}
for i = 2, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) > now then
    redis.call('ZADD', KEYS[1], 'XX', string.format('%d', now + lease), ARGV[i])
  else
    redis.call('ZREM', KEYS[1], ARGV[i])
    table.insert(lost, ARGV[i])
  end
end
redis.call('PEXPIRE', KEYS[1], math.ceil(2 * lease / 1000))
return lost
"""
)
HOLD_LUA = (
    _NOW
    + """
local until_ = now + tonumber(ARGV[1])
local hold = tonumber(redis.call('HGET', KEYS[1], 'hold') or '0')
if until_ > hold then
  redis.call('HSET', KEYS[1], 'hold', string.format('%d', until_))
end
local ttl = redis.call('PTTL', KEYS[1])
local need = math.ceil((until_ - now) / 1000) + 1000
if ttl < need then redis.call('PEXPIRE', KEYS[1], need) end
return string.format('%d', now)
"""
)
IN_FLIGHT_LUA = (
    _NOW
    + """
return redis.call('ZCOUNT', KEYS[1], string.format('(%d', now), '+inf')
"""
)


class RedisLimitStore:
    """Limits shared by every process that reaches the same Redis (``redis.asyncio``).

    ``url``: a ``redis://`` URL (the database in its path); ``prefix``: the start of every key.
    Create it inside the event loop that uses it; ``aclose()`` when done.
    """

    def __init__(self, url: str, *, prefix: str = "kai:limits:"):
        import redis.asyncio as redis_asyncio

        self.prefix = prefix
        self._client = redis_asyncio.Redis.from_url(url)
        self._acquire = self._client.register_script(ACQUIRE_LUA)
        self._release = self._client.register_script(RELEASE_LUA)
        self._renew = self._client.register_script(RENEW_LUA)
        self._hold = self._client.register_script(HOLD_LUA)
        self._in_flight = self._client.register_script(IN_FLIGHT_LUA)

    def __repr__(self) -> str:
        return f"RedisLimitStore(prefix={self.prefix!r})"

    def keys(self, name: str) -> tuple[str, str]:
        """The sorted set of leases and the rate hash of limit ``name``."""
        base = f"{self.prefix}{{{name}}}"
        return f"{base}:slots", f"{base}:rate"

    async def try_acquire(self, name: str, spec: LimitSpec, token: str) -> Attempt:
        granted, wait, now = await self._acquire(
            keys=list(self.keys(name)),
            args=[
                spec.max_in_flight,
                spec.lease_us,
                token,
                spec.interval_us,
                spec.tolerance_us,
                int(spec.period * MICROS),
            ],
        )
        wait_us = int(wait)
        return Attempt(
            bool(int(granted)), -1.0 if wait_us < 0 else wait_us / MICROS, int(now) / MICROS
        )

    async def release(self, name: str, token: str) -> float:
        return int(await self._release(keys=[self.keys(name)[0]], args=[token])) / MICROS

    async def renew(self, name: str, tokens: list[str], lease_seconds: float) -> list[str]:
        if not tokens:
            return []
        lost = await self._renew(
            keys=[self.keys(name)[0]], args=[int(lease_seconds * MICROS), *tokens]
        )
        return [token.decode() if isinstance(token, bytes) else token for token in lost]

    async def hold(self, name: str, seconds: float) -> None:
        await self._hold(keys=[self.keys(name)[1]], args=[int(seconds * MICROS)])

    async def in_flight(self, name: str) -> int:
        return int(await self._in_flight(keys=[self.keys(name)[0]]))

    async def aclose(self) -> None:
        await self._client.aclose()


@dataclass
class _LocalLimit:
    leases: dict[str, int] = field(default_factory=dict)  # token → lease end (µs)
    tat: int = 0
    hold: int = 0


_LOCAL_LIMITS: dict[str, _LocalLimit] = {}
_LOCAL_LOCK = threading.Lock()


def _local_now_us() -> int:
    return time.monotonic_ns() // 1000


class LocalLimitStore:
    """The same steps as ``RedisLimitStore`` in this process (threads and event loops share)."""

    def __repr__(self) -> str:
        return "LocalLimitStore()"

    @staticmethod
    def _limit(name: str) -> _LocalLimit:
        return _LOCAL_LIMITS.setdefault(name, _LocalLimit())

    async def try_acquire(self, name: str, spec: LimitSpec, token: str) -> Attempt:
        with _LOCAL_LOCK:
            now = _local_now_us()
            limit = self._limit(name)
            for held, end in list(limit.leases.items()):
                if end <= now:
                    del limit.leases[held]
            if limit.hold > now:
                return Attempt(False, (limit.hold - now) / MICROS, now / MICROS)
            if len(limit.leases) >= spec.max_in_flight:
                return Attempt(False, -1.0, now / MICROS)
            if spec.interval_us:
                tat = max(limit.tat, now)
                if tat - spec.tolerance_us > now:
                    return Attempt(False, (tat - spec.tolerance_us - now) / MICROS, now / MICROS)
                limit.tat = tat + spec.interval_us
            limit.leases[token] = now + spec.lease_us
            return Attempt(True, 0.0, now / MICROS)

    async def release(self, name: str, token: str) -> float:
        with _LOCAL_LOCK:
            self._limit(name).leases.pop(token, None)
            return _local_now_us() / MICROS

    async def renew(self, name: str, tokens: list[str], lease_seconds: float) -> list[str]:
        lost = []
        with _LOCAL_LOCK:
            now = _local_now_us()
            leases = self._limit(name).leases
            for token in tokens:
                if leases.get(token, 0) > now:
                    leases[token] = now + int(lease_seconds * MICROS)
                else:
                    leases.pop(token, None)
                    lost.append(token)
        return lost

    async def hold(self, name: str, seconds: float) -> None:
        with _LOCAL_LOCK:
            limit = self._limit(name)
            limit.hold = max(limit.hold, _local_now_us() + int(seconds * MICROS))

    async def in_flight(self, name: str) -> int:
        with _LOCAL_LOCK:
            now = _local_now_us()
            return sum(1 for end in self._limit(name).leases.values() if end > now)

    async def aclose(self) -> None:
        return None


def limit_store(redis_url: str | None, *, prefix: str = "kai:limits:") -> LimitStore:
    """Redis when a URL is configured (shared by all workers), otherwise the local store."""
    return RedisLimitStore(redis_url, prefix=prefix) if redis_url else LocalLimitStore()


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
