"""Operational endpoints."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# Signed-in areas and the API stay out of search engines; the public record is in the sitemap.
ROBOTS_DISALLOW = (
    "/admin/",
    "/api/",
    *(
        f"/{language}/{area}/"
        for language in ("ko", "en")
        for area in ("accounts", "evaluate", "runs", "team")
    ),
)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    cache.set("kai:healthz", "1", timeout=10)
    if cache.get("kai:healthz") != "1":
        raise RuntimeError("cache did not return what was written")


def _check_broker() -> None:
    if not settings.REDIS_URL:
        return  # eager mode: there is no broker to check
    from kai_site.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
def healthz(request):
    """200 when the database, the cache and the broker answer; 503 naming what does not."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # report every failure, never a traceback
            results[name] = f"error: {type(exc).__name__}"
        else:
            results[name] = "ok"
    healthy = all(v == "ok" for v in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503
    )


def language_switch(request):
    """Remember the chosen language in a cookie and open the same page (path and query kept) in
    that language: a plain link, no form or token."""
    from django.conf import settings as conf
    from django.http import HttpResponseRedirect
    from django.utils.http import url_has_allowed_host_and_scheme

    from .language_urls import path_in_language

    language = request.GET.get("language", "")
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    if language in dict(conf.LANGUAGES):
        target = path_in_language(target, language)
    response = HttpResponseRedirect(target)
    if language in dict(conf.LANGUAGES):
        response.set_cookie(
            conf.LANGUAGE_COOKIE_NAME,
            language,
            max_age=conf.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response


@require_GET
def robots_txt(request):
    """robots.txt: keep crawlers to the public pages and point them at the sitemap."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
