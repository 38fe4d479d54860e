"""Blind rating: labels only, own ratings only, changeable until the close, every change audited."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from evaluations.panels import services
from evaluations.panels.models import RaterLabel, Rating
from leaderboard.models import AuditEntry

from .conftest import seat, secret_strings

pytestmark = pytest.mark.django_db


def _client_for(rater):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(rater.user)
    return client


def _assert_blind(text: str):
    lowered = text.lower()
    for secret in secret_strings():
        assert secret.lower() not in lowered, f"{secret!r} leaked into a rater's page"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_no_model_or_team_name_reaches_a_rater_in_pages_json_or_requests(
    evaluator, pro_panel, language
):
    rater = seat(evaluator, pro_panel, "blind-rater")
    other = seat(evaluator, pro_panel, "other-rater")
    services.rating_save(
        user=other.user,
        panel_id=pro_panel.pk,
        label="A",
        criterion="fluency",
        value=2,
        comment="other rater's secret comment",
    )
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(rater.user)
    pages = [
        reverse("panels:mine"),
        reverse("panels:rate", args=[pro_panel.pk]),
        reverse("panels:rate_json", args=[pro_panel.pk]),
    ]
    form = {}
    for label in "ABC":
        form[f"r-{label}-usefulness"] = "4"
        form[f"c-{label}-usefulness"] = "fine"
    saved = client.post(pages[1], form)
    assert saved.status_code == 302
    # what the rater sends names models by label only
    for key, value in form.items():
        _assert_blind(key + value)
    _assert_blind(saved["Location"])
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200
        body = response.content.decode()
        _assert_blind(body)
        _assert_blind(url)
        assert "other rater's secret comment" not in body
    data = json.loads(client.get(pages[2]).content)
    assert [m["label"] for m in data["models"]] == ["A", "B", "C"]
    assert all(set(m) == {"label", "ratings"} for m in data["models"])


def test_a_rater_sees_only_their_own_ratings(evaluator, pro_panel):
    one = seat(evaluator, pro_panel, "one")
    two = seat(evaluator, pro_panel, "two")
    services.rating_save(
        user=one.user, panel_id=pro_panel.pk, label="A", criterion="fluency", value=5
    )
    data = json.loads(
        _client_for(two).get(reverse("panels:rate_json", args=[pro_panel.pk])).content
    )
    assert all(m["ratings"] == {} for m in data["models"])


def test_someone_without_a_seat_gets_404_on_the_rating_pages(
    client, evaluator, pro_panel, member_a
):
    seat(evaluator, pro_panel, "seated")
    client.force_login(member_a)
    assert client.get(reverse("panels:rate", args=[pro_panel.pk])).status_code == 404
    assert client.get(reverse("panels:rate_json", args=[pro_panel.pk])).status_code == 404


def test_an_evaluator_cannot_rate(evaluator, pro_panel):
    _invitation, token = services.invitation_create(user=evaluator, panel=pro_panel)
    with pytest.raises(services.PanelError):
        services.invitation_accept(user=evaluator, token=token)


def test_a_rater_who_joins_a_team_can_no_longer_rate(evaluator, pro_panel, team_models):
    from tests.factories import MembershipFactory

    rater = seat(evaluator, pro_panel, "turncoat")
    MembershipFactory(team=team_models[1].team, user=rater.user)
    rater.user._kai_team_ids = None
    with pytest.raises(services.PanelError, match="team"):
        services.rating_save(
            user=rater.user, panel_id=pro_panel.pk, label="A", criterion="fluency", value=3
        )


def test_a_label_rates_the_model_behind_it_for_that_rater(evaluator, pro_panel):
    rater = seat(evaluator, pro_panel, "mapper")
    services.rating_save(
        user=rater.user, panel_id=pro_panel.pk, label="B", criterion="fluency", value=4
    )
    behind_b = RaterLabel.objects.get(rater=rater, label="B").model_id
    assert Rating.objects.get(rater=rater).model_id == behind_b


def test_ratings_change_until_the_close_and_each_change_is_audited(evaluator, pro_panel):
    rater = seat(evaluator, pro_panel, "changer")
    kwargs = {"user": rater.user, "panel_id": pro_panel.pk, "label": "A", "criterion": "fluency"}
    services.rating_save(value=3, **kwargs)
    services.rating_save(value=4, comment="better on a second look", **kwargs)
    services.rating_save(value=4, comment="better on a second look", **kwargs)  # no change
    assert Rating.objects.get(rater=rater).value == 4
    entries = list(AuditEntry.objects.filter(action__startswith="panel.rating.").order_by("seq"))
    assert [e.action for e in entries] == ["panel.rating.create", "panel.rating.change"]
    assert '"value":3' in entries[1].before and '"value":4' in entries[1].after
    assert "second look" not in entries[1].after  # comments enter the log as a digest only
    with pytest.raises(services.PanelError, match="closed"):
        services.rating_save(value=1, now=pro_panel.closes_at, **kwargs)
    with pytest.raises(services.PanelError, match="closed"):
        services.rating_save(value=1, now=pro_panel.closes_at + timedelta(days=1), **kwargs)
    assert Rating.objects.get(rater=rater).value == 4


def test_a_rating_outside_the_scale_is_refused_on_the_page(evaluator, pro_panel):
    rater = seat(evaluator, pro_panel, "wild")
    response = _client_for(rater).post(
        reverse("panels:rate", args=[pro_panel.pk]), {"r-A-fluency": "9"}
    )
    assert response.status_code == 400
    assert not Rating.objects.filter(rater=rater).exists()


def test_the_rating_page_reads_in_korean(evaluator, pro_panel):
    rater = seat(evaluator, pro_panel, "korean-reader")
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(rater.user)
    from django.utils import translation

    with translation.override("ko"):  # the language is the URL's prefix
        url = reverse("panels:rate", args=[pro_panel.pk])
    body = client.get(url).content.decode()
    assert "모델 A" in body and "내 점수 저장" in body
    assert "한국어가 자연스러운가" in body  # the criterion's Korean description


def test_a_rating_and_its_comment_reach_nobody_but_its_rater(
    evaluator, pro_panel, team_models, member_a
):
    from tests.factories import MembershipFactory

    sentinel = "SENTINEL-COMMENT-7f3a"
    author = seat(evaluator, pro_panel, "author")
    other = seat(evaluator, pro_panel, "bystander")
    services.rating_save(
        user=author.user,
        panel_id=pro_panel.pk,
        label="A",
        criterion="fluency",
        value=2,
        comment=sentinel,
    )
    insider = MembershipFactory(team=team_models[0].team, user=member_a).user
    urls = [
        reverse("panels:mine"),
        reverse("panels:rate", args=[pro_panel.pk]),
        reverse("panels:rate_json", args=[pro_panel.pk]),
        reverse("panels:compare", args=[pro_panel.pk]),
        reverse("panels:manage_detail", args=[pro_panel.pk]),
        reverse("panels:manage_index", args=[pro_panel.phase.slug]),
        reverse("leaderboard:home"),
        reverse("transparency:index"),
    ]
    for who in (None, other.user, insider, evaluator):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if who is not None:
            client.force_login(who)
        for url in urls:
            response = client.get(url, follow=True)
            assert sentinel not in response.content.decode(), (who, url)
    own = _client_for(author).get(reverse("panels:rate_json", args=[pro_panel.pk]))
    assert sentinel in own.content.decode()


def test_single_ratings_and_raters_stay_off_the_public_chain_after_the_announcement(
    evaluator, pro_panel
):
    """The panel is public data; who rated what is not, even once the phase is announced."""
    from django.utils import timezone

    rater = seat(evaluator, pro_panel, "quiet-rater")
    services.rating_save(
        user=rater.user, panel_id=pro_panel.pk, label="A", criterion="fluency", value=3
    )
    phase = pro_panel.phase
    phase.announcement_at = timezone.now() - timedelta(minutes=1)
    phase.save()
    public = AuditEntry.objects.about_published()
    assert public.filter(action="panel.create").exists()
    assert not public.filter(action__startswith="panel.rating.").exists()
    assert not public.filter(action__in=["panel.invite", "panel.rater.join"]).exists()
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("transparency:index"), follow=True)
    assert "panel.rating" not in page.content.decode()
    assert AuditEntry.objects.filter(action="panel.rating.create").exists()  # kept, private


def test_a_rating_form_with_one_bad_value_saves_nothing(evaluator, pro_panel):
    """All values are checked before any is saved: one value off the scale (or not in ASCII
    digits) refuses the whole form with 400, and the good values before it are not saved."""
    rater = seat(evaluator, pro_panel, "half-saved")
    client = _client_for(rater)
    url = reverse("panels:rate", args=[pro_panel.pk])
    for bad in ("9", "４"):
        response = client.post(url, {"r-A-usefulness": "4", "r-A-fluency": bad})
        assert response.status_code == 400
    assert not Rating.objects.filter(rater=rater).exists()
