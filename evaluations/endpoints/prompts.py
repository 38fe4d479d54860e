"""Hidden prompts: read from an answer key's lines, stored server-side, rendered for a model.

A key line may carry what the item asks besides its answer: ``question`` with ``choices``, or
``prompt``. Those fields are split off before the answer key is parsed (the key holds
``id``, ``answer``, ``category``, ``choices``), stored as ``HiddenItem`` rows, and never
displayed, exported or logged. ``render`` puts an item to a model under a ``PromptTemplate``.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from evaluations.scoring.errors import AnswerKeyError
from evaluations.scoring.normalize import CHOICE_LETTERS

from .models import HiddenItem, PromptTemplate

PROMPT_FIELDS = ("question", "prompt")
DEFAULT_INSTRUCTION = {
    "ko": "다음 객관식 질문에 알맞은 답의 글자 하나로만 답하세요.",
    "en": "Answer the following multiple-choice question with the letter of the answer only.",
}


@dataclass(frozen=True)
class SplitKey:
    """The key file without the prompt fields, and the prompts found (item id → fields)."""

    key_path: Path
    prompts: list[dict]


def split_prompts(path: Path) -> SplitKey:
    """Copy ``path`` without ``question``/``prompt`` fields; return the copy and the prompts.

    Lines that are not JSON objects are copied as they are, for the key parser to report.
    The caller deletes ``key_path``.
    """
    fd, name = tempfile.mkstemp(suffix=".jsonl")
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            prompts = _copy_without_prompts(src, out)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return SplitKey(Path(name), prompts)


def _copy_without_prompts(src, out) -> list[dict]:
    prompts: list[dict] = []
    for line_no, raw in enumerate(src, start=1):
        try:
            data = json.loads(raw)
        except ValueError:
            out.write(raw)
            continue
        if not isinstance(data, dict) or not any(f in data for f in PROMPT_FIELDS):
            out.write(raw)
            continue
        question = data.pop("question", None)
        prompt = data.pop("prompt", None)
        if question is not None and prompt is not None:
            raise AnswerKeyError(
                "prompt_and_question",
                f"Answer key line {line_no} has both a question and a prompt; give one.",
            )
        text = question if question is not None else prompt
        if not isinstance(text, str) or not text.strip():
            raise AnswerKeyError(
                "empty_prompt",
                f"Answer key line {line_no}: the question or prompt must be non-empty text.",
            )
        if question is not None and not isinstance(data.get("choices"), list):
            raise AnswerKeyError(
                "question_without_choices",
                f"Answer key line {line_no} has a question but no choices.",
            )
        prompts.append(
            {
                "item_id": str(data.get("id")),
                "question": question or "",
                "choices": list(data.get("choices") or []) if question is not None else [],
                "prompt": prompt or "",
            }
        )
        out.write(json.dumps(data, ensure_ascii=False).encode() + b"\n")
    return prompts


def hidden_items_store(*, benchmark, prompts: list[dict], language: str = "ko") -> int:
    """Replace the benchmark's hidden items; create template v1 when it has none yet."""
    with transaction.atomic():
        HiddenItem.objects.filter(benchmark=benchmark).delete()
        HiddenItem.objects.bulk_create(
            [
                HiddenItem(benchmark=benchmark, position=i, **fields)
                for i, fields in enumerate(prompts)
            ]
        )
        if prompts and not PromptTemplate.objects.filter(benchmark=benchmark).exists():
            PromptTemplate.objects.create(
                benchmark=benchmark,
                version=1,
                language=language,
                instruction=DEFAULT_INSTRUCTION.get(language, DEFAULT_INSTRUCTION["en"]),
                answer_cue="정답:" if language == "ko" else "Answer:",
            )
    return len(prompts)


def render(item: HiddenItem, template: PromptTemplate) -> list[dict]:
    """The chat messages for one item: instruction, few-shot examples, the item."""
    messages: list[dict] = []
    if template.instruction:
        messages.append({"role": "system", "content": template.instruction})
    for shot in template.few_shot or []:
        messages.append({"role": "user", "content": str(shot.get("prompt", ""))})
        messages.append({"role": "assistant", "content": str(shot.get("answer", ""))})
    messages.append({"role": "user", "content": item_text(item, template)})
    return messages


def item_text(item: HiddenItem, template: PromptTemplate) -> str:
    if item.prompt:
        return item.prompt
    lines = [item.question]
    lines += [f"{CHOICE_LETTERS[i]}. {choice}" for i, choice in enumerate(item.choices)]
    if template.answer_cue:
        lines.append(template.answer_cue)
    return "\n".join(lines)


def benchmark_import(*, benchmark, path: Path, user=None, language: str = "ko"):
    """Import an answer key whose lines may carry hidden prompts; returns (key, prompt count).

    The answer key is stored as ``answer_key_import`` stores it; the prompts, when the key has
    any, replace the benchmark's hidden items. On any problem nothing is stored.
    """
    from evaluations.services import answer_key_import

    split = split_prompts(Path(path))
    try:
        key = answer_key_import(benchmark=benchmark, path=split.key_path, user=user)
    finally:
        split.key_path.unlink(missing_ok=True)
    count = hidden_items_store(benchmark=benchmark, prompts=split.prompts, language=language)
    return key, count
