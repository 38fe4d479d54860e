"""Where an endpoint's limits live: Redis for every worker together, or this process alone.

``LimitSpec`` says the limits; a store does the three atomic steps ``EndpointLimiter`` needs
(``try_acquire``: a lease and a rate token together or nothing, ``release``, ``renew``) plus
``hold`` and ``in_flight``. See ``limits.py`` for the algorithms and their sources.

Two stores, one behaviour:

* ``RedisLimitStore``: Lua scripts (atomic on the Redis server), the clock is Redis ``TIME`` so
  hosts with different clocks agree. Keys ``<prefix>{<name>}:slots`` (sorted set token →
  lease end, µs) and ``<prefix>{<name>}:rate`` (hash: ``tat``, ``hold``), both expiring when
  unused. ``{name}`` is a Redis Cluster hash tag: both keys live on one node.
* ``LocalLimitStore``: the same steps in Python under a lock with the monotonic clock, for the
  embedded default (no REDIS_URL: one process, eager tasks). Limits are shared by name within
  the process only.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

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
