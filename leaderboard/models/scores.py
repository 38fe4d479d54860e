"""Benchmarks and the scores of models on them, with their public condition."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .base import is_evaluator, localized, reliability_check, reliability_field, team_ids_of
from .phases import Phase
from .teams import FoundationModel


class Benchmark(models.Model):
    class Language(models.TextChoices):
        KO = "ko", _("Korean")
        EN = "en", _("English")
        JA = "ja", _("Japanese")
        CODE = "code", _("Code")
        MATH = "math", _("Math")
        MULTI = "multi", _("Multilingual")
        INDEX = "index", _("Composite index")

    class Group(models.TextChoices):
        NIA = "nia", _("NIA benchmark")
        GLOBAL_COMMON = "global_common", _("Global common")
        GLOBAL_INDIVIDUAL = "global_individual", _("Global individual")
        UNCLASSIFIED = "unclassified", _("Group not published")

    class Metric(models.TextChoices):
        ACCURACY = "accuracy", _("Accuracy (multiple choice)")
        EXACT_MATCH = "exact_match", _("Exact match")
        PASS_AT_K = "pass_at_k", _("pass@k")
        REPORTED = "reported", _("As reported by the source")

    class Extraction(models.TextChoices):
        STRICT = "strict", _("Strict")
        FLEXIBLE = "flexible", _("Flexible")

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description_ko = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    language = models.CharField(max_length=10, choices=Language.choices)
    group = models.CharField(max_length=30, choices=Group.choices, default=Group.UNCLASSIFIED)
    metric = models.CharField(max_length=20, choices=Metric.choices, default=Metric.REPORTED)
    pass_k = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("k for pass@k"))
    extraction = models.CharField(
        max_length=10,
        choices=Extraction.choices,
        default=Extraction.STRICT,
        help_text=_(
            "How the answer is read from a prediction: strict (only the documented answer "
            "forms) or flexible (the final answer found in free text). The chosen mode gives "
            "the score; the other is shown beside it in the team's feedback."
        ),
    )
    numbered_choices = models.BooleanField(
        default=False,
        help_text=_(
            "The questions number their choices (① ② ③ … or 1 2 3 …): flexible extraction "
            "reads ② or 2번 as the second choice (B)."
        ),
    )
    fraction_equals_decimal = models.BooleanField(
        default=False,
        help_text=_("Exact match: a fraction equals its decimal value (1/2 = 2/4 = 0.5)."),
    )
    max_samples = models.PositiveIntegerField(
        default=10_000,
        help_text=_("pass@k: the most samples per problem (n) a predictions file may report."),
    )
    item_count = models.PositiveIntegerField(null=True, blank=True)
    chance_level = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text=_("percent")
    )
    higher_is_better = models.BooleanField(default=True)
    version = models.CharField(max_length=60, blank=True)
    source = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["language", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(chance_level__isnull=True)
                | (Q(chance_level__gte=0) & Q(chance_level__lte=100)),
                name="benchmark_chance_level_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=~Q(metric="pass_at_k") | Q(pass_k__gte=1),
                name="benchmark_pass_at_k_has_k",
            ),
            models.CheckConstraint(
                condition=Q(max_samples__gte=1)
                & (~Q(metric="pass_at_k") | Q(max_samples__gte=models.F("pass_k"))),
                name="benchmark_max_samples_allows_k",
            ),
            models.CheckConstraint(
                condition=Q(extraction__in=["strict", "flexible"]),
                name="benchmark_extraction_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("leaderboard:benchmark", args=[self.code])

    @property
    def description(self) -> str:
        return localized(self, "description")


class Mode(models.TextChoices):
    REASONING = "reasoning", _("Reasoning")
    NON_REASONING = "non_reasoning", _("Non-reasoning")


class ScoreMode(models.TextChoices):
    """A score's mode: a published figure may not say which mode it was measured in."""

    REASONING = Mode.REASONING.value, Mode.REASONING.label
    NON_REASONING = Mode.NON_REASONING.value, Mode.NON_REASONING.label
    UNSPECIFIED = "unspecified", _("Mode not stated by the source")


class Reporter(models.TextChoices):
    SELF = "self", _("Self-reported")
    OTHER_LAB = "other_lab", _("Reported by another lab")
    INDEPENDENT = "independent", _("Independent evaluation")
    THIRD_PARTY_SUMMARY = "third_party_summary", _("Third-party summary of a report")
    ORGANIZER = "organizer", _("Organizer run")


def public_score_condition(now=None) -> Q:
    """What makes a score public: a phase-less published figure, or a score of a published phase;
    a score that comes from an evaluation run only once an evaluator has marked the run official."""
    published = Phase.objects.published(now).values("pk")
    return (Q(phase__isnull=True) | Q(phase__in=published)) & (
        Q(run__isnull=True) | Q(run__is_official=True)
    )


class ScoreQuerySet(models.QuerySet):
    def visible_to(self, user, now=None):
        """Scores this user may see: the public ones, and every score of the user's own team."""
        if is_evaluator(user):
            return self
        visible = public_score_condition(now)
        team_ids = team_ids_of(user)
        if team_ids:
            visible |= Q(model__team_id__in=team_ids)
        return self.filter(visible)

    def for_phase(self, phase):
        return self.filter(Q(phase=phase) | Q(phase__isnull=True))

    def for_phase_tables(self, phase):
        """What a phase's tables choose from: its scores and the phase-less published figures;
        a synthetic phase only its own runs, a real phase never synthetic data."""
        scores = self.for_phase(phase)
        return scores.filter(phase=phase) if phase.is_demo else scores.filter(is_demo=False)


class Score(models.Model):
    """One reported or measured value of a model on a benchmark; none overwrites another."""

    model = models.ForeignKey(FoundationModel, on_delete=models.CASCADE, related_name="scores")
    benchmark = models.ForeignKey(Benchmark, on_delete=models.PROTECT, related_name="scores")
    phase = models.ForeignKey(
        Phase, null=True, blank=True, on_delete=models.PROTECT, related_name="scores"
    )
    value = models.DecimalField(max_digits=8, decimal_places=3)
    decimals = models.PositiveSmallIntegerField(
        default=1, help_text=_("Digits after the decimal point that the source supports.")
    )
    interval_low = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    interval_high = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    item_count = models.PositiveIntegerField(null=True, blank=True)
    mode = models.CharField(max_length=20, choices=ScoreMode.choices)
    setup = models.CharField(max_length=200, blank=True)
    reporter = models.CharField(max_length=30, choices=Reporter.choices)
    source_title = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    reliability = reliability_field()
    note = models.TextField(blank=True, help_text=_("In English."))
    note_ko = models.TextField(blank=True, help_text=_("The note in Korean."))
    import_key = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Stable key of an imported row, so that importing again changes nothing."),
    )
    run = models.OneToOneField(
        "evaluations.EvaluationRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="score",
        help_text=_("The evaluation run this score came from (organizer runs)."),
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["benchmark__name", "-value"]
        indexes = [models.Index(fields=["model", "benchmark"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(interval_low__isnull=True) & Q(interval_high__isnull=True))
                | (
                    Q(interval_low__isnull=False)
                    & Q(interval_high__isnull=False)
                    & Q(interval_low__lte=F("value"))
                    & Q(interval_high__gte=F("value"))
                ),
                name="score_interval_contains_value",
            ),
            models.CheckConstraint(
                condition=~Q(reporter="organizer") | Q(phase__isnull=False),
                name="score_organizer_runs_belong_to_a_phase",
            ),
            reliability_check("score_reliability_valid"),
            models.CheckConstraint(
                condition=~Q(reporter="organizer") | Q(reliability="official"),
                name="score_organizer_runs_are_official",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} · {self.benchmark}: {self.value}"

    @property
    def display_value(self) -> str:
        from ..numbers import score_text

        return score_text(self.value, self.decimals)

    @property
    def localized_note(self) -> str:
        if (get_language() or "ko").startswith("ko"):
            return self.note_ko or self.note
        return self.note or self.note_ko

    @property
    def has_interval(self) -> bool:
        return self.interval_low is not None and self.interval_high is not None
