"""A worker process that hammers one shared endpoint limit (multi-process tests, benchmark).

``python -m tests.endpoints.hammer '<json>'`` prints one JSON line. The JSON says:

* ``mode``: ``permits`` (take, hold and give back ``count`` permits with ``concurrency``
  tasks; report each permit's ``[granted_at, released_at]`` in the store's clock, seconds),
  ``hold`` (take ``count`` permits, print ``held``, then sleep until killed), or ``client``
  (send ``count`` items through ``EndpointClient`` to ``url``; report the outcomes and the
  batch's start and end in ``time.time()``);
* ``redis_url`` and ``prefix`` (no URL: the local store), ``name``, ``spec`` (``LimitSpec``
  fields), ``hold_seconds`` (``[low, high]``), ``start_at`` (``time.time()`` at which every
  process starts, so they really run at the same time).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from evaluations.endpoints.client import ChatItem, EndpointClient, EndpointConfig
from evaluations.endpoints.limits import EndpointLimiter, LimitSpec, limit_store
from evaluations.endpoints.retry import RetryPolicy
from evaluations.endpoints.secrets import ApiKey

ROOT = Path(__file__).resolve().parents[2]


def start_hammers(configs: list[dict]) -> list[subprocess.Popen]:
    """One hammer process per config, started now (they wait for ``start_at`` themselves)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return [
        subprocess.Popen(
            [sys.executable, "-m", "tests.endpoints.hammer", json.dumps(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        for config in configs
    ]


def results_of(processes: list[subprocess.Popen], timeout: float = 120) -> list[dict]:
    """Each process's JSON result; fails with its stderr if one failed."""
    results = []
    for process in processes:
        out, err = process.communicate(timeout=timeout)
        assert process.returncode == 0, err.decode()[-3000:]
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    return results


async def _wait_for_start(config: dict) -> None:
    delay = config.get("start_at", 0) - time.time()
    if delay > 0:
        await asyncio.sleep(delay)


async def permits(config: dict, limiter: EndpointLimiter) -> dict:
    low, high = config.get("hold_seconds", [0.0, 0.0])
    remaining = config["count"]
    intervals = []

    async def one_task():
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            async with limiter.slot() as permit:
                await asyncio.sleep(random.uniform(low, high))
            intervals.append([permit.granted_at, permit.released_at])

    await _wait_for_start(config)
    await asyncio.gather(*(one_task() for _ in range(config.get("concurrency", 4))))
    return {"intervals": intervals}


async def hold(config: dict, limiter: EndpointLimiter) -> dict:
    for _ in range(config["count"]):
        await limiter.acquire()
    print("held", flush=True)
    await asyncio.sleep(3600)
    return {}


async def client(config: dict, limiter: EndpointLimiter) -> dict:
    endpoint = EndpointConfig(
        config["url"],
        config.get("model", "fake-model"),
        ApiKey(config["api_key"]),
        timeout=config.get("timeout", 30.0),
        allow_private=True,
    )
    tag = config.get("tag", "p")
    items = [ChatItem(f"{tag}-{n}", f"question {tag} {n}") for n in range(config["count"])]
    async with EndpointClient(
        endpoint, limiter=limiter, retry=RetryPolicy(base_delay=0.05)
    ) as endpoint_client:
        await _wait_for_start(config)
        started = time.time()
        result = await endpoint_client.run_batch(items, check_model=False)
        ended = time.time()
    return {
        "started": started,
        "ended": ended,
        "answered": sum(outcome.ok for outcome in result.outcomes),
        "outcomes": len(result.outcomes),
        "stopped": None if result.stopped is None else result.stopped.message,
        "latency_ms": [outcome.latency_ms for outcome in result.outcomes],
    }


async def main(config: dict) -> dict:
    store = limit_store(config.get("redis_url"), prefix=config.get("prefix", "kai:limits:"))
    limiter = EndpointLimiter(store, config["name"], LimitSpec(**config["spec"]))
    try:
        return await {"permits": permits, "hold": hold, "client": client}[config["mode"]](
            config, limiter
        )
    finally:
        await limiter.aclose()
        await store.aclose()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))), flush=True)
