"""Exceptions raised when a predictions file or an answer key cannot be used as given."""

from __future__ import annotations

from collections.abc import Callable

__all__ = [
    "AnswerKeyError",
    "PredictionFileError",
    "check_first_use",
    "file_error",
    "quote_excerpt",
]

EXCERPT_CHARS = 40


def _(message: str) -> str:
    """Mark a message template for translation (read by makemessages); translated on display."""
    return message


def quote_excerpt(text: object, limit: int = EXCERPT_CHARS) -> str:
    """Return a short, printable, quoted excerpt of team-supplied text for an error message."""
    shown = str(text)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    shown = "".join(ch if ch.isprintable() else "\ufffd" for ch in shown)
    return f'"{shown}"'


class _ScoringFileError(Exception):
    """Base for file problems: a stable code, the 1-based line, the field and a readable message.

    ``template`` and ``params`` (when given) let the Django side show the message in the
    reader's language: ``message`` is always the English ``template % params``.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        template: str | None = None,
        params: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.field = field
        self.template = template
        self.params = dict(params or {})

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, line={self.line!r}, "
            f"field={self.field!r}, message={self.message!r})"
        )


class PredictionFileError(_ScoringFileError):
    """A team's predictions file is malformed or does not match the benchmark's answer key."""


class AnswerKeyError(_ScoringFileError):
    """An answer key is malformed; messages never contain answer or choice contents."""


def file_error(
    code: str,
    template: str,
    line: int | None = None,
    field: str | None = None,
    params: dict[str, str] | None = None,
) -> PredictionFileError:
    """A PredictionFileError naming the line and the field, its message ``template % params``."""
    values = dict(params or {})
    message = template % values if values else template
    return PredictionFileError(
        code, message, line=line, field=field, template=template, params=values
    )


def check_first_use(
    first_lines: dict[str, int],
    ident: str,
    line_no: int,
    error: Callable[[int, str, int], Exception],
) -> None:
    """Note the line ``ident`` is first used on; a later use raises ``error(line, id, first)``."""
    previous = first_lines.setdefault(ident, line_no)
    if previous != line_no:
        raise error(line_no, ident, previous)
