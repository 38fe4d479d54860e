"""One client address for the API throttle and the sign-in lockout, from a trusted proxy only."""

import random

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from kai_site.client_address import client_address

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
SOCKET = "192.0.2.10"  # the address the request really came from


def forged() -> str:
    return ", ".join(
        ".".join(str(random.randint(1, 254)) for _ in range(4)) for _ in range(random.randint(1, 3))
    )


@pytest.fixture
def slow_anon_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "1000/min"},
    }


def get_teams(anon, xff=None, remote=SOCKET):
    headers = {"REMOTE_ADDR": remote}
    if xff is not None:
        headers["HTTP_X_FORWARDED_FOR"] = xff
    return anon.get("/api/v1/teams/", **headers).status_code


def test_forged_x_forwarded_for_values_do_not_lift_the_throttle(anon, world, slow_anon_rate):
    assert [get_teams(anon, forged()) for _ in range(3)] == [200, 200, 200]
    assert {get_teams(anon, forged()) for _ in range(30)} == {429}
    assert get_teams(anon) == 429
    assert get_teams(anon, remote="192.0.2.11") == 200  # another client is not throttled


def test_forged_values_do_not_lift_a_sign_in_lockout(client, member_a):
    for _ in range(5):
        client.post(
            "/api/v1/auth/token/",
            {"username": "member-a", "password": "wrong"},
            content_type="application/json",
            REMOTE_ADDR=SOCKET,
            HTTP_X_FORWARDED_FOR=forged(),
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {SOCKET}
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "member-a", "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR=SOCKET,
        HTTP_X_FORWARDED_FOR=forged(),
    )
    assert response.status_code == 429


def test_with_one_trusted_proxy_the_address_it_appends_is_the_client(
    anon, world, slow_anon_rate, settings
):
    settings.NUM_PROXIES = 1
    proxy = "127.0.0.1"  # nginx on the same host: every request comes from it
    # A client at 203.0.113.7 sends forged values; nginx appends the address it saw.
    for _ in range(3):
        assert get_teams(anon, f"{forged()}, 203.0.113.7", remote=proxy) == 200
    assert {get_teams(anon, f"{forged()}, 203.0.113.7", remote=proxy) for _ in range(10)} == {429}
    # Another client behind the same proxy has its own allowance.
    assert get_teams(anon, "203.0.113.8", remote=proxy) == 200
    assert get_teams(anon, "203.0.113.7, 203.0.113.8", remote=proxy) == 200


def test_with_one_trusted_proxy_the_lockout_reads_the_same_address(client, member_a, settings):
    settings.NUM_PROXIES = 1
    for _ in range(5):
        client.post(
            "/ko/accounts/login/",
            {"username": "member-a", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"{forged()}, 203.0.113.7",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    locked = client.post(
        "/ko/accounts/login/",
        {"username": "member-a", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert locked.status_code != 302
    # The same account from another client behind the same proxy signs in.
    elsewhere = client.post(
        "/ko/accounts/login/",
        {"username": "member-a", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert elsewhere.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "remote", "xff", "expected"),
    [
        (0, "192.0.2.10", None, "192.0.2.10"),
        (0, "192.0.2.10", "1.2.3.4", "192.0.2.10"),
        (1, "127.0.0.1", None, "127.0.0.1"),
        (1, "127.0.0.1", "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        (1, "127.0.0.1", "203.0.113.7", "203.0.113.7"),
        (2, "10.0.0.2", "1.2.3.4, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (2, "10.0.0.2", "203.0.113.7", "203.0.113.7"),
        (1, "127.0.0.1", "1.2.3.4, not-an-address", "127.0.0.1"),
        (1, "127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_rule(settings, proxies, remote, xff, expected):
    settings.NUM_PROXIES = proxies
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    assert client_address(RequestFactory().get("/ko/", **extra)) == expected


def test_drf_and_the_lockout_are_configured_from_the_same_setting(settings):
    from axes.helpers import get_client_ip_address
    from rest_framework.throttling import BaseThrottle

    from kai_site.api_support import AnonThrottle

    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.NUM_PROXIES == 0
    settings.NUM_PROXIES = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7"
    )
    assert get_client_ip_address(request) == "203.0.113.7"
    assert AnonThrottle().get_ident(request) == "203.0.113.7"
    assert AnonThrottle.get_ident is not BaseThrottle.get_ident
