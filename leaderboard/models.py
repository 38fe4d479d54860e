"""The competition: phases, scoring schemes, teams, models, benchmarks, scores and assessments."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

EVALUATORS_GROUP = "Evaluators"


def is_evaluator(user) -> bool:
    """True for superusers and members of the Evaluators group."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_kai_is_evaluator", None)
    if cached is None:
        cached = user.groups.filter(name=EVALUATORS_GROUP).exists()
        user._kai_is_evaluator = cached
    return cached


def team_ids_of(user) -> frozenset[int]:
    """The ids of the teams the user is a member of (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_kai_team_ids", None)
    if cached is None:
        cached = frozenset(
            TeamMembership.objects.filter(user=user).values_list("team_id", flat=True)
        )
        user._kai_team_ids = cached
    return cached


class Bilingual(models.Model):
    """Korean and English names; `name` follows the active language."""

    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return self.name_ko if (get_language() or "ko").startswith("ko") else self.name_en


def localized(obj, field: str) -> str:
    """The Korean or English variant of `field` on `obj`, falling back to the other one."""
    ko, en = getattr(obj, f"{field}_ko", ""), getattr(obj, f"{field}_en", "")
    if (get_language() or "ko").startswith("ko"):
        return ko or en
    return en or ko


class Reliability(models.TextChoices):
    """How a fact or figure is known: pages mark the last two and never rank on them."""

    OFFICIAL = "official", _("Official")
    SECONDARY = "secondary", _("Secondary report")
    UNCERTAIN = "uncertain", _("Uncertain: sources disagree")


def reliability_field(help_text=None):
    return models.CharField(
        _("reliability"),
        max_length=12,
        choices=Reliability.choices,
        default=Reliability.OFFICIAL,
        help_text=help_text
        or _(
            "Official: an official release or the primary source itself. Secondary: a report "
            "quoting figures or facts not in an official release. Uncertain: sources disagree."
        ),
    )


def reliability_check(name: str, field: str = "reliability") -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": Reliability.values}), name=name)


# ---------------------------------------------------------------- phases


class PhaseQuerySet(models.QuerySet):
    def published(self, now=None):
        """Phases whose announcement time has come: their results are public."""
        now = now or timezone.now()
        return self.filter(announcement_at__isnull=False, announcement_at__lte=now)


class Phase(Bilingual):
    class Kind(models.TextChoices):
        FIRST_STAGE = "first_stage", _("First stage")
        REVIVAL = "revival", _("Revival round")
        SECOND_STAGE = "second_stage", _("Second stage")
        FINAL = "final", _("Final")

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        EVALUATING = "evaluating", _("Evaluation under way")
        DECIDING = "deciding", _("Decisions being made")
        CONCLUDED = "concluded", _("Concluded")
        NOT_SCHEDULED = "not_scheduled", _("Not scheduled")
        NOT_PUBLISHED = "not_published", _("Status not published")

    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPCOMING)
    period_ko = models.CharField(_("period as published (Korean)"), max_length=200, blank=True)
    period_en = models.CharField(_("period as published (English)"), max_length=200, blank=True)
    evaluation_starts = models.DateField(null=True, blank=True)
    evaluation_ends = models.DateField(null=True, blank=True)
    submission_opens = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Team members may submit runs from this moment on. Empty: not open."),
    )
    submission_closes = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Team members may submit runs until this moment. Empty: not open."),
    )
    participants = models.ManyToManyField(
        "Team",
        through="PhaseParticipant",
        related_name="phases_entered",
        blank=True,
        help_text=_("The teams entered in this phase."),
    )
    announcement_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Results become public from this moment on. Empty: not yet scheduled."),
    )
    summary_ko = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    results_summary_ko = models.TextField(
        blank=True, help_text=_("What the results were; shown from the announcement time on.")
    )
    results_summary_en = models.TextField(
        blank=True, help_text=_("What the results were; shown from the announcement time on.")
    )
    source = models.TextField(
        blank=True, help_text=_("Where the facts about this phase come from.")
    )
    is_demo = models.BooleanField(
        default=False, help_text=_("A demonstration phase with synthetic data only.")
    )

    objects = PhaseQuerySet.as_manager()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(evaluation_starts__isnull=True)
                | Q(evaluation_ends__isnull=True)
                | Q(evaluation_ends__gte=F("evaluation_starts")),
                name="phase_window_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(submission_opens__isnull=True)
                | Q(submission_closes__isnull=True)
                | Q(submission_closes__gt=F("submission_opens")),
                name="phase_submission_closes_after_it_opens",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("leaderboard:phase", args=[self.slug])

    def is_published(self, now=None) -> bool:
        now = now or timezone.now()
        return self.announcement_at is not None and self.announcement_at <= now

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def results_summary(self) -> str:
        return localized(self, "results_summary")

    @property
    def period(self) -> str:
        return localized(self, "period")

    def status_on(self, now=None) -> str:
        """The status as it reads at `now`: a concluded phase is not concluded before its
        announcement (the data may be loaded ahead of a frozen or earlier clock)."""
        now = now or timezone.now()
        if self.status == self.Status.CONCLUDED and not self.is_published(now):
            starts = self.evaluation_starts
            if starts and starts <= timezone.localdate(now):
                return self.Status.EVALUATING
            return self.Status.UPCOMING
        return self.status

    def status_label_on(self, now=None) -> str:
        return str(self.Status(self.status_on(now)).label)


class ScoringComponent(Bilingual):
    """One part of a phase's scoring scheme; sub-components point at their parent."""

    class Kind(models.TextChoices):
        BENCHMARK = "benchmark", _("Computed from benchmarks")
        ENTERED = "entered", _("Entered by evaluators")
        GATE = "gate", _("Pass/fail gate")

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="components")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.SlugField(max_length=40)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    max_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    benchmark_group = models.CharField(
        max_length=30,
        blank=True,
        help_text=_("For benchmark sub-components: the benchmark group they are computed from."),
    )
    description_ko = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    source = models.TextField(
        blank=True, help_text=_("Where this part of the scheme is published.")
    )
    reliability = reliability_field()

    class Meta:
        ordering = ["phase__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "code"], name="component_code_unique_in_phase"
            ),
            models.CheckConstraint(
                condition=(Q(kind="gate") & Q(max_points__isnull=True))
                | (~Q(kind="gate") & Q(max_points__gt=0)),
                name="component_gate_has_no_points_others_positive",
            ),
            reliability_check("component_reliability_valid"),
        ]

    @property
    def description(self) -> str:
        return localized(self, "description")


# ---------------------------------------------------------------- teams and models


class Team(Bilingual):
    """A consortium: its lead organization and partners."""

    slug = models.SlugField(unique=True)
    lead_organization_ko = models.CharField(max_length=200)
    lead_organization_en = models.CharField(max_length=200)
    description_ko = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["name_en"]

    def get_absolute_url(self) -> str:
        return reverse("leaderboard:team", args=[self.slug])

    @property
    def lead_organization(self) -> str:
        return localized(self, "lead_organization")

    @property
    def description(self) -> str:
        return localized(self, "description")


class TeamPartner(Bilingual):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="partners")
    role_ko = models.CharField(max_length=200, blank=True)
    role_en = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    joined_on = models.DateField(
        null=True, blank=True, help_text=_("When the partner joined, if it joined later.")
    )
    source = models.TextField(blank=True)
    reliability = reliability_field()

    class Meta:
        ordering = ["team", "order"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name_en"], name="partner_unique_in_team"),
            reliability_check("partner_reliability_valid"),
        ]

    @property
    def role(self) -> str:
        return localized(self, "role")


class TeamMembership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Team lead")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class PhaseParticipant(models.Model):
    """A team entered in a phase (data from the program, editable by evaluators)."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="participations")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="participations")
    model = models.ForeignKey(
        "FoundationModel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        help_text=_("The model the team entered in this phase, where known."),
    )
    source = models.TextField(blank=True, help_text=_("Where the entry is published."))

    class Meta:
        ordering = ["phase__order", "team__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "team"], name="participant_once_per_phase"),
        ]

    def __str__(self) -> str:
        return f"{self.team} in {self.phase}"


class FoundationModelQuerySet(models.QuerySet):
    def team_models(self):
        return self.filter(kind=FoundationModel.Kind.TEAM)

    def baselines(self):
        return self.filter(kind=FoundationModel.Kind.BASELINE)


class FoundationModel(models.Model):
    class Kind(models.TextChoices):
        TEAM = "team", _("Team model")
        BASELINE = "baseline", _("Global baseline")

    class Architecture(models.TextChoices):
        DENSE = "dense", _("Dense")
        MOE = "moe", _("Mixture of experts")
        UNDISCLOSED = "undisclosed", _("Not disclosed")

    class Lineage(models.TextChoices):
        NOT_DECLARED = "not_declared", _("Not declared in our sources")
        FROM_SCRATCH = "from_scratch", _("Trained from scratch")
        REUSED_COMPONENTS = "reused_components", _("Trained with components of another model")
        UPCYCLED = "upcycled", _("Upcycled from an earlier model")
        BUILT_ON = "built_on", _("Built on another model’s weights")

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="models"
    )
    organization = models.CharField(
        max_length=200, blank=True, help_text=_("Empty when our sources do not name it.")
    )
    country = models.CharField(
        max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code; empty when not sourced")
    )
    total_params_b = models.DecimalField(
        _("total parameters (billions)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    active_params_b = models.DecimalField(
        _("active parameters (billions)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    architecture = models.CharField(
        max_length=20, choices=Architecture.choices, default=Architecture.UNDISCLOSED
    )
    pretraining_tokens_t = models.DecimalField(
        _("pretraining tokens (trillions)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    context_length = models.PositiveIntegerField(null=True, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    release_date = models.DateField(null=True, blank=True)
    release_month_only = models.BooleanField(
        default=False, help_text=_("The source gives only the month of release.")
    )
    trained_from_scratch = models.BooleanField(
        null=True, blank=True, help_text=_("As declared by the developer; empty if not declared.")
    )
    base_model = models.CharField(max_length=200, blank=True)
    source = models.TextField(blank=True)
    note = models.TextField(blank=True, help_text=_("In English."))
    note_ko = models.TextField(blank=True, help_text=_("The note in Korean."))
    reliability = reliability_field(
        _("How the size, architecture, token and context facts are known.")
    )
    release_reliability = reliability_field(_("How the release date is known."))
    licence_reliability = reliability_field(_("How the licence is known."))
    lineage = models.CharField(max_length=20, choices=Lineage.choices, default=Lineage.NOT_DECLARED)
    lineage_parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="descendants",
        help_text=_("The model it was upcycled from or reuses components of, when listed here."),
    )
    lineage_note_ko = models.TextField(blank=True)
    lineage_note_en = models.TextField(blank=True)
    lineage_source = models.TextField(blank=True)
    lineage_reliability = reliability_field(_("How the lineage is known."))
    listed = models.BooleanField(
        default=False,
        help_text=_("Public from the program data even without a published score."),
    )
    is_demo = models.BooleanField(default=False)

    objects = FoundationModelQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_params_b__isnull=True)
                | Q(total_params_b__isnull=True)
                | Q(active_params_b__lte=F("total_params_b")),
                name="model_active_params_not_above_total",
            ),
            models.CheckConstraint(
                condition=Q(total_params_b__isnull=True) | Q(total_params_b__gt=0),
                name="model_total_params_positive",
            ),
            models.CheckConstraint(
                condition=(Q(kind="team") & Q(team__isnull=False))
                | (Q(kind="baseline") & Q(team__isnull=True)),
                name="model_team_models_have_a_team_baselines_none",
            ),
            models.CheckConstraint(
                condition=Q(
                    lineage__in=[
                        "not_declared",
                        "from_scratch",
                        "reused_components",
                        "upcycled",
                        "built_on",
                    ]
                ),
                name="model_lineage_valid",
            ),
            models.CheckConstraint(
                condition=~Q(lineage__in=["upcycled", "built_on", "reused_components"])
                | Q(lineage_parent__isnull=False)
                | ~Q(base_model=""),
                name="model_derived_lineage_names_its_parent",
            ),
            models.CheckConstraint(
                condition=Q(lineage="not_declared") | ~Q(lineage_source=""),
                name="model_declared_lineage_has_a_source",
            ),
            reliability_check("model_reliability_valid"),
            reliability_check("model_release_reliability_valid", "release_reliability"),
            reliability_check("model_licence_reliability_valid", "licence_reliability"),
            reliability_check("model_lineage_reliability_valid", "lineage_reliability"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("leaderboard:model", args=[self.slug])

    @property
    def localized_note(self) -> str:
        if (get_language() or "ko").startswith("ko"):
            return self.note_ko or self.note
        return self.note or self.note_ko

    @property
    def lineage_note(self) -> str:
        return localized(self, "lineage_note")

    @property
    def is_baseline(self) -> bool:
        return self.kind == self.Kind.BASELINE


# ---------------------------------------------------------------- benchmarks and scores


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
        from .numbers import score_text

        return score_text(self.value, self.decimals)

    @property
    def localized_note(self) -> str:
        if (get_language() or "ko").startswith("ko"):
            return self.note_ko or self.note
        return self.note or self.note_ko

    @property
    def has_interval(self) -> bool:
        return self.interval_low is not None and self.interval_high is not None


# ---------------------------------------------------------------- assessments


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user, now=None):
        """Assessments of published phases; unpublished ones only to evaluators and the team."""
        if is_evaluator(user):
            return self
        visible = Q(phase__in=Phase.objects.published(now).values("pk"))
        team_ids = team_ids_of(user)
        if team_ids:
            visible |= Q(team_id__in=team_ids)
        return self.filter(visible)


class Assessment(models.Model):
    """The decision on one team in one phase: points, gates, outcome and reasons."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        ADVANCED = "advanced", _("Advanced")
        ELIMINATED = "eliminated", _("Eliminated")
        NOT_SELECTED = "not_selected", _("Applied, not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="assessments")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="assessments")
    model = models.ForeignKey(
        FoundationModel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text=_("The model the team entered in this phase."),
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    published_total = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The total as published, where it was (see its reliability)."),
    )
    total_reliability = reliability_field(_("How the published total is known."))
    reasons_ko = models.TextField(_("public reasons (Korean)"), blank=True)
    reasons_en = models.TextField(_("public reasons (English)"), blank=True)
    private_feedback = models.TextField(
        blank=True, help_text=_("Seen only by the team and the evaluators.")
    )
    source = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["phase__order", "team__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["team", "phase"], name="assessment_one_per_team_phase"),
            models.CheckConstraint(
                condition=~Q(outcome__in=["eliminated", "not_selected"])
                | (~Q(reasons_ko="") & ~Q(reasons_en="")),
                name="assessment_elimination_has_reasons_in_both_languages",
            ),
            reliability_check("assessment_total_reliability_valid", "total_reliability"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.phase}: {self.outcome}"

    @property
    def reasons(self) -> str:
        return localized(self, "reasons")


class ComponentPoints(models.Model):
    """Points of one assessment in one scoring component (published or entered)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="points")
    component = models.ForeignKey(ScoringComponent, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=6, decimal_places=2)
    max_points = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        editable=False,
        help_text=_("The component's maximum, copied so that the database can check the points."),
    )
    is_published_figure = models.BooleanField(
        default=False, help_text=_("A published figure rather than our own entry.")
    )
    source = models.TextField(blank=True)
    reliability = reliability_field()

    class Meta:
        ordering = ["component__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "component"], name="points_one_per_component"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=F("max_points")),
                name="points_within_component_maximum",
            ),
            reliability_check("points_reliability_valid"),
            models.CheckConstraint(
                condition=Q(is_published_figure=True) | Q(reliability="official"),
                name="points_entered_by_evaluators_are_official",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component_id}: {self.points}/{self.max_points}"

    def save(self, *args, **kwargs):
        if self.component_id and self.component.max_points is not None:
            self.max_points = self.component.max_points
        super().save(*args, **kwargs)

    def clean(self):
        if self.component_id and self.component.max_points is None:
            raise ValidationError({"component": _("A pass/fail gate has no points.")})


class GateResult(models.Model):
    """The result of a pass/fail gate (independence) for one assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="gates")
    component = models.ForeignKey(ScoringComponent, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(null=True, help_text=_("Empty: not yet decided."))
    evidence_ko = models.TextField(blank=True)
    evidence_en = models.TextField(blank=True)
    source = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "component"], name="gate_one_per_component"
            ),
            models.CheckConstraint(
                condition=~Q(passed=False) | (~Q(evidence_ko="") | ~Q(evidence_en="")),
                name="gate_failure_has_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component_id}: {self.passed}"

    @property
    def evidence(self) -> str:
        return localized(self, "evidence")


class PhaseFigure(models.Model):
    """A figure published for a phase as a whole: a component's average, the gap between the
    first and the last team, or the leader with its points (where per-team points are not)."""

    class Kind(models.TextChoices):
        AVERAGE = "average", _("Average")
        GAP = "gap", _("Gap between first and last")
        LEADER = "leader", _("Highest")

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="figures")
    code = models.SlugField(max_length=60, help_text=_("A key unique in the phase."))
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.AVERAGE)
    component = models.ForeignKey(
        ScoringComponent,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="figures",
        help_text=_("Empty: the total."),
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The leading team (leader figures only)."),
    )
    label_ko = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=6, decimal_places=2)
    decimals = models.PositiveSmallIntegerField(
        default=1, help_text=_("Digits after the decimal point as published.")
    )
    published_on = models.DateField(null=True, blank=True)
    source = models.TextField()
    reliability = reliability_field()

    class Meta:
        ordering = ["phase__order", "component__order", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "code"], name="figure_one_per_code"),
            models.CheckConstraint(
                condition=(Q(kind="leader") & Q(team__isnull=False))
                | (~Q(kind="leader") & Q(team__isnull=True)),
                name="figure_leaders_name_a_team_others_none",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="figure_value_not_negative"),
            models.CheckConstraint(condition=~Q(source=""), name="figure_has_a_source"),
            reliability_check("figure_reliability_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.label_en}: {self.value}"

    @property
    def label(self) -> str:
        return localized(self, "label")

    @property
    def display_value(self) -> str:
        from .numbers import score_text

        return score_text(self.value, self.decimals)


class ConversionRule(models.Model):
    """A published rule that turns a raw value into a component's points:
    points = raw value × the component's maximum ÷ the raw maximum."""

    component = models.OneToOneField(
        ScoringComponent, on_delete=models.CASCADE, related_name="conversion"
    )
    raw_name_ko = models.CharField(max_length=200)
    raw_name_en = models.CharField(max_length=200)
    raw_max = models.DecimalField(
        max_digits=8, decimal_places=3, help_text=_("The raw value that gives full points.")
    )
    benchmark = models.ForeignKey(
        "Benchmark",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where raw values are published as scores (e.g. an index)."),
    )
    published_on = models.DateField(null=True, blank=True)
    source = models.TextField()
    reliability = reliability_field()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(raw_max__gt=0), name="conversion_raw_max_positive"),
            models.CheckConstraint(condition=~Q(source=""), name="conversion_has_a_source"),
            reliability_check("conversion_reliability_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.component_id}: × {self.component.max_points}/{self.raw_max}"

    @property
    def raw_name(self) -> str:
        return localized(self, "raw_name")

    def points_for(self, raw):
        from .conversion import converted_points

        return converted_points(raw, self.component.max_points, self.raw_max)


def known_by(today):
    """Dated facts known on `today`: a month-only date counts once its month is over."""
    month_only_cutoff = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return Q(month_only=False, on__lte=today) | Q(month_only=True, on__lte=month_only_cutoff)


class DatedFact(models.Model):
    """A dated, sourced fact written in Korean and English."""

    code = models.SlugField(max_length=60)
    on = models.DateField(_("date"))
    month_only = models.BooleanField(default=False, help_text=_("The source gives only the month."))
    text_ko = models.TextField()
    text_en = models.TextField()
    source = models.TextField()
    reliability = reliability_field()

    class Meta:
        abstract = True

    @property
    def text(self) -> str:
        return localized(self, "text")


class PhaseEventQuerySet(models.QuerySet):
    def known_on(self, now=None):
        return self.filter(known_by(timezone.localdate(now or timezone.now())))


class PhaseEvent(DatedFact):
    """Something that happened in a phase, or a statement about it (e.g. about its schedule)."""

    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("Milestone")
        STATEMENT = "statement", _("Statement")

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MILESTONE)

    objects = PhaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["phase__order", "on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "code"], name="event_code_unique_in_phase"),
            models.CheckConstraint(
                condition=~Q(text_ko="") & ~Q(text_en="") & ~Q(source=""),
                name="event_has_texts_and_a_source",
            ),
            reliability_check("event_reliability_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.text_en[:60]}"


class IndependenceRecordQuerySet(models.QuerySet):
    def visible_to(self, user, now=None):
        """Known by now; an outcome of a phase only from its announcement (evaluators: always)."""
        records = self.filter(known_by(timezone.localdate(now or timezone.now())))
        if is_evaluator(user):
            return records
        return records.filter(
            Q(phase__isnull=True) | Q(phase__in=Phase.objects.published(now).values("pk"))
        )


class IndependenceRecord(DatedFact):
    """One dated, sourced step in the public record of a team model's independence:
    a claim, a response, a public verification, a declaration or an outcome."""

    class Kind(models.TextChoices):
        CLAIM = "claim", _("Claim")
        RESPONSE = "response", _("Response")
        VERIFICATION = "verification", _("Public verification")
        DECLARATION = "declaration", _("Developer’s declaration")
        OUTCOME = "outcome", _("Outcome")

    model = models.ForeignKey(
        FoundationModel, on_delete=models.CASCADE, related_name="independence_records"
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    phase = models.ForeignKey(
        Phase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For an outcome: the phase that decided it (public from its announcement)."),
    )

    objects = IndependenceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["model__name", "on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="independence_code_unique"),
            models.CheckConstraint(
                condition=~Q(text_ko="") & ~Q(text_en="") & ~Q(source=""),
                name="independence_has_texts_and_a_source",
            ),
            models.CheckConstraint(
                condition=~Q(kind="outcome") | Q(phase__isnull=False),
                name="independence_outcome_names_its_phase",
            ),
            reliability_check("independence_reliability_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.model_id} {self.on} {self.kind}"


# ---------------------------------------------------------------- corrections


class CorrectionQuerySet(models.QuerySet):
    def visible_to(self, user=None, now=None):
        """Corrections of published things: a phase's from its announcement (which they follow)."""
        published = Phase.objects.published(now).values("pk")
        return self.filter(Q(phase__isnull=True) | Q(phase__in=published))


class Correction(models.Model):
    """A change to something already public, with its reason in Korean and English.

    The earlier value is kept here (as people read it, and as the snapshot the audit entry
    holds), so the affected page, the feeds and the transparency page can show what changed,
    when and why. One record serves every kind: a decision, points, a gate or a score.
    """

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        POINTS = "points", _("Points")
        GATE = "gate", _("Gate")
        SCORE = "score", _("Score")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    phase = models.ForeignKey(
        Phase, null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    model = models.ForeignKey(
        "FoundationModel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    earlier_ko = models.TextField(help_text=_("The earlier value, as shown to readers (Korean)."))
    earlier_en = models.TextField(help_text=_("The earlier value, as shown to readers (English)."))
    change_ko = models.TextField(help_text=_("What changed, earlier and now (Korean)."))
    change_en = models.TextField(help_text=_("What changed, earlier and now (English)."))
    reason_ko = models.TextField(_("reason (Korean)"))
    reason_en = models.TextField(_("reason (English)"))
    before = models.JSONField(help_text=_("The snapshot before the correction."))
    after = models.JSONField(help_text=_("The snapshot after the correction."))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)
    audit_seq = models.BigIntegerField(help_text=_("The audit entry that records it."))

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-corrected_at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason_ko="") & ~Q(reason_en=""),
                name="correction_has_reasons_in_both_languages",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} corrected {self.corrected_at:%Y-%m-%d}"

    @property
    def reason(self) -> str:
        return localized(self, "reason")

    @property
    def earlier(self) -> str:
        return localized(self, "earlier")

    @property
    def change(self) -> str:
        return localized(self, "change")


# ---------------------------------------------------------------- audit log


class AuditEntryImmutable(Exception):
    """Audit entries are append-only: they can be neither changed nor deleted."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEntryImmutable("Audit entries cannot be changed.")

    def delete(self):
        raise AuditEntryImmutable("Audit entries cannot be deleted.")

    def about_published(self, now=None):
        """Entries the public may read: about published things, as the public sees them.

        An entry of a phase appears from the phase's announcement time on (never for the
        synthetic demo phase); an entry about a score only while the score itself is public (so
        a team's run that is not official stays off the record's public face), and one about a
        model only once the model is public.
        """
        from django.db.models import CharField
        from django.db.models.functions import Cast

        published = Phase.objects.published(now).filter(is_demo=False).values("pk")
        public_scores = Score.objects.filter(public_score_condition(now))
        public_models = FoundationModel.objects.filter(
            models.Exists(public_scores.filter(model=models.OuterRef("pk")))
            | models.Exists(
                Assessment.objects.filter(phase__in=published, model=models.OuterRef("pk"))
            )
        )

        def ids(queryset):
            return queryset.annotate(text_id=Cast("pk", CharField())).values("text_id")

        return (
            self.filter(Q(phase_id__isnull=True) | Q(phase_id__in=published))
            .exclude(action__in=AuditEntry.PRIVATE_ACTIONS)
            .exclude(object_type__in=AuditEntry.PRIVATE_OBJECTS)
            .exclude(Q(object_type="leaderboard.score") & ~Q(object_id__in=ids(public_scores)))
            .exclude(
                Q(object_type="leaderboard.foundationmodel") & ~Q(object_id__in=ids(public_models))
            )
        )


class AuditEntry(models.Model):
    """One append-only, hash-chained record of a decision, publication or score change."""

    PRIVATE_ACTIONS = ("run.cancel", "run.rerun")
    # Who belongs to which team is an account matter, never part of the public record.
    PRIVATE_OBJECTS = ("leaderboard.teammembership", "auth.user")

    seq = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(editable=False)
    actor_id = models.IntegerField(null=True, blank=True, editable=False)
    actor_label = models.CharField(max_length=150, blank=True, editable=False)
    action = models.CharField(max_length=40, editable=False)
    object_type = models.CharField(max_length=60, editable=False)
    object_id = models.CharField(max_length=64, editable=False)
    object_label = models.CharField(max_length=300, blank=True, editable=False)
    phase_id = models.IntegerField(
        null=True, blank=True, editable=False, help_text=_("The phase the object belongs to.")
    )
    before = models.TextField(editable=False, help_text=_("Canonical JSON, or empty."))
    after = models.TextField(editable=False, help_text=_("Canonical JSON, or empty."))
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEntryImmutable("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryImmutable("Audit entries cannot be deleted.")
