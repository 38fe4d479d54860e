"""One error shape for the whole API: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

log = logging.getLogger("django.request")

_MESSAGES = {
    status.HTTP_400_BAD_REQUEST: gettext_lazy("The request is not valid; see details."),
    status.HTTP_404_NOT_FOUND: gettext_lazy("Not found."),
}


class ApiError(exceptions.APIException):
    """A domain error answered with its own code, message and details."""

    def __init__(self, *, message: str, code: str, status_code: int = 400, details=None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.message = message
        self.details = details if details is not None else {}


def _code_of(exc, response_status: int) -> str:
    if isinstance(exc, ApiError):
        return exc.error_code
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    if isinstance(exc, Http404 | exceptions.NotFound):
        return "not_found"
    if isinstance(exc, PermissionDenied):
        return "permission_denied"
    return getattr(exc, "default_code", None) or "error"


def exception_handler(exc, context):
    """DRF's handler, then the body rewritten into the one error shape (headers are kept)."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return _server_error(exc, context)
    code = _code_of(exc, response.status_code)
    if isinstance(exc, ApiError):
        message, details = exc.message, exc.details
    elif isinstance(exc, exceptions.ValidationError):
        message = str(_MESSAGES[status.HTTP_400_BAD_REQUEST])
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
    elif isinstance(exc, Http404 | exceptions.NotFound):
        message, details = str(_MESSAGES[status.HTTP_404_NOT_FOUND]), {}
    else:
        detail = getattr(exc, "detail", None)
        message = str(detail) if detail is not None else str(exc)
        details = {}
    if isinstance(exc, exceptions.Throttled):
        details = {"retry_after": exc.wait and int(exc.wait + 0.999)}
    response.data = {"error": {"code": code, "message": message, "details": details}}
    return response


def _server_error(exc, context) -> Response:
    """An unexpected error, logged with its traceback and answered in the API's error shape
    (also under DEBUG, where Django would otherwise send its HTML debug page)."""
    set_rollback()
    request = context.get("request")
    log.error(
        "API error: %s %s",
        getattr(request, "method", "?"),
        getattr(request, "path", "?"),
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    if isinstance(exc, OperationalError) and "locked" in str(exc):
        response = Response(
            {
                "error": {
                    "code": "busy",
                    "message": _(
                        "The database was busy; nothing was saved. Try again in a moment."
                    ),
                    "details": {},
                }
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = "2"
        return response
    return Response(
        {
            "error": {
                "code": "server_error",
                "message": _("Something went wrong on the server; the error has been logged."),
                "details": {},
            }
        },
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any unknown path under /api/: a 404 in the API's error shape rather than an HTML page."""
    return JsonResponse(
        {"error": {"code": "not_found", "message": _("Not found."), "details": {}}}, status=404
    )


# ---------------------------------------------------------------- documentation

ErrorBodySerializer = inline_serializer(
    name="ErrorBody",
    fields={
        "code": serializers.CharField(help_text="Machine-readable error code."),
        "message": serializers.CharField(help_text="What went wrong, for a person."),
        "details": serializers.JSONField(
            help_text="Field errors for invalid input, retry_after for 429, else {}."
        ),
    },
)
ErrorSerializer = inline_serializer(name="Error", fields={"error": ErrorBodySerializer})


def _error(description: str, code: str, message: str, details=None) -> OpenApiResponse:
    return OpenApiResponse(
        response=ErrorSerializer,
        description=description,
        examples=[
            OpenApiExample(
                code,
                value={"error": {"code": code, "message": message, "details": details or {}}},
                response_only=True,
            )
        ],
    )


ERROR_400 = _error(
    "Invalid input; details name the fields.",
    "invalid",
    _MESSAGES[400],
    {"phase": ["This field is required."]},
)
ERROR_401 = _error(
    "Not signed in, or the token is invalid or revoked.",
    "not_authenticated",
    "Authentication credentials were not provided.",
)
ERROR_403 = _error(
    "Signed in, but not allowed.",
    "permission_denied",
    "You do not have permission to perform this action.",
)
ERROR_404 = _error("Not found, or not visible to you.", "not_found", "Not found.")
ERROR_429 = _error(
    "Too many requests; the Retry-After header says how many seconds to wait.",
    "throttled",
    "Request was throttled. Expected available in 12 seconds.",
    {"retry_after": 12},
)

PUBLIC_ERRORS = {404: ERROR_404, 429: ERROR_429}
PUBLIC_LIST_ERRORS = {400: ERROR_400, 404: ERROR_404, 429: ERROR_429}
MEMBER_ERRORS = {400: ERROR_400, 401: ERROR_401, 403: ERROR_403, 404: ERROR_404, 429: ERROR_429}
