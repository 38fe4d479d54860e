"""API tokens: created with a password or a session, shown once, stored hashed, revocable."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def test_a_member_gets_a_token_with_username_and_password_and_it_works(anon, member_a):
    response = anon.post(
        "/api/v1/auth/token/", {"username": "member-a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/runs/").status_code == 200


def test_a_wrong_password_is_refused_in_the_error_shape(anon, member_a):
    response = anon.post(
        "/api/v1/auth/token/", {"username": "member-a", "password": "wrong"}, format="json"
    )
    # 401: well-formed input whose credentials are wrong (not a validation error, 400).
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert AuthToken.objects.count() == 0


def test_someone_who_is_neither_member_nor_evaluator_gets_no_token(anon, db):
    UserFactory(username="outsider")
    response = anon.post(
        "/api/v1/auth/token/", {"username": "outsider", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403 and AuthToken.objects.count() == 0


def test_tokens_are_stored_hashed_and_listed_without_their_secret(member_a):
    client, token = token_client(member_a)
    row = AuthToken.objects.get(user=member_a)
    assert token not in (row.digest, row.token_key) and row.digest != token
    assert len(row.digest) == 128 and token.startswith(row.token_key)
    listed = client.get("/api/v1/auth/tokens/").json()
    assert listed == [
        {"token_key": row.token_key, "created": listed[0]["created"], "expiry": listed[0]["expiry"]}
    ]
    assert token not in client.get("/api/v1/auth/tokens/").content.decode()


def test_a_revoked_token_is_refused(member_a):
    client, _ = token_client(member_a)
    other, _ = token_client(member_a)
    key = AuthToken.objects.order_by("created").first().token_key
    assert other.delete(f"/api/v1/auth/tokens/{key}/").status_code == 204
    response = client.get("/api/v1/runs/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert other.get("/api/v1/runs/").status_code == 200


def test_a_user_cannot_revoke_someone_elses_token(member_a, member_b):
    token_client(member_a)
    client_b, _ = token_client(member_b)
    key_a = AuthToken.objects.get(user=member_a).token_key
    assert client_b.delete(f"/api/v1/auth/tokens/{key_a}/").status_code == 404
    assert AuthToken.objects.filter(user=member_a).exists()


def test_the_token_page_creates_shows_once_lists_and_revokes(client, member_a):
    client.force_login(member_a)
    assert client.get("/api/tokens/").status_code == 200
    created = client.post("/api/tokens/")
    row = AuthToken.objects.get(user=member_a)
    html = created.content.decode()
    assert 'id="new-token"' in html and row.token_key in html
    listing = client.get("/api/tokens/").content.decode()
    assert row.token_key in listing and 'id="new-token"' not in listing
    client.post(f"/api/tokens/{row.token_key}/revoke/")
    assert not AuthToken.objects.filter(user=member_a).exists()


def test_the_token_page_asks_to_sign_in_and_hides_from_outsiders(client, db):
    assert client.get("/api/tokens/").status_code == 302
    client.force_login(UserFactory(username="outsider"))
    assert client.get("/api/tokens/").status_code == 404


def test_a_token_expires_after_the_configured_days_and_is_then_refused(member_a, settings):
    from datetime import timedelta

    import time_machine

    client, _ = token_client(member_a)
    row = AuthToken.objects.get(user=member_a)
    days = settings.API_TOKEN_TTL_DAYS
    assert days == 90
    assert abs(row.expiry - row.created - timedelta(days=days)) < timedelta(seconds=1)
    with time_machine.travel(row.expiry - timedelta(minutes=1)):
        assert client.get("/api/v1/runs/").status_code == 200
    with time_machine.travel(row.expiry + timedelta(minutes=1)):
        response = client.get("/api/v1/runs/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert not AuthToken.objects.filter(user=member_a).exists()  # an expired token is removed


# ---------------------------------------------------------------- tokens follow the account


def test_a_token_issued_before_a_password_change_answers_401_after_it(member_a):
    client, _ = token_client(member_a)
    assert client.get("/api/v1/runs/").status_code == 200
    member_a.set_password("a brand new passphrase 5")
    member_a.save()
    response = client.get("/api/v1/runs/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_one_account_holds_at_most_the_configured_number_of_tokens(anon, member_a, settings):
    assert settings.REST_KNOX["TOKEN_LIMIT_PER_USER"] == 5
    client, _ = token_client(member_a)
    for _ in range(4):
        assert client.post("/api/v1/auth/tokens/").status_code == 201
    refused = client.post("/api/v1/auth/tokens/")
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "token_limit" and error["details"] == {"limit": 5}
    assert "5 tokens, the most one account may hold" in error["message"]
    by_password = anon.post(
        "/api/v1/auth/token/", {"username": "member-a", "password": PASSWORD}, format="json"
    )
    assert by_password.status_code == 403 and by_password.json()["error"]["code"] == "token_limit"
    assert AuthToken.objects.filter(user=member_a).count() == 5
    # Revoking one makes room again.
    key = AuthToken.objects.filter(user=member_a).order_by("created").last().token_key
    assert client.delete(f"/api/v1/auth/tokens/{key}/").status_code == 204
    assert client.post("/api/v1/auth/tokens/").status_code == 201


def test_expired_tokens_do_not_count_against_the_limit(member_a):
    from datetime import timedelta

    from django.utils import timezone

    for _ in range(5):
        token_client(member_a)
    AuthToken.objects.filter(user=member_a).update(expiry=timezone.now() - timedelta(minutes=1))
    client, _ = token_client(member_a)  # a live one, made outside the limit check
    assert client.post("/api/v1/auth/tokens/").status_code == 201
    assert AuthToken.objects.filter(user=member_a).count() == 2  # the expired ones are gone


def test_the_token_page_says_so_when_the_limit_is_reached(client, member_a, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    client.force_login(member_a)
    page = client.get("/api/tokens/").content.decode()
    assert "An account holds at most 2 tokens at a time" in page
    assert "Changing or resetting your password revokes all your tokens" in page
    client.post("/api/tokens/")
    client.post("/api/tokens/")
    refused = client.post("/api/tokens/").content.decode()
    assert "You already hold 2 tokens, the most one account may hold" in refused
    assert 'id="new-token"' not in refused
    assert AuthToken.objects.filter(user=member_a).count() == 2


def test_an_evaluator_revokes_all_tokens_of_an_account(client, evaluator, member_a, member_b):
    client_a1, _ = token_client(member_a)
    client_a2, _ = token_client(member_a)
    client_b, _ = token_client(member_b)
    client.force_login(evaluator)
    assert "/api/tokens/accounts/" in client.get("/api/tokens/").content.decode()
    listing = client.get("/api/tokens/accounts/").content.decode()
    assert "member-a" in listing and "member-b" in listing and "Team A" in listing
    response = client.post(f"/api/tokens/accounts/{member_a.pk}/revoke/", follow=True)
    assert "2 tokens of member-a revoked" in response.content.decode()
    assert client_a1.get("/api/v1/runs/").status_code == 401
    assert client_a2.get("/api/v1/runs/").status_code == 401
    assert client_b.get("/api/v1/runs/").status_code == 200
    assert "member-a" not in client.get("/api/tokens/accounts/").content.decode()


def test_only_evaluators_see_or_use_the_revoke_all_page(client, member_a, member_b):
    token_client(member_b)
    client.force_login(member_a)
    assert client.get("/api/tokens/accounts/").status_code == 404
    assert client.post(f"/api/tokens/accounts/{member_b.pk}/revoke/").status_code == 404
    assert AuthToken.objects.filter(user=member_b).exists()
    assert "Tokens of all accounts" not in client.get("/api/tokens/").content.decode()
