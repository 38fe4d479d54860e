"""Prediction files written the way chat models answer, with a known true accuracy.

Each item has the answer the model meant (the key's, or a wrong one) and a way of writing it
taken from what chat models produce: answer sentences in Korean, English and Japanese,
Markdown, LaTeX boxes, choice text after the letter, circled numbers, units and counters,
explanations after the answer, pipeline fields such as ``raw_output``, escaped and unescaped
Unicode, a few ``null`` predictions. The true accuracy is the share of items whose meant
answer is the key's; flexible extraction must recover it exactly.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

CIRCLED = "①②③④⑤"
KO_CHOICES = ["서울", "부산", "대구", "인천", "광주"]
KO_EXPLANATIONS = [
    "서울은 조선 시대부터 한국의 수도였습니다.",
    "나머지 보기는 문제의 조건을 만족하지 않습니다.",
    "Because the other options contradict the passage.",
]

MC_FORMS = [
    "{x}",
    "({x})",
    "Answer: {x}",
    "정답은 {x}입니다.",
    "{x}입니다",
    "{x}번",
    "**{x}**",
    "\\boxed{{{x}}}",
    "The final answer is $\\boxed{{{x}}}$",
    "{x}) {text}",
    "{x}. {text}특별시",
    "답: {circled}",
    "Option {x}",
    "Answer: {x}\n\n{explanation}",
    "{x}\n\n{explanation}",
    "문제를 차근차근 살펴보겠습니다.\n{explanation}\n\n따라서 정답은 {x}입니다.",
    "Let me think step by step.\n{explanation}\n\n**Final answer: {x}**",
    "答えは {x} です。",
    "<think>The answer is A? Let me check the passage again.</think>\n\nThe answer is {x}.",
]
STRICT_MC_FORMS = {"{x}", "({x})", "Answer: {x}"}

MATH_FORMS = [
    "{v}",
    "{v} cm",
    "${v}",
    "\\boxed{{{v}}}",
    "The answer is {v}.",
    "{v}개",
    "x = {v}",
    "{v}.",
    "정답: {v}",
    "**{v}**",
    "First, add the two parts.\nThen multiply by 2.\n\nThe answer is $\\boxed{{{v}}}$.",
    "풀이: 두 수를 더한 뒤 2를 곱합니다.\n\n정답은 {v}입니다.",
    "答え：{v}",
    "<think>12 + 30 = 42, so the answer is 42? No, recount.</think>\n\n\\boxed{{{v}}}",
]
STRICT_MATH_FORMS = {"{v}", "정답: {v}", "答え：{v}"}


@dataclass
class RealisticFile:
    """A key (JSONL lines), predictions (JSONL lines) and the truth about them."""

    key_lines: list[str]
    prediction_lines: list[str]
    items: int
    truly_correct: int
    strict_correct: int

    @property
    def true_accuracy(self) -> float:
        return 100.0 * self.truly_correct / self.items


def _dump(record: dict, rng: random.Random) -> str:
    if rng.random() < 0.3:
        record = record | {"raw_output": "<think>…</think> " + str(record["prediction"])}
    return json.dumps(record, ensure_ascii=rng.random() < 0.5)


def korean_multiple_choice(items: int = 400, correct: int = 327, seed: int = 7) -> RealisticFile:
    """A Korean five-choice file (choices numbered ① to ⑤), 81.75% truly correct."""
    rng = random.Random(seed)
    right = set(rng.sample(range(items), correct))
    key_lines, lines, strict = [], [], 0
    for index in range(items):
        answer = rng.randrange(5)
        key_lines.append(
            json.dumps(
                {
                    "id": f"ko-mc-{index:04d}",
                    "answer": "ABCDE"[answer],
                    "category": ["역사", "지리", "문학", "과학"][index % 4],
                    "choices": KO_CHOICES,
                },
                ensure_ascii=False,
            )
        )
        meant = answer if index in right else (answer + rng.randrange(1, 5)) % 5
        if index not in right and rng.random() < 0.05:
            prediction = None  # the model produced nothing
        else:
            form = rng.choice(MC_FORMS)
            prediction = form.format(
                x="ABCDE"[meant],
                text=KO_CHOICES[meant],
                circled=CIRCLED[meant],
                explanation=rng.choice(KO_EXPLANATIONS),
            )
            strict += index in right and form in STRICT_MC_FORMS
        lines.append(_dump({"id": f"ko-mc-{index:04d}", "prediction": prediction}, rng))
    rng.shuffle(lines)
    return RealisticFile(key_lines, lines, items, correct, strict)


def math_exact_answers(items: int = 500, correct: int = 406, seed: int = 11) -> RealisticFile:
    """An exact-answer math file, 81.2% truly correct, with codes and exact decimals in the key."""
    rng = random.Random(seed)
    right = set(rng.sample(range(items), correct))
    key_lines, lines, strict = [], [], 0
    for index in range(items):
        category = ["geometry", "arithmetic", "algebra", "codes"][index % 4]
        if category == "codes":
            key = f"{rng.randrange(1, 100):03d}"  # a code: "007" is not 7
            meant = key if index in right else key.lstrip("0")
        else:
            value = rng.randrange(2, 20_000)
            key = value if rng.random() < 0.5 else str(value)  # JSON numbers and strings
            meant = str(value) if index in right else str(value + rng.choice([-10, -1, 1, 2]))
        if category == "arithmetic" and index % 8 == 1:
            key, meant = 0.00005, "0.00005" if index in right else "0.0005"
        key_lines.append(
            json.dumps({"id": f"math-{index:04d}", "answer": key, "category": category})
        )
        form = "{v}" if category == "codes" else rng.choice(MATH_FORMS)
        if category == "codes" and rng.random() < 0.5:
            form = "The answer is {v}."
        strict += index in right and form in STRICT_MATH_FORMS
        prediction = form.format(v=meant)
        lines.append(_dump({"id": f"math-{index:04d}", "prediction": prediction}, rng))
    rng.shuffle(lines)
    return RealisticFile(key_lines, lines, items, correct, strict)
