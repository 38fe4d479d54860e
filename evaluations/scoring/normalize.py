"""Documented answer normalization shared by answer keys, predictions and the vectorised engine.

Both functions first apply Unicode NFKC normalization (so full-width ``Ａ``, ``（Ｂ）``, ``：``
and full-width digits become their ASCII forms) and strip surrounding whitespace.

Answer label
    A single leading answer label is removed, matched case-insensitively: ``answer``,
    ``answer is``, ``the answer is``, ``final answer``, ``final answer is``,
    ``the final answer is``, ``정답``, ``정답은``, ``정답는``, ``답``, ``답은``, ``답는``,
    ``答え``, ``答案``, ``正解``, ``解答``. The label must be followed by a colon (optionally
    surrounded by spaces) or by whitespace: ``Answer: (B)``, ``정답: C``, ``答え：D``,
    ``The answer is B``.

Multiple choice (:func:`normalize_choice`)
    After the label, the whole remaining text must be one Latin letter, written as ``A``,
    ``a``, ``A.``, ``A)``, ``(A)`` or ``(A).``. The result is the upper-case letter. Anything
    else (``banana``, ``A and B``, ``B. Seoul``, an empty string) is *invalid* and gives
    ``None``. When ``n_choices`` is given, letters past the last choice (``E`` for four
    choices) are also invalid.

Exact match (:func:`normalize_exact`)
    After the label, runs of whitespace become one space and the text is case-folded.
    If the result is a plain decimal number -- an optional ``+``/``-`` sign, digits either
    plain or grouped in threes with commas (``1,234,567``), and an optional fractional
    part -- it is rewritten canonically: the ``+`` sign, the thousands separators, leading
    zeros of the integer part and trailing zeros of the fraction are removed, a fraction
    of only zeros disappears with its point, and ``-0`` becomes ``0``. So ``+1,234.50``,
    ``01234.5`` and ``1234.5`` all become ``1234.5``, and ``12.0`` becomes ``12``.
    Other text (``1,23``, ``.5``, ``1e3``, ``$5``) is compared as written after the steps
    above. An empty result counts as an invalid prediction.

JSON numbers in a predictions file are turned into text with Python's ``str`` before
normalization (``12.5`` -> ``"12.5"``, ``3`` -> ``"3"``).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "CHOICE_LETTERS",
    "choice_pattern",
    "label_prefix_pattern",
    "normalize_choice",
    "normalize_exact",
    "number_pattern",
]

CHOICE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_LABEL = (
    r"(?i:the\s+final\s+answer\s+is|final\s+answer(?:\s+is)?|the\s+answer\s+is"
    r"|answer(?:\s+is)?|정답(?:은|는)?|답(?:은|는)?|答え|答案|正解|解答)"
)
_LABEL_TERMINATOR = r"(?:\s*:\s*|\s+)"
_LABEL_PREFIX = _LABEL + _LABEL_TERMINATOR
_CHOICE = r"(?:" + _LABEL_PREFIX + r")?(?:\(([A-Za-z])\)\.?|([A-Za-z])[.)]?)"
_NUMBER = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"

_CHOICE_RE = re.compile(_CHOICE)
_LABEL_PREFIX_RE = re.compile(_LABEL_PREFIX)
_NUMBER_RE = re.compile(_NUMBER)


def choice_pattern() -> str:
    """Return the anchored choice regex (Python and Rust-regex compatible); groups 1|2 = letter."""
    return "^" + _CHOICE + "$"


def label_prefix_pattern() -> str:
    """Return the regex matching a leading answer label with its colon or whitespace."""
    return "^" + _LABEL_PREFIX


def number_pattern() -> str:
    """Return the anchored regex of the plain decimal numbers that are rewritten canonically."""
    return "^" + _NUMBER + "$"


def normalize_choice(text: str, n_choices: int | None = None) -> str | None:
    """Return the upper-case choice letter named by ``text``, or ``None`` if it names none."""
    if not isinstance(text, str):
        return None
    match = _CHOICE_RE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return None
    letter = (match.group(1) or match.group(2)).upper()
    if n_choices is not None and CHOICE_LETTERS.index(letter) >= n_choices:
        return None
    return letter


def canonical_number(text: str) -> str:
    """Rewrite a string matching the number pattern canonically (see the module docstring)."""
    negative = text.startswith("-")
    body = text.lstrip("+-").replace(",", "")
    integer, _, fraction = body.partition(".")
    integer = integer.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    result = integer + ("." + fraction if fraction else "")
    if negative and result != "0":
        result = "-" + result
    return result


def normalize_exact(text: str) -> str:
    """Return ``text`` normalized for exact-match comparison (see the module docstring)."""
    value = unicodedata.normalize("NFKC", str(text)).strip()
    label = _LABEL_PREFIX_RE.match(value)
    if label is not None:
        value = value[label.end() :]
    value = " ".join(value.split()).casefold()
    if _NUMBER_RE.fullmatch(value):
        value = canonical_number(value)
    return value
