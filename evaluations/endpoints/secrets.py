"""Endpoint API keys: encrypted at rest, held in memory as an ``ApiKey`` that never prints.

* ``KeyBox``: ``cryptography``'s Fernet (AES-128-CBC with HMAC-SHA256, a timestamp, URL-safe
  base64 text) through ``MultiFernet``, so keys can be rotated: the first key of
  ``ENDPOINT_KEY_SECRET`` encrypts, every key decrypts, ``rotate(token)`` re-encrypts a stored
  token under the first key and keeps its timestamp. Source: the ``cryptography`` documentation,
  "Fernet (symmetric encryption)", and the Fernet specification
  (github.com/fernet/spec/blob/master/Spec.md).
* ``ENDPOINT_KEY_SECRET``: one or more Fernet keys separated by commas (or spaces), newest first;
  make one with ``generate_key_secret()``. Nothing is derived from another secret: missing
  outside DEBUG/tests is an ``EndpointKeyConfigError``; missing in DEBUG/tests uses the public
  ``DEVELOPMENT_KEY`` and logs a warning (so local data survives a restart, and no real key is
  ever protected by it without someone having read that warning).
* ``ApiKey``: the plain key in memory. ``repr``/``str``/``format`` show ``ApiKey(hidden)``,
  pickling is refused (so it cannot slip into a Celery message); ``reveal()`` is the one way out,
  called only where the ``Authorization`` header is built.
* Display: never the key. ``key_set_on(token)`` is the date it was saved (from the token's own
  authenticated timestamp), for "set on 2025-06-01"; ``mask_api_key`` ("sk-…abcd") exists for
  the one screen that needs to tell two keys apart, and shows nothing of a short key.
"""

from __future__ import annotations

import base64
import hmac
import logging
import re
from datetime import UTC, datetime

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

logger = logging.getLogger(__name__)

SETTING_NAME = "ENDPOINT_KEY_SECRET"
#: Used only in DEBUG and tests when ENDPOINT_KEY_SECRET is unset. Public, so never secret.
DEVELOPMENT_KEY = base64.urlsafe_b64encode(b"kai-leaderboard-dev-only-not-key").decode()
MAX_API_KEY_LENGTH = 4096
_FORBIDDEN_IN_KEY = re.compile(r"[\x00-\x20\x7f]")


class EndpointKeyConfigError(RuntimeError):
    """ENDPOINT_KEY_SECRET is missing or malformed (a deployment error, raised at start-up)."""


class ApiKeyDecryptError(ValueError):
    """A stored token cannot be decrypted with any configured key (rotated away, or altered)."""


class InvalidApiKeyError(ValueError):
    """What was entered cannot be an API key; ``code`` is ``empty``, ``too_long`` or ``characters``."""

    MESSAGES = {
        "empty": "Enter the API key.",
        "too_long": f"An API key is at most {MAX_API_KEY_LENGTH} characters.",
        "characters": "An API key cannot contain spaces, line breaks or control characters.",
    }

    def __init__(self, code: str):
        self.code = code
        super().__init__(self.MESSAGES[code])


class ApiKey:
    """A plain API key in memory that never shows itself (``repr`` is ``ApiKey(hidden)``)."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        object.__setattr__(self, "_value", value)

    def reveal(self) -> str:
        """The key itself: only for the ``Authorization`` header."""
        return self._value

    def __setattr__(self, name, value):
        raise AttributeError("ApiKey is immutable")

    def __repr__(self) -> str:
        return "ApiKey(hidden)"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ApiKey):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((ApiKey, self._value))

    def __reduce__(self):
        raise TypeError("an ApiKey is never pickled; pass the endpoint's id and decrypt there")


def api_key_from_input(text: str) -> ApiKey:
    """The key a person entered, stripped of surrounding spaces; raises ``InvalidApiKeyError``."""
    value = (text or "").strip()
    if not value:
        raise InvalidApiKeyError("empty")
    if len(value) > MAX_API_KEY_LENGTH:
        raise InvalidApiKeyError("too_long")
    if _FORBIDDEN_IN_KEY.search(value):
        raise InvalidApiKeyError("characters")
    return ApiKey(value)


def generate_key_secret() -> str:
    """A new random Fernet key (44 characters of URL-safe base64) for ENDPOINT_KEY_SECRET."""
    return Fernet.generate_key().decode()


def parse_key_secret(secret: str) -> list[Fernet]:
    """The Fernet keys in ENDPOINT_KEY_SECRET, newest (the one that encrypts) first.

    Raises ``EndpointKeyConfigError`` naming the position of a malformed key (never its text).
    """
    parts = [part for part in re.split(r"[\s,]+", secret or "") if part]
    if not parts:
        raise EndpointKeyConfigError(f"{SETTING_NAME} holds no key.")
    fernets = []
    for position, part in enumerate(parts, start=1):
        try:
            fernets.append(Fernet(part))
        except (ValueError, TypeError):
            raise EndpointKeyConfigError(
                f"{SETTING_NAME}: key {position} of {len(parts)} is not a Fernet key "
                "(32 random bytes in URL-safe base64, 44 characters; make one with "
                "`python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)."
            ) from None
    return fernets


class KeyBox:
    """Encrypts and decrypts endpoint API keys with the keys of ENDPOINT_KEY_SECRET."""

    def __init__(self, secret: str):
        fernets = parse_key_secret(secret)
        self._fernet = MultiFernet(fernets)
        self.key_count = len(fernets)

    def __repr__(self) -> str:
        return f"KeyBox({self.key_count} key{'s' if self.key_count != 1 else ''})"

    @classmethod
    def from_setting(cls, secret: str | None, *, debug: bool) -> KeyBox:
        """The box for the configured secret.

        ``debug``: True in DEBUG and in tests. Unset there: ``DEVELOPMENT_KEY`` and a warning;
        unset otherwise: ``EndpointKeyConfigError``.
        """
        if secret and secret.strip():
            return cls(secret)
        if not debug:
            raise EndpointKeyConfigError(
                f"{SETTING_NAME} is not set. Endpoint API keys are encrypted with it; set it to "
                "a Fernet key (python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'), or DEBUG=true for local work."
            )
        logger.warning(
            "%s is not set: endpoint API keys are encrypted with the public development key. "
            "Never store a real key this way.",
            SETTING_NAME,
        )
        return cls(DEVELOPMENT_KEY)

    def encrypt(self, api_key: ApiKey) -> str:
        """The token to store (ASCII text, about 1.4 × the key length + 80 characters)."""
        return self._fernet.encrypt(api_key.reveal().encode()).decode("ascii")

    def decrypt(self, token: str) -> ApiKey:
        """The key in a stored token; raises ``ApiKeyDecryptError`` (the key is not readable)."""
        try:
            return ApiKey(self._fernet.decrypt(token.encode("ascii")).decode())
        except (InvalidToken, UnicodeError, AttributeError):
            raise ApiKeyDecryptError(
                f"The stored API key cannot be decrypted with {SETTING_NAME}: it was encrypted "
                "with a key that is no longer configured, or it was altered. Enter the key again."
            ) from None

    def rotate(self, token: str) -> str:
        """The same key and timestamp re-encrypted under the first key (for key rotation)."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise ApiKeyDecryptError(
                f"The stored API key cannot be re-encrypted: no key in {SETTING_NAME} opens it."
            ) from None

    def key_set_on(self, token: str) -> datetime:
        """When the key was saved (UTC, to the second), read from the token's signed timestamp."""
        try:
            seconds = self._fernet.extract_timestamp(token.encode("ascii"))
        except (InvalidToken, UnicodeError):
            raise ApiKeyDecryptError("The stored API key's token is not readable.") from None
        return datetime.fromtimestamp(seconds, tz=UTC)


def mask_api_key(api_key: ApiKey) -> str:
    """``"sk-…abcd"``: the conventional prefix and the last four characters, never more.

    Keys shorter than 20 characters show ``"…"`` only, since four characters of them would be
    a large part of the secret.
    """
    value = api_key.reveal()
    if len(value) < 20:
        return "…"
    prefix = value.split("-", 1)[0] + "-" if "-" in value[:8] else ""
    return f"{prefix}…{value[-4:]}"


def redact(text: str, api_key: ApiKey | None) -> str:
    """``text`` with every occurrence of the key replaced by ``[redacted]``."""
    if not api_key or not text:
        return text
    value = api_key.reveal()
    return text.replace(value, "[redacted]") if value in text else text


__all__ = [
    "DEVELOPMENT_KEY",
    "SETTING_NAME",
    "ApiKey",
    "ApiKeyDecryptError",
    "EndpointKeyConfigError",
    "InvalidApiKeyError",
    "KeyBox",
    "api_key_from_input",
    "generate_key_secret",
    "mask_api_key",
    "parse_key_secret",
    "redact",
]
