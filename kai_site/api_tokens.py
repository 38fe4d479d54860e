"""API tokens for teams' scripts (knox: stored hashed, shown once): the API and the small
page at /api/tokens/ where a signed-in team member or evaluator manages them."""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from leaderboard.models import is_evaluator, team_ids_of

from .api_errors import ERROR_400, ERROR_401, ERROR_403, ERROR_404, ERROR_429, ApiError

TAG = "tokens"

# ---------------------------------------------------------------- services


def may_hold_tokens(user) -> bool:
    """Tokens are for team members (their scripts) and evaluators."""
    return is_evaluator(user) or bool(team_ids_of(user))


def token_create(*, user) -> tuple[AuthToken, str]:
    """A new token for the user: the row keeps only its hash; the plain token is returned once."""
    return AuthToken.objects.create(user=user)


def token_list(*, user):
    return AuthToken.objects.filter(user=user).order_by("-created")


def token_revoke(*, user, token_key: str) -> bool:
    """Delete the user's token with this key; False if there is none (or it is someone else's)."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return bool(deleted)


# ---------------------------------------------------------------- API


class TokenSerializer(serializers.ModelSerializer):
    """A token as listed: its first characters to recognize it, never the secret."""

    class Meta:
        model = AuthToken
        fields = ["token_key", "created", "expiry"]


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(help_text="The token itself. Shown this once; store it now.")

    class Meta(TokenSerializer.Meta):
        fields = ["token", *TokenSerializer.Meta.fields]


class CredentialsSerializer(serializers.Serializer):
    # The same limits as the user model and the sign-in form: longer input never reaches the
    # database (PostgreSQL refuses over-long values where SQLite would not).
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})


def _new_token_response(user) -> Response:
    if not may_hold_tokens(user):
        raise PermissionDenied("API tokens are for team members and evaluators.")
    instance, token = token_create(user=user)
    data = NewTokenSerializer({"token": token, **TokenSerializer(instance).data}).data
    return Response(data, status=status.HTTP_201_CREATED)


NEW_TOKEN_EXAMPLE = OpenApiExample(
    "A new token",
    value={
        "token": "2f1c0f3a…(64 hex characters)",
        "token_key": "2f1c0f3a9b8e7d6",
        "created": "2026-01-15T10:00:00+09:00",
        "expiry": "2026-04-15T10:00:00+09:00",
    },
    response_only=True,
    status_codes=["201"],
)


class TokenLoginView(APIView):
    """Username and password (JSON) in, a new token out."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        summary="Create a token with username and password",
        description="For scripts: send JSON {username, password} of a team member or evaluator; "
        "the answer holds the token once. Send it as `Authorization: Token <token>`. Repeated "
        "failures lock the account for a while.",
        request=CredentialsSerializer,
        responses={201: NewTokenSerializer, 400: ERROR_400, 403: ERROR_403, 429: ERROR_429},
        examples=[
            OpenApiExample(
                "Credentials",
                value={"username": "member", "password": "…"},
                request_only=True,
            ),
            NEW_TOKEN_EXAMPLE,
        ],
    )
    def post(self, request):
        form = CredentialsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=form.validated_data["username"],
            password=form.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            # Answer in the API's error shape instead of django-axes' HTML lockout page.
            request._request.axes_locked_out = False
            cool_off = get_cool_off(request._request)
            error = ApiError(
                message="Too many failed sign-ins: this account is locked for a while.",
                code="locked_out",
                status_code=429,
            )
            error.wait = int(cool_off.total_seconds()) if cool_off else 900
            raise error
        if user is None or not user.is_active:
            raise ApiError(
                message="The username or password is wrong.",
                code="invalid_credentials",
                details={"non_field_errors": ["The username or password is wrong."]},
            )
        return _new_token_response(user)


class TokenListCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="List your tokens",
        description="Your tokens, newest first, without their secrets.",
        responses={200: TokenSerializer(many=True), 401: ERROR_401, 429: ERROR_429},
    )
    def get(self, request):
        return Response(TokenSerializer(token_list(user=request.user), many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Create another token",
        description="For a signed-in session or an existing token; the answer holds the new "
        "token once.",
        request=None,
        responses={201: NewTokenSerializer, 401: ERROR_401, 403: ERROR_403, 429: ERROR_429},
        examples=[NEW_TOKEN_EXAMPLE],
    )
    def post(self, request):
        return _new_token_response(request.user)


class TokenRevokeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="Revoke a token",
        description="Deletes one of your tokens by its token_key; it is refused from then on.",
        parameters=[OpenApiParameter("token_key", str, OpenApiParameter.PATH)],
        responses={204: None, 401: ERROR_401, 404: ERROR_404, 429: ERROR_429},
    )
    def delete(self, request, token_key):
        if not token_revoke(user=request.user, token_key=token_key):
            raise Http404("No such token")
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- page


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens_page(request):
    """List, create (shown once) and revoke the signed-in user's API tokens."""
    if not may_hold_tokens(request.user):
        raise Http404("Not a team member or evaluator")
    new_token = None
    if request.method == "POST":
        _, new_token = token_create(user=request.user)
    context = {
        "tokens": list(token_list(user=request.user)),
        "new_token": new_token,
        "ttl_days": settings.API_TOKEN_TTL_DAYS,
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def token_revoke_page(request, token_key):
    if not token_revoke(user=request.user, token_key=token_key):
        raise Http404("No such token")
    messages.success(request, _("The token was revoked; scripts using it are refused from now on."))
    return redirect("api:tokens")
