"""Site-wide middleware: security headers, the upload size limit, and one log line per request."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

request_log = logging.getLogger("kai.request")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # plotly.js sets inline styles on the elements it draws.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """A Content Security Policy with script-src 'self', and headers Django does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if "Server" in response:
            del response["Server"]
        return response


class UploadLimitMiddleware:
    """Refuse a request body over the upload limit before reading it, even behind a proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.RUN_UPLOAD_MAX_BYTES + settings.UPLOAD_OVERHEAD_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            # This runs before LocaleMiddleware: take the language as it would (URL prefix, then
            # cookie and Accept-Language).
            with translation.override(translation.get_language_from_request(request, True)):
                message = _(
                    "The request is %(length)s bytes; uploads are limited to %(limit)s bytes. "
                    "Nothing was saved."
                ) % {"length": f"{length:,}", "limit": f"{settings.RUN_UPLOAD_MAX_BYTES:,}"}
            if request.path.startswith("/api/"):
                import json

                body = json.dumps(
                    {"error": {"code": "file_too_large", "message": message, "details": None}}
                )
                return HttpResponse(body, status=413, content_type="application/json")
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class RequestLogMiddleware:
    """One structured log line per request: method, path, status, duration, user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": getattr(user, "pk", None) if user is not None else None,
            },
        )
        return response
