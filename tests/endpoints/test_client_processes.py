"""Three worker processes asking one endpoint through one shared Redis limit, seen by the server."""

import time

from tests.endpoints.fake_openai import API_KEY
from tests.endpoints.hammer import results_of, start_hammers


def configs(server, limits_redis_url, limits_prefix, spec, count):
    start_at = time.time() + 2.0
    return [
        {
            "mode": "client",
            "redis_url": limits_redis_url,
            "prefix": limits_prefix,
            "name": "endpoint-1",
            "spec": spec,
            "count": count,
            "url": server.url,
            "api_key": API_KEY,
            "tag": f"p{index}",
            "start_at": start_at,
        }
        for index in range(3)
    ]


def test_three_processes_keep_the_endpoint_within_its_in_flight_limit(
    fake_openai, limits_redis_url, limits_prefix
):
    fake_openai.latency = 0.05
    spec = {"max_in_flight": 6}
    results = results_of(
        start_hammers(configs(fake_openai, limits_redis_url, limits_prefix, spec, 40))
    )
    assert sum(result["answered"] for result in results) == 120
    assert all(result["stopped"] is None for result in results)
    assert fake_openai.max_in_flight == 6  # reached, never passed


def test_three_processes_keep_the_endpoint_within_its_rate(
    fake_openai, limits_redis_url, limits_prefix
):
    fake_openai.latency = 0.01
    spec = {"max_in_flight": 20, "requests_per_minute": 30, "period": 1.0, "burst": 3}
    results = results_of(
        start_hammers(configs(fake_openai, limits_redis_url, limits_prefix, spec, 15))
    )
    assert sum(result["answered"] for result in results) == 45
    # Arrivals, not grants: a request spaced from the next by the limiter can arrive closer to
    # it (a new connection, a busy machine), so the window here is a quarter shorter than the
    # period. The exact count of grants per period is in test_limits.py.
    assert fake_openai.max_in_window(0.75) <= 30
    elapsed = max(r["ended"] for r in results) - min(r["started"] for r in results)
    assert elapsed >= 42 / 28 - 0.02  # 3 at once, then 28 per second
