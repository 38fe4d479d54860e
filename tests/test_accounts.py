"""Sign in, lockout after repeated failures, password change and reset."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from tests.language import in_language

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _english():
    """These tests read the site in English: reverse() gives the /en/ pages."""
    with translation.override("en"):
        yield


def test_the_sixth_failed_sign_in_shows_the_locked_out_message(client):
    UserFactory(username="alice")
    url = reverse("login")
    for attempt in range(1, 6):
        response = client.post(
            url, {"username": "alice", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        if attempt < 5:  # the fifth failure reaches AXES_FAILURE_LIMIT and locks
            assert "Too many failed sign-ins" not in response.content.decode()
            assert "Please enter a correct username and password" in response.content.decode()
    response = client.post(
        url, {"username": "alice", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert response.status_code in (403, 429)
    assert "Too many failed sign-ins" in html and "locked for a while" in html
    # even the right password is refused while locked
    response = client.post(
        url, {"username": "alice", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Too many failed sign-ins" in response.content.decode()


def test_a_member_signs_in_and_out(client, member_a):
    response = client.post(reverse("login"), {"username": "member-a", "password": PASSWORD})
    assert response.status_code == 302
    assert "My team" in client.get("/en/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(reverse("logout"))
    assert "Sign in" in client.get("/en/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_password_change_and_reset_work_in_the_site_style(client, member_a):
    client.force_login(member_a)
    page = client.get(
        in_language(reverse("password_change"), "en"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Change your password" in page and 'class="site-header"' in page
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new long passphrase 42",
            "new_password2": "a new long passphrase 42",
        },
    )
    assert response.status_code == 302
    client.logout()
    client.post(reverse("password_reset"), {"email": member_a.email})
    assert len(mail.outbox) == 1 and "/en/accounts/reset/" in mail.outbox[0].body
    assert "K-AI Leaderboard" in mail.outbox[0].subject


def test_create_team_member_makes_an_account_that_sees_its_own_team(client, team_a):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "create_team_member",
        team="team-a",
        username="me",
        password="a long pass phrase 7",
        stdout=out,
    )
    assert "'me' is a member of team-a" in out.getvalue()
    user = User.objects.get(username="me")
    assert not user.is_staff and list(
        user.team_memberships.values_list("team__slug", flat=True)
    ) == ["team-a"]
    response = client.post(
        reverse("login"), {"username": "me", "password": "a long pass phrase 7"}, follow=True
    )
    assert response.context["user"].username == "me"
    assert client.get("/en/team/")["Location"] == "/en/team/team-a/"  # on to team A's dashboard


def test_create_team_member_refuses_an_unknown_team_and_a_weak_password(team_a):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No team with the slug 'nope'; known teams: team-a"):
        call_command("create_team_member", team="nope", username="x", password="a long pass 7")
    with pytest.raises(CommandError, match="too common|too short"):
        call_command("create_team_member", team="team-a", username="x", password="password")
    assert not User.objects.filter(username="x").exists()


def test_create_evaluator_makes_a_staff_account_in_the_evaluators_group(db):
    from io import StringIO

    from django.core.management import call_command

    from leaderboard.models import is_evaluator

    call_command(
        "create_evaluator", username="judge", password="a long pass phrase 7", stdout=StringIO()
    )
    assert is_evaluator(User.objects.get(username="judge"))


# ---------------------------------------------------------------- lock the attacker, not the address

OFFICE = "198.51.100.7"  # one address shared by many people (an office, a campus, a carrier's NAT)


def sign_in(client, username, password, address=OFFICE):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def signed_in_as(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("leaderboard:home")


def test_five_failures_lock_that_account_from_that_address_and_nobody_else(db):
    UserFactory(username="alice")
    UserFactory(username="bob")
    attacker = Client()
    for _ in range(5):
        assert not signed_in_as(sign_in(attacker, "alice", "wrong"))
    locked = sign_in(attacker, "alice", PASSWORD)
    assert "Too many failed sign-ins" in locked.content.decode()
    # Bob, behind the same address, signs in at once.
    assert signed_in_as(sign_in(Client(), "bob", PASSWORD))
    # Alice herself, from home, signs in at once: the lock holds for that address only.
    assert signed_in_as(sign_in(Client(), "alice", PASSWORD, address="203.0.113.20"))


def token(client, username, password, address=OFFICE):
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def test_five_failures_at_the_token_endpoint_lock_that_account_from_that_address_only(
    client, member_a, member_b
):
    for _ in range(4):
        assert token(client, "member-a", "wrong").status_code == 401
    assert token(client, "member-a", "wrong").status_code == 429  # the fifth locks
    refused = token(client, "member-a", PASSWORD)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "locked_out"
    assert int(refused["Retry-After"]) > 0
    assert token(client, "member-b", PASSWORD).status_code == 201
    assert token(client, "member-a", PASSWORD, address="203.0.113.20").status_code == 201


def test_the_page_and_the_token_endpoint_count_failures_together(client, member_a):
    for _ in range(3):
        sign_in(client, "member-a", "wrong")
    for _ in range(2):
        token(client, "member-a", "wrong")
    assert token(client, "member-a", PASSWORD).status_code == 429


def test_an_address_spraying_many_accounts_is_slowed_without_refusing_correct_passwords(
    client, settings, member_a, member_b
):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    UserFactory(username="carol")
    sprayed = [f"user-{i}" for i in range(8)]
    for username in sprayed:  # one guess each: no account reaches its own limit of five
        assert token(client, username, "Spring2026!").status_code == 401
    # The address is over its budget: an account that now fails is locked at its first failure...
    assert token(client, "carol", "wrong").status_code == 429
    assert token(client, "carol", PASSWORD).status_code == 429
    # ...but someone else's correct password from the same address is never refused,
    assert token(client, "member-b", PASSWORD).status_code == 201
    assert signed_in_as(sign_in(Client(), "member-a", PASSWORD))
    # and other addresses are not slowed at all.
    for _ in range(4):
        assert token(client, "carol", "wrong", address="203.0.113.20").status_code == 401
    assert signed_in_as(sign_in(Client(), "carol", PASSWORD, address="203.0.113.20"))


# ---------------------------------------------------------------- a new password ends the old credentials


def token_works(token_value: str) -> int:
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_value}")
    return api.get("/api/v1/runs/").status_code


def test_a_password_change_revokes_tokens_and_ends_other_sessions_but_not_this_one(
    client, member_a
):
    from knox.models import AuthToken

    _, old_token = AuthToken.objects.create(user=member_a)
    assert token_works(old_token) == 200
    elsewhere = Client()  # the same account signed in on another computer
    elsewhere.force_login(member_a)
    assert elsewhere.get("/en/team/").status_code == 302  # to the team's dashboard: signed in
    client.force_login(member_a)
    page = client.get(reverse("password_change")).content.decode()
    assert "A new password ends your API tokens" in page  # the page says so
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new long passphrase 42",
            "new_password2": "a new long passphrase 42",
        },
    )
    assert response.status_code == 302
    assert token_works(old_token) == 401
    assert not AuthToken.objects.filter(user=member_a).exists()
    assert client.get("/api/tokens/").status_code == 200  # this session goes on
    assert elsewhere.get("/api/tokens/")["Location"].startswith(reverse("login"))  # that one ended


def test_a_password_reset_revokes_tokens_and_lifts_the_lockout(client, member_a):
    import re

    from knox.models import AuthToken

    _, old_token = AuthToken.objects.create(user=member_a)
    for _ in range(5):
        sign_in(client, "member-a", "wrong")
    assert "Too many failed sign-ins" in sign_in(client, "member-a", PASSWORD).content.decode()
    client.post(reverse("password_reset"), {"email": member_a.email})
    link = re.search(r"/en/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(link)["Location"]  # Django hides the token behind a redirect
    form = client.get(form_url).content.decode()
    assert "A new password ends your API tokens" in form
    new = "another long passphrase 7"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert token_works(old_token) == 401
    assert signed_in_as(sign_in(client, "member-a", new))


def test_a_password_set_by_a_superuser_in_the_admin_revokes_tokens_too(client, superuser, member_a):
    from knox.models import AuthToken

    _, old_token = AuthToken.objects.create(user=member_a)
    client.force_login(superuser)
    new = "admin chose this passphrase 9"
    response = client.post(
        reverse("admin:auth_user_password_change", args=[member_a.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert token_works(old_token) == 401
