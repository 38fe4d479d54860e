import pytest
from django.core.cache import cache

from leaderboard.services import evaluator_group_ensure, program_load
from tests.factories import MembershipFactory, TeamFactory, UserFactory

pytest_plugins = ["tests.workers"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def program(db):
    """The real program data, as `make run` loads it."""
    program_load()


@pytest.fixture
def evaluator(db):
    user = UserFactory(username="evaluator", is_staff=True)
    user.groups.add(evaluator_group_ensure())
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def team_a(db):
    return TeamFactory(slug="team-a", name_en="Team A", name_ko="가팀")


@pytest.fixture
def team_b(db):
    return TeamFactory(slug="team-b", name_en="Team B", name_ko="나팀")


@pytest.fixture
def member_a(team_a):
    return MembershipFactory(team=team_a, user=UserFactory(username="member-a")).user


@pytest.fixture
def member_b(team_b):
    return MembershipFactory(team=team_b, user=UserFactory(username="member-b")).user


@pytest.fixture
def client():
    """A test client that reads the site in English unless a test asks for Korean."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")
