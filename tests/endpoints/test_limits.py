"""Shared endpoint limits: in flight and per minute, in Redis (many processes) and locally."""

import asyncio
import os
import signal
import threading
import time

import pytest
import redis

from evaluations.endpoints.limits import (
    EndpointLimiter,
    LimitSpec,
    LocalLimitStore,
    RedisLimitStore,
)
from tests.endpoints.hammer import main as hammer_main
from tests.endpoints.hammer import results_of, start_hammers


def max_overlap(intervals) -> int:
    """The most intervals [granted, released) open at one moment (a release before a grant at
    the same microsecond, as the store serialises them)."""
    events = sorted(
        [(released, 0) for _, released in intervals] + [(granted, 1) for granted, _ in intervals]
    )
    most = current = 0
    for _, is_grant in events:
        current += 1 if is_grant else -1
        most = max(most, current)
    return most


def max_in_window(times, seconds: float) -> int:
    """The most times within any half-open window [t, t + seconds)."""
    times = sorted(times)
    most = start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= seconds - 1e-7:  # µs clocks, float seconds
            start += 1
        most = max(most, end - start + 1)
    return most


@pytest.fixture(params=["local", "redis"])
def make_store(request):
    """A function making a store of each kind inside the running event loop."""
    if request.param == "local":
        return LocalLimitStore
    url = request.getfixturevalue("limits_redis_url")
    prefix = request.getfixturevalue("limits_prefix")
    return lambda: RedisLimitStore(url, prefix=prefix)


def run(make_store, scenario):
    async def runner():
        store = make_store()
        try:
            return await scenario(store)
        finally:
            await store.aclose()

    return asyncio.run(runner())


def test_no_more_than_max_in_flight_hold_permits_at_once(make_store, limit_name):
    spec = LimitSpec(max_in_flight=3)
    now_in_flight = most = 0
    store_counts = []

    async def scenario(store):
        nonlocal now_in_flight, most
        limiter = EndpointLimiter(store, limit_name, spec, poll_interval=0.005)

        async def request():
            nonlocal now_in_flight, most
            async with limiter.slot():
                now_in_flight += 1
                most = max(most, now_in_flight)
                store_counts.append(await limiter.in_flight())
                await asyncio.sleep(0.02)
                now_in_flight -= 1

        await asyncio.gather(*(request() for _ in range(15)))
        assert await limiter.in_flight() == 0
        await limiter.aclose()

    run(make_store, scenario)
    assert most == 3
    assert max(store_counts) <= 3


def test_the_rate_allows_the_burst_then_one_per_interval_and_never_more_per_period(
    make_store, limit_name
):
    spec = LimitSpec(max_in_flight=50, requests_per_minute=10, period=1.0, burst=3)
    assert spec.interval_us == 125_000  # 1 s / (10 - 3 + 1)

    async def scenario(store):
        limiter = EndpointLimiter(store, limit_name, spec)
        grants = []
        for _ in range(16):
            async with limiter.slot() as permit:
                grants.append(permit.granted_at)
        await limiter.aclose()
        return grants

    grants = run(make_store, scenario)
    assert grants[2] - grants[0] < 0.2  # the burst goes at once (one by one: 0.25 s)
    assert max_in_window(grants, 1.0) <= 10
    assert max_in_window(grants, 1.0) >= 8  # and the limit is used, not wasted
    # 13 after the burst, one per 0.125 s
    assert 13 * 0.125 - 0.01 <= grants[-1] - grants[0] < 13 * 0.125 + 1.5


def test_a_hold_after_retry_after_makes_every_limiter_of_the_endpoint_wait(make_store, limit_name):
    spec = LimitSpec(max_in_flight=4)

    async def scenario(store):
        first = EndpointLimiter(store, limit_name, spec)
        other = EndpointLimiter(store, limit_name, spec)  # as in another worker
        async with first.slot() as before:
            pass
        await first.hold(0.3)
        async with other.slot() as after:
            pass
        await first.aclose()
        await other.aclose()
        return after.granted_at - before.granted_at

    assert run(make_store, scenario) >= 0.3


def test_a_permit_nobody_renews_expires_so_a_killed_worker_cannot_block_forever(
    make_store, limit_name
):
    spec = LimitSpec(max_in_flight=2, lease_seconds=0.4)

    async def scenario(store):
        # A worker takes both permits and dies: nobody renews or releases them.
        for token in ("dead-1", "dead-2"):
            assert (await store.try_acquire(limit_name, spec, token)).granted
        limiter = EndpointLimiter(store, limit_name, spec)
        started = time.monotonic()
        permit = await limiter.acquire()
        waited = time.monotonic() - started
        await limiter.release(permit)
        await limiter.aclose()
        return waited

    waited = run(make_store, scenario)
    assert 0.3 <= waited < 2.0


def test_a_live_holder_renews_its_lease_so_it_is_not_taken_away(make_store, limit_name):
    spec = LimitSpec(max_in_flight=1, lease_seconds=0.6)

    async def scenario(store):
        holder = EndpointLimiter(store, limit_name, spec)
        other = EndpointLimiter(store, limit_name, spec)
        permit = await holder.acquire()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(other.acquire(), 1.5)  # > 2 leases
        assert not permit.lost
        await holder.release(permit)
        second = await asyncio.wait_for(other.acquire(), 1.0)
        await other.release(second)
        await holder.aclose()
        await other.aclose()

    run(make_store, scenario)


def test_a_cancelled_waiter_leaves_no_permit_behind(make_store, limit_name):
    spec = LimitSpec(max_in_flight=1)

    async def scenario(store):
        limiter = EndpointLimiter(store, limit_name, spec, poll_interval=0.01)
        held = await limiter.acquire()
        waiter = asyncio.ensure_future(limiter.acquire())
        await asyncio.sleep(0.1)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        await limiter.release(held)
        await asyncio.sleep(0.05)
        assert await limiter.in_flight() == 0
        again = await asyncio.wait_for(limiter.acquire(), 0.5)
        await limiter.release(again)
        await limiter.aclose()

    run(make_store, scenario)


def test_a_release_in_this_process_wakes_the_next_waiter_without_waiting_for_a_poll(
    make_store, limit_name
):
    spec = LimitSpec(max_in_flight=1)

    async def scenario(store):
        limiter = EndpointLimiter(store, limit_name, spec, poll_interval=2.0)
        held = await limiter.acquire()
        waiter = asyncio.ensure_future(limiter.acquire())
        await asyncio.sleep(0.05)
        released = time.monotonic()
        await limiter.release(held)
        permit = await waiter
        woke_after = time.monotonic() - released
        await limiter.release(permit)
        await limiter.aclose()
        return woke_after

    assert run(make_store, scenario) < 0.5


def test_limit_specs_refuse_nonsense_and_compute_the_schedule():
    with pytest.raises(ValueError):
        LimitSpec(max_in_flight=0)
    with pytest.raises(ValueError):
        LimitSpec(max_in_flight=1, requests_per_minute=0)
    with pytest.raises(ValueError):
        LimitSpec(max_in_flight=1, requests_per_minute=5, burst=6)
    spec = LimitSpec(max_in_flight=1, requests_per_minute=600, burst=10)
    assert spec.interval_us == 101_523  # ceil(60 s / 591): never faster than 600 per 60 s
    assert spec.tolerance_us == 9 * 101_523
    assert LimitSpec(max_in_flight=1).interval_us == 0


def test_redis_keys_carry_the_prefix_a_hash_tag_and_expire(limits_redis_url, limits_prefix):
    spec = LimitSpec(max_in_flight=2, requests_per_minute=60, lease_seconds=5)
    client = redis.Redis.from_url(limits_redis_url)
    ttls = {}

    async def scenario():
        store = RedisLimitStore(limits_redis_url, prefix=limits_prefix)
        limiter = EndpointLimiter(store, "endpoint-7", spec)
        slots, rate = store.keys("endpoint-7")
        async with limiter.slot():
            ttls["held"] = (client.pttl(slots), client.pttl(rate))
        ttls["after"] = client.exists(slots)
        await limiter.aclose()
        await store.aclose()
        return slots, rate

    try:
        slots, rate = asyncio.run(scenario())
    finally:
        client.close()
    assert slots == f"{limits_prefix}{{endpoint-7}}:slots"
    assert rate == f"{limits_prefix}{{endpoint-7}}:rate"
    slots_ttl, rate_ttl = ttls["held"]
    assert 0 < slots_ttl <= 10_000  # twice the lease
    assert 0 < rate_ttl <= 62_000  # the schedule plus one period
    assert ttls["after"] == 0  # the last release leaves no key behind


# Many processes -------------------------------------------------------------------------------


def test_three_processes_never_pass_the_in_flight_limit_together(limits_redis_url, limits_prefix):
    spec = {"max_in_flight": 4, "lease_seconds": 10}
    base = {
        "mode": "permits",
        "redis_url": limits_redis_url,
        "prefix": limits_prefix,
        "name": "shared",
        "spec": spec,
        "count": 40,
        "concurrency": 4,  # each process alone would fill the limit
        "hold_seconds": [0.005, 0.03],
        "start_at": time.time() + 2.0,
    }
    results = results_of(start_hammers([base] * 3))
    intervals = [interval for result in results for interval in result["intervals"]]
    assert len(intervals) == 120
    assert max_overlap(intervals) == 4  # reached, never passed (Redis clock, exact)


def test_three_processes_never_pass_the_rate_together(limits_redis_url, limits_prefix):
    spec = {"max_in_flight": 50, "requests_per_minute": 25, "period": 1.0, "burst": 5}
    base = {
        "mode": "permits",
        "redis_url": limits_redis_url,
        "prefix": limits_prefix,
        "name": "shared",
        "spec": spec,
        "count": 20,
        "concurrency": 3,
        "hold_seconds": [0.0, 0.005],
        "start_at": time.time() + 2.0,
    }
    results = results_of(start_hammers([base] * 3))
    grants = [granted for result in results for granted, _ in result["intervals"]]
    assert len(grants) == 60
    assert max_in_window(grants, 1.0) <= 25
    assert max_in_window(grants, 1.0) >= 23
    # 5 at once, then 55 at 21 per second
    assert max(grants) - min(grants) >= 55 / 21 - 0.01


def test_permits_of_a_sigkilled_worker_come_back_after_their_lease(limits_redis_url, limits_prefix):
    spec = {"max_in_flight": 3, "lease_seconds": 1.0}
    config = {
        "mode": "hold",
        "redis_url": limits_redis_url,
        "prefix": limits_prefix,
        "name": "shared",
        "spec": spec,
        "count": 3,
    }
    (worker,) = start_hammers([config])
    try:
        assert worker.stdout.readline().strip() == b"held"
        time.sleep(1.5)  # its renewals keep the permits while it lives
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        killed = time.monotonic()

        async def scenario():
            store = RedisLimitStore(limits_redis_url, prefix=limits_prefix)
            limiter = EndpointLimiter(store, "shared", LimitSpec(**spec))
            assert await limiter.in_flight() == 3
            permits = [await asyncio.wait_for(limiter.acquire(), 5.0) for _ in range(3)]
            waited = time.monotonic() - killed
            for permit in permits:
                await limiter.release(permit)
            await limiter.aclose()
            await store.aclose()
            return waited

        assert asyncio.run(scenario()) < 2.5
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def test_the_local_store_holds_one_limit_for_every_thread_and_event_loop_of_the_process(
    limit_name,
):
    config = {
        "mode": "permits",
        "name": limit_name,
        "spec": {"max_in_flight": 3},
        "count": 30,
        "concurrency": 3,
        "hold_seconds": [0.002, 0.01],
    }
    results = []

    def thread():
        results.append(asyncio.run(hammer_main(config)))

    threads = [threading.Thread(target=thread) for _ in range(3)]
    for each in threads:
        each.start()
    for each in threads:
        each.join(timeout=60)
    intervals = [interval for result in results for interval in result["intervals"]]
    assert len(intervals) == 90
    assert max_overlap(intervals) == 3
