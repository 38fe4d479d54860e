"""Panels as data: creation by evaluators, the published conversion, invitations, sign-ups."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override as translation_override

from evaluations.panels import services, signups
from evaluations.panels.models import Invitation, Rater, RaterLabel
from leaderboard.models import AuditEntry
from tests.factories import MembershipFactory, UserFactory

from .conftest import CRITERIA, make_panel, seat

pytestmark = pytest.mark.django_db


def test_a_panel_takes_the_components_published_rule_and_the_phases_entered_models(
    pro_panel, user_component, team_models
):
    assert pro_panel.conversion == user_component.conversion
    assert set(pro_panel.rated_models.all()) == set(team_models)
    assert [c.code for c in pro_panel.criteria.all()] == ["usefulness", "fluency"]
    assert AuditEntry.objects.filter(action="panel.create", object_id=str(pro_panel.pk)).exists()


def test_a_scale_other_than_the_published_rules_is_refused(
    evaluator, phase, user_component, team_models
):
    with pytest.raises(services.PanelError) as caught:
        make_panel(evaluator, phase, user_component, scale_max=10)
    assert "scale_max" in caught.value.errors


def test_only_evaluators_create_panels(member_a, phase, user_component, team_models):
    with pytest.raises(services.PanelError):
        make_panel(member_a, phase, user_component)


def test_an_invitation_token_is_stored_only_as_its_hash(evaluator, pro_panel):
    invitation, token = services.invitation_create(user=evaluator, panel=pro_panel)
    assert token not in invitation.token_hash
    assert invitation.token_hash == services.token_hash(token)
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_an_invitation_seats_one_rater_with_a_label_for_every_model(evaluator, pro_panel):
    rater = seat(evaluator, pro_panel, "rater-one")
    labels = list(RaterLabel.objects.filter(rater=rater).order_by("position"))
    assert [lab.label for lab in labels] == ["A", "B", "C"]
    assert {lab.model_id for lab in labels} == set(
        pro_panel.rated_models.values_list("pk", flat=True)
    )


def test_label_maps_are_drawn_per_rater_and_kept(evaluator, pro_panel):
    maps = set()
    for i in range(12):
        rater = seat(evaluator, pro_panel, f"rater-{i}")
        maps.add(
            tuple(
                RaterLabel.objects.filter(rater=rater)
                .order_by("position")
                .values_list("model_id", flat=True)
            )
        )
    # 12 draws of 6 orders: all alike happens with probability 6 × (1/6)^12.
    assert len(maps) > 1
    first = Rater.objects.order_by("pk").first()
    again = list(
        RaterLabel.objects.filter(rater=first)
        .order_by("position")
        .values_list("model_id", flat=True)
    )
    assert tuple(again) in maps


def test_an_invitation_works_once(evaluator, pro_panel):
    _invitation, token = services.invitation_create(user=evaluator, panel=pro_panel)
    services.invitation_accept(user=UserFactory(username="first"), token=token)
    with pytest.raises(services.PanelError, match="already been used"):
        services.invitation_accept(user=UserFactory(username="second"), token=token)
    assert Rater.objects.filter(panel=pro_panel).count() == 1


def test_a_used_invitation_link_refuses_a_second_visitor(client, evaluator, pro_panel):
    _invitation, token = services.invitation_create(user=evaluator, panel=pro_panel)
    url = reverse("panels:invite", args=[token])
    first = client.post(url, {"username": "newrater", "password": "a long enough password"})
    assert first.status_code == 302
    from django.test import Client

    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    second = other.post(url, {"username": "another", "password": "a long enough password"})
    assert b"already been used" in second.content
    assert Rater.objects.filter(panel=pro_panel).count() == 1


def test_a_team_member_cannot_take_a_seat(evaluator, pro_panel, team_models):
    member = MembershipFactory(team=team_models[0].team, user=UserFactory(username="insider")).user
    _invitation, token = services.invitation_create(user=evaluator, panel=pro_panel)
    with pytest.raises(services.PanelError, match="team"):
        services.invitation_accept(user=member, token=token)
    assert not Invitation.objects.get(token_hash=services.token_hash(token)).used_at


def test_an_invitation_after_the_close_is_refused(evaluator, pro_panel):
    _invitation, token = services.invitation_create(user=evaluator, panel=pro_panel)
    with pytest.raises(services.PanelError, match="closed"):
        services.invitation_accept(
            user=UserFactory(username="late"), token=token, now=pro_panel.closes_at
        )


@pytest.fixture
def public_panel(evaluator, phase, public_component, team_models):
    return make_panel(evaluator, phase, public_component, kind="public", code="public")


def test_the_public_signs_up_and_verifies_by_email(client, public_panel):
    response = client.post(
        reverse("panels:join", args=[public_panel.pk]),
        {
            "username": "citizen",
            "email": "Citizen@Example.org",
            "password": "a long enough password",
        },
    )
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["citizen@example.org"]
    link = next(word for word in message.body.split() if "/verify/" in word)
    path = link[link.index("/", len("http://")) :]
    assert not Rater.objects.filter(panel=public_panel).exists()
    verified = client.get(path)
    assert verified.status_code == 302
    rater = Rater.objects.get(panel=public_panel)
    assert rater.verified_email == "citizen@example.org"
    assert rater.user.is_active
    # the link works once
    assert client.get(path).status_code == 400


def test_one_account_per_email_address(public_panel):
    signups.signup_start(
        panel=public_panel,
        email="same@example.org",
        username="one",
        password="x" * 12,
        link_for=lambda t: t,
    )
    signups.signup_verify(token=mail.outbox[-1].body.split("\n\n")[1].strip())
    with pytest.raises(services.PanelError) as caught:
        signups.signup_start(
            panel=public_panel,
            email="SAME@example.org",
            username="two",
            password="x" * 12,
            link_for=lambda t: t,
        )
    assert "email" in caught.value.errors


def test_public_panels_take_no_invitations(evaluator, public_panel):
    with pytest.raises(services.PanelError):
        services.invitation_create(user=evaluator, panel=public_panel)


def test_panel_pages_are_hidden_from_everyone_but_evaluators(client, member_a, pro_panel):
    url = reverse("panels:manage_detail", args=[pro_panel.pk])
    client.force_login(member_a)
    assert client.get(url).status_code == 404


def test_an_evaluator_creates_a_panel_on_the_page(
    client, evaluator, phase, user_component, team_models
):
    client.force_login(evaluator)
    now = timezone.now()
    response = client.post(
        reverse("panels:manage_index", args=[phase.slug]),
        {
            "component": user_component.pk,
            "code": "pro-page",
            "name_ko": "평가단",
            "name_en": "Panel",
            "rater_kind": "professional",
            "blind": "on",
            "opens_at": now.strftime("%Y-%m-%d %H:%M"),
            "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%d %H:%M"),
            "scale_min": 1,
            "scale_max": 5,
            "criteria": "\n".join(
                f"{c.code} | {c.name_ko} | {c.name_en} | {c.description_ko} | {c.description_en}"
                for c in CRITERIA
            ),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    invited = client.post(response["Location"], {"action": "invite", "email": ""})
    assert b"/panels/invite/" in invited.content


def test_an_unconfirmed_sign_up_does_not_block_the_address_owner(public_panel):
    signups.signup_start(
        panel=public_panel,
        email="owner@example.org",
        username="squatter",
        password="x" * 12,
        link_for=lambda t: t,
    )
    signups.signup_start(
        panel=public_panel,
        email="owner@example.org",
        username="owner",
        password="x" * 12,
        link_for=lambda t: t,
    )
    token = mail.outbox[-1].body.split("\n\n")[1].strip()
    rater = signups.signup_verify(token=token)
    assert rater.user.username == "owner"
    # the first link no longer seats anyone
    assert Rater.objects.filter(panel=public_panel).count() == 1


@pytest.mark.parametrize("who", ["member", "evaluator"])
def test_a_team_member_or_evaluator_cannot_open_a_second_account_to_rate(
    who, evaluator, public_panel, team_models
):
    """Signed in as a team member (or an evaluator), the public sign-up refuses: no account, no
    e-mail, no seat; the refusal names why."""
    from django.contrib.auth import get_user_model

    if who == "member":
        user = MembershipFactory(team=team_models[0].team, user=UserFactory(username="inside")).user
    else:
        user = evaluator
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    users = get_user_model().objects.count()
    response = client.post(
        reverse("panels:join", args=[public_panel.pk]),
        {"username": "sock", "email": "sock@example.org", "password": "a long enough password"},
    )
    assert response.status_code == 200
    assert "cannot rate" in response.content.decode()
    assert get_user_model().objects.count() == users
    assert not mail.outbox
    assert not Rater.objects.filter(panel=public_panel).exists()


def test_the_new_panel_form_names_components_in_korean_on_ko_pages(
    evaluator, phase, user_component
):
    """The component choices follow the page's language, not the model's __str__ (English)."""
    from django.utils import translation

    user_component.name_ko, user_component.name_en = "전문 사용자 평가", "Professional users"
    user_component.save(update_fields=["name_ko", "name_en"])
    with translation.override("ko"):
        url = reverse("panels:manage_index", args=[phase.slug])
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(evaluator)
    body = client.get(url).content.decode()
    assert "전문 사용자 평가" in body and "Professional users" not in body


def test_a_real_person_cannot_join_a_synthetic_demo_panel(
    client, evaluator, phase, public_component, user_component, team_models
):
    """A demo panel's ratings are published as synthetic, so no real person joins it: no
    sign-up (on the page, with the reason in the reader's language), no invitation, nothing
    saved."""
    from django.contrib.auth import get_user_model

    phase.is_demo = True
    phase.save(update_fields=["is_demo"])
    panel = make_panel(evaluator, phase, public_component, kind="public", code="demo-pub")
    with pytest.raises(services.PanelError):
        signups.signup_start(
            panel=panel, email="real.person@example.com", username="realperson",
            password="a long pass phrase 7", link_for=lambda token: "http://x/" + token,
        )  # fmt: skip
    form = {"email": "real@example.com", "username": "real2", "password": "a long pass phrase 7"}
    response = client.post(reverse("panels:join", args=[panel.pk]), form, HTTP_ACCEPT_LANGUAGE="en")
    assert "synthetic demo panel" in response.content.decode()
    with translation_override("ko"):
        url = reverse("panels:join", args=[panel.pk])
    response = client.post(url, form, HTTP_ACCEPT_LANGUAGE="ko")
    assert "데모" in response.content.decode()
    pro = make_panel(evaluator, phase, user_component, code="demo-pro")
    with pytest.raises(services.PanelError):
        services.invitation_create(user=evaluator, panel=pro)
    assert not get_user_model().objects.filter(username__in=["realperson", "real2"]).exists()
    assert not mail.outbox and not Invitation.objects.exists()
