"""A malformed predictions file is refused in the reader's language, by the API and the run
form alike, and nothing is saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import translation
from django.utils.html import escape
from knox.models import AuthToken
from rest_framework.test import APIClient

from evaluations.models import EvaluationRun, RunResult
from evaluations.runs.rules import file_problem_text
from evaluations.scoring.errors import PredictionFileError
from evaluations.scoring.json_lines import parse_json_line
from evaluations.scoring.predictions import check_file_size
from tests.language import in_language

pytestmark = pytest.mark.django_db

GOOD = b'{"id": "q0", "prediction": "A"}\n'

# (file, the English message's start, the Korean message's start)
CASES = {
    "not_json": (
        GOOD + b'{"id": "q1", "prediction": \n',
        "Line 2 is not valid JSON (",
        "2번째 줄은 올바른 JSON이 아닙니다(",
    ),
    "missing_field": (
        GOOD + b'{"id": "q1"}\n',
        'Line 2 has no "prediction" field; each line needs "id", "prediction".',
        '2번째 줄에 "prediction" 필드가 없습니다. 각 줄에는 "id", "prediction"이(가) 있어야 '
        "합니다.",
    ),
    "nul_byte": (
        GOOD + b'{"id": "q1", "prediction": "A\x00"}\n',
        "Line 2 contains a NUL byte (at byte 30 of the line)",
        "2번째 줄에 NUL 바이트가 있습니다(그 줄의 30번째 바이트).",
    ),
}


def api_client(user, language: str) -> APIClient:
    _, token = AuthToken.objects.create(user=user)
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.parametrize("kind", sorted(CASES))
@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_api_refuses_a_malformed_file_in_the_language_asked_for(
    member_a, model_a, phase, benchmark, kind, language
):
    content, english, korean = CASES[kind]
    client = api_client(member_a, language)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/api/v1/runs/",
            {
                "model": "model-a",
                "phase": phase.slug,
                "benchmark": benchmark.code,
                "mode": "reasoning",
                "file": SimpleUploadedFile("predictions.jsonl", content),
            },
            format="multipart",
        )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    if language == "ko":
        assert error["message"].startswith(korean), error["message"]
        assert error["message"].endswith("아무것도 저장하지 않았습니다."), error["message"]
        assert english not in error["message"]
    else:
        assert error["message"].startswith(english), error["message"]
        assert error["message"].endswith("Nothing was saved."), error["message"]
    assert error["details"] == {"field": "upload"}
    assert EvaluationRun.objects.count() == 0


@pytest.mark.parametrize("kind", sorted(CASES))
@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_run_form_refuses_a_malformed_file_in_the_pages_language(
    client, member_a, model_a, phase, benchmark, kind, language
):
    content, english, korean = CASES[kind]
    client.force_login(member_a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/{language}/runs/new/",
            {
                "model": model_a.pk,
                "phase": phase.pk,
                "benchmark": benchmark.pk,
                "mode": "reasoning",
                "upload": SimpleUploadedFile("predictions.jsonl", content),
            },
            HTTP_ACCEPT_LANGUAGE=language,
        )
    assert response.status_code == 200
    errors = response.context["form"].errors.get("upload", [])
    assert len(errors) == 1, errors
    assert errors[0].startswith(korean if language == "ko" else english), errors
    assert escape(korean if language == "ko" else english) in response.content.decode()
    assert EvaluationRun.objects.count() == 0


def problem(call) -> PredictionFileError:
    with pytest.raises(PredictionFileError) as caught:
        call()
    return caught.value


def test_a_file_problems_english_message_is_its_template_filled_in():
    exc = problem(
        lambda: parse_json_line('{"id": ["q1"], "prediction": "A"}', metric="accuracy", line_no=7)
    )
    assert exc.message == 'Line 7: "id" must be a string or an integer, not an array.'
    assert exc.template % exc.params == exc.message
    with translation.override("en"):
        assert file_problem_text(exc) == exc.message


def test_a_file_problem_is_translated_with_its_values_kept_as_written(tmp_path):
    exc = problem(
        lambda: parse_json_line('{"id": ["q1"], "prediction": "A"}', metric="accuracy", line_no=7)
    )
    with translation.override("ko"):
        assert file_problem_text(exc) == '7번째 줄: "id"는 문자열이나 정수여야 합니다(지금은 배열).'
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"x" * 1234)
    exc = problem(lambda: check_file_size(path, 1000))
    assert exc.message == "The file is 1,234 bytes; the limit is 1,000 bytes."
    with translation.override("ko"):
        assert file_problem_text(exc) == "파일 크기가 1,234바이트입니다. 한도는 1,000바이트입니다."


def test_a_problem_without_a_template_is_shown_as_its_message():
    exc = PredictionFileError("custom", "Something else went wrong.")
    with translation.override("ko"):
        assert file_problem_text(exc) == "Something else went wrong."


UNKNOWN_ID = GOOD + b'{"id": "zz-1", "prediction": "A"}\n'
UNKNOWN_ID_EN = (
    'Line 2 has the id "zz-1", which is not in this benchmark\'s answer key; check that the '
    "file is for this benchmark."
)
UNKNOWN_ID_KO = (
    '2번째 줄의 id "zz-1"은(는) 이 벤치마크의 정답 키에 없습니다. 이 벤치마크용 파일인지 '
    "확인해 주세요."
)


def test_a_problem_the_worker_finds_is_stored_in_english_and_shown_in_the_readers_language(
    client, member_a, model_a, phase, benchmark
):
    api = api_client(member_a, "ko")
    with TestCase.captureOnCommitCallbacks(execute=True):  # the unknown id is found by the worker
        response = api.post(
            "/api/v1/runs/",
            {
                "model": "model-a",
                "phase": phase.slug,
                "benchmark": benchmark.code,
                "mode": "reasoning",
                "file": SimpleUploadedFile("predictions.jsonl", UNKNOWN_ID),
            },
            format="multipart",
        )
    assert response.status_code == 201, response.content
    run = EvaluationRun.objects.get()
    assert run.status == "failed" and run.failure_kind == "file"
    assert run.error_message == UNKNOWN_ID_EN
    assert not RunResult.objects.exists()
    assert api.get(f"/api/v1/runs/{run.pk}/").json()["error_message"] == UNKNOWN_ID_KO
    english = api_client(member_a, "en").get(f"/api/v1/runs/{run.pk}/").json()
    assert english["error_message"] == UNKNOWN_ID_EN
    client.force_login(member_a)
    for language, expected in (("ko", UNKNOWN_ID_KO), ("en", UNKNOWN_ID_EN)):
        page = client.get(in_language(run.get_absolute_url(), language)).content.decode()
        assert escape(expected) in page, language


def scoring_templates() -> set[str]:
    """Every message marked with ``_()`` in evaluations/scoring/."""
    import ast
    from pathlib import Path

    import evaluations.scoring

    found = set()
    for path in Path(evaluations.scoring.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def test_every_file_message_of_the_scorer_has_a_korean_translation():
    templates = scoring_templates()
    assert len(templates) > 30
    with translation.override("ko"):
        untranslated = sorted(t for t in templates if translation.gettext(t) == t)
    assert untranslated == []
