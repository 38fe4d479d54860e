"""Endpoints as data: adding one (its address checked, its key encrypted), approving a team's
proposal, the settings a run uses (never the key), and one streamed chat for a person trying
the model."""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.services import RunError, RunNotFound
from leaderboard.models import is_evaluator

from .chat import EndpointConfig, GenerationSettings
from .limits import EndpointLimiter, LimitSpec, limit_store
from .models import Endpoint
from .safety import validate_endpoint_url_sync
from .secrets import ApiKey, KeyBox
from .streaming import stream_chat

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
) -> Endpoint:
    """Save an endpoint; an evaluator's is approved at once, a team member's is proposed."""
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
        state=Endpoint.State.APPROVED if evaluator else Endpoint.State.PROPOSED,
        proposed_by=user if getattr(user, "pk", None) else None,
        approved_by=user if evaluator and getattr(user, "pk", None) else None,
        approved_at=now if evaluator else None,
    )
    log.info("endpoint added id=%s model=%s state=%s", endpoint.pk, model.slug, endpoint.state)
    return endpoint


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


def endpoint_limiter(endpoint: Endpoint, store) -> EndpointLimiter:
    """The endpoint's limits, shared by every worker and chat through ``store``."""
    spec = LimitSpec(
        max_in_flight=endpoint.max_in_flight, requests_per_minute=endpoint.requests_per_minute
    )
    return EndpointLimiter(store, f"endpoint-{endpoint.pk}", spec)


def endpoint_chat_stream(endpoint: Endpoint, messages: list[dict]):
    """A factory of the async iterator of text deltas answering ``messages`` (see
    ``streaming.stream_chat``), with the endpoint's generation settings and shared limits."""
    config = endpoint_config(endpoint)
    generation = GenerationSettings(
        temperature=endpoint.temperature,
        max_tokens=endpoint.max_tokens,
        system_prompt=endpoint.system_prompt or None,
        reasoning=endpoint.reasoning,
    )
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
