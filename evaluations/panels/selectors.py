"""Panel reads: a rater's blind view, and the results evaluators see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from leaderboard.conversion import converted_points, formula_text

from . import statistics
from .fits import bradley_terry_cached
from .models import Comparison, Criterion, Panel, Rater, RaterLabel, Rating

# ---------------------------------------------------------------- the rater's view (blind)


def rater_page(rater: Rater) -> dict:
    """What a rater sees: labels in their order, the criteria, and their own ratings only.

    Nothing here names a model or a team: models are keyed by the rater's labels."""
    labels = list(RaterLabel.objects.filter(rater=rater).order_by("position"))
    by_model = {lab.model_id: lab.label for lab in labels}
    criteria = list(Criterion.objects.filter(panel=rater.panel).order_by("order", "code"))
    own = {
        (by_model[r.model_id], r.criterion_id): r
        for r in Rating.objects.filter(rater=rater)
        if r.model_id in by_model
    }
    rows = []
    for lab in labels:
        cells = []
        for c in criteria:
            r = own.get((lab.label, c.pk))
            cells.append(
                {
                    "criterion": c,
                    "value": r.value if r else None,
                    "comment": r.comment if r else "",
                }
            )
        rows.append({"label": lab.label, "cells": cells})
    return {
        "panel": rater.panel,
        "criteria": criteria,
        "rows": rows,
        "comment_consent": rater.comment_consent,
    }


def rater_json(rater: Rater) -> dict:
    """The rater's page as JSON: labels, criteria and their own ratings; no model id or name."""
    page = rater_page(rater)
    return {
        "panel": {
            "name": page["panel"].name,
            "opens_at": page["panel"].opens_at.isoformat(),
            "closes_at": page["panel"].closes_at.isoformat(),
        },
        "criteria": [
            {
                "code": c.code,
                "name": c.name,
                "description": c.description,
                "scale": [c.scale_min, c.scale_max],
            }
            for c in page["criteria"]
        ],
        "models": [
            {
                "label": row["label"],
                "ratings": {
                    cell["criterion"].code: {"value": cell["value"], "comment": cell["comment"]}
                    for cell in row["cells"]
                    if cell["value"] is not None
                },
            }
            for row in page["rows"]
        ],
    }


# ---------------------------------------------------------------- results (evaluators)

# A rater whose ratings sit on average more than this share of the scale's range away from the
# other raters' mean is flagged for the evaluators (1 point on a 1–5 scale).
FAR_RATER_SHARE = 0.25


@dataclass
class ModelResult:
    model: object
    raters: int
    mean: float | None
    low: float | None
    high: float | None
    points: Decimal | None
    points_low: Decimal | None
    points_high: Decimal | None


@dataclass
class CriterionAgreement:
    criterion: Criterion
    alpha: float | None
    raters: int


@dataclass
class PanelResults:
    panel: Panel
    raw_max: Decimal
    published_rule: bool
    formula: str
    models: list[ModelResult] = field(default_factory=list)
    agreement: list[CriterionAgreement] = field(default_factory=list)
    raters: int = 0
    far_raters: list[tuple[int, float]] = field(default_factory=list)
    far_threshold: float = 0.0


def panel_raw_max(panel: Panel) -> tuple[Decimal, bool]:
    """The raw value that gives full points: the published rule's, else the top of the scale."""
    if panel.conversion_id is not None:
        return panel.conversion.raw_max, True
    top = panel.criteria.order_by("-scale_max").values_list("scale_max", flat=True).first()
    return Decimal(top or 5), False


def _points(value: float | None, max_points: Decimal, raw_max: Decimal) -> Decimal | None:
    if value is None:
        return None
    return converted_points(Decimal(str(max(0.0, value))), max_points, raw_max).quantize(
        Decimal("0.01")
    )


def panel_results(panel: Panel) -> PanelResults:
    """Per model the mean rating with its t interval and the points by the panel's conversion;
    per criterion Krippendorff's alpha (see statistics.py for the methods and their sources)."""
    raw_max, published = panel_raw_max(panel)
    max_points = panel.component.max_points
    criteria = list(panel.criteria.order_by("order", "code"))
    models = list(panel.rated_models.order_by("pk"))
    ratings = list(
        Rating.objects.filter(rater__panel=panel).values_list(
            "rater_id", "model_id", "criterion_id", "value"
        )
    )
    per_rater_model: dict[tuple[int, int], list[int]] = defaultdict(list)
    per_criterion: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for rater_id, model_id, criterion_id, value in ratings:
        per_rater_model[(rater_id, model_id)].append(value)
        per_criterion[criterion_id][rater_id][model_id] = value
    results = PanelResults(
        panel=panel,
        raw_max=raw_max,
        published_rule=published,
        formula=formula_text(
            panel.conversion.raw_name if published else "mean rating", max_points, raw_max
        ),
        raters=len({r for r, *_ in ratings}),
    )
    top = float(criteria[0].scale_max) if criteria else None
    for model in models:
        rater_means = [
            sum(values) / len(values)
            for (rater_id, model_id), values in sorted(per_rater_model.items())
            if model_id == model.pk
        ]
        est = statistics.mean_interval(rater_means)
        if est is None:
            results.models.append(ModelResult(model, 0, None, None, None, None, None, None))
            continue
        high = min(est.high, top) if est.high is not None and top else est.high
        results.models.append(
            ModelResult(
                model,
                est.n,
                est.mean,
                est.low,
                high,
                _points(est.mean, max_points, raw_max),
                _points(est.low, max_points, raw_max),
                _points(high, max_points, raw_max),
            )
        )
    # raters far from the rest are shown to the evaluators, never dropped from the mean
    rater_model_means: dict[int, dict[int, float]] = defaultdict(dict)
    for (rater_id, model_id), values in per_rater_model.items():
        rater_model_means[rater_id][model_id] = sum(values) / len(values)
    if criteria:
        results.far_threshold = FAR_RATER_SHARE * (criteria[0].scale_max - criteria[0].scale_min)
    results.far_raters = sorted(
        (rater_id, distance)
        for rater_id, distance in statistics.rater_distances(rater_model_means).items()
        if distance > results.far_threshold
    )
    for c in criteria:
        by_rater = per_criterion.get(c.pk, {})
        rows = [[by_rater[r].get(m.pk) for m in models] for r in sorted(by_rater)]
        results.agreement.append(CriterionAgreement(c, statistics.agreement_alpha(rows), len(rows)))
    return results


@dataclass
class VoteRating:
    model: object
    rating: float
    low: float
    high: float
    votes: int


@dataclass
class VoteResults:
    counted: int
    excluded: list[Comparison]
    ratings: list[VoteRating] | None


def vote_results(panel: Panel) -> VoteResults:
    """Bradley–Terry ratings from the counted votes; excluded votes listed with their reason."""
    voted = list(
        Comparison.objects.filter(rater__panel=panel)
        .exclude(vote="")
        .select_related("prompt")
        .order_by("pk")
    )
    counted = [c for c in voted if not c.excluded_reason]
    excluded = [c for c in voted if c.excluded_reason]
    models = list(panel.rated_models.order_by("pk"))
    index = {m.pk: i for i, m in enumerate(models)}
    pair_votes = []
    seen = defaultdict(int)
    for c in counted:
        winner = {"a": "a", "b": "b"}.get(c.vote, "tie")
        pair_votes.append(statistics.PairVote(index[c.model_a_id], index[c.model_b_id], winner))
        seen[c.model_a_id] += 1
        seen[c.model_b_id] += 1
    fitted = bradley_terry_cached(len(models), pair_votes)  # the same votes: the same fit
    ratings = None
    if fitted is not None:
        ratings = sorted(
            (
                VoteRating(m, s.rating, s.low, s.high, seen[m.pk])
                for m, s in zip(models, fitted, strict=True)
            ),
            key=lambda r: -r.rating,
        )
    return VoteResults(len(counted), excluded, ratings)
