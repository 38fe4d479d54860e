"""Side-by-side votes of the public panel: fixed answers to a prompt, a vote, then the names."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from leaderboard.audit import chain as audit

from .models import Comparison, ComparisonAnswer, ComparisonPrompt, Panel, Rater
from .services import NotFound, PanelError, rater_for, require_evaluator, require_open


def votes_per_day() -> int:
    """Votes one account may cast per day (Asia/Seoul) on public panels."""
    return getattr(settings, "PANEL_VOTES_PER_DAY", 50)


def vote_min_seconds() -> int:
    """A vote sooner than this after the answers were shown is kept but excluded (automated)."""
    return getattr(settings, "PANEL_VOTE_MIN_SECONDS", 3)


def _votes_today(rater: Rater, now) -> int:
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return Comparison.objects.filter(
        rater__user=rater.user, voted_at__gte=start, voted_at__lt=start + timedelta(days=1)
    ).count()


def require_public_rater(user, panel_id, now) -> Rater:
    """The user's rater on an open public panel with votes left today (the side-by-side's and
    the live side-by-side's one gate). NotFound: not a rater of a public panel; PanelError:
    closed, or the day's votes used up."""
    rater = rater_for(user=user, panel_id=panel_id)
    if rater.panel.rater_kind != Panel.RaterKind.PUBLIC:
        raise NotFound()
    require_open(rater, now)
    if _votes_today(rater, now) >= votes_per_day():
        raise PanelError(
            {
                None: _("You have cast today's %(n)s votes; come back tomorrow.")
                % {"n": votes_per_day()}
            }
        )
    return rater


@transaction.atomic
def comparison_draw(*, user, panel_id, prompt_id, now=None) -> Comparison:
    """Two different models' answers to the chosen prompt, in random order, names hidden.

    A rater with a comparison still waiting for a vote gets it back instead of a new draw,
    so nobody can redraw until a model they recognise comes up."""
    now = now or timezone.now()
    rater = require_public_rater(user, panel_id, now)
    waiting = Comparison.objects.filter(rater=rater, vote="").first()
    if waiting is not None:
        return waiting
    try:
        prompt_id = int(prompt_id)
    except (TypeError, ValueError):
        prompt_id = None
    prompt = ComparisonPrompt.objects.filter(panel_id=panel_id, pk=prompt_id).first()
    if prompt is None:
        raise PanelError({"prompt": _("Choose one of the panel's prompts.")})
    models = list(ComparisonAnswer.objects.filter(prompt=prompt).values_list("model_id", flat=True))
    if len(models) < 2:
        raise PanelError({"prompt": _("This prompt has fewer than two answers.")})
    a, b = secrets.SystemRandom().sample(models, 2)
    return Comparison.objects.create(
        rater=rater, prompt=prompt, model_a_id=a, model_b_id=b, shown_at=now
    )


@transaction.atomic
def comparison_vote(*, user, comparison_id, vote: str, now=None) -> Comparison:
    """Record the vote once; suspicious votes are kept and marked excluded with the reason."""
    now = now or timezone.now()
    comparison = (
        Comparison.objects.select_related("rater", "rater__panel", "prompt")
        .filter(pk=comparison_id, rater__user=user)
        .first()
    )
    if comparison is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    if comparison.vote:
        raise PanelError({None: _("You have already voted on this comparison.")})
    if vote not in Comparison.Vote.values:
        raise PanelError({"vote": _("Choose A, B, a tie or both bad.")})
    rater = require_public_rater(user, comparison.rater.panel_id, now)
    reason = ""
    if (
        Comparison.objects.filter(rater=rater)
        .filter(Q(prompt_id=comparison.prompt_id) | Q(prompt__text__iexact=comparison.prompt.text))
        .exclude(vote="")
        .exclude(pk=comparison.pk)
        .exists()
    ):
        reason = Comparison.Excluded.REPEATED_PROMPT
    elif now - comparison.shown_at < timedelta(seconds=vote_min_seconds()):
        reason = Comparison.Excluded.TOO_FAST
    updated = Comparison.objects.filter(pk=comparison.pk, vote="").update(
        vote=vote, voted_at=now, excluded_reason=reason
    )
    if updated != 1:
        raise PanelError({None: _("You have already voted on this comparison.")})
    comparison.refresh_from_db()
    audit.audit_record(
        user,
        "panel.vote",
        comparison,
        None,
        {"vote": vote, "excluded": reason, "a": comparison.model_a_id, "b": comparison.model_b_id},
        phase_id=rater.panel.phase_id,
    )
    return comparison


@transaction.atomic
def prompt_add(*, user, panel: Panel, text: str, answers: dict[int, str]) -> ComparisonPrompt:
    """A prompt with each model's fixed answer, entered by an evaluator (no endpoint is asked)."""
    require_evaluator(user)
    allowed = set(panel.rated_models.values_list("pk", flat=True))
    answers = {k: v.strip() for k, v in answers.items() if v and v.strip()}
    if not text.strip():
        raise PanelError({"text": _("Write the prompt.")})
    if len(answers) < 2 or not set(answers) <= allowed:
        raise PanelError({"answers": _("Enter the answers of at least two of the panel's models.")})
    prompt = ComparisonPrompt.objects.create(
        panel=panel, text=text.strip(), order=panel.prompts.count()
    )
    ComparisonAnswer.objects.bulk_create(
        ComparisonAnswer(prompt=prompt, model_id=k, text=v) for k, v in answers.items()
    )
    audit.audit_record(
        user,
        "panel.prompt.add",
        prompt,
        None,
        {"panel": panel.pk, "models": sorted(answers)},
        phase_id=panel.phase_id,
    )
    return prompt
