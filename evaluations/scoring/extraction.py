"""Answer extraction: what a prediction answers, in strict or flexible mode, and why not.

Every benchmark names its extraction mode. Both modes are computed for every run (like
lm-evaluation-harness's ``strict-match`` and ``flexible-extract``); the benchmark's mode
gives the score and the other is shown beside it. Both start from the folding and the
strict forms documented in :mod:`evaluations.scoring.normalize`.

Strict
    The whole prediction must be one of the strict forms (``B``, ``(B)``, ``Answer: B``;
    ``1,234``, ``정답: 42``). Nothing is searched for inside a longer text.

Flexible
    The final answer is found in free text written in Korean, English or Japanese. Anything
    strict accepts, flexible accepts with the same answer. A reasoning block
    ``<think>…</think>`` (as reasoning models write before their answer) is set aside: the
    answer is read from what follows it, and a block that is never closed leaves no answer.
    Otherwise *candidates* are collected from the whole text:

    1. **Answer labels anywhere**: ``정답은 B입니다``, ``따라서 답: ②``, ``The answer is (B)``,
       ``The correct option is B``, ``Final answer: B``, ``答えは B です``. A label is
       ``answer``/``option``/``choice`` (optionally after ``the``, ``correct``, ``final``,
       ``best``, ``right``) followed by ``is``/``:``; ``정답``, ``답``, ``해답``, ``최종 답``
       followed by ``은``/``는``/``이`` or ``:``; ``答え``, ``正解``, ``解答``, ``回答``,
       ``答案``, ``答`` followed by ``は`` or ``:``. The answer right after it counts when it
       ends there (``B``, ``B.``, ``B입니다``, ``B번``, ``B です``, ``B because…``), not when
       a word continues it (``The answer is Because…``, ``정답은 A가 아니라…``) or it is
       negated (``The answer is not A``, ``정답은 A 아님``).
    2. **Every** ``\\boxed{…}`` (and ``\\fbox{…}``): ``The final answer is $\\boxed{B}$``.
       lm-evaluation-harness takes the last box; here every box is a candidate, so two
       boxes with different answers are *two answers*, not a guess.
    3. **Markdown emphasis** whose content is an answer form: ``**B**``, ``__(B)__``,
       ``*B) 서울*``, ``**35 cm**``.
    4. Only when 1-3 found nothing: **answer lines**. Multiple choice: every line that is a
       choice on its own -- ``B``, ``(B)``, ``B.``, ``B)``, ``B번``, ``B입니다``, ``Option B``,
       ``선택지 B``, a choice letter followed by its text (``B) 서울``, ``B. 서울특별시``,
       ``(B) 서울``, ``B - 서울``), a line that starts with one of these and goes on after a
       full stop (``B입니다. 서울은 …``). So an answer line followed by an explanation
       counts. Exact match: a prediction of one line is read whole (below); in a longer
       text, every line that is only a number (``9723개``, ``$469``, ``x = 670``).

    Candidates are cleaned before they are read: Markdown emphasis, ``$…$``, ``\\(…\\)``,
    ``\\boxed{}``, ``\\text{}``, ``\\mathrm{}``, ``\\textbf{}``, backticks and quotes around
    the answer go; LaTeX ``\\,`` ``\\;`` ``\\!`` spacing, ``{,}``, ``\\%``, ``\\$``,
    ``\\frac{a}{b}`` (as ``a/b``) and ``^\\circ`` are written plainly; a final ``.``, ``。``
    or ``!`` and a final copula (``입니다``, ``이다``, ``です``, ``である``) go.

    Multiple choice: circled numbers (``①`` … ``⑳``) and, after a label or alone on a line,
    ``2``, ``(2)``, ``2번`` name the second choice (B) where the benchmark numbers its
    choices; elsewhere they are *not a choice*. A letter past the last choice is *not a
    choice*. Two different answers joined by ``or``/``and``/``,``/``/``/``또는``/``혹은``/
    ``または`` after a label (``The answer is B or C``) are *two answers*.

    Exact match: a candidate is a number when it is an optional currency sign (``$``,
    ``US$``, ``₩``, ``¥``, ``€``, ``£``), a number as in strict mode (full-width digits and
    the Unicode minus are folded), and an optional unit or counter: ``%`` (where the key has
    none: the key ``50%`` is text), ``‰``, ``°``, ``°C``, ``개``, ``個``, ``명``, ``人``,
    ``원``, ``円``, ``元``, ``달러``, ``마리``, ``권``, ``장``, ``대``, ``살``, ``세``, ``歳``,
    ``번``, ``회``, ``점``, ``초``, ``분``, ``시간``, ``일``, ``년``, ``개월``, ``mm``, ``cm``,
    ``m``, ``km``, ``mg``, ``g``, ``kg``, ``mL``, ``ml``, ``L``, ``l`` (``²``/``³`` allowed
    after a length); ``x = 670`` (one letter and ``=``) reads 670. Superscripts are not
    units: ``10²`` is not a number and never equals ``102``. Text candidates compare without
    a final period on either side (``Paris.`` = ``paris``; ``U.S.`` = ``u.s``).

    Decision: one distinct answer among the candidates is the answer. Two or more (``B``
    after a label and ``**C**`` elsewhere; ``\\boxed{12}`` and ``The answer is 14``; ``14 m``
    and ``14 cm``) are *two answers*: the item is invalid, never guessed. None is *no answer
    found*. Numbers are the same answer when their values are equal and they name at most
    one unit (``\\boxed{14}`` and ``The answer is 14 cm.`` agree).

Reasons an item is not counted (shown to the team with examples; never the key):
``no_answer`` (nothing found, an empty or ``null`` prediction), ``two_answers``,
``not_a_choice``, and ``wrong`` for a valid answer that is not the key's.
"""

from __future__ import annotations

from dataclasses import dataclass

from .candidates import (
    NUMBER_FORM,
    answer_lines,
    box_contents,
    clean,
    emphasis_contents,
    flexible_reading,
    label_choices,
    label_exact,
    line_choice,
    unwrap,
    without_thinking,
)
from .normalize import (
    CHOICE_LETTERS,
    KeyAnswer,
    Reading,
    exact_is_correct,
    normalize_choice,
    strict_reading,
)

__all__ = [
    "FLEXIBLE",
    "MODES",
    "OUTCOMES",
    "STRICT",
    "ChoiceExtraction",
    "ExactExtraction",
    "choice_outcome",
    "exact_outcome",
    "extract_choice",
    "extract_exact",
    "shorten",
]

STRICT = "strict"
FLEXIBLE = "flexible"
MODES = (STRICT, FLEXIBLE)

CORRECT = "correct"
WRONG = "wrong"
NO_ANSWER = "no_answer"
TWO_ANSWERS = "two_answers"
NOT_A_CHOICE = "not_a_choice"
OUTCOMES = (CORRECT, WRONG, NO_ANSWER, TWO_ANSWERS, NOT_A_CHOICE)
INVALID_REASONS = (NO_ANSWER, TWO_ANSWERS, NOT_A_CHOICE)

SHOWN_CHARS = 120


@dataclass(frozen=True)
class ChoiceExtraction:
    """A multiple-choice prediction read: a letter, or the reason there is none."""

    letter: str | None
    reason: str | None
    shown: str


@dataclass(frozen=True)
class ExactExtraction:
    """An exact-match prediction read: a reading, or the reason there is none."""

    reading: Reading | None
    reason: str | None
    shown: str


def shorten(text: str | None, limit: int = SHOWN_CHARS) -> str | None:
    """A prediction as written, shortened for feedback: its start and its end, one line."""
    if text is None:
        return None
    flat = " ⏎ ".join(part.strip() for part in text.strip().splitlines() if part.strip())
    flat = "".join(ch if ch.isprintable() else "\ufffd" for ch in flat)
    if len(flat) <= limit:
        return flat
    half = (limit - 3) // 2
    return flat[:half].rstrip() + " … " + flat[-half:].lstrip()


def _show_token(token: str) -> str:
    return token[1:] if token.startswith("#") else token


def _decide_choice(candidates: list[tuple[int, str]], others: list[str]) -> ChoiceExtraction:
    distinct = []
    for _, token in sorted(candidates):
        if token not in distinct:
            distinct.append(token)
    if len(distinct) > 1:
        return ChoiceExtraction(None, TWO_ANSWERS, ", ".join(_show_token(t) for t in distinct))
    if distinct:
        token = distinct[0]
        if token.startswith("#"):
            return ChoiceExtraction(None, NOT_A_CHOICE, _show_token(token))
        return ChoiceExtraction(token, None, token)
    if others:
        return ChoiceExtraction(None, NOT_A_CHOICE, shorten(others[0], 40) or "")
    return ChoiceExtraction(None, NO_ANSWER, "")


def extract_choice(text: str | None, *, mode: str, numbered: bool = False) -> ChoiceExtraction:
    """Read a multiple-choice prediction (see the module docstring)."""
    if text is None:
        return ChoiceExtraction(None, NO_ANSWER, "")
    letter = normalize_choice(text)
    if letter is not None:
        return ChoiceExtraction(letter, None, letter)
    if mode == STRICT:
        return ChoiceExtraction(None, NO_ANSWER, "")
    value = without_thinking(text)
    candidates = label_choices(value, numbered)
    others = []
    for position, content in box_contents(value):
        token = line_choice(content, numbered) or next(
            (token for _, token in label_choices(content, numbered)), None
        )
        if token is None:
            others.append(unwrap(content))
        else:
            candidates.append((position, token))
    for position, content in emphasis_contents(value):
        token = line_choice(content, numbered)
        if token is not None:
            candidates.append((position, token))
    if not candidates:
        for offset, line in answer_lines(value):
            token = line_choice(line, numbered)
            if token is not None:
                candidates.append((offset, token))
    return _decide_choice(candidates, others if not candidates else [])


def choice_outcome(
    extraction: ChoiceExtraction, answer: str | None, n_choices: int | None
) -> tuple[str, str]:
    """(outcome, shown) of one item: correct, wrong, or the reason it is invalid."""
    if extraction.reason is not None:
        return extraction.reason, extraction.shown
    letter = extraction.letter
    if n_choices is not None and CHOICE_LETTERS.index(letter) >= n_choices:
        return NOT_A_CHOICE, extraction.shown
    return (CORRECT if letter == answer else WRONG), extraction.shown


def _identity(reading: Reading, fractions: bool) -> str:
    if fractions and reading.ratio is not None:
        return "=" + reading.ratio
    if reading.number is not None:
        return "=" + reading.number
    return "~" + reading.text


def _decide_exact(
    candidates: list[tuple[int, Reading, str, str]], fractions: bool
) -> ExactExtraction:
    if not candidates:
        return ExactExtraction(None, NO_ANSWER, "")
    candidates.sort(key=lambda item: item[0])
    groups: dict[str, list[tuple[Reading, str, str]]] = {}
    for _, reading, unit, shown in candidates:
        groups.setdefault(_identity(reading, fractions), []).append((reading, unit, shown))
    units = {unit for members in groups.values() for _, unit, _ in members if unit}
    if len(groups) > 1 or len(units) > 1:
        shown = []
        for members in groups.values():
            for _, _, text in members:
                if text not in shown:
                    shown.append(text)
        return ExactExtraction(None, TWO_ANSWERS, shorten(", ".join(shown), 80) or "")
    reading, _, shown = next(iter(groups.values()))[0]
    return ExactExtraction(reading, None, shorten(shown, 80) or "")


def extract_exact(text: str | None, *, mode: str, fractions: bool = False) -> ExactExtraction:
    """Read an exact-match prediction (see the module docstring)."""
    strict = strict_reading(text)
    if mode == STRICT or text is None:
        if strict is None:
            return ExactExtraction(None, NO_ANSWER, "")
        return ExactExtraction(strict, None, shorten(strict.alt or strict.text, 80) or "")
    value = without_thinking(text)
    candidates = label_exact(value, fractions)
    for position, content in box_contents(value):
        read = flexible_reading(content, fractions)
        if read is not None:
            candidates.append((position, *read, clean(content)))
    for position, content in emphasis_contents(value):
        read = flexible_reading(content, fractions)
        if read is not None and (read[0].number is not None or read[0].ratio is not None):
            candidates.append((position, *read, clean(content)))
    if candidates:
        return _decide_exact(candidates, fractions)
    lines = [line for line in value.splitlines() if line.strip()]
    if len(lines) == 1:
        whole = flexible_reading(lines[0], fractions)
        if whole is None:
            return ExactExtraction(None, NO_ANSWER, "")
        reading, _ = whole
        if strict is not None and strict.alt is not None:
            alt = flexible_reading(strict.alt, fractions)
            reading = Reading(
                text=reading.text,
                alt=alt[0].text if alt else None,
                number=reading.number if reading.number is not None else strict.number,
                ratio=reading.ratio if reading.ratio is not None else strict.ratio,
            )
        return ExactExtraction(reading, None, shorten(clean(lines[0]), 80) or "")
    for offset, line in answer_lines(value):
        read = flexible_reading(line, fractions)
        if read is not None and NUMBER_FORM.fullmatch(clean(line)):
            candidates.append((offset, *read, clean(line)))
    return _decide_exact(candidates, fractions)


def exact_outcome(
    extraction: ExactExtraction, key: KeyAnswer, *, mode: str, fractions: bool = False
) -> tuple[str, str]:
    """(outcome, shown) of one exact-match item."""
    if extraction.reason is not None:
        return extraction.reason, extraction.shown
    correct = exact_is_correct(extraction.reading, key, fractions=fractions, loose=mode == FLEXIBLE)
    return (CORRECT if correct else WRONG), extraction.shown
