"""Every URL pattern of the site, enumerated from the resolver, filled with sample objects."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver

SKIPPED_PREFIXES = {
    "admin/": "the Django admin has its own permission tests (tests/leaderboard/test_admin.py)",
    "static/": "static files carry nothing private",
    "i18n/": "the language switch only sets a cookie",
    "api/": "the REST API is covered by tests/api/ with its own token and session matrix",
}
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def patterns(resolver=None, prefix="", namespace=""):
    """(route, name) for every pattern, with nested prefixes joined."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from patterns(entry, prefix + route, ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield prefix + route, name


def fill(route: str, samples: dict[str, str]) -> str:
    """The route with every <param> replaced by its sample; KeyError names a missing sample."""

    def sub(match):
        return samples[match.group("name")]

    path = _PARAM.sub(sub, route)
    return "/" + path.lstrip("^").rstrip("$").replace("\\", "")


def skip_reason(route: str) -> str | None:
    for prefix, reason in SKIPPED_PREFIXES.items():
        if route.startswith(prefix) or route.lstrip("^").startswith(prefix):
            return reason
    return None
