"""Endpoints as data: adding or proposing one (its settings checked, its key encrypted),
approving or rejecting a team's proposal (audited), the settings a run uses (never the key), and
one streamed chat for a person trying the model."""

from __future__ import annotations

import logging
import os
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.services import RunError, RunNotFound
from leaderboard.audit import chain as audit
from leaderboard.models import is_evaluator, team_ids_of

from .chat import EndpointConfig, GenerationSettings
from .checks import EndpointInvalid, endpoint_check
from .limits import EndpointLimiter, LimitSpec, limit_store
from .models import Endpoint
from .secrets import ApiKey, KeyBox
from .streaming import stream_chat

log = logging.getLogger("kai.endpoints")


def keybox() -> KeyBox:
    module = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    debug = settings.DEBUG or module.endswith("_test")
    return KeyBox.from_setting(settings.ENDPOINT_KEY_SECRET, debug=debug)


# ---------------------------------------------------------------- endpoints

#: Which error code ``endpoint_add`` gives for a problem with each field.
_FIELD_CODES = {
    "base_url": "unsafe_url",
    "max_in_flight": "bad_limits",
    "requests_per_minute": "bad_limits",
    "timeout": "bad_limits",
}


def endpoint_snapshot(endpoint: Endpoint) -> dict:
    """What the audit record keeps of an endpoint: settings and state, never the key; the
    address, served model, system prompt and rejection reason only as keyed digests."""
    return {
        "model": endpoint.model.slug,
        "state": endpoint.state,
        "base_url": audit.private_digest(endpoint.base_url),
        "served_model": audit.private_digest(endpoint.served_model),
        "api_key_set": bool(endpoint.api_key_token),
        "temperature": endpoint.temperature,
        "max_tokens": endpoint.max_tokens,
        "reasoning": endpoint.reasoning,
        "system_prompt": audit.private_digest(endpoint.system_prompt),
        "max_in_flight": endpoint.max_in_flight,
        "requests_per_minute": endpoint.requests_per_minute,
        "timeout": endpoint.timeout,
        "rejection_reason": audit.private_digest(endpoint.rejection_reason),
    }


def may_propose_for(user, model) -> bool:
    """Evaluators for any model; a team member only for a model of their own team."""
    if is_evaluator(user):
        return True
    return model.team_id is not None and model.team_id in team_ids_of(user)


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

    Every setting goes through ``checks.endpoint_check``; the first problem is raised as a
    ``RunError`` (codes ``unsafe_url``, ``bad_limits``, ``bad_settings``; ``field`` names the
    setting) and nothing is saved. Anyone but an evaluator or a member of the model's team
    gets ``RunNotFound``. Prices (per million input and output tokens, in ``price_currency``)
    are optional but come together (``endpoint_prices``; code ``bad_prices``); they give the
    runs' estimated cost. The key is stored encrypted; the change is audited (no key, the
    address only as a digest).
    """
    if not may_propose_for(user, model):
        raise RunNotFound("No such model.", code="not_found", field="model")
    try:
        url = endpoint_check(
            base_url=base_url,
            served_model=served_model,
            max_in_flight=max_in_flight,
            requests_per_minute=requests_per_minute,
            timeout=timeout,
            temperature=temperature,
            max_tokens=max_tokens,
            system_prompt=system_prompt,
        )
    except EndpointInvalid as invalid:
        name, message = next(iter(invalid.errors.items()))
        code = _FIELD_CODES.get(name, "bad_settings")
        raise RunError(message, code=code, field=name) from None
    prices = endpoint_prices(price_in_per_million, price_out_per_million, price_currency)
    evaluator = is_evaluator(user)
    now = timezone.now()
    with transaction.atomic():
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
        action = "endpoint.add" if evaluator else "endpoint.propose"
        audit.audit_record(user, action, endpoint, None, endpoint_snapshot(endpoint))
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


def _review(*, endpoint: Endpoint, user, action: str, changes: dict) -> bool:
    if not is_evaluator(user):
        raise RunNotFound("No such endpoint.", code="not_found")
    with transaction.atomic():
        locked = Endpoint.objects.select_for_update().select_related("model").get(pk=endpoint.pk)
        if locked.state != Endpoint.State.PROPOSED:
            return False
        before = endpoint_snapshot(locked)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changes))
        audit.audit_record(user, action, locked, before, endpoint_snapshot(locked))
    log.info("%s id=%s", action, endpoint.pk)
    return True


def endpoint_approve(*, endpoint: Endpoint, user) -> bool:
    """proposed → approved (evaluators; others get ``RunNotFound``); False if it was not a
    proposal. Audited."""
    return _review(
        endpoint=endpoint,
        user=user,
        action="endpoint.approve",
        changes={
            "state": Endpoint.State.APPROVED,
            "approved_by": user if getattr(user, "pk", None) else None,
            "approved_at": timezone.now(),
        },
    )


MAX_REASON_LENGTH = 2000


def endpoint_reject(*, endpoint: Endpoint, user, reason: str) -> bool:
    """proposed → rejected with the reason the team reads (evaluators; others get
    ``RunNotFound``); False if it was not a proposal. An empty or overlong reason raises
    ``RunError`` (code ``reason_required``, field ``reason``) and changes nothing. Audited."""
    text = (reason or "").strip()
    if is_evaluator(user) and not text:
        raise RunError(
            _("Give the team a reason for the rejection."), code="reason_required", field="reason"
        )
    if len(text) > MAX_REASON_LENGTH:
        raise RunError(
            _("The reason is at most %(limit)s characters.") % {"limit": MAX_REASON_LENGTH},
            code="reason_required",
            field="reason",
        )
    return _review(
        endpoint=endpoint,
        user=user,
        action="endpoint.reject",
        changes={
            "state": Endpoint.State.REJECTED,
            "rejected_by": user if getattr(user, "pk", None) else None,
            "rejected_at": timezone.now(),
            "rejection_reason": text,
        },
    )


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
    """The run card's copy of the endpoint (never the key).

    Prices are copied as decimal strings (or None), so a run's estimated cost stays what it was
    when the run started, whatever the endpoint's prices become later.
    """
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
        "price_in_per_million": _decimal_text(endpoint.price_in_per_million),
        "price_out_per_million": _decimal_text(endpoint.price_out_per_million),
        "price_currency": endpoint.price_currency,
    }


def _decimal_text(value) -> str | None:
    return None if value is None else str(value)


def endpoint_limiter(endpoint: Endpoint, store) -> EndpointLimiter:
    """The endpoint's limits, shared by every worker and chat through ``store``."""
    spec = LimitSpec(
        max_in_flight=endpoint.max_in_flight, requests_per_minute=endpoint.requests_per_minute
    )
    return EndpointLimiter(store, f"endpoint-{endpoint.pk}", spec)


def endpoint_generation(endpoint: Endpoint, *, seed: int | None = None) -> GenerationSettings:
    """The endpoint's generation settings, as a run (with its seed) and a person's chat send them."""
    return GenerationSettings(
        temperature=endpoint.temperature,
        max_tokens=endpoint.max_tokens,
        system_prompt=endpoint.system_prompt or None,
        seed=seed,
        reasoning=endpoint.reasoning,
    )


def endpoint_chat_stream(endpoint: Endpoint, messages: list[dict]):
    """A factory of the async iterator of text deltas answering ``messages`` (see
    ``streaming.stream_chat``), with the endpoint's generation settings and shared limits."""
    config = endpoint_config(endpoint)
    generation = endpoint_generation(endpoint)
    redis_url = settings.REDIS_URL or None

    async def deltas():
        store = limit_store(redis_url)
        limiter = endpoint_limiter(endpoint, store)
        try:
            async with limiter:
                async for delta in stream_chat(config, generation, messages, limiter):
                    yield delta
        finally:
            await store.aclose()

    return deltas
