"""Fixtures for the endpoint building blocks: the fake server, Redis limits, the real llama.cpp server."""

from __future__ import annotations

import uuid

import pytest
import redis

from tests.endpoints.fake_openai import fake_openai  # noqa: F401  (a fixture)
from tests.endpoints.llama_server import llama_server  # noqa: F401  (a fixture)

#: The machine's Redis, database 13, shared with other people: keys under a unique prefix per
#: test, deleted one by one afterwards; never FLUSHDB.
LIMITS_REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def limits_redis_url():
    """The Redis URL for limit tests; skips when no Redis answers there."""
    client = redis.Redis.from_url(LIMITS_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {LIMITS_REDIS_URL} for the shared limits")
    finally:
        client.close()
    return LIMITS_REDIS_URL


@pytest.fixture
def limits_prefix(limits_redis_url):
    """A key prefix of this test alone; its keys are deleted afterwards (by SCAN, not FLUSHDB)."""
    prefix = f"test:endpoints:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(limits_redis_url)
    try:
        for key in client.scan_iter(match=f"{prefix}*", count=500):
            client.delete(key)
    finally:
        client.close()


@pytest.fixture
def limit_name():
    """A limit name no other test uses (the local store is shared by the whole process)."""
    return f"endpoint-{uuid.uuid4().hex[:12]}"
