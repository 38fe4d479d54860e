"""Trying a model, blind: a rater's chat with the model under one of their labels, streamed from
its approved endpoint, and the public panel's side-by-side on the rater's own prompt.

What leaves here for the browser is text only: the endpoint's deltas (``streaming.stream_chat``
drops every other field of a chunk) with the names of the model, its team, its served model,
the endpoint's address, their parts ('EXAONE', 'LG') and the panel's other models replaced by
``[…]`` (``identifying_names``, ``NameFilter``). The models can be tried only when all of the
rater's can (``try_open``), so which label answers tells nothing. Every message is stored
(``TryMessage``) for the evaluators; raters never see another rater's.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.endpoints.admission import endpoint_chat_stream
from evaluations.endpoints.models import Endpoint
from evaluations.endpoints.retry import ErrorKind
from evaluations.endpoints.streaming import StreamFailure, iterate_in_thread

from .models import Comparison, ComparisonAnswer, ComparisonPrompt, Panel, RaterLabel, TryMessage
from .services import NotFound, PanelError, rater_for, require_open

log = logging.getLogger("kai.panels")
MAX_MESSAGE_CHARS = 4000
HISTORY_MESSAGES = 20  # the last messages of the conversation sent with a new one
HIDDEN = "[…]"


def tries_per_day() -> int:
    """Messages one rater may send to the models per day (all labels together)."""
    return getattr(settings, "PANEL_TRIES_PER_DAY", 200)


def approved_endpoint(model_id) -> Endpoint | None:
    """The model's most recently approved endpoint, or None."""
    return (
        Endpoint.objects.filter(model_id=model_id, state=Endpoint.State.APPROVED)
        .order_by("-approved_at", "-created_at")
        .first()
    )


class NameFilter:
    """Replaces names that would unblind a model in streamed text, across chunk boundaries.

    ``names``: strings of 3+ characters, matched anywhere, in any case, with or without the
    spaces inside them ('LG AI연구원' also hides 'LG AI 연구원'), plus 2-letter all-caps brands
    ('LG', 'SK') matched only as whole words (not in 'algorithm'). ``feed(delta)`` returns what
    can be shown now: it holds back the longest end of the text that could be the start of a
    name (a brand until the next character shows it ends a word); ``flush()`` returns the rest."""

    def __init__(self, names):
        names = {re.sub(r"\s+", "", n) for n in names if n}
        brands = sorted({n for n in names if _BRAND.fullmatch(n)})
        longs = sorted({n for n in names if len(n) >= 3}, key=len, reverse=True)
        spaced = [r"\s?".join(re.escape(c) for c in n) for n in longs]
        spaced += [rf"(?<![A-Za-z0-9]){re.escape(b)}(?![A-Za-z0-9])" for b in brands]
        self._pattern = re.compile("|".join(spaced), re.IGNORECASE) if spaced else None
        self._lowered = [n.lower() for n in longs]
        self._brands = [b.lower() for b in brands]
        self._keep = 2 * max((len(n) for n in longs), default=2)
        self._pending = ""
        self._before = ""  # the last character shown: a brand's start must follow a non-letter

    def clean(self, text: str, before: str = "") -> str:
        if self._pattern is None:
            return text
        whole, out, at = before + text, [], len(before)
        for match in self._pattern.finditer(whole, len(before)):
            out += [whole[at : match.start()], HIDDEN]
            at = match.end()
        return "".join([*out, whole[at:]])

    def _held(self, text: str) -> int:
        lowered = text.lower()
        for k in range(min(self._keep, len(text)), 0, -1):
            end = re.sub(r"\s+", "", lowered[-k:])
            if end and (
                any(name.startswith(end) for name in self._lowered)
                or any(brand.startswith(end) for brand in self._brands)
            ):
                return k
        return 0

    def feed(self, delta: str) -> str:
        # No name can straddle the cut: the held end is the longest that could begin one.
        self._pending += delta
        cut = len(self._pending) - self._held(self._pending)
        shown, self._pending = self._pending[:cut], self._pending[cut:]
        cleaned = self.clean(shown, self._before)
        self._before = (self._before + shown)[-1:]
        return cleaned

    def flush(self) -> str:
        shown = self.clean(self._pending, self._before)
        self._pending, self._before = "", ""
        return shown


_BRAND = re.compile(r"[A-Z]{2}")
_GENERIC = {
    "model", "research", "think", "thinking", "instruct", "chat", "base", "preview", "the",
    "and", "open", "ai", "llm", "team", "lab", "labs", "inc", "corp", "co", "ltd",
}  # fmt: skip


def name_parts(name: str) -> list[str]:
    """The parts of ``name`` that would name a model or team on their own: split on spaces,
    hyphens, underscores and slashes; 3+ characters or a 2-letter all-caps brand ('LG'), not
    a generic word (``_GENERIC``) and not a number ('236', '4.0')."""
    parts = re.split(r"[\s\-_/]+", name or "")
    return [
        p
        for p in parts
        if (len(p) >= 3 or _BRAND.fullmatch(p))
        and p.lower() not in _GENERIC
        and not re.fullmatch(r"[\d.,]+", p)
    ]


def identifying_names(model, *, panel=None) -> list[str]:
    """What would name ``model`` (a FoundationModel): its name, slug and ``organization``, its
    team's slug and names (en, ko) and partners' names, its endpoints' served models and
    addresses, each whole and by its parts (``name_parts``); with ``panel``, the same for the
    panel's other models (a model may neither reveal nor claim another's identity)."""
    models = [model]
    if panel is not None:
        models += list(panel.rated_models.exclude(pk=model.pk).select_related("team"))
    names: list[str] = []
    for m in models:
        whole = [m.name, m.slug, getattr(m, "organization", "") or ""]
        if m.team is not None:
            team = m.team
            whole += [team.slug, team.name_en, team.name_ko]
            whole += [team.lead_organization_en, team.lead_organization_ko]
            for partner in m.team.partners.all():
                whole += [partner.name_en, partner.name_ko]
        served = Endpoint.objects.filter(model_id=m.pk).values_list("served_model", "base_url")
        for name, url in served:
            whole += [name, url]
        names += whole
        for name in whole:
            if "://" not in name:
                names += name_parts(name)
    return names


def try_open(rater) -> bool:
    """Whether ``rater`` may try the models: only when every model of their own map has an
    approved endpoint, so that which labels can be tried tells nothing about the models. The
    one rule for the rating page (chat box for every label or none) and ``try_prepare``."""
    ids = set(RaterLabel.objects.filter(rater=rater).values_list("model_id", flat=True))
    live = Endpoint.objects.filter(model_id__in=ids, state=Endpoint.State.APPROVED)
    return bool(ids) and ids == set(live.values_list("model_id", flat=True))


def not_open_message() -> str:
    """The one neutral note while ``try_open`` is false (the same for every label)."""
    return _("Trying the models is not available on this panel yet.")


def failure_message(kind) -> str:
    """What the rater reads when the model could not answer (never the endpoint's own words)."""
    if kind == ErrorKind.TIMEOUT:
        return _("The model did not answer in time (it may be busy). Try again in a moment.")
    if kind == ErrorKind.RATE_LIMITED:
        return _("The model is busy. Try again in a moment.")
    return _("The model could not answer: its endpoint failed. Try again later.")


def _check_text(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise PanelError({field: _("Write a message first.")})
    if len(text) > MAX_MESSAGE_CHARS:
        raise PanelError(
            {field: _("A message has at most %(n)s characters.") % {"n": MAX_MESSAGE_CHARS}}
        )
    return text


@dataclass
class TryPlan:
    """A chat message accepted and stored, waiting for the model's streamed answer."""

    rater_id: int
    label: str
    model_id: int
    endpoint: Endpoint
    messages: list[dict]
    names: list[str]  # what to hide in the answer (``identifying_names``)


@transaction.atomic
def try_prepare(*, user, panel_id, label: str, text: str, now=None) -> TryPlan:
    """Check and store the rater's message to the model under ``label``.

    NotFound: no seat, or no such label in the rater's own map. PanelError: the panel is not
    open, the message is empty or too long, today's messages are used up, or not every model
    of the rater's map has an approved endpoint (``try_open``; nothing stored then)."""
    now = now or timezone.now()
    rater = rater_for(user=user, panel_id=panel_id)
    shown = RaterLabel.objects.filter(rater=rater, label=str(label)[:4]).first()
    if shown is None:
        raise NotFound()
    require_open(rater, now)
    if not try_open(rater):
        raise PanelError({None: not_open_message()})
    text = _check_text(text, "message")
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    sent_today = TryMessage.objects.filter(
        rater=rater, role=TryMessage.Role.USER, created_at__gte=start,
        created_at__lt=start + timedelta(days=1),
    ).count()  # fmt: skip
    if sent_today >= tries_per_day():
        raise PanelError(
            {None: _("You have sent today's %(n)s messages; come back tomorrow.")
             % {"n": tries_per_day()}}
        )  # fmt: skip
    endpoint = approved_endpoint(shown.model_id)
    if endpoint is None:
        raise PanelError({None: not_open_message()})
    earlier = list(
        TryMessage.objects.filter(rater=rater, model_id=shown.model_id)
        .exclude(text="")
        .order_by("-created_at", "-pk")
        .values_list("role", "text")[:HISTORY_MESSAGES]
    )
    TryMessage.objects.create(
        rater=rater, model_id=shown.model_id, label=shown.label, role=TryMessage.Role.USER,
        text=text, created_at=now,
    )  # fmt: skip
    history = [{"role": role, "content": body} for role, body in reversed(earlier)]
    return TryPlan(
        rater.pk,
        shown.label,
        shown.model_id,
        endpoint,
        [*history, {"role": "user", "content": text}],
        identifying_names(shown.model, panel=rater.panel),
    )


def try_answer(plan: TryPlan) -> Iterator[str]:
    """The model's answer, as blinded text pieces, while it streams; stored when it ends.

    Raises ``PanelError`` (the rater's message) when the endpoint fails; the failure is stored
    with its kind for the evaluators."""
    names = NameFilter(plan.names)
    parts: list[str] = []
    started = time.perf_counter()
    failure: StreamFailure | None = None
    try:
        for delta in iterate_in_thread(endpoint_chat_stream(plan.endpoint, plan.messages)):
            parts.append(delta)
            shown = names.feed(delta)
            if shown:
                yield shown
        rest = names.flush()
        if rest:
            yield rest
    except StreamFailure as exc:
        failure = exc
    except Exception:  # e.g. an unreadable stored key: the rater gets the general message
        log.exception("trying endpoint %s failed", plan.endpoint.pk)
        failure = StreamFailure(ErrorKind.UNEXPECTED_STATUS, "internal")
    except GeneratorExit:  # the rater left mid-answer: keep what had come, as cut short
        _store_answer(plan, "".join(parts), ErrorKind.TRUNCATED, started)
        raise
    _store_answer(
        plan, "".join(parts) if failure is None else "", failure and failure.kind, started
    )
    if failure is not None:
        raise PanelError({None: failure_message(failure.kind)})


def _store_answer(plan: TryPlan, text: str, kind, started: float) -> None:
    TryMessage.objects.create(
        rater_id=plan.rater_id, model_id=plan.model_id, label=plan.label,
        role=TryMessage.Role.ASSISTANT, text=text, error_kind=str(kind or ""),
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
    )  # fmt: skip


# ---------------------------------------------------------------- side by side, live


def live_models(panel: Panel) -> list[int]:
    """The panel's models that have an approved endpoint (ids)."""
    ids = panel.rated_models.values_list("pk", flat=True)
    return sorted(
        set(
            Endpoint.objects.filter(model_id__in=ids, state=Endpoint.State.APPROVED).values_list(
                "model_id", flat=True
            )
        )
    )


def _ask_both(endpoints: list[Endpoint], text: str) -> list[str | StreamFailure]:
    """Both models' whole answers, asked at once (each within its own limits and timeout)."""
    factories = [endpoint_chat_stream(e, [{"role": "user", "content": text}]) for e in endpoints]

    async def one(factory):
        try:
            return "".join([delta async for delta in factory()])
        except StreamFailure as exc:
            return exc

    async def both():
        yield await asyncio.gather(*(one(f) for f in factories))

    return list(iterate_in_thread(both))[0]


def live_comparison(*, user, panel_id, text: str, now=None) -> Comparison:
    """The rater's own prompt answered by two of the panel's models drawn at random (those
    with endpoints), names hidden; the vote then goes through ``votes.comparison_vote``.

    A comparison still waiting for this rater's vote is returned instead. PanelError: fewer
    than two models with endpoints, bad text, the day's votes used up, or an endpoint failed
    (nothing is saved then)."""
    from .votes import require_public_rater

    now = now or timezone.now()
    rater = require_public_rater(user, panel_id, now)
    waiting = Comparison.objects.filter(rater=rater, vote="").first()
    if waiting is not None:
        return waiting
    text = _check_text(text, "text")
    ids = live_models(rater.panel)
    if len(ids) < 2:
        raise PanelError({None: _("Fewer than two models can be asked live on this panel.")})
    a, b = secrets.SystemRandom().sample(ids, 2)
    endpoints = [approved_endpoint(a), approved_endpoint(b)]
    answers = _ask_both(endpoints, text)
    for answer in answers:
        if isinstance(answer, StreamFailure):
            raise PanelError({None: failure_message(answer.kind)})
    with transaction.atomic():
        prompt = ComparisonPrompt.objects.create(
            panel_id=panel_id, text=text, written_by=rater, order=0
        )
        for endpoint, answer in zip(endpoints, answers, strict=True):
            names = identifying_names(endpoint.model, panel=rater.panel)
            shown = NameFilter(names).clean(answer)
            ComparisonAnswer.objects.create(prompt=prompt, model_id=endpoint.model_id, text=shown)
        return Comparison.objects.create(
            rater=rater, prompt=prompt, model_a_id=a, model_b_id=b, shown_at=timezone.now()
        )


def rater_conversations(rater) -> dict[str, list[TryMessage]]:
    """The rater's own chats by label, oldest first, answers blinded for showing again."""
    by_label: dict[str, list[TryMessage]] = {}
    filters: dict[int, NameFilter] = {}
    for m in TryMessage.objects.filter(rater=rater).select_related("model", "model__team"):
        if m.role == TryMessage.Role.ASSISTANT:
            if m.model_id not in filters:
                names = identifying_names(m.model, panel=rater.panel)
                filters[m.model_id] = NameFilter(names)
            m.text = filters[m.model_id].clean(m.text)
        by_label.setdefault(m.label, []).append(m)
    return by_label
