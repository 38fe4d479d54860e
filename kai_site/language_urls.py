"""The same page in another language: its URL differs only in the /ko/ or /en/ prefix."""

from __future__ import annotations

from django.conf import settings


def language_of_path(path: str) -> str | None:
    """The language code a path starts with (/ko/..., /en/...), or None for an unprefixed path."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in dict(settings.LANGUAGES) else None


def path_in_language(path: str, language: str) -> str:
    """`path` (with its query) in `language`; an unprefixed path (the API, admin) is unchanged."""
    current = language_of_path(path)
    if current is None:
        return path
    return f"/{language}" + path[len(current) + 1 :]
