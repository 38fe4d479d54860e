"""The public side-by-side mode: anonymous answers, names after the vote, Bradley–Terry ratings
with bootstrap intervals, and the limits against abuse."""

import math
import random
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from evaluations.panels import selectors, services, signups, votes
from evaluations.panels.models import Comparison, Rater
from evaluations.panels.statistics import PairVote, bradley_terry

from .conftest import make_panel, secret_strings

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_panel(evaluator, phase, public_component, team_models):
    panel = make_panel(evaluator, phase, public_component, kind="public", code="public")
    for i in range(3):
        votes.prompt_add(
            user=evaluator,
            panel=panel,
            text=f"Prompt {i}: 서울의 인구는?",
            answers={m.pk: f"answer {i} of a model" for m in team_models},
        )
    return panel


def _citizen(panel, name):
    signup = signups.signup_start(
        panel=panel,
        email=f"{name}@example.org",
        username=name,
        password="x" * 12,
        link_for=lambda t: t,
    )
    from django.core import mail

    token = mail.outbox[-1].body.split("\n\n")[1].strip()
    rater = signups.signup_verify(token=token)
    assert rater.user == signup.user
    return rater


def _vote(rater, prompt, vote="a", *, at):
    with time_machine.travel(at, tick=False):
        c = votes.comparison_draw(user=rater.user, panel_id=rater.panel_id, prompt_id=prompt.pk)
    with time_machine.travel(at + timedelta(seconds=30), tick=False):
        return votes.comparison_vote(user=rater.user, comparison_id=c.pk, vote=vote)


def test_names_are_hidden_until_the_vote_and_shown_after(public_panel):
    rater = _citizen(public_panel, "voter")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(rater.user)
    prompt = public_panel.prompts.first()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        page = client.get(reverse("panels:compare", args=[public_panel.pk]), {"prompt": prompt.pk})
        listing = client.get(reverse("panels:compare", args=[public_panel.pk]))
    for response in (page, listing):
        assert response.status_code == 200
        body = response.content.decode().lower()
        assert not any(s.lower() in body for s in secret_strings())
    comparison = Comparison.objects.get(rater=rater)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        revealed = client.post(
            reverse("panels:vote", args=[public_panel.pk, comparison.pk]), {"vote": "tie"}
        )
    assert revealed.status_code == 200
    body = revealed.content.decode()
    assert comparison.model_a.name in body and comparison.model_b.name in body


def test_a_rater_cannot_vote_twice_on_one_comparison(public_panel):
    rater = _citizen(public_panel, "twice")
    c = _vote(rater, public_panel.prompts.first(), at=timezone.now())
    with pytest.raises(services.PanelError, match="already voted"):
        votes.comparison_vote(user=rater.user, comparison_id=c.pk, vote="b")
    assert Comparison.objects.get(pk=c.pk).vote == "a"


def test_a_waiting_comparison_is_given_back_instead_of_a_new_draw(public_panel):
    rater = _citizen(public_panel, "fisher")
    prompts = list(public_panel.prompts.all())
    first = votes.comparison_draw(
        user=rater.user, panel_id=public_panel.pk, prompt_id=prompts[0].pk
    )
    again = votes.comparison_draw(
        user=rater.user, panel_id=public_panel.pk, prompt_id=prompts[1].pk
    )
    assert again.pk == first.pk


def test_nobody_votes_on_someone_elses_comparison(public_panel):
    one, two = _citizen(public_panel, "one"), _citizen(public_panel, "two")
    c = votes.comparison_draw(
        user=one.user, panel_id=public_panel.pk, prompt_id=public_panel.prompts.first().pk
    )
    with pytest.raises(services.NotFound):
        votes.comparison_vote(user=two.user, comparison_id=c.pk, vote="a")


def test_the_same_prompt_twice_is_kept_but_excluded_with_the_reason(public_panel):
    rater = _citizen(public_panel, "repeat")
    prompt = public_panel.prompts.first()
    now = timezone.now()
    first = _vote(rater, prompt, at=now)
    second = _vote(rater, prompt, at=now + timedelta(minutes=5))
    assert first.excluded_reason == ""
    assert second.excluded_reason == Comparison.Excluded.REPEATED_PROMPT
    results = selectors.vote_results(public_panel)
    assert results.counted == 1
    assert [c.pk for c in results.excluded] == [second.pk]


def test_a_vote_faster_than_reading_is_kept_but_excluded(public_panel):
    rater = _citizen(public_panel, "bot")
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        c = votes.comparison_draw(
            user=rater.user, panel_id=public_panel.pk, prompt_id=public_panel.prompts.first().pk
        )
        voted = votes.comparison_vote(user=rater.user, comparison_id=c.pk, vote="b")
    assert voted.vote == "b"
    assert voted.excluded_reason == Comparison.Excluded.TOO_FAST


@override_settings(PANEL_VOTES_PER_DAY=2)
def test_votes_per_account_per_day_are_limited(public_panel):
    rater = _citizen(public_panel, "eager")
    prompts = list(public_panel.prompts.all())
    # 01:00 tomorrow, Asia/Seoul: the panel is open and the next vote is on the same day
    day = timezone.localtime().replace(hour=1, minute=0) + timedelta(days=1)
    _vote(rater, prompts[0], at=day)
    _vote(rater, prompts[1], at=day + timedelta(minutes=1))
    with (
        time_machine.travel(day + timedelta(minutes=2), tick=False),
        pytest.raises(services.PanelError, match="today"),
    ):
        votes.comparison_draw(user=rater.user, panel_id=public_panel.pk, prompt_id=prompts[2].pk)
    _vote(rater, prompts[2], at=day + timedelta(days=1))
    assert Comparison.objects.filter(rater=rater).exclude(vote="").count() == 3


def test_a_second_account_with_the_same_verified_email_cannot_sit(public_panel):
    _citizen(public_panel, "unique")
    with pytest.raises(services.PanelError):
        signups.signup_start(
            panel=public_panel,
            email="unique@example.org",
            username="unique2",
            password="x" * 12,
            link_for=lambda t: t,
        )
    assert Rater.objects.filter(panel=public_panel).count() == 1


def test_only_public_panels_have_the_side_by_side_mode(evaluator, pro_panel):
    from .conftest import seat

    rater = seat(evaluator, pro_panel, "pro")
    client = Client()
    client.force_login(rater.user)
    assert client.get(reverse("panels:compare", args=[pro_panel.pk])).status_code == 404


def _simulate(strengths, n_votes, rng):
    votes = []
    for _ in range(n_votes):
        a, b = rng.sample(range(len(strengths)), 2)
        p = 1 / (1 + math.exp(strengths[b] - strengths[a]))
        r = rng.random()
        winner = "tie" if abs(r - p) < 0.05 else ("a" if r < p else "b")
        votes.append(PairVote(a, b, winner))
    return votes


def test_bradley_terry_recovers_a_known_order_from_simulated_votes():
    truth = [-1.0, -0.3, 0.4, 1.1]
    votes = _simulate(truth, 600, random.Random(7))
    fitted = bradley_terry(len(truth), votes, samples=200)
    ratings = [s.rating for s in fitted]
    assert sorted(range(4), key=ratings.__getitem__) == [0, 1, 2, 3]
    assert all(s.low < s.rating < s.high for s in fitted)


def test_bootstrap_intervals_cover_the_true_ratings_in_a_seeded_simulation():
    # 30 simulated panels of 300 votes over 3 models; each model's true rating on the same
    # centred Elo-like scale must fall inside its 95% interval in at least 85% of the 90 cases
    # (the percentile bootstrap is approximate; the seeds make the check repeatable).
    truth = [-0.6, 0.0, 0.6]
    scale = 400 / math.log(10)
    rng = random.Random(11)
    covered = cases = 0
    for t in range(30):
        fitted = bradley_terry(3, _simulate(truth, 300, rng), samples=120, seed=t)
        for k, strength in enumerate(fitted):
            true_rating = 1000 + scale * truth[k]
            covered += strength.low <= true_rating <= strength.high
            cases += 1
    assert covered / cases >= 0.85


def test_vote_results_rank_the_models_and_list_counts(public_panel, team_models):
    raters = [_citizen(public_panel, f"citizen{i}") for i in range(6)]
    now = timezone.now()
    for i, rater in enumerate(raters):
        for k, prompt in enumerate(public_panel.prompts.all()):
            with time_machine.travel(now + timedelta(minutes=10 * i + k), tick=False):
                c = votes.comparison_draw(
                    user=rater.user, panel_id=public_panel.pk, prompt_id=prompt.pk
                )
            stronger = min((c.model_a_id, c.model_b_id), key=[m.pk for m in team_models].index)
            vote = "a" if c.model_a_id == stronger else "b"
            with time_machine.travel(now + timedelta(minutes=10 * i + k, seconds=40), tick=False):
                votes.comparison_vote(user=rater.user, comparison_id=c.pk, vote=vote)
    results = selectors.vote_results(public_panel)
    assert results.counted == 18
    assert results.ratings[0].model == team_models[0]
    assert results.ratings[-1].model == team_models[2]


def test_a_prompt_that_is_not_one_of_the_panels_is_refused_with_a_message(public_panel):
    rater = _citizen(public_panel, "prober")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(rater.user)
    url = reverse("panels:compare", args=[public_panel.pk])
    for prompt in ("abc", "999999"):
        response = client.get(url, {"prompt": prompt})
        assert response.status_code == 200
        assert b"Choose one of the panel" in response.content
    assert not Comparison.objects.filter(rater=rater).exists()
