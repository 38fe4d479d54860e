"""The client's address, read one way by the API throttle and the sign-in lockout (django-axes).

Without trusted proxies (`NUM_PROXIES=0`, the default) it is the socket address, REMOTE_ADDR,
and any X-Forwarded-For header is ignored: a client can write anything there. Behind N trusted
proxies (`NUM_PROXIES=N`), each of which appends the address it received the request from (nginx:
`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`), the client is the N-th address
from the right of X-Forwarded-For; whatever a client wrote further left is ignored. This is the
rule of Django REST framework's NUM_PROXIES, here in one function that both parts call.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    """The client's IP address: the socket address, or the trusted proxies' appended one."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = forwarded.split(",")
    chosen = addresses[-min(proxies, len(addresses))]
    # A value our own proxy wrote is always an address; anything else falls back to the socket.
    return _valid(chosen) or remote
