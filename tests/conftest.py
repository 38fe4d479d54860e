import pytest
from django.core.cache import cache

from leaderboard.services import evaluator_group_ensure, program_load
from tests.factories import MembershipFactory, TeamFactory, UserFactory

pytest_plugins = ["tests.workers"]


@pytest.fixture(autouse=True)
def _empty_cache():
    from leaderboard.cache import local_tier_clear

    cache.clear()
    local_tier_clear()
    yield
    cache.clear()
    local_tier_clear()


@pytest.fixture(autouse=True)
def _cache_bumps_at_commit(monkeypatch):
    """Cache bumps run when the code's own transaction commits, as they do in production.

    A test runs inside the test case's transaction, which never commits, so Django drops every
    on_commit callback. For the cache bumps only (other callbacks, such as queueing a run, keep
    Django's test behaviour), this runs the bump at once when no transaction of the code is open
    (autocommit) and otherwise when the code's outermost atomic block exits without an error.
    """
    from django.db import connection
    from django.db.transaction import Atomic

    from leaderboard import cache as lb_cache

    pending: list = []

    def only_test_blocks_open() -> bool:
        return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)

    def on_commit(func, using=None, robust=False):
        if not connection.in_atomic_block or only_test_blocks_open():
            func()
        else:
            pending.append(func)

    real_exit = Atomic.__exit__

    def exit_and_run(self, exc_type, exc_value, traceback):
        result = real_exit(self, exc_type, exc_value, traceback)
        if pending and only_test_blocks_open():
            due = pending[:]
            pending.clear()
            if exc_type is None:
                for func in due:
                    func()
        return result

    class _Transaction:
        def __getattr__(self, name):
            from django.db import transaction

            return getattr(transaction, name)

        @staticmethod
        def on_commit(func, using=None, robust=False):
            on_commit(func, using, robust)

    monkeypatch.setattr(lb_cache, "transaction", _Transaction())
    monkeypatch.setattr(Atomic, "__exit__", exit_and_run)


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
    """A test client that reads the site in English unless a test asks for Korean: English
    Accept-Language (the API) and, while the test runs, reverse() giving the /en/ pages."""
    from django.test import Client
    from django.utils import translation

    with translation.override("en"):
        yield Client(HTTP_ACCEPT_LANGUAGE="en")
