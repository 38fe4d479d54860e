"""Input and output serializers of the evaluation-run API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from leaderboard.models import Assessment, Mode

from .models import EvaluationRun, RunCategoryResult, RunResult


class ExtractionFigureSerializer(serializers.Serializer):
    extraction = serializers.ChoiceField(choices=["strict", "flexible"])
    value = serializers.FloatField(help_text="Score in percent under this extraction mode.")
    interval_low = serializers.FloatField()
    interval_high = serializers.FloatField()
    correct = serializers.IntegerField()
    invalid = serializers.IntegerField()


class ReasonExampleSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line of the predictions file.")
    prediction = serializers.CharField(
        allow_null=True, help_text="The prediction as written, shortened (null if it was null)."
    )
    extracted = serializers.CharField(help_text="What was read from it (never the key).")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=["no_answer", "two_answers", "not_a_choice", "wrong"],
        help_text="no_answer, two_answers and not_a_choice are invalid items; wrong is a "
        "valid answer that is not the key's.",
    )
    count = serializers.IntegerField()
    examples = ReasonExampleSerializer(many=True, help_text="Up to 20, in line order.")


class IgnoredFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()


class RunReadingSerializer(serializers.Serializer):
    reasons = ReasonSerializer(many=True, required=False)
    ignored_fields = IgnoredFieldSerializer(
        many=True, required=False, help_text="JSONL fields that were ignored, with counts."
    )
    ignored_field_lines = serializers.IntegerField(
        required=False, help_text="Lines that had fields other than id and prediction."
    )


class RunResultSerializer(serializers.ModelSerializer):
    figures = ExtractionFigureSerializer(
        many=True,
        read_only=True,
        help_text="The score under strict and under flexible extraction; the benchmark's "
        "extraction mode gives value.",
    )
    feedback = RunReadingSerializer(
        source="shown_feedback",
        read_only=True,
        help_text="Why items did not count, with examples; ignored fields.",
    )

    class Meta:
        model = RunResult
        fields = [
            "value",
            "interval_low",
            "interval_high",
            "method",
            "item_count",
            "answered",
            "missing",
            "invalid",
            "micro",
            "macro",
            "extraction",
            "figures",
            "feedback",
            "created_at",
        ]


class RunSerializer(serializers.ModelSerializer):
    """A run with its status and progress; the result once it has succeeded."""

    model = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    phase = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    benchmark = serializers.SlugRelatedField(slug_field="code", read_only=True)
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    is_final = serializers.BooleanField(read_only=True)
    result = serializers.SerializerMethodField()
    error_message = serializers.CharField(source="error_message_display", read_only=True)

    class Meta:
        model = EvaluationRun
        fields = [
            "id",
            "model",
            "phase",
            "benchmark",
            "team",
            "mode",
            "status",
            "progress",
            "is_final",
            "is_official",
            "submitted_as",
            "is_demo",
            "error_code",
            "error_message",
            "original_filename",
            "file_size",
            "file_format",
            "created_at",
            "started_at",
            "finished_at",
            "result",
        ]

    @extend_schema_field(RunResultSerializer(allow_null=True))
    def get_result(self, run: EvaluationRun):
        if run.status != EvaluationRun.Status.SUCCEEDED:
            return None
        result = getattr(run, "result", None)
        return RunResultSerializer(result).data if result is not None else None


class RunSubmitSerializer(serializers.Serializer):
    model = serializers.SlugField(help_text="Slug of one of your team's models.")
    phase = serializers.SlugField(help_text="Slug of the phase.")
    benchmark = serializers.SlugField(help_text="Code of a benchmark with an answer key.")
    mode = serializers.ChoiceField(choices=Mode.choices, default=Mode.REASONING)
    file = serializers.FileField(
        help_text='Predictions: JSONL, one {"id": …, "prediction": …} a line, or CSV with a '
        "header row (id,prediction). UTF-8."
    )


class RunCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = RunCategoryResult
        fields = ["category", "items", "value", "interval_low", "interval_high"]


class TeamAssessmentSerializer(serializers.ModelSerializer):
    """The team's own assessment in the run's phase, with the private feedback."""

    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    phase = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "team", "phase", "outcome", "reasons_ko", "reasons_en", "private_feedback"]


class RunFeedbackSerializer(serializers.Serializer):
    run = RunSerializer()
    log = serializers.CharField(help_text="The scoring log (private to the team and evaluators).")
    categories = RunCategorySerializer(many=True)
    assessment = TeamAssessmentSerializer(allow_null=True)
