"""factory_boy factories for the domain models."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from leaderboard import models as lb


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = lb.Phase

    slug = factory.Sequence(lambda n: f"phase-{n}")
    kind = lb.Phase.Kind.FINAL
    order = factory.Sequence(lambda n: 100 + n)
    name_ko = factory.Sequence(lambda n: f"단계 {n}")
    name_en = factory.Sequence(lambda n: f"Phase {n}")
    status = lb.Phase.Status.EVALUATING
    announcement_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = lb.ScoringComponent

    phase = factory.SubFactory(PhaseFactory)
    code = factory.Sequence(lambda n: f"component-{n}")
    name_ko = "구성 요소"
    name_en = "Component"
    kind = lb.ScoringComponent.Kind.ENTERED
    max_points = Decimal("35")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = lb.Team

    slug = factory.Sequence(lambda n: f"team-{n}")
    name_ko = factory.Sequence(lambda n: f"팀 {n}")
    name_en = factory.Sequence(lambda n: f"Team {n}")
    lead_organization_ko = factory.SelfAttribute("name_ko")
    lead_organization_en = factory.SelfAttribute("name_en")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = lb.TeamMembership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)


class ModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = lb.FoundationModel

    slug = factory.Sequence(lambda n: f"model-{n}")
    name = factory.Sequence(lambda n: f"Model {n}")
    kind = lb.FoundationModel.Kind.TEAM
    team = factory.SubFactory(TeamFactory)
    organization = "Example Lab"
    country = "KR"
    total_params_b = Decimal("100")
    active_params_b = Decimal("10")
    architecture = lb.FoundationModel.Architecture.MOE


class BaselineFactory(ModelFactory):
    kind = lb.FoundationModel.Kind.BASELINE
    team = None
    country = "US"


class BenchmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = lb.Benchmark

    code = factory.Sequence(lambda n: f"bench-{n}")
    name = factory.Sequence(lambda n: f"Bench {n}")
    language = lb.Benchmark.Language.KO
    group = lb.Benchmark.Group.GLOBAL_COMMON
    metric = lb.Benchmark.Metric.ACCURACY
    item_count = 500


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = lb.Score

    model = factory.SubFactory(ModelFactory)
    benchmark = factory.SubFactory(BenchmarkFactory)
    value = Decimal("70.0")
    mode = lb.Mode.REASONING
    reporter = lb.Reporter.SELF
    source_title = "Example report"


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = lb.Assessment

    team = factory.SubFactory(TeamFactory)
    phase = factory.SubFactory(PhaseFactory)
    outcome = lb.Assessment.Outcome.PENDING
