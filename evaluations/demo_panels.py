"""Synthetic panels for the demo phase: simulated raters of known bias and noise (seeded).

Three panels in the demo phase only, each marked ``is_demo`` and named “[DEMO] …”: experts
(10 raters, three criteria, closed), professional users (12 raters, two criteria, closed) and
the public (30 raters, one criterion, 150 side-by-side votes on fixed synthetic prompts, open
so that a visitor can sign up and vote). A simulated rater's rating of a model is

    round(clip(quality + bias + N(0, noise²), 1, 5)),  quality = 1 + 4 × the demo skill

with ``bias`` drawn per rater from N(0, 0.3²) except one expert with a known bias of +1.5 (the
“far” rater the results flag); ``noise`` 0.5 for experts, 0.7 for professional users and 0.9
for the public. A vote prefers A with probability 1 / (1 + exp(−8 (skill_A − skill_B))), a
tie one time in ten; three votes are cast too fast and two repeat a prompt, so the excluded
list shows both reasons. Everything comes from ``random.Random(SEED)``: loading twice adds
nothing (panels are looked up by code).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from leaderboard.models import ConversionRule, FoundationModel, Phase, ScoringComponent

from .panels.models import (
    Comparison,
    ComparisonAnswer,
    ComparisonPrompt,
    Criterion,
    Panel,
    Rater,
    RaterLabel,
    Rating,
)
from .panels.services import LABELS

SEED = 20260117
# Shown as it is on the demo phase's page (sources are not translated there): both languages.
DEMO_SOURCE = "[데모] load_demo의 모의 평가자, 실제 평가단 아님 · [DEMO] simulated raters (load_demo), not a real panel"
FAR_RATER_BIAS = 1.5


@dataclass(frozen=True)
class _Spec:
    code: str
    kind: str
    max_points: int
    raters: int
    noise: float
    criteria: tuple[tuple[str, str, str], ...]
    name_ko: str
    name_en: str
    open_now: bool = False


SPECS = (
    _Spec(
        "demo-expert", Panel.RaterKind.EXPERT, 35, 10, 0.5,
        (("strategy", "전략성", "Strategy"), ("technology", "기술력", "Technology"),
         ("impact", "파급력", "Impact")),
        "[데모] 전문가 평가단 (합성)", "[DEMO] Expert panel (synthetic)",
    ),
    _Spec(
        "demo-professional", Panel.RaterKind.PROFESSIONAL, 15, 12, 0.7,
        (("usefulness", "유용성", "Usefulness"), ("fluency", "유창성", "Fluency")),
        "[데모] 전문 사용자 평가단 (합성)", "[DEMO] Professional user panel (synthetic)",
    ),
    _Spec(
        "demo-public", Panel.RaterKind.PUBLIC, 10, 30, 0.9,
        (("overall", "전반적 만족도", "Overall satisfaction"),),
        "[데모] 국민 평가단 (합성)", "[DEMO] Public panel (synthetic)", open_now=True,
    ),
)  # fmt: skip
PROMPTS = (
    "[데모] 서울에서 부산까지 기차로 가는 방법을 알려 주세요.",
    "[데모] 김치찌개를 맛있게 끓이는 법은?",
    "[데모] 초등학생에게 광합성을 설명해 주세요.",
    "[데모] 이메일로 회의 일정을 정중하게 미루는 글을 써 주세요.",
    "[데모] 한국 전통 혼례의 순서를 요약해 주세요.",
)
VOTES = 150


@dataclass
class DemoPanelReport:
    panels: int = 0
    existing: int = 0
    raters: int = 0
    ratings: int = 0
    votes: int = 0
    codes: list[str] = field(default_factory=list)


def _component(phase: Phase, spec: _Spec, order: int) -> ScoringComponent:
    component, _ = ScoringComponent.objects.get_or_create(
        phase=phase,
        code=spec.code,
        defaults={
            "kind": ScoringComponent.Kind.ENTERED,
            "max_points": Decimal(spec.max_points),
            "name_ko": spec.name_ko,
            "name_en": spec.name_en,
            "order": 90 + order,
            "source": DEMO_SOURCE,
        },
    )
    ConversionRule.objects.get_or_create(
        component=component,
        defaults={
            "raw_name_ko": "[데모] 평균 평점(1~5)",
            "raw_name_en": "[DEMO] mean rating (1–5)",
            "raw_max": Decimal(5),
            "source": DEMO_SOURCE,
        },
    )
    return component


def _rater(panel: Panel, spec: _Spec, n: int, models, rng: random.Random) -> Rater:
    User = get_user_model()
    username = f"{spec.code}-rater-{n:02d}"
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@demo.invalid", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    public = spec.kind == Panel.RaterKind.PUBLIC
    rater = Rater.objects.create(
        panel=panel, user=user, verified_email=user.email if public else ""
    )
    order = list(models)
    rng.shuffle(order)
    RaterLabel.objects.bulk_create(
        RaterLabel(rater=rater, model=m, label=LABELS[i], position=i) for i, m in enumerate(order)
    )
    return rater


def _ratings(panel, spec, raters, models, skills, rng) -> int:
    criteria = list(panel.criteria.all())
    rows = []
    for n, rater in enumerate(raters):
        far = spec.kind == Panel.RaterKind.EXPERT and n == 0
        bias = FAR_RATER_BIAS if far else rng.gauss(0, 0.3)
        for model in models:
            quality = 1 + 4 * skills[model.slug]
            for criterion in criteria:
                value = quality + bias + rng.gauss(0, spec.noise)
                rows.append(
                    Rating(
                        rater=rater,
                        model=model,
                        criterion=criterion,
                        value=int(min(5, max(1, round(value)))),
                        updated_at=panel.opens_at + timedelta(hours=1 + n),
                    )
                )
    Rating.objects.bulk_create(rows)
    return len(rows)


def _votes(panel, raters, models, skills, rng) -> int:
    prompts = []
    for i, text in enumerate(PROMPTS):
        prompt = ComparisonPrompt.objects.create(panel=panel, text=text, order=i)
        ComparisonAnswer.objects.bulk_create(
            ComparisonAnswer(
                prompt=prompt, model=m, text=f"[데모] 합성 답변 {i + 1}-{j + 1}: 실제 모델의 답이 아닙니다."
            )
            for j, m in enumerate(models)
        )  # fmt: skip
        prompts.append(prompt)
    start = panel.opens_at + timedelta(hours=2)
    rows = []
    for n in range(VOTES):
        rater = raters[n % len(raters)]
        a, b = rng.sample(models, 2)
        p_a = 1 / (1 + math.exp(-8 * (skills[a.slug] - skills[b.slug])))
        vote = "tie" if rng.random() < 0.1 else ("a" if rng.random() < p_a else "b")
        # each rater goes through the prompts in turn, so none repeats here
        prompt = prompts[(n // len(raters)) % len(prompts)]
        shown = start + timedelta(minutes=7 * n)
        seconds = 1 if n in (7, 41, 99) else 35  # three too fast
        reason = ""
        if seconds < 3:
            reason = Comparison.Excluded.TOO_FAST
        rows.append(
            Comparison(
                rater=rater, prompt=prompt, model_a=a, model_b=b, shown_at=shown, vote=vote,
                voted_at=shown + timedelta(seconds=seconds), excluded_reason=reason,
            )
        )  # fmt: skip
    for n in (3, 17):  # two raters ask a prompt they have voted on again
        rater = raters[n]
        a, b = rng.sample(models, 2)
        shown = start + timedelta(minutes=7 * VOTES + n)
        rows.append(
            Comparison(
                rater=rater, prompt=prompts[0], model_a=a, model_b=b, shown_at=shown, vote="a",
                voted_at=shown + timedelta(seconds=40),
                excluded_reason=Comparison.Excluded.REPEATED_PROMPT,
            )
        )  # fmt: skip
    Comparison.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def demo_panels_load(phase: Phase, skills: dict[str, float]) -> DemoPanelReport:
    """The three synthetic panels of the demo ``phase`` (``phase.is_demo`` must be set);
    ``skills``: model slug → synthetic skill 0..1. Panels that exist are left as they are."""
    if not phase.is_demo:
        raise ValueError("demo panels belong to the demo phase only")
    report = DemoPanelReport()
    models = list(FoundationModel.objects.filter(slug__in=skills).order_by("slug"))
    if len(models) < 2:
        return report
    now = timezone.now()
    for order, spec in enumerate(SPECS):
        report.codes.append(spec.code)
        if Panel.objects.filter(phase=phase, code=spec.code).exists():
            report.existing += 1
            continue
        rng = random.Random(f"{SEED}:{spec.code}")
        component = _component(phase, spec, order)
        opens = now - timedelta(days=20)
        panel = Panel.objects.create(
            phase=phase, component=component, code=spec.code, name_ko=spec.name_ko,
            name_en=spec.name_en, rater_kind=spec.kind, blind=True, opens_at=opens,
            closes_at=now + timedelta(days=30) if spec.open_now else now - timedelta(days=1),
            conversion=component.conversion, is_demo=True,
        )  # fmt: skip
        for i, (code, ko, en) in enumerate(spec.criteria):
            Criterion.objects.create(
                panel=panel, code=code, name_ko=ko, name_en=en, order=i,
                description_ko="[데모] 합성 기준", description_en="[DEMO] synthetic criterion",
            )  # fmt: skip
        panel.rated_models.set(models)
        raters = [_rater(panel, spec, n + 1, models, rng) for n in range(spec.raters)]
        report.panels += 1
        report.raters += len(raters)
        report.ratings += _ratings(panel, spec, raters, models, skills, rng)
        if spec.kind == Panel.RaterKind.PUBLIC:
            report.votes += _votes(panel, raters, models, skills, rng)
    return report
