"""What is asked of an endpoint and what comes back (plain values, no I/O).

``EndpointConfig`` (where, as whom), ``GenerationSettings`` (the request's fields),
``ChatItem`` (one question), ``ItemOutcome`` (one answer or failure, as stored), ``Stop`` and
``BatchResult`` (how a batch ended), and the readers of response bodies in the OpenAI Chat
Completions format (reference: platform.openai.com/docs/api-reference/chat).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from .retry import ErrorKind
from .safety import check_base_url
from .secrets import ApiKey

ERROR_EXCERPT = 300


@dataclass(frozen=True)
class EndpointConfig:
    """Where and as whom to ask. ``timeout``: seconds for one whole attempt.

    ``allow_private``: the setting ``ENDPOINT_ALLOW_PRIVATE`` (loopback/private addresses).
    """

    base_url: str
    served_model: str
    api_key: ApiKey | None = None
    timeout: float = 60.0
    allow_private: bool = False

    def __post_init__(self):
        object.__setattr__(self, "base_url", check_base_url(self.base_url))
        if not self.served_model.strip():
            raise ValueError("served_model is required")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")


@dataclass(frozen=True)
class GenerationSettings:
    """What goes into every request besides the messages (None: the field is not sent).

    ``max_tokens``: completion tokens at most. ``reasoning``: on/off for models that can think
    before answering; sent as the pass-through field
    ``"chat_template_kwargs": {"enable_thinking": <bool>}``, which vLLM, SGLang and llama.cpp's
    server hand to the model's chat template (Qwen3, EXAONE 4.0, DeepSeek V3.1 …). Servers that
    use another switch get it through ``extra_body`` (e.g. ``{"reasoning_effort": "low"}`` for
    OpenAI's API), which is merged last and wins. ``system_prompt``: sent first as a
    ``system`` message.
    """

    temperature: float | None = 0.0
    max_tokens: int | None = 512
    system_prompt: str | None = None
    seed: int | None = None
    reasoning: bool | None = None
    top_p: float | None = None
    extra_body: Mapping[str, Any] = field(default_factory=dict)

    def request_body(self, model: str, messages: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """The JSON body of one chat-completion request."""
        all_messages = list(messages)
        if self.system_prompt:
            all_messages.insert(0, {"role": "system", "content": self.system_prompt})
        body: dict[str, Any] = {"model": model, "messages": all_messages, "stream": False}
        for name in ("temperature", "max_tokens", "seed", "top_p"):
            value = getattr(self, name)
            if value is not None:
                body[name] = value
        if self.reasoning is not None:
            body["chat_template_kwargs"] = {"enable_thinking": self.reasoning}
        body.update(self.extra_body)
        return body


@dataclass(frozen=True)
class ChatItem:
    """One question: ``prompt`` (sent as one user message) or full ``messages``."""

    id: str
    prompt: str | None = None
    messages: tuple[Mapping[str, Any], ...] | None = None

    def chat_messages(self) -> list[Mapping[str, Any]]:
        if self.messages is not None:
            return list(self.messages)
        return [{"role": "user", "content": self.prompt or ""}]


@dataclass(frozen=True)
class ItemOutcome:
    """What one item ended with. ``latency_ms``: the last attempt, request sent to body read.

    ``error_kind``/``error`` are None when the item was answered; ``retried``: the kinds of the
    attempts that failed before the last one (their count is ``attempts - 1``).
    """

    item_id: str
    text: str | None
    finish_reason: str | None
    tokens_in: int | None
    tokens_out: int | None
    latency_ms: float | None
    attempts: int
    error_kind: ErrorKind | None = None
    error: str | None = None
    retried: tuple[ErrorKind, ...] = ()
    served_model: str | None = None
    reasoning_text: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_kind is None


@dataclass(frozen=True)
class Stop:
    """Why a batch stopped early: ``fatal`` (fix the endpoint) or ``paused`` (resume later)."""

    kind: Literal["fatal", "paused"]
    error_kind: ErrorKind
    message: str
    item_id: str | None = None


@dataclass
class BatchResult:
    """Every finished item (in completion order), the stop if any, and what was left undone."""

    outcomes: list[ItemOutcome]
    stopped: Stop | None
    not_done: list[str]
    attempt_errors: Counter = field(default_factory=Counter)  # ErrorKind → failed attempts
    elapsed: float = 0.0  # seconds


def excerpt(body: bytes) -> str:
    """The start of a response body as one line of text (for error messages)."""
    return body[:ERROR_EXCERPT].decode("utf-8", "replace").replace("\n", " ")


@dataclass(frozen=True)
class Completion:
    """The parts of a chat completion that are kept (see ``ItemOutcome``)."""

    text: str | None
    finish_reason: str | None
    tokens_in: int | None
    tokens_out: int | None
    served_model: str | None
    reasoning_text: str | None


def parse_completion(data: Mapping[str, Any]) -> Completion:
    """Read ``choices[0]`` and ``usage`` of a chat completion; ``ValueError`` if it is not one.

    ``text`` is None when the message has no content (e.g. only reasoning, or a tool call);
    ``reasoning_text`` comes from ``reasoning_content`` (vLLM, DeepSeek) or ``reasoning``.
    """
    try:
        choice = data["choices"][0]
        message = choice["message"]
        text = message_text(message.get("content"))
        reasoning = message.get("reasoning_content") or message.get("reasoning")
        finish_reason = choice.get("finish_reason")
    except (KeyError, IndexError, TypeError, AttributeError):
        raise ValueError("not a chat completion (no choices[0].message)") from None
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    served = data.get("model")
    return Completion(
        text=text,
        finish_reason=str(finish_reason) if finish_reason is not None else None,
        tokens_in=token_count(usage.get("prompt_tokens")),
        tokens_out=token_count(usage.get("completion_tokens")),
        served_model=str(served) if served is not None else None,
        reasoning_text=reasoning if isinstance(reasoning, str) else None,
    )


def error_detail(body: bytes) -> tuple[str, str | None]:
    """The message and code of an error body (OpenAI form ``{"error": {...}}`` or free text)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return excerpt(body), None
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        code = error.get("code")
        return str(error.get("message") or "")[:ERROR_EXCERPT], str(code) if code else None
    if isinstance(error, str):
        return error[:ERROR_EXCERPT], None
    if isinstance(data, dict) and isinstance(data.get("detail"), str):
        return data["detail"][:ERROR_EXCERPT], None
    return excerpt(body), None


def is_model_error(status: int, detail: str, code: str | None) -> bool:
    """Whether an error response says the model name is unknown (OpenAI, vLLM, TGI wording)."""
    if status not in (400, 404, 422):
        return False
    if code in ("model_not_found", "invalid_model"):
        return True
    lowered = detail.lower()
    return "model" in lowered and any(
        phrase in lowered
        for phrase in ("does not exist", "not found", "not exist", "unknown model")
    )


def message_text(content: Any) -> str | None:
    """A message's text: a string, or the text parts of a list of content parts."""
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    raise TypeError("content")


def token_count(value: Any) -> int | None:
    """A usage count as reported, or None when missing or not a non-negative integer."""
    return value if isinstance(value, int) and value >= 0 else None
