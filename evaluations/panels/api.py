"""GET /api/v1/phases/<slug>/panels/: each panel's published aggregates (as the public page).

Thin: the phase's visibility rule (`published.panels_visible`, 404 before the announcement
unless an evaluator), then `published.phase_panel_summaries` (the page's selector), serialised.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kai_site.api_errors import PUBLIC_ERRORS
from kai_site.api_support import ConditionalGetMixin
from leaderboard.models import Phase

from . import published


def _points_field(**kwargs):
    return serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True, **kwargs
    )


class PanelModelSerializer(serializers.Serializer):
    model = serializers.CharField(help_text="Model slug.")
    model_name = serializers.CharField()
    team = serializers.CharField(allow_null=True, help_text="Team slug; null for a baseline.")
    raters = serializers.IntegerField()
    mean_rating = serializers.FloatField(allow_null=True)
    mean_low = serializers.FloatField(allow_null=True, help_text="95% t interval, low end.")
    mean_high = serializers.FloatField(allow_null=True)
    points = _points_field(help_text="By the panel's conversion.")
    points_low = _points_field(help_text="95% interval of the points, low end.")
    points_high = _points_field()


class CriterionMeanSerializer(serializers.Serializer):
    model = serializers.CharField()
    mean = serializers.FloatField()
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    raters = serializers.IntegerField()


class PanelCriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    scale_min = serializers.IntegerField()
    scale_max = serializers.IntegerField()
    alpha = serializers.FloatField(
        allow_null=True, help_text="Krippendorff's alpha (interval); null when not defined."
    )
    raters = serializers.IntegerField()
    means = CriterionMeanSerializer(many=True)


class VoteRatingSerializer(serializers.Serializer):
    model = serializers.CharField()
    rating = serializers.FloatField(help_text="Bradley–Terry, Elo-like scale.")
    low = serializers.FloatField(help_text="95% percentile bootstrap interval, low end.")
    high = serializers.FloatField()
    votes = serializers.IntegerField()


class PanelVotesSerializer(serializers.Serializer):
    cast = serializers.IntegerField()
    counted = serializers.IntegerField()
    excluded = serializers.IntegerField()
    ratings = VoteRatingSerializer(many=True, allow_null=True)


class PanelSerializer(serializers.Serializer):
    code = serializers.CharField()
    is_demo = serializers.BooleanField(
        help_text="True for a synthetic demo panel (simulated raters; the panel's or its "
        "phase's DEMO mark): its figures are not real results."
    )
    name = serializers.CharField()
    rater_kind = serializers.ChoiceField(choices=["expert", "professional", "public"])
    component = serializers.CharField()
    max_points = _points_field()
    formula = serializers.CharField()
    published_rule = serializers.BooleanField()
    raters = serializers.IntegerField()
    ratings = serializers.IntegerField()
    models = PanelModelSerializer(many=True)
    criteria = PanelCriterionSerializer(many=True)
    votes = PanelVotesSerializer(allow_null=True, help_text="Public panels only.")
    dataset = serializers.CharField(help_text="Address of the anonymised ratings (CSV).")


class PhasePanelsSerializer(serializers.Serializer):
    phase = serializers.CharField()
    is_demo = serializers.BooleanField()
    panels = PanelSerializer(many=True)


def _f(value):
    return None if value is None else float(value)


def panel_record(summary: published.PanelSummary) -> dict:
    """One panel's aggregates as the API gives them (the same numbers as the page)."""
    panel, results = summary.panel, summary.results
    alphas = {a.criterion.pk: a for a in results.agreement}
    votes = None
    if summary.votes is not None:
        votes = {
            "cast": summary.votes_cast,
            "counted": summary.votes.counted,
            "excluded": len(summary.votes.excluded),
            "ratings": None
            if summary.votes.ratings is None
            else [
                {
                    "model": v.model.slug,
                    "rating": v.rating,
                    "low": v.low,
                    "high": v.high,
                    "votes": v.votes,
                }
                for v in summary.votes.ratings
            ],
        }
    return {
        "code": panel.code,
        "is_demo": panel.is_demo or panel.phase.is_demo,
        "name": panel.name,
        "rater_kind": panel.rater_kind,
        "component": panel.component.code,
        "max_points": panel.component.max_points,
        "formula": results.formula,
        "published_rule": results.published_rule,
        "raters": results.raters,
        "ratings": summary.ratings,
        "models": [
            {
                "model": row.model.slug,
                "model_name": row.model.name,
                "team": row.model.team.slug if row.model.team_id else None,
                "raters": row.raters,
                "mean_rating": _f(row.mean),
                "mean_low": _f(row.low),
                "mean_high": _f(row.high),
                "points": row.points,
                "points_low": row.points_low,
                "points_high": row.points_high,
            }
            for row in results.models
        ],
        "criteria": [
            {
                "code": c.code,
                "name": c.name,
                "scale_min": c.scale_min,
                "scale_max": c.scale_max,
                "alpha": alphas[c.pk].alpha if c.pk in alphas else None,
                "raters": alphas[c.pk].raters if c.pk in alphas else 0,
                "means": [
                    {
                        "model": m.model.slug,
                        "mean": m.mean,
                        "low": m.low,
                        "high": m.high,
                        "raters": m.raters,
                    }
                    for m in summary.means
                    if m.criterion.pk == c.pk
                ],
            }
            for c in summary.criteria
        ],
        "votes": votes,
        "dataset": reverse("panels:dataset", args=[panel.phase.slug, panel.code]),
    }


class PhasePanelsView(ConditionalGetMixin, APIView):
    """The published aggregates of a phase's rating panels."""

    @extend_schema(
        tags=["public"],
        summary="Rating panels of a phase",
        description="Each panel (experts, professional users, the public) of the phase: points "
        "per model by the panel's conversion with their 95% interval, mean ratings with Student's "
        "t intervals over raters (overall and per criterion), Krippendorff's alpha per criterion, "
        "the numbers of raters and ratings, and for a public panel the votes and the "
        "Bradley–Terry ratings with 95% bootstrap intervals. The same figures as the phase's "
        "panel page. Before the phase's announcement time only evaluators see it; everyone "
        "else gets 404.",
        parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: PhasePanelsSerializer, **PUBLIC_ERRORS},
    )
    def get(self, request, slug):
        phase = Phase.objects.filter(slug=slug).first()
        if phase is None or not published.panels_visible(phase=phase, user=request.user):
            raise Http404("No such phase")
        summaries = published.phase_panel_summaries(phase=phase)
        data = {
            "phase": phase.slug,
            "is_demo": phase.is_demo,
            "panels": [panel_record(s) for s in summaries],
        }
        return Response(PhasePanelsSerializer(data).data)
