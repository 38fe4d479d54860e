"""Sign in, lockout after repeated failures, password change and reset."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


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
    assert "My team" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(reverse("logout"))
    assert "Sign in" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_password_change_and_reset_work_in_the_site_style(client, member_a):
    client.force_login(member_a)
    page = client.get(reverse("password_change"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
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
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
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
    assert client.get("/team/")["Location"] == "/team/team-a/"  # on to team A's dashboard


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
