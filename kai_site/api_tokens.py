"""API tokens for teams' scripts (knox: stored hashed, shown once): the API and the small
page at /api/tokens/ where a signed-in team member or evaluator manages them."""

from __future__ import annotations

import logging

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, user_logged_in
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from leaderboard.models import is_evaluator, team_ids_of

from .api_errors import (
    ERROR_400,
    ERROR_401,
    ERROR_403,
    ERROR_404,
    ERROR_429,
    ApiError,
    _error,
)

TAG = "tokens"
ERROR_INVALID_CREDENTIALS = _error(
    "The username or password is wrong (or the account is inactive).",
    "invalid_credentials",
    "The username or password is wrong.",
    {"non_field_errors": ["The username or password is wrong."]},
)
log = logging.getLogger("kai.accounts")

# ---------------------------------------------------------------- services


def may_hold_tokens(user) -> bool:
    """Tokens are for team members (their scripts) and evaluators."""
    return is_evaluator(user) or bool(team_ids_of(user))


class TokenLimitReached(Exception):
    """The user holds as many live tokens as one account may (REST_KNOX TOKEN_LIMIT_PER_USER)."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


def _live(tokens, now):
    return tokens.filter(Q(expiry__gt=now) | Q(expiry__isnull=True))


def token_create(*, user) -> tuple[AuthToken, str]:
    """A new token for the user: the row keeps only its hash; the plain token is returned once.

    Refused (TokenLimitReached) when the user already holds the per-user limit of live tokens.
    """
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    with transaction.atomic():
        # One creation at a time per user, so that parallel requests cannot pass the limit.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        now = timezone.now()
        AuthToken.objects.filter(user=user, expiry__lte=now).delete()  # expired: gone anyway
        if limit is not None and _live(AuthToken.objects.filter(user=user), now).count() >= limit:
            raise TokenLimitReached(limit)
        return AuthToken.objects.create(user=user)


def token_list(*, user):
    return AuthToken.objects.filter(user=user).order_by("-created")


def tokens_revoke_all(*, user) -> int:
    """Delete every token of the user (a new password, or an evaluator's decision); how many."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def token_holders():
    """Accounts holding at least one token, with how many and the newest, for evaluators."""
    return (
        get_user_model()
        .objects.annotate(
            token_count=Count("auth_token_set"), newest=Max("auth_token_set__created")
        )
        .filter(token_count__gt=0)
        .prefetch_related("team_memberships__team")
        .order_by("username")
    )


def user_tokens_revoke(*, actor, user) -> int:
    """An evaluator revokes all tokens of an account (a leaked token, a member who left)."""
    if not is_evaluator(actor):
        raise PermissionError("Only evaluators revoke other accounts' tokens.")
    revoked = tokens_revoke_all(user=user)
    log.warning(
        "API tokens revoked by an evaluator",
        extra={"actor_id": actor.pk, "user_id": user.pk, "count": revoked},
    )
    return revoked


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


def _token_limit_message(limit: int) -> str:
    return (
        f"You already hold {limit} tokens, the most one account may hold. Revoke one you no longer "
        "use (DELETE /api/v1/auth/tokens/<token_key>/ or the page /api/tokens/), then try again."
    )


def _new_token_response(user) -> Response:
    if not may_hold_tokens(user):
        raise PermissionDenied(_("API tokens are for team members and evaluators."))
    try:
        instance, token = token_create(user=user)
    except TokenLimitReached as exc:
        raise ApiError(
            message=_token_limit_message(exc.limit),
            code="token_limit",
            status_code=status.HTTP_403_FORBIDDEN,
            details={"limit": exc.limit},
        ) from exc
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
        "the answer holds the token once. Send it as `Authorization: Token <token>`. A wrong "
        "username or password answers 401. Five failures for one account lock that account "
        "from your address for a while (429; other accounts are not affected). One account holds "
        "at most `API_TOKEN_LIMIT_PER_USER` tokens (403 `token_limit` beyond). A new password "
        "revokes all tokens of the account.",
        request=CredentialsSerializer,
        responses={
            201: NewTokenSerializer,
            400: ERROR_400,
            401: ERROR_INVALID_CREDENTIALS,
            403: ERROR_403,
            429: ERROR_429,
        },
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
                message=_("Too many failed sign-ins: this account is locked for a while."),
                code="locked_out",
                status_code=429,
            )
            error.wait = int(cool_off.total_seconds()) if cool_off else 900
            raise error
        if user is None or not user.is_active:
            # 401, not 400: the request is well formed; the credentials in it are not valid.
            error = ApiError(
                message=_("The username or password is wrong."),
                code="invalid_credentials",
                status_code=status.HTTP_401_UNAUTHORIZED,
                details={"non_field_errors": ["The username or password is wrong."]},
            )
            error.auth_header = "Token"
            raise error
        response = _new_token_response(user)
        # As a sign-in on the page: last_login, and django-axes clears the failures it counted.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return response


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
        "token once. Refused (403 `token_limit`) when the account already holds "
        "`API_TOKEN_LIMIT_PER_USER` live tokens.",
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
    limit_reached = False
    if request.method == "POST":
        try:
            _, new_token = token_create(user=request.user)
        except TokenLimitReached:
            limit_reached = True
    context = {
        "tokens": list(token_list(user=request.user)),
        "new_token": new_token,
        "limit_reached": limit_reached,
        "token_limit": knox_settings.TOKEN_LIMIT_PER_USER,
        "ttl_days": settings.API_TOKEN_TTL_DAYS,
        "is_evaluator": is_evaluator(request.user),
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def token_revoke_page(request, token_key):
    if not token_revoke(user=request.user, token_key=token_key):
        raise Http404("No such token")
    messages.success(request, _("The token was revoked; scripts using it are refused from now on."))
    return redirect("api:tokens")


@never_cache
@login_required
@require_http_methods(["GET"])
def token_holders_page(request):
    """Evaluators: every account holding API tokens, each with a button that revokes them all."""
    if not is_evaluator(request.user):
        raise Http404("Not an evaluator")
    return render(request, "api/token_holders.html", {"holders": list(token_holders())})


@login_required
@require_POST
def token_holder_revoke_page(request, user_id):
    if not is_evaluator(request.user):
        raise Http404("Not an evaluator")
    user = get_object_or_404(get_user_model(), pk=user_id)
    revoked = user_tokens_revoke(actor=request.user, user=user)
    messages.success(
        request,
        ngettext(
            "%(count)d token of %(username)s revoked; scripts using it are refused from now on.",
            "%(count)d tokens of %(username)s revoked; scripts using them are refused from now on.",
            revoked,
        )
        % {"count": revoked, "username": user.get_username()},
    )
    return redirect("api:token-holders")
