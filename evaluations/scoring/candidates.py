"""Candidate answers in free text, for flexible extraction (the rules: :mod:`.extraction`).

Answer labels in Korean, English and Japanese, ``\\boxed{}``, Markdown emphasis and lines
that are an answer on their own are found here, and each candidate is cleaned of its
wrappers; :mod:`.extraction` decides between the candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .normalize import CHOICE_LETTERS, Reading, collapse, fold, number_value, ratio_value

__all__ = [
    "NUMBER_FORM",
    "answer_lines",
    "box_contents",
    "clean",
    "emphasis_contents",
    "flexible_reading",
    "label_choices",
    "label_exact",
    "line_choice",
    "unwrap",
    "without_thinking",
]

_CIRCLED = {chr(0x2460 + index): index + 1 for index in range(20)}  # ① .. ⑳

# --- labels -----------------------------------------------------------------------------------

_EN_LABEL = (
    r"\b(?:the\s+)?(?:(?:correct|final|best|right)\s+)?(?:answer|option|choice)"
    r"(?:\s*(?:is|would\s+be|should\s+be|will\s+be)\s*[:：]?\s*|\s*[:：]\s*)"
)
_KO_LABEL = (
    r"(?<![가-힣])(?:최종\s*(?:정답|답)|정답|해답|답)(?:\s*(?:은|는|이)\s*[:：]?\s*|\s*[:：]\s*)"
)
_JA_LABEL = r"(?:最終(?:的な)?(?:答え|回答|解答)|答え|正解|解答|回答|答案|答)\s*(?:は|:|：)\s*"
_LABEL_RE = re.compile(f"(?i:{_EN_LABEL})|{_KO_LABEL}|{_JA_LABEL}")

_OPENERS = re.compile(
    r"(?:\*\*|__|\*|\$\$|\$|\\\(|\\\[|\\boxed\{|\\fbox\{|\\text(?:bf)?\{|\\math(?:rm|bf)\{|`"
    r"|[\"'“‘「『])\s*"
)
_CLOSERS = re.compile(r"(?:\s*(?:\*\*|__|\*|\$\$|\$|\\\)|\\\]|\}|`|[\"'”’」』]))+")
_COPULA = r"(?:입니다|이에요|예요|이다|번입니다|번|です|である|だ)"
_CHOICE_END = re.compile(r"(?:\s*" + _COPULA + r")?(?=$|[\s.,;:!?)\]}。、」』*$`\"'”’])")
_NEGATION = re.compile(r"\s*(?:is\s+not\b|isn't|not\b|이?\s*아니|아님|아닙|ではな|じゃな)", re.I)
_HEDGE = re.compile(
    r"\s*(?:,|、|/|(?i:\bor\b|\band\b)|또는|혹은|및|이나|または|か|および)\s*"
    r"(?:(?i:option)\s+)?(?:\*\*)?[(\[]?([A-Z]|[①-⑳])(?![A-Za-z])"
)
_TOKEN = re.compile(
    r"(?:(?i:option|choice)\s*|(?:선택지|보기|選択肢)\s*)?"
    r"(?:\(([A-Za-z])\)|\[([A-Za-z])\]|([A-Z])(?![A-Za-z0-9])|([a-z])(?=\s*(?:[.)。]|$))"
    r"|([①-⑳])|\(?(20|1[0-9]|[1-9])\)?(?=\s*(?:번|입니다|です)|\s*$|[.)。,]))"
)

# --- lines that are a choice on their own -----------------------------------------------------

_LINE_PURE = re.compile(
    r"(?:(?:option|choice|선택지|보기|選択肢)\s*)?"
    r"(?:\(([A-Za-z])\)|\[([A-Za-z])\]|([A-Za-z])|([①-⑳])|\(?(20|1[0-9]|[1-9])\)?)"
    r"(?:\s*" + _COPULA + r")?[.)。:]?",
    re.I,
)
_LINE_WITH_TEXT = re.compile(
    r"(?:\(([A-Za-z])\)|([A-Za-z])[.)]|([A-Za-z])\s+[-–]|([①-⑳])|\(([1-9]|1[0-9]|20)\)"
    r"|([A-Za-z])" + _COPULA + r"[.。!])\s+\S"
)

# --- exact-match candidates -------------------------------------------------------------------

_UNIT = (
    r"(?:%|‰|°C|°|개월|개|個|명|人|원|円|元|달러|마리|권|장|대|살|세|歳|번|회|점|초|분|시간|일|년"
    r"|(?:mm|cm|km|m)[²³]?|mg|kg|g|mL|ml|L|l)"
)
_CURRENCY = r"(?:US\$|\$|₩|¥|€|£)"
_NUMBER_TEXT = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
NUMBER_FORM = re.compile(
    rf"(?:[A-Za-z]\s*=\s*)?(?:{_CURRENCY}\s*)?(?P<number>{_NUMBER_TEXT}"
    rf"|[+-]?[0-9]+\s*/\s*[0-9]+)(?:\s*(?P<unit>{_UNIT}))?"
)
_SENTENCE_END = re.compile(
    r"[.。!?;](?=\s|$)|,\s|\s\(|\s(?i:because|since|as|which|so)\b|이므로|이기\s*때문"
)
_LATEX_SUBSTITUTIONS = [
    (re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}"), r"\1/\2"),
    (re.compile(r"\\(?:text|textbf|mathrm|mathbf|operatorname)\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\^\{?\\circ\}?"), "°"),
    (re.compile(r"\{,\}"), ","),
    (re.compile(r"\\[,;: ]|~"), " "),
    (re.compile(r"\\!"), ""),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\\\$"), "$"),
    (re.compile(r"\\(?:left|right)(?=[()\[\]|.])"), ""),
]
_FINAL = re.compile(r"(?:\s*(?:입니다|です|である))?\s*[.。!]?$")
_NUMBER_COPULA = re.compile(r"\s*이다$")
_EMPHASIS = re.compile(
    r"\*\*([^*\n]+?)\*\*|__([^_\n]+?)__|(?<![*\w])\*(?!\s)([^*\n]{1,60}?)(?<!\s)\*(?![*\w])"
)
_LEADING = re.compile(r"^(?:\s*(?:\*\*|__|\*|`|\$\$|\\\(|\\\[))+")
_TRAILING = re.compile(r"(?:(?:\*\*|__|\*|`|\$\$|\$|\\\)|\\\])\s*)+$")
_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{")
_THINKING = re.compile(r"<think(?:ing)?>.*?(?:</think(?:ing)?>|\Z)", re.S | re.I)


def box_contents(text: str) -> list[tuple[int, str]]:
    """(position, content) of every \\boxed{...} / \\fbox{...}, braces balanced."""
    found = []
    for match in _BOX.finditer(text):
        depth, start = 1, match.end()
        for index in range(start, min(len(text), start + 2000)):
            char = text[index]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    found.append((match.start(), text[start:index]))
                    break
    return found


def emphasis_contents(text: str) -> list[tuple[int, str]]:
    return [
        (match.start(), match.group(1) or match.group(2) or match.group(3))
        for match in _EMPHASIS.finditer(text)
    ]


def unwrap(text: str) -> str:
    """Remove wrappers around a whole answer (emphasis, math delimiters, \\boxed, quotes)."""
    previous = None
    value = text.strip()
    while value != previous:
        previous = value
        for pattern in _LATEX_SUBSTITUTIONS:
            value = pattern[0].sub(pattern[1], value)
        value = value.strip()
        for opener, closer in (
            ("**", "**"),
            ("__", "__"),
            ("$$", "$$"),
            ("\\(", "\\)"),
            ("\\[", "\\]"),
            ("`", "`"),
            ("“", "”"),
            ('"', '"'),
            ("「", "」"),
            ("『", "』"),
            ("*", "*"),
            ("$", "$"),
        ):
            if len(value) > len(opener) + len(closer) and (
                value.startswith(opener) and value.endswith(closer)
            ):
                value = value[len(opener) : -len(closer)].strip()
        boxed = _BOX.match(value)
        if boxed and value.endswith("}"):
            value = value[boxed.end() : -1].strip()
    return value


def _token(groups: tuple, numbered: bool, *, first_letter: int = 0) -> str | None:
    """Letter ("B") or a not-a-choice marker ("#②", "#2") from regex groups."""
    for value in groups:
        if value is None:
            continue
        if value in _CIRCLED:
            number = _CIRCLED[value]
            return CHOICE_LETTERS[number - 1] if numbered else "#" + value
        if value.isdigit():
            return CHOICE_LETTERS[int(value) - 1] if numbered else "#" + value
        return value.upper()
    return None


def label_choices(text: str, numbered: bool) -> list[tuple[int, str]]:
    found = []
    for label in _LABEL_RE.finditer(text):
        rest = text[label.end() :]
        opener = _OPENERS.match(rest)
        offset = opener.end() if opener else 0
        token = _TOKEN.match(rest, offset)
        if token is None:
            continue
        after = rest[token.end() :]
        closer = _CLOSERS.match(after)
        if closer:
            after = after[closer.end() :]
        if not _CHOICE_END.match(after):
            continue
        value = _token(token.groups(), numbered)
        if value is None or _NEGATION.match(after):
            continue
        found.append((label.start(), value))
        copula = _CHOICE_END.match(after)
        hedge = _HEDGE.match(after, copula.end() if copula else 0)
        if hedge:
            other = _token((hedge.group(1),), numbered)
            found.append((label.start() + 1, other if other.startswith("#") else other.upper()))
    return found


def line_choice(line: str, numbered: bool) -> str | None:
    value = unwrap(line)
    pure = _LINE_PURE.fullmatch(value)
    if pure is not None:
        return _token(pure.groups(), numbered)
    with_text = _LINE_WITH_TEXT.match(value)
    if with_text is None:
        return None
    token = _token(with_text.groups(), numbered)
    if token is not None and token[1:].isascii() and token[1:].isdigit():
        return None  # "(2) ..." in a text is a list item unless the choices are numbered
    return token


def clean(candidate: str) -> str:
    value = unwrap(candidate)
    value = _FINAL.sub("", value, count=1).strip()
    value = _TRAILING.sub("", _LEADING.sub("", value)).strip()
    value = unwrap(value)
    without_copula = _NUMBER_COPULA.sub("", value)
    if without_copula != value and NUMBER_FORM.fullmatch(without_copula):
        value = without_copula
    return value


def flexible_reading(text: str, fractions: bool) -> tuple[Reading, str] | None:
    """Reading of one cleaned candidate; numbers lose currency signs, units and ``x =``."""
    cleaned = clean(text)
    if not cleaned:
        return None
    number = ratio = None
    unit = ""
    form = NUMBER_FORM.fullmatch(cleaned)
    if form:
        written = form.group("number")
        number = number_value(written)
        ratio = ratio_value(written.replace(" ", ""))
        unit = form.group("unit") or ""
        if number is None and not fractions:
            ratio = None
    text_form = collapse(cleaned).casefold()
    return Reading(text=text_form.removesuffix("."), alt=None, number=number, ratio=ratio), unit


def label_exact(text: str, fractions: bool) -> list[tuple[int, Reading, str, str]]:
    found = []
    for label in _LABEL_RE.finditer(text):
        rest = text[label.end() :].split("\n", 1)[0]
        if not rest.strip() or _NEGATION.match(rest):
            continue
        end = _SENTENCE_END.search(rest)
        candidate = rest[: end.start()] if end else rest
        read = flexible_reading(candidate, fractions)
        if read is not None:
            found.append((label.start(), *read, clean(candidate)))
    return found


def without_thinking(text: str) -> str:
    """The folded text with any ``<think>…</think>`` block set aside (an unclosed one: all)."""
    return _THINKING.sub("\n", fold(text))


def answer_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, line)`` of every non-blank line of the text, its line ending kept."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            yield offset, line
        offset += len(line)
