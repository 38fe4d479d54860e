"""Every error of the API has one shape: {"error": {"code", "message", "details"}}."""

import pytest

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_an_unknown_object_is_a_404_in_the_error_shape(anon, world):
    response = anon.get("/api/v1/scores/999999/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_an_unknown_path_under_the_api_is_a_404_in_the_error_shape(anon):
    response = anon.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert error_of(response)["code"] == "not_found"


def test_a_path_with_an_encoded_newline_is_still_a_404_in_the_error_shape(anon):
    # Found by schema-driven fuzzing: "." in the catch-all did not match a newline.
    response = anon.get("/api/v1/phases/a%0Ab/leaderboard/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert error_of(response)["code"] == "not_found"


def test_a_method_that_is_not_allowed_is_a_405_in_the_error_shape(anon, world):
    response = anon.delete("/api/v1/phases/")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_a_member_endpoint_without_credentials_is_a_401_in_the_error_shape(anon):
    response = anon.get("/api/v1/runs/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Token")
    assert error_of(response)["code"] == "not_authenticated"


def test_an_invalid_filter_is_a_400_whose_details_name_the_field(anon, world):
    response = anon.get("/api/v1/phases/published/leaderboard/?language=klingon")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid" and "language" in error["details"]


def test_too_many_requests_answer_429_with_retry_after_in_the_error_shape(settings, anon, world):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "1000/min"},
    }
    statuses = [anon.get("/api/v1/teams/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = anon.get("/api/v1/teams/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    error = error_of(response)
    assert error["code"] == "throttled" and error["details"]["retry_after"] > 0


def test_a_token_is_throttled_on_its_own_rate(settings, client_a, anon, world):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/min", "user": "1/min"},
    }
    assert client_a.get("/api/v1/runs/").status_code == 200
    response = client_a.get("/api/v1/runs/")
    assert response.status_code == 429 and "Retry-After" in response
    assert anon.get("/api/v1/teams/").status_code == 200  # others are not affected


@pytest.mark.parametrize("debug", [True, False])
def test_an_unexpected_server_error_keeps_the_error_shape_also_under_debug(
    settings, client_a, model_a, phase, benchmark, debug, monkeypatch
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluations import services

    settings.DEBUG = debug

    def explode(**kwargs):
        raise RuntimeError("a bug the server did not expect")

    monkeypatch.setattr(services, "run_submit", explode)
    response = client_a.post(
        "/api/v1/runs/",
        {
            "model": "model-a",
            "phase": phase.slug,
            "benchmark": benchmark.code,
            "file": SimpleUploadedFile("p.jsonl", b'{"id": "q0", "prediction": "A"}\n'),
        },
        format="multipart",
    )
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    error = error_of(response)
    assert error["code"] == "server_error"
    assert "a bug the server did not expect" not in response.content.decode()


def test_a_locked_database_is_a_503_with_retry_after_in_the_error_shape(
    settings, client_a, model_a, phase, benchmark, monkeypatch
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import OperationalError

    from evaluations import services

    settings.DEBUG = True

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "run_submit", locked)
    response = client_a.post(
        "/api/v1/runs/",
        {
            "model": "model-a",
            "phase": phase.slug,
            "benchmark": benchmark.code,
            "file": SimpleUploadedFile("p.jsonl", b'{"id": "q0", "prediction": "A"}\n'),
        },
        format="multipart",
    )
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert error_of(response)["code"] == "busy"
