"""What an endpoint's settings must be, checked in one place for every way one is saved.

The team's proposal form, the evaluator's entries and ``add_endpoint`` all go through
``endpoint_check``: the address rules of ``safety`` (``http``/``https`` only; link-local and
metadata addresses never; private and loopback ones only with ``ENDPOINT_ALLOW_PRIVATE``), the
served model's name, the limits and the generation settings. Each problem is named with its
field, in the reader's language (``safety`` and ``secrets`` keep English text with a stable
code; the translations of those codes live here).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .safety import UnsafeEndpointError, validate_endpoint_url_sync
from .secrets import MAX_API_KEY_LENGTH, ApiKey, InvalidApiKeyError, api_key_from_input

#: Bounds of what may be asked for; beyond them a value is surely a typing mistake.
MAX_IN_FLIGHT = 512
MAX_REQUESTS_PER_MINUTE = 100_000
MAX_TIMEOUT_SECONDS = 3600.0
MAX_TEMPERATURE = 2.0
MAX_TOKENS = 131_072
MAX_SERVED_MODEL_LENGTH = 200
MAX_SYSTEM_PROMPT_LENGTH = 20_000

#: ``safety.UnsafeEndpointError`` codes in the reader's language (params: host, address, …).
URL_MESSAGES = {
    "malformed": gettext_lazy("The endpoint URL could not be read: %(detail)s."),
    "scheme": gettext_lazy(
        "The endpoint URL must start with http:// or https://, not %(scheme)s://."
    ),
    "no_host": gettext_lazy("The endpoint URL has no host name."),
    "userinfo": gettext_lazy(
        "The endpoint URL must not contain a user name or password; enter the API key in its "
        "own field."
    ),
    "query_or_fragment": gettext_lazy(
        "The endpoint base URL must not contain a query (?…) or fragment (#…)."
    ),
    "metadata": gettext_lazy(
        "%(host)s is a cloud metadata service; endpoints may not point at it."
    ),
    "link_local": gettext_lazy(
        "%(host)s is a link-local address (%(address)s); endpoints may not point at it."
    ),
    "unspecified": gettext_lazy("%(host)s is the unspecified address (%(address)s)."),
    "multicast": gettext_lazy("%(host)s is a multicast address (%(address)s)."),
    "reserved": gettext_lazy("%(host)s is a reserved or special-purpose address (%(address)s)."),
    "loopback": gettext_lazy(
        "%(host)s is a loopback address (%(address)s); allowed only when ENDPOINT_ALLOW_PRIVATE "
        "is on."
    ),
    "private": gettext_lazy(
        "%(host)s is a private network address (%(address)s); allowed only when "
        "ENDPOINT_ALLOW_PRIVATE is on."
    ),
    "unresolvable": gettext_lazy("The host name %(host)s could not be resolved."),
}

#: ``secrets.InvalidApiKeyError`` codes in the reader's language.
API_KEY_MESSAGES = {
    "empty": gettext_lazy("Enter the API key."),
    "too_long": gettext_lazy("An API key is at most %(limit)s characters."),
    "characters": gettext_lazy(
        "An API key cannot contain spaces, line breaks or control characters."
    ),
}


def unsafe_url_message(error: UnsafeEndpointError) -> str:
    """The refusal of ``error`` in the active language (falls back to its English text)."""
    template = URL_MESSAGES.get(error.code)
    if template is None:
        return str(error)
    params = {"detail": "", "scheme": "", "host": "", "address": "", **error.params}
    return str(template) % {key: str(value) for key, value in params.items()}


def api_key_message(error: InvalidApiKeyError) -> str:
    """Why the entered text cannot be an API key, in the active language."""
    return str(API_KEY_MESSAGES[error.code]) % {"limit": MAX_API_KEY_LENGTH}


def read_api_key(text: str) -> ApiKey | None:
    """The key as entered, or None when the field was left empty.

    Raises ``EndpointInvalid`` (field ``api_key``) when it cannot be a key.
    """
    if not (text or "").strip():
        return None
    try:
        return api_key_from_input(text)
    except InvalidApiKeyError as error:
        raise EndpointInvalid({"api_key": api_key_message(error)}) from None


@dataclass
class EndpointInvalid(Exception):
    """The settings cannot be saved; ``errors`` maps each field to what is wrong with it."""

    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return " ".join(self.errors.values())


def endpoint_check(
    *,
    base_url: str,
    served_model: str,
    max_in_flight: int | None,
    requests_per_minute: int | None,
    timeout: float | None,
    temperature: float | None,
    max_tokens: int | None,
    system_prompt: str = "",
) -> str:
    """Check every setting; return the base URL as it will be stored (no trailing slash).

    Raises ``EndpointInvalid`` with one message per field that is wrong (keys: ``base_url``,
    ``served_model``, ``max_in_flight``, ``requests_per_minute``, ``timeout``, ``temperature``,
    ``max_tokens``, ``system_prompt``). Resolves the URL's host name (DNS) to check every
    address it has.
    """
    errors: dict[str, str] = {}
    url = ""
    try:
        url = validate_endpoint_url_sync(base_url, allow_private=settings.ENDPOINT_ALLOW_PRIVATE)
    except UnsafeEndpointError as error:
        errors["base_url"] = unsafe_url_message(error)
    name = (served_model or "").strip()
    if not name:
        errors["served_model"] = _("Enter the model name the endpoint serves.")
    elif len(name) > MAX_SERVED_MODEL_LENGTH or any(c.isspace() for c in name):
        errors["served_model"] = _(
            "The served model name is one word of at most %(limit)s characters, as the endpoint "
            "lists it."
        ) % {"limit": MAX_SERVED_MODEL_LENGTH}
    if max_in_flight is None or not 1 <= max_in_flight <= MAX_IN_FLIGHT:
        errors["max_in_flight"] = _(
            "Requests in flight must be a whole number from 1 to %(limit)s."
        ) % {"limit": MAX_IN_FLIGHT}
    if requests_per_minute is not None and not 1 <= requests_per_minute <= MAX_REQUESTS_PER_MINUTE:
        errors["requests_per_minute"] = _(
            "Requests per minute must be from 1 to %(limit)s, or empty for no limit."
        ) % {"limit": MAX_REQUESTS_PER_MINUTE}
    if timeout is None or not 0 < timeout <= MAX_TIMEOUT_SECONDS:
        errors["timeout"] = _("The timeout must be more than 0 and at most %(limit)s seconds.") % {
            "limit": int(MAX_TIMEOUT_SECONDS)
        }
    if temperature is not None and not 0 <= temperature <= MAX_TEMPERATURE:
        errors["temperature"] = _(
            "The temperature must be from 0 to %(limit)s, or empty for the endpoint's default."
        ) % {"limit": MAX_TEMPERATURE}
    if max_tokens is not None and not 1 <= max_tokens <= MAX_TOKENS:
        errors["max_tokens"] = _(
            "Max tokens must be from 1 to %(limit)s, or empty for the endpoint's default."
        ) % {"limit": MAX_TOKENS}
    if len(system_prompt or "") > MAX_SYSTEM_PROMPT_LENGTH:
        errors["system_prompt"] = _("The system prompt is at most %(limit)s characters.") % {
            "limit": MAX_SYSTEM_PROMPT_LENGTH
        }
    if errors:
        raise EndpointInvalid(errors)
    return url
