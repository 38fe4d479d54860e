"""Shared pieces of the REST API: pagination, throttles and conditional GET for public reads."""

from __future__ import annotations

import hashlib

from django.utils.cache import patch_vary_headers
from knox.models import AuthToken
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .client_address import client_address


class ApiPagination(PageNumberPagination):
    """?page=2&page_size=100: 50 items a page by default, at most 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class _LiveRatesMixin:
    """Reads the rate when asked, so that a changed REST_FRAMEWORK setting (tests) applies.

    The client is identified as the sign-in lockout identifies it (kai_site.client_address):
    a forged X-Forwarded-For header never gives a client a fresh allowance.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_address(request)


class AnonThrottle(_LiveRatesMixin, SimpleRateThrottle):
    """Anonymous clients, by address (rate: DEFAULT_THROTTLE_RATES['anon'])."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenOrUserThrottle(_LiveRatesMixin, SimpleRateThrottle):
    """Signed-in clients: per token for a token, per user for a browser session."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        if isinstance(request.auth, AuthToken):
            ident = f"token-{request.auth.token_key}"
        else:
            ident = f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ConditionalGetMixin:
    """ETag (hash of the body) and Cache-Control on successful GETs; If-None-Match → 304.

    Anonymous answers may be shared (public, max-age=60, or less when an announcement comes
    sooner, so that no shared copy outlives the moment results become public); answers to a
    signed-in client can include what only that client may see, so they are private and
    revalidated.
    """

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != status.HTTP_200_OK:
            return response
        if hasattr(response, "render"):
            response.render()  # a DRF Response; an HttpResponse of cached JSON is rendered
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        response["ETag"] = etag
        anonymous = not (request.user and request.user.is_authenticated)
        if anonymous:
            from leaderboard.cache import seconds_until_next_announcement

            max_age = seconds_until_next_announcement(at_most=60)
            response["Cache-Control"] = f"public, max-age={max_age}"
        else:
            response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ("Accept", "Accept-Language", "Authorization", "Cookie"))
        wanted = request.headers.get("If-None-Match", "")
        candidates = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
        if etag in candidates or "*" in candidates:
            response.status_code = status.HTTP_304_NOT_MODIFIED
            response.content = b""
            del response["Content-Type"]
        return response
