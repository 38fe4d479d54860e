"""Strict answer forms and how an answer is compared with the key (both extraction modes).

Every text -- prediction or key -- is first *folded*, and nothing else is folded:

Folding (:func:`fold`)
    Unicode NFC (so Hangul typed as separate jamo equals the composed syllable); full-width
    ASCII forms become ASCII (``Ａ`` -> ``A``, ``（Ｂ）`` -> ``(B)``, ``１２`` -> ``12``,
    ``：`` -> ``:``); the ideographic space and other Unicode spaces become a space; the
    minus sign ``−`` (U+2212) becomes ``-``; zero-width spaces, the word joiner, a stray byte
    order mark and soft hyphens are dropped. Superscripts, subscripts, circled numbers,
    ligatures and vulgar fractions are *not* folded: ``10²`` stays ``10²`` (NFKC would make
    it ``102``) and ``½`` stays ``½``.

Strict multiple choice (:func:`normalize_choice`)
    After folding and trimming, an optional leading answer label (below), then exactly one
    Latin letter written ``A``, ``a``, ``A.``, ``A)``, ``(A)`` or ``(A).``; the result is the
    upper-case letter. Anything else is not an answer in strict mode (``banana``, ``A and B``,
    ``B. Seoul``, ``B입니다``, ``\\boxed{B}``, ``②``, an empty string). Letters past the last
    choice (``E`` for four choices) are *not a choice*.

Answer label (strict, predictions only, never the key)
    One leading label, case-insensitive: ``answer``, ``answer is``, ``the answer is``,
    ``final answer``, ``final answer is``, ``the final answer is``, ``정답``, ``정답은``,
    ``정답는``, ``답``, ``답은``, ``답는``, ``答え``, ``答案``, ``正解``, ``解答``, followed by a
    colon (with optional spaces) or by whitespace: ``Answer: (B)``, ``정답: C``, ``答え：D``,
    ``The answer is B``.

Strict exact match (:func:`strict_reading`)
    After folding and trimming, runs of whitespace become one space and the text is
    case-folded (``Straße`` -> ``strasse``): that is the prediction's *text*. If it starts
    with an answer label, the text after the label is a second spelling (``답 없음`` reads
    as ``답 없음`` and as ``없음``; either may equal the key). A prediction that is empty, or
    only a label, is *no answer*.

Numbers, compared by value (:func:`number_value`)
    A prediction (after its label) is a number when it is an optional ``+``/``-``, digits
    either plain or grouped in threes with commas (``1,234,567``), and an optional decimal
    part. Its value is exact (``Decimal``): ``+1,234.50``, ``01234.5`` and ``1234.5`` are
    all 1234.5; ``-0`` is 0. ``1,23``, ``.5``, ``1e3``, ``10²`` are not numbers.

Keys (:func:`key_answer`)
    A key is folded, its whitespace collapsed and case-folded; no label is ever removed from
    it (the key ``답 없음`` stays ``답 없음``). A key is a *number* only when written as one
    without superfluous zeros: ``7``, ``-7``, ``0.5``, ``1,234.5``, ``12.50``; a key such as
    ``007``, ``00.5``, ``+7`` or ``.5`` is a *code*, compared as text, so ``7`` is not
    ``007``. A JSON number in a key file is kept as the decimal text written in the file
    (``0.00005`` stays ``0.00005``; ``1e-05`` is written out as ``0.00001``).

Comparison (:func:`exact_is_correct`)
    A number key is matched by value: the prediction must be a number of the same value
    (``1,000`` and ``1000.0`` equal the key ``1000``). Any other key is matched by text: one
    of the prediction's spellings must equal it. Where the benchmark says that a fraction
    equals its decimal, a key or prediction written ``a/b`` (``-3/4``, ``2/4``) is compared by
    rational value with numbers and other fractions (``1/2`` = ``2/4`` = ``0.5``, but
    ``1/3`` is not ``0.333``); otherwise ``1/2`` is text and equals only ``1/2``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

__all__ = [
    "CHOICE_LETTERS",
    "KeyAnswer",
    "Reading",
    "exact_is_correct",
    "fold",
    "key_answer",
    "key_choice",
    "normalize_choice",
    "number_value",
    "ratio_value",
    "strict_reading",
]

CHOICE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update(dict.fromkeys([0x3000, 0x00A0, 0x202F, 0x205F, *range(0x2000, 0x200B)], 0x20))
_FOLD.update({0x2212: 0x2D, 0xFE63: 0x2D})
_FOLD.update(dict.fromkeys([0x200B, 0x2060, 0xFEFF, 0x00AD]))

_LABEL = (
    r"(?i:the\s+final\s+answer\s+is|final\s+answer(?:\s+is)?|the\s+answer\s+is"
    r"|answer(?:\s+is)?|정답(?:은|는)?|답(?:은|는)?|答え|答案|正解|解答)"
)
_LABEL_PREFIX_RE = re.compile(_LABEL + r"(?:\s*:\s*|\s+)")
_CHOICE_RE = re.compile(r"(?:\(([A-Za-z])\)\.?|([A-Za-z])[.)]?)")
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_KEY_NUMBER_RE = re.compile(r"-?(?:0|[1-9][0-9]{0,2}(?:,[0-9]{3})+|[1-9][0-9]*)(?:\.[0-9]+)?")
_FRACTION_RE = re.compile(r"([+-]?)([0-9]+)\s*/\s*([0-9]+)")


def fold(text: str) -> str:
    """NFC plus the few foldings listed in the module docstring; nothing else changes."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text).translate(_FOLD)


def normalize_choice(text: object, n_choices: int | None = None) -> str | None:
    """The upper-case letter of a strict choice form (see the module docstring), else None."""
    if not isinstance(text, str):
        return None
    value = fold(text).strip()
    label = _LABEL_PREFIX_RE.match(value)
    if label is not None and label.end() < len(value):
        value = value[label.end() :]
    return _choice_letter(value, n_choices)


def key_choice(raw: str, n_choices: int | None = None) -> str | None:
    """A key's choice letter: ``B``, ``b``, ``(B)``, ``B.`` or ``B)``, no label; else None."""
    return _choice_letter(fold(raw).strip(), n_choices)


def _choice_letter(value: str, n_choices: int | None) -> str | None:
    """The upper-case letter when ``value`` is exactly a choice form among ``n_choices``."""
    match = _CHOICE_RE.fullmatch(value)
    if match is None:
        return None
    letter = (match.group(1) or match.group(2)).upper()
    if n_choices is not None and CHOICE_LETTERS.index(letter) >= n_choices:
        return None
    return letter


def _canonical(value: Decimal) -> str:
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def number_value(text: str) -> str | None:
    """Canonical decimal text of a plain number (``+1,234.50`` -> ``1234.5``), else None."""
    if not _NUMBER_RE.fullmatch(text):
        return None
    try:
        return _canonical(Decimal(text.replace(",", "")))
    except InvalidOperation:  # pragma: no cover - the pattern only admits valid decimals
        return None


def _ratio_text(value: Fraction) -> str:
    denominator = value.denominator
    while denominator % 2 == 0:
        denominator //= 2
    while denominator % 5 == 0:
        denominator //= 5
    if denominator == 1:
        return _canonical(Decimal(value.numerator) / Decimal(value.denominator))
    return f"{value.numerator}/{value.denominator}"


def ratio_value(text: str) -> str | None:
    """Canonical rational value of a number or a fraction ``a/b`` (``2/4`` -> ``0.5``)."""
    number = number_value(text)
    if number is not None:
        return number
    match = _FRACTION_RE.fullmatch(text)
    if match is None or int(match.group(3)) == 0:
        return None
    value = Fraction(int(match.group(2)), int(match.group(3)))
    return _ratio_text(-value if match.group(1) == "-" else value)


@dataclass(frozen=True)
class Reading:
    """What a prediction says for exact match: its spellings and, if any, its value."""

    text: str
    alt: str | None = None
    number: str | None = None
    ratio: str | None = None


@dataclass(frozen=True)
class KeyAnswer:
    """A key's exact-match answer: its text, the text without a final period, its value."""

    text: str
    loose: str
    number: str | None
    ratio: str | None


def collapse(text: str) -> str:
    """Runs of whitespace become one space; leading and trailing whitespace go."""
    return " ".join(text.split())


def strict_reading(text: str | None) -> Reading | None:
    """The strict reading of a prediction for exact match; None when it holds no answer."""
    if text is None:
        return None
    value = fold(text).strip()
    full = collapse(value).casefold()
    if not full:
        return None
    label = _LABEL_PREFIX_RE.match(value)
    alt = None
    if label is not None:
        alt = collapse(value[label.end() :]).casefold()
        if not alt:
            return None
    core = full if alt is None else alt
    return Reading(text=full, alt=alt, number=number_value(core), ratio=ratio_value(core))


def key_answer(raw: str) -> KeyAnswer:
    """The comparable forms of an exact-match key (never label-stripped, never zero-stripped)."""
    text = collapse(fold(raw)).casefold()
    number = None
    if _KEY_NUMBER_RE.fullmatch(text):
        number = number_value(text)
    ratio = number
    if number is None and _FRACTION_RE.fullmatch(text):
        match = _FRACTION_RE.fullmatch(text)
        if match.group(1) != "+" and not match.group(2).startswith("0"):
            ratio = ratio_value(text)
    return KeyAnswer(text=text, loose=text.removesuffix("."), number=number, ratio=ratio)


def exact_is_correct(
    reading: Reading, key: KeyAnswer, *, fractions: bool = False, loose: bool = False
) -> bool:
    """Whether a reading equals the key (see *Comparison* in the module docstring).

    ``loose`` (flexible mode) compares text keys without a final period; the flexible
    readings have theirs removed already.
    """
    if fractions and key.ratio is not None:
        return reading.ratio == key.ratio
    if key.number is not None:
        return reading.number == key.number
    target = key.loose if loose else key.text
    return target == reading.text or (reading.alt is not None and target == reading.alt)
