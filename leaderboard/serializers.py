"""Output (and query) serializers of the public API: what each JSON object holds."""

from __future__ import annotations

from rest_framework import serializers

from .models import (
    Assessment,
    Benchmark,
    ComponentPoints,
    FoundationModel,
    GateResult,
    Mode,
    Phase,
    Score,
    Team,
    TeamPartner,
)
from .run_card import public_run_card


class PhaseSerializer(serializers.ModelSerializer):
    is_published = serializers.SerializerMethodField(
        help_text="Whether the phase's results are public (its announcement time has come)."
    )

    class Meta:
        model = Phase
        fields = [
            "slug",
            "kind",
            "order",
            "status",
            "name_ko",
            "name_en",
            "period_ko",
            "period_en",
            "evaluation_starts",
            "evaluation_ends",
            "announcement_at",
            "is_published",
            "summary_ko",
            "summary_en",
            "source",
            "is_demo",
        ]

    def get_is_published(self, phase: Phase) -> bool:
        return phase.is_published()


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = TeamPartner
        fields = ["name_ko", "name_en", "role_ko", "role_en"]


class TeamSerializer(serializers.ModelSerializer):
    partners = PartnerSerializer(many=True, read_only=True)

    class Meta:
        model = Team
        fields = [
            "slug",
            "name_ko",
            "name_en",
            "lead_organization_ko",
            "lead_organization_en",
            "description_ko",
            "description_en",
            "partners",
            "source",
        ]


class FoundationModelSerializer(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    total_params_b = serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=False, allow_null=True, read_only=True
    )
    active_params_b = serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=False, allow_null=True, read_only=True
    )
    pretraining_tokens_t = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True, read_only=True
    )

    class Meta:
        model = FoundationModel
        fields = [
            "slug",
            "name",
            "kind",
            "team",
            "organization",
            "country",
            "total_params_b",
            "active_params_b",
            "architecture",
            "pretraining_tokens_t",
            "context_length",
            "licence",
            "release_date",
            "release_month_only",
            "trained_from_scratch",
            "base_model",
            "source",
            "note",
            "is_demo",
        ]


class BenchmarkSerializer(serializers.ModelSerializer):
    chance_level = serializers.DecimalField(
        max_digits=5, decimal_places=2, coerce_to_string=False, allow_null=True, read_only=True
    )

    class Meta:
        model = Benchmark
        fields = [
            "code",
            "name",
            "description_ko",
            "description_en",
            "language",
            "group",
            "metric",
            "pass_k",
            "extraction",
            "numbered_choices",
            "fraction_equals_decimal",
            "max_samples",
            "item_count",
            "chance_level",
            "higher_is_better",
            "version",
            "source",
            "is_demo",
        ]


def _number(**kwargs):
    return serializers.DecimalField(
        max_digits=8, decimal_places=3, coerce_to_string=False, read_only=True, **kwargs
    )


class ScoreSerializer(serializers.ModelSerializer):
    """A score with its provenance: who reported it, where, and the run it came from."""

    model = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    benchmark = serializers.SlugRelatedField(slug_field="code", read_only=True)
    phase = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    value = _number()
    interval_low = _number(allow_null=True)
    interval_high = _number(allow_null=True)
    display_value = serializers.CharField(
        read_only=True, help_text="The value with the precision its source supports."
    )
    run = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    is_official = serializers.SerializerMethodField(
        help_text="True when the score comes from the run marked official for its phase."
    )
    run_card = serializers.SerializerMethodField(
        help_text=(
            "How the organizer measured it, for a published score from an endpoint run: "
            "{measured_by, measured_on, template_version, temperature, text}; null otherwise."
        )
    )

    class Meta:
        model = Score
        fields = [
            "id",
            "model",
            "benchmark",
            "phase",
            "value",
            "display_value",
            "decimals",
            "interval_low",
            "interval_high",
            "item_count",
            "mode",
            "setup",
            "reporter",
            "reliability",
            "source_title",
            "source_url",
            "note",
            "run",
            "is_official",
            "run_card",
            "is_demo",
            "created_at",
        ]

    def get_is_official(self, score: Score) -> bool:
        return bool(score.run_id and score.run.is_official)

    def get_run_card(self, score: Score) -> dict | None:
        card = public_run_card(score)
        return card.as_dict() if card else None


class ComponentPointsSerializer(serializers.ModelSerializer):
    component = serializers.CharField(source="component.code", read_only=True)
    points = serializers.DecimalField(
        max_digits=6, decimal_places=2, coerce_to_string=False, read_only=True
    )
    max_points = serializers.DecimalField(
        max_digits=6, decimal_places=2, coerce_to_string=False, read_only=True
    )

    class Meta:
        model = ComponentPoints
        fields = ["component", "points", "max_points", "is_published_figure", "source"]


class GateResultSerializer(serializers.ModelSerializer):
    component = serializers.CharField(source="component.code", read_only=True)

    class Meta:
        model = GateResult
        fields = ["component", "passed", "evidence_ko", "evidence_en", "source"]


class DecisionSerializer(serializers.ModelSerializer):
    """An assessment as the public sees it: never the private feedback."""

    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    phase = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    model = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    published_total = serializers.DecimalField(
        max_digits=6, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True
    )
    points = ComponentPointsSerializer(many=True, read_only=True)
    gates = GateResultSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "team",
            "phase",
            "model",
            "outcome",
            "published_total",
            "points",
            "gates",
            "reasons_ko",
            "reasons_en",
            "source",
            "decided_at",
        ]


class LeaderboardQuerySerializer(serializers.Serializer):
    """The leaderboard's filters and sort, as in the phase page's query string."""

    language = serializers.ChoiceField(choices=Benchmark.Language.choices, required=False)
    group = serializers.ChoiceField(choices=Benchmark.Group.choices, required=False)
    mode = serializers.ChoiceField(choices=Mode.choices, required=False)
    baselines = serializers.BooleanField(
        required=False, default=True, help_text="Include the global baseline models."
    )
    sort = serializers.RegexField(
        r"^(total|benchmark_points|expert|user|avg|model|team|lang-[a-z]+|b-[-a-zA-Z0-9_]+)$",
        required=False,
        help_text="Column to sort by, as on the page: total, benchmark_points, expert, user, "
        "avg, model, team, lang-<language> or b-<benchmark code>. Default: total when points "
        "exist, else avg.",
    )
    order = serializers.ChoiceField(choices=[("asc", "asc"), ("desc", "desc")], required=False)


class RankSerializer(serializers.Serializer):
    best = serializers.IntegerField()
    worst = serializers.IntegerField()
    label = serializers.CharField(
        help_text="'3', '=3' for an exact tie, '2–4' when the intervals cannot separate the ranks."
    )


class LeaderboardCellSerializer(serializers.Serializer):
    benchmark = serializers.CharField(help_text="Benchmark code.")
    percent_of_reference = serializers.FloatField(
        allow_null=True, help_text="The score as a percentage of the global reference."
    )
    other_scores = serializers.IntegerField(
        help_text="How many other scores exist for this model and benchmark."
    )
    score = ScoreSerializer()


class LeaderboardRowSerializer(serializers.Serializer):
    rank = RankSerializer(allow_null=True, help_text="Team models only; null for baselines.")
    model = serializers.CharField(help_text="Model slug.")
    model_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=FoundationModel.Kind.choices)
    team = serializers.CharField(allow_null=True, help_text="Team slug; null for baselines.")
    total = serializers.DecimalField(
        max_digits=6, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    average_percent = serializers.FloatField(allow_null=True)
    cells = LeaderboardCellSerializer(many=True)


class LeaderboardSerializer(serializers.Serializer):
    phase = serializers.CharField(help_text="Phase slug.")
    is_demo = serializers.BooleanField(
        help_text="True for the synthetic demonstration phase: none of it is real."
    )
    filters = serializers.JSONField(help_text="The filters applied.")
    benchmarks = serializers.ListField(
        child=serializers.CharField(), help_text="Benchmark codes, in column order."
    )
    sort = serializers.CharField()
    order = serializers.CharField()
    rows = LeaderboardRowSerializer(many=True)


class EvaluatorAssessmentSerializer(DecisionSerializer):
    """An assessment as evaluators see it: with the private feedback and who decided."""

    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta(DecisionSerializer.Meta):
        fields = [*DecisionSerializer.Meta.fields, "private_feedback", "decided_by", "updated_at"]


class AssessmentChangeSerializer(serializers.Serializer):
    """The decision part of an assessment; fields left out keep their value."""

    outcome = serializers.ChoiceField(choices=Assessment.Outcome.choices, required=False)
    reasons_ko = serializers.CharField(required=False, allow_blank=True)
    reasons_en = serializers.CharField(required=False, allow_blank=True)
    private_feedback = serializers.CharField(required=False, allow_blank=True)
    correction_reason_ko = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Once the phase is published: the reason for the correction, in Korean.",
    )
    correction_reason_en = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Once the phase is published: the reason for the correction, in English.",
    )


class CorrectionReasonSerializer(serializers.Serializer):
    """The reason for changing a public result (needed once the phase is published)."""

    correction_reason_ko = serializers.CharField(required=False, allow_blank=True)
    correction_reason_en = serializers.CharField(required=False, allow_blank=True)


class PublishSerializer(serializers.Serializer):
    at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="The announcement time; left out or null: now.",
    )
