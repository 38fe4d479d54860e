"""Benchmark: how close the endpoint client comes to an endpoint's in-flight limit.

Run as ``.venv/bin/python tests/bench/bench_endpoints.py`` (``make bench`` runs it). It starts
our fake OpenAI-compatible server (``tests/endpoints/fake_openai.py``) with a fixed latency of
200 ms, then runs ``EndpointClient.run_batch`` in separate worker processes
(``tests/endpoints/hammer.py``, all starting at the same moment) and prints:

* one process, a limit of 32 in flight: requests per second and their ratio to the limit's
  ceiling 32 / 0.2 s = 160 (target at least 0.9), with the shared Redis limit and with the
  local one (the embedded default);
* two processes sharing a limit of 64 in flight (Redis): requests per second and their ratio to
  the one-process figure with Redis (target at least 1.7: the shared limit scales);
* for each run, the largest number of requests in flight the server saw (must never pass the
  limit) and the client's latency p50/p95.

Each figure is the best of 3 runs (the machine may be shared), every run's figure printed too.
Requests per second: items answered / (last batch end - first batch start), each process
timing its own ``run_batch`` (process start-up excluded, connection set-up included). Redis:
``BENCH_REDIS_URL`` or ``redis://127.0.0.1:6379/13``, keys under a unique prefix, deleted
afterwards (never FLUSHDB); without Redis the shared-limit runs are skipped and say so.

Figures are printed, not asserted: the exit status is 1 only when a step fails or the server
saw more requests in flight than the limit.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.endpoints.fake_openai import API_KEY, FakeOpenAI  # noqa: E402
from tests.endpoints.hammer import results_of, start_hammers  # noqa: E402

LATENCY = 0.2
LIMIT_ONE = 32
LIMIT_TWO = 64
ITEMS_PER_PROCESS = 800  # 25 rounds of 32: five seconds at the ceiling
RATIO_TARGET = 0.9
SCALING_TARGET = 1.7
REPEATS = 3
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def redis_answers(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def delete_keys(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        for key in client.scan_iter(match=f"{prefix}*", count=500):
            client.delete(key)
    finally:
        client.close()


def run_processes(server: FakeOpenAI, *, processes: int, limit: int, redis_url: str | None):
    """Start ``processes`` hammers sharing one limit; return (rps, answered, latencies)."""
    prefix = f"bench:endpoints:{uuid.uuid4().hex}:"
    start_at = time.time() + 3.0  # every process imported and connected by then
    configs = [
        {
            "mode": "client",
            "redis_url": redis_url,
            "prefix": prefix,
            "name": "bench",
            "spec": {"max_in_flight": limit},
            "count": ITEMS_PER_PROCESS,
            "url": server.url,
            "api_key": API_KEY,
            "tag": f"p{index}",
            "start_at": start_at,
        }
        for index in range(processes)
    ]
    try:
        results = results_of(start_hammers(configs), timeout=300)
    finally:
        if redis_url:
            delete_keys(redis_url, prefix)
    for result in results:
        if result["stopped"]:
            raise RuntimeError(f"a batch stopped: {result['stopped']}")
    answered = sum(result["answered"] for result in results)
    elapsed = max(r["ended"] for r in results) - min(r["started"] for r in results)
    latencies = sorted(value for result in results for value in result["latency_ms"])
    return answered / elapsed, answered, latencies


def best_of(server: FakeOpenAI, label: str, *, processes: int, limit: int, redis_url):
    """The fastest of ``REPEATS`` runs (the machine is shared), with every run's figure."""
    runs = []
    within = True
    for _ in range(REPEATS):
        server.reset_counts()
        rps, answered, latencies = run_processes(
            server, processes=processes, limit=limit, redis_url=redis_url
        )
        within &= server.max_in_flight <= limit
        runs.append((rps, answered, latencies, server.max_in_flight))
    rps, answered, latencies, most = max(runs, key=lambda run: run[0])
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(
        f"{label}: best of {REPEATS} {rps:.1f} requests/s "
        f"(runs: {', '.join(f'{run[0]:.1f}' for run in runs)}), {answered} answers each; "
        f"latency p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )
    print(
        f"  most in flight at the server: {max(run[3] for run in runs)} (limit {limit}) "
        f"{'OK' if within else 'EXCEEDED'}"
    )
    return rps, within


def main() -> int:
    ceiling = LIMIT_ONE / LATENCY
    with FakeOpenAI(latency=LATENCY) as server:
        print(f"fake server {server.url}, fixed latency {LATENCY * 1000:.0f} ms")
        rps_local, within = best_of(
            server, "1 process, local limit 32", processes=1, limit=LIMIT_ONE, redis_url=None
        )
        all_within = within
        ratio = rps_local / ceiling
        print(
            f"  ratio to {LIMIT_ONE}/{LATENCY:g} s = {ceiling:.0f}/s: {ratio:.3f} "
            f"(target >= {RATIO_TARGET}) {'OK' if ratio >= RATIO_TARGET else 'MISSED'}"
        )
        if not redis_answers(REDIS_URL):
            print(f"no Redis at {REDIS_URL}: the shared-limit runs are skipped")
            return 0 if all_within else 1
        rps_one, within = best_of(
            server, "1 process, Redis limit 32", processes=1, limit=LIMIT_ONE, redis_url=REDIS_URL
        )
        all_within &= within
        ratio = rps_one / ceiling
        print(
            f"  ratio to {ceiling:.0f}/s: {ratio:.3f} (target >= {RATIO_TARGET}) "
            f"{'OK' if ratio >= RATIO_TARGET else 'MISSED'}"
        )
        rps_two, within = best_of(
            server,
            "2 processes, one Redis limit 64",
            processes=2,
            limit=LIMIT_TWO,
            redis_url=REDIS_URL,
        )
        all_within &= within
        scaling = rps_two / rps_one
        print(
            f"  ratio to 1 process (limit 32): {scaling:.2f} (target >= {SCALING_TARGET}) "
            f"{'OK' if scaling >= SCALING_TARGET else 'MISSED'}; ratio to "
            f"{LIMIT_TWO}/{LATENCY:g} s = {LIMIT_TWO / LATENCY:.0f}/s: "
            f"{rps_two / (LIMIT_TWO / LATENCY):.3f}"
        )
    return 0 if all_within else 1


if __name__ == "__main__":
    raise SystemExit(main())
