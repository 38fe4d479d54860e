"""Endpoints as data: adding one (its address checked, its key encrypted), approving a team's
proposal, and the settings a run uses (never the key)."""

from __future__ import annotations

import logging
import os
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.services import RunError, RunNotFound
from leaderboard.models import is_evaluator

from .chat import EndpointConfig
from .models import Endpoint
from .safety import validate_endpoint_url_sync
from .secrets import ApiKey, KeyBox

log = logging.getLogger("kai.endpoints")


def keybox() -> KeyBox:
    module = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    debug = settings.DEBUG or module.endswith("_test")
    return KeyBox.from_setting(settings.ENDPOINT_KEY_SECRET, debug=debug)


# ---------------------------------------------------------------- endpoints


def endpoint_add(
    *,
    user,
    model,
    base_url: str,
    served_model: str,
    api_key: ApiKey | None,
    max_in_flight: int = 4,
    requests_per_minute: int | None = None,
    timeout: float = 60.0,
    temperature: float | None = 0.0,
    max_tokens: int | None = 512,
    reasoning: bool | None = None,
    system_prompt: str = "",
    price_in_per_million: Decimal | None = None,
    price_out_per_million: Decimal | None = None,
    price_currency: str = "USD",
) -> Endpoint:
    """Save an endpoint; an evaluator's is approved at once, a team member's is proposed.

    Prices (per million input and output tokens, in ``price_currency``) are optional but come
    together; they give the runs' estimated cost. Errors: RunError (unsafe_url, bad_limits,
    bad_prices), RunNotFound for a team member and a model of no team.
    """
    try:
        url = validate_endpoint_url_sync(base_url, allow_private=settings.ENDPOINT_ALLOW_PRIVATE)
    except ValueError as exc:
        raise RunError(str(getattr(exc, "message", exc)), code="unsafe_url", field="url") from exc
    if (
        max_in_flight < 1
        or timeout <= 0
        or (requests_per_minute is not None and requests_per_minute < 1)
    ):
        raise RunError(
            _("Limits must be positive: requests in flight, per minute and the timeout."),
            code="bad_limits",
        )
    prices = endpoint_prices(price_in_per_million, price_out_per_million, price_currency)
    evaluator = is_evaluator(user)
    if not evaluator and model.team_id is None:
        raise RunNotFound("No such model.", code="not_found", field="model")
    now = timezone.now()
    endpoint = Endpoint.objects.create(
        model=model,
        base_url=url,
        served_model=served_model.strip(),
        api_key_token=keybox().encrypt(api_key) if api_key else "",
        max_in_flight=max_in_flight,
        requests_per_minute=requests_per_minute,
        timeout=timeout,
        temperature=temperature,
        max_tokens=max_tokens,
        reasoning=reasoning,
        system_prompt=system_prompt,
        **prices,
        state=Endpoint.State.APPROVED if evaluator else Endpoint.State.PROPOSED,
        proposed_by=user if getattr(user, "pk", None) else None,
        approved_by=user if evaluator and getattr(user, "pk", None) else None,
        approved_at=now if evaluator else None,
    )
    log.info("endpoint added id=%s model=%s state=%s", endpoint.pk, model.slug, endpoint.state)
    return endpoint


def endpoint_prices(price_in, price_out, currency: str = "USD") -> dict:
    """The endpoint's price fields, checked: both prices or neither, not negative, a 3-letter
    currency code. Raises RunError(code="bad_prices", field="price_in") otherwise."""
    if (price_in is None) != (price_out is None):
        raise RunError(
            _("Give both prices, per million input and per million output tokens, or neither."),
            code="bad_prices",
            field="price_in",
        )
    currency = (currency or "USD").strip().upper()
    try:
        values = [None if p is None else Decimal(str(p)) for p in (price_in, price_out)]
    except InvalidOperation as exc:
        raise RunError(_("A price must be a number."), code="bad_prices", field="price_in") from exc
    if any(v is not None and (not v.is_finite() or v < 0) for v in values) or not (
        len(currency) == 3 and currency.isalpha() and currency.isascii()
    ):
        raise RunError(
            _("Prices must be zero or more, with a three-letter currency code such as USD."),
            code="bad_prices",
            field="price_in",
        )
    if any(v is not None and (v >= 10**8 or v != v.quantize(Decimal("0.0001"))) for v in values):
        raise RunError(
            _("A price per million tokens is below 100,000,000, with at most four decimals."),
            code="bad_prices",
            field="price_in",
        )
    return {
        "price_in_per_million": values[0],
        "price_out_per_million": values[1],
        "price_currency": currency,
    }


def endpoint_approve(*, endpoint: Endpoint, user) -> bool:
    """proposed → approved (evaluators); False if it was not a proposal."""
    if not is_evaluator(user):
        raise RunNotFound("No such endpoint.", code="not_found")
    approved = Endpoint.objects.filter(pk=endpoint.pk, state=Endpoint.State.PROPOSED).update(
        state=Endpoint.State.APPROVED,
        approved_by=user if getattr(user, "pk", None) else None,
        approved_at=timezone.now(),
    )
    if approved:
        log.info("endpoint approved id=%s", endpoint.pk)
    return bool(approved)


def endpoint_config(endpoint: Endpoint) -> EndpointConfig:
    key = keybox().decrypt(endpoint.api_key_token) if endpoint.api_key_token else None
    return EndpointConfig(
        endpoint.base_url,
        endpoint.served_model,
        key,
        timeout=endpoint.timeout,
        allow_private=settings.ENDPOINT_ALLOW_PRIVATE,
    )


def endpoint_settings(endpoint: Endpoint) -> dict:
    """The run card's copy of the endpoint (never the key)."""
    return {
        "base_url": endpoint.base_url,
        "served_model": endpoint.served_model,
        "temperature": endpoint.temperature,
        "max_tokens": endpoint.max_tokens,
        "reasoning": endpoint.reasoning,
        "system_prompt": bool(endpoint.system_prompt),
        "max_in_flight": endpoint.max_in_flight,
        "requests_per_minute": endpoint.requests_per_minute,
        "timeout": endpoint.timeout,
    }
