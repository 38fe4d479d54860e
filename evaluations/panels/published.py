"""What a phase's panels publish: aggregates for the public page, the API and the dataset.

Visible under the phase's rule (`leaderboard.selectors.phase_can_be_seen_in_full`: from the
announcement time on, evaluators always); never a single rater, name, e-mail or comment. The
numbers are `selectors.panel_results` and `selectors.vote_results` (the evaluators' page's),
plus per criterion and model the mean rating with Student's t interval over raters and the
ratings themselves for the distribution chart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from leaderboard.models import Phase
from leaderboard.selectors import phase_can_be_seen_in_full

from . import statistics
from .models import Comparison, Criterion, Panel, Rating
from .selectors import PanelResults, VoteResults, panel_results, vote_results


def panels_visible(*, phase: Phase, user, now=None) -> bool:
    """Whether the user may see the phase's panel results: the phase's own rule, not a new one."""
    return phase_can_be_seen_in_full(phase=phase, user=user, now=now)


@dataclass(frozen=True)
class CriterionMean:
    """One model's mean rating on one criterion, with its t interval over raters (None: fewer
    than two raters); bounds kept inside the scale."""

    model: object
    criterion: Criterion
    mean: float
    low: float | None
    high: float | None
    raters: int


@dataclass
class PanelSummary:
    panel: Panel
    results: PanelResults
    criteria: list[Criterion]
    means: list[CriterionMean] = field(default_factory=list)
    # (model, criterion, [ratings]) in the panel's model and criterion order
    distribution: list[tuple[object, Criterion, list[int]]] = field(default_factory=list)
    ratings: int = 0
    votes: VoteResults | None = None
    votes_cast: int = 0

    @property
    def is_public_panel(self) -> bool:
        return self.panel.rater_kind == Panel.RaterKind.PUBLIC


def _clip(value: float | None, low: int, high: int) -> float | None:
    return None if value is None else min(max(value, float(low)), float(high))


def panel_summary(panel: Panel) -> PanelSummary:
    """The published aggregates of one panel (no visibility check: callers check first)."""
    criteria = list(panel.criteria.order_by("order", "code"))
    models = list(panel.rated_models.select_related("team").order_by("pk"))
    summary = PanelSummary(panel=panel, results=panel_results(panel), criteria=criteria)
    values: dict[tuple[int, int], list[int]] = defaultdict(list)
    for model_id, criterion_id, value in (
        Rating.objects.filter(rater__panel=panel)
        .order_by("rater_id")
        .values_list("model_id", "criterion_id", "value")
    ):
        values[(model_id, criterion_id)].append(value)
        summary.ratings += 1
    for model in models:
        for criterion in criteria:
            ratings = values.get((model.pk, criterion.pk), [])
            summary.distribution.append((model, criterion, ratings))
            est = statistics.mean_interval(ratings)  # one rating per rater and criterion
            if est is None:
                continue
            summary.means.append(
                CriterionMean(
                    model,
                    criterion,
                    est.mean,
                    _clip(est.low, criterion.scale_min, criterion.scale_max),
                    _clip(est.high, criterion.scale_min, criterion.scale_max),
                    est.n,
                )
            )
    if summary.is_public_panel:
        summary.votes = vote_results(panel)
        summary.votes_cast = Comparison.objects.filter(rater__panel=panel).exclude(vote="").count()
    return summary


def phase_panel_summaries(*, phase: Phase) -> list[PanelSummary]:
    """Every panel of the phase, in order, with its published aggregates (callers check
    `panels_visible` first and answer 404 when it is False)."""
    panels = Panel.objects.filter(phase=phase).select_related("phase", "component", "conversion")
    return [panel_summary(p) for p in panels]
