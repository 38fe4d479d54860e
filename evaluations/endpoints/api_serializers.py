"""Input and output serializers of the endpoint-run API (/api/v1/endpoint-runs/).

Output is built from what the selectors return (the same ones the pages use); the fields only
evaluators read are null for a team. Never the API key, a hidden prompt or a stored answer.
"""

from __future__ import annotations

from rest_framework import serializers

from evaluations.serializers import RunCategorySerializer, RunResultSerializer

from .models import EndpointRun


class ProgressSerializer(serializers.Serializer):
    """What the run has done so far, from its stored responses."""

    items = serializers.IntegerField(help_text="Hidden items of the benchmark to ask.")
    done = serializers.IntegerField(help_text="Items with a stored response.")
    fraction = serializers.FloatField(help_text="done / items, 0 to 1.")
    in_flight = serializers.IntegerField(
        allow_null=True,
        help_text="Requests in flight to the endpoint now, across every worker (evaluators; "
        "null for a team, or when the shared counter cannot be read).",
    )
    retries = serializers.DictField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text='Retried attempts by kind, e.g. {"rate_limited": 3} (evaluators; null for '
        "a team).",
    )
    errors = serializers.DictField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="Items that ended in an error, by kind, and the run's stop reason (evaluators; "
        "null for a team).",
    )
    latency_p50_ms = serializers.FloatField(
        allow_null=True, help_text="Median latency of a response, milliseconds."
    )
    latency_p95_ms = serializers.FloatField(
        allow_null=True, help_text="95th percentile latency, milliseconds."
    )
    per_second = serializers.FloatField(
        allow_null=True, help_text="Throughput: items answered per second since the start."
    )
    seconds = serializers.FloatField(
        allow_null=True, help_text="Seconds from the start to the last stored response or end."
    )
    tokens_in = serializers.IntegerField(help_text="Prompt tokens, as the endpoint counted.")
    tokens_out = serializers.IntegerField(help_text="Completion tokens, as the endpoint counted.")
    tokens_out_per_item = serializers.FloatField(allow_null=True)


class CostSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=20,
        decimal_places=6,
        help_text="tokens_in × price_in / 1e6 + tokens_out × price_out / 1e6, rounded to 1e-6.",
    )
    currency = serializers.CharField(help_text="ISO 4217 code, e.g. USD.")
    price_in_per_million = serializers.DecimalField(max_digits=12, decimal_places=4)
    price_out_per_million = serializers.DecimalField(max_digits=12, decimal_places=4)


class RunCardSerializer(serializers.Serializer):
    """The endpoint's settings as the run started with them, never the key (evaluators)."""

    endpoint = serializers.IntegerField(help_text="The endpoint's id.")
    base_url = serializers.CharField()
    served_model = serializers.CharField()
    temperature = serializers.FloatField(allow_null=True)
    max_tokens = serializers.IntegerField(allow_null=True)
    reasoning = serializers.BooleanField(allow_null=True, help_text="null: not sent.")
    system_prompt = serializers.BooleanField(help_text="Whether a system prompt is set.")
    max_in_flight = serializers.IntegerField()
    requests_per_minute = serializers.IntegerField(allow_null=True)
    timeout = serializers.FloatField(help_text="Seconds per attempt.")
    template_version = serializers.IntegerField()
    template_language = serializers.CharField()
    seed = serializers.IntegerField()
    batch_size = serializers.IntegerField()


class EndpointRunSerializer(serializers.Serializer):
    """One endpoint run, from ``payload()`` in the API module."""

    id = serializers.UUIDField()
    model = serializers.CharField(help_text="Model slug.")
    phase = serializers.CharField(help_text="Phase slug.")
    benchmark = serializers.CharField(help_text="Benchmark code.")
    team = serializers.CharField(allow_null=True, help_text="Team slug.")
    mode = serializers.CharField()
    status = serializers.ChoiceField(choices=EndpointRun.Status.choices)
    is_final = serializers.BooleanField()
    template_version = serializers.IntegerField()
    reason_code = serializers.CharField(
        allow_null=True, help_text="Why the run paused or failed, as a code (evaluators)."
    )
    reason = serializers.CharField(allow_null=True, help_text="The same for a person.")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = ProgressSerializer()
    estimated_cost = CostSerializer(
        allow_null=True,
        help_text="By the endpoint's prices (evaluators); null when no price is set (the page "
        "shows “—, no price set”) and always for a team.",
    )
    card = RunCardSerializer(allow_null=True, help_text="The run card (evaluators).")
    scored_run = serializers.UUIDField(
        allow_null=True,
        help_text="The ordinary run the stored answers were scored as (GET /api/v1/runs/{id}/).",
    )
    is_official = serializers.BooleanField()
    result = RunResultSerializer(
        allow_null=True,
        help_text="Score, 95% interval and the extraction feedback once scored. On a hidden "
        "benchmark the feedback never shows an answer as written.",
    )
    categories = RunCategorySerializer(many=True, help_text="Per-category results.")


class EndpointRunListSerializer(serializers.ModelSerializer):
    """A run in a list: what it is and where it stands."""

    model = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    phase = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    benchmark = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = EndpointRun
        fields = [
            "id",
            "model",
            "phase",
            "benchmark",
            "status",
            "item_count",
            "created_at",
            "finished_at",
        ]


class EndpointRunStartSerializer(serializers.Serializer):
    model = serializers.SlugField(help_text="Slug of the model to evaluate.")
    phase = serializers.SlugField(help_text="Slug of the phase.")
    benchmark = serializers.SlugField(help_text="Code of a benchmark with hidden prompts.")
    endpoint = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Id of one of the model's approved endpoints (default: its newest approved).",
    )
