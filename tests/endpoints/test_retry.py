"""Retry rules: which failures are retried, the full-jitter backoff and Retry-After."""

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from evaluations.endpoints.retry import (
    BATCH_FATAL,
    ITEM_FATAL,
    RETRYABLE,
    ErrorKind,
    RetryPolicy,
    kind_of_status,
    parse_retry_after,
)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (200, None),
        (429, ErrorKind.RATE_LIMITED),
        (500, ErrorKind.SERVER_ERROR),
        (502, ErrorKind.SERVER_ERROR),
        (503, ErrorKind.SERVER_ERROR),
        (408, ErrorKind.SERVER_ERROR),
        (400, ErrorKind.BAD_REQUEST),
        (422, ErrorKind.BAD_REQUEST),
        (401, ErrorKind.UNAUTHORIZED),
        (403, ErrorKind.FORBIDDEN),
        (404, ErrorKind.NOT_FOUND),
        (405, ErrorKind.UNEXPECTED_STATUS),
        (302, ErrorKind.UNEXPECTED_STATUS),
    ],
)
def test_each_status_has_its_kind(status, kind):
    assert kind_of_status(status) == kind


def test_every_kind_is_exactly_one_of_retried_item_fatal_or_batch_fatal():
    for kind in ErrorKind:
        assert [kind in RETRYABLE, kind in ITEM_FATAL, kind in BATCH_FATAL].count(True) == 1


def test_full_jitter_stays_under_the_exponential_ceiling_and_fills_it():
    policy = RetryPolicy(base_delay=0.5, max_delay=30.0)
    rng = random.Random(7)
    for retry, ceiling in [(0, 0.5), (1, 1.0), (3, 4.0), (6, 30.0), (200, 30.0)]:
        waits = [policy.backoff(retry, rng) for _ in range(2000)]
        assert all(0.0 <= wait <= ceiling for wait in waits)
        # uniform over [0, ceiling]: both ends are reached and the mean is near the middle
        assert min(waits) < 0.05 * ceiling and max(waits) > 0.95 * ceiling
        assert abs(sum(waits) / len(waits) - ceiling / 2) < 0.05 * ceiling


def test_retry_after_is_a_floor_and_is_capped():
    policy = RetryPolicy(base_delay=0.1, max_delay=1.0, max_retry_after=20.0)
    rng = random.Random(1)
    assert all(policy.delay(0, 5.0, rng) == 5.0 for _ in range(50))
    assert policy.delay(0, 3600.0, rng) == 20.0
    assert 0.0 <= policy.delay(0, None, rng) <= 0.1


def headers(**values):
    return httpx.Headers({name.replace("_", "-"): value for name, value in values.items()})


def test_retry_after_in_seconds_milliseconds_and_dates():
    now = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after(headers(retry_after="7")) == 7.0
    assert parse_retry_after(headers(retry_after="1.5")) == 1.5
    assert parse_retry_after(headers(retry_after_ms="250", retry_after="9")) == 0.25
    later = format_datetime(now + timedelta(seconds=42), usegmt=True)
    assert parse_retry_after(headers(retry_after=later), now=now) == 42.0
    earlier = format_datetime(now - timedelta(seconds=42), usegmt=True)
    assert parse_retry_after(headers(retry_after=earlier), now=now) == 0.0


@pytest.mark.parametrize("value", ["soon", "-3", "inf", "nan", ""])
def test_unreadable_retry_after_is_ignored(value):
    assert parse_retry_after(headers(retry_after=value)) is None
    assert parse_retry_after(headers(retry_after_ms=value)) is None


def test_policy_refuses_nonsense():
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(base_delay=-1)
