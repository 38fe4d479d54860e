"""Schemathesis against the schema, in-process through WSGI: no server error, and every answer
conforms to the schema. Once anonymous and once with a team token; bounded in examples. The
endpoint-run operations also with an evaluator's token, and on a real answered run.

Driven by hand (one Hypothesis run per operation and generation mode) rather than through
schemathesis' pytest plugin, whose lazy fixture loader does not work with pytest 9.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kai_site.wsgi import application
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 5


@pytest.fixture
def api_schema(settings, world):
    # High rates, so that the fuzzing itself is not throttled (throttling has its own tests).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/min", "user": "1000000/min"},
    }
    # Requests go through the real WSGI handler: keep it from closing the test's database
    # connection after a request, as Django's own test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Answers that say nothing about whether the data itself was acceptable (as schemathesis counts).
NOT_ABOUT_THE_DATA = {401, 403, 404, 409, 429}


def mostly_rejected(statuses: list[int]) -> bool:
    """Schemathesis' 'schema validation mismatch': every schema-valid request refused, with
    validation errors (400, 422, ...) among the refusals: the API accepts less than its schema says.
    """
    if not statuses or any(status < 400 or status >= 500 for status in statuses):
        return False
    about_the_data = [status for status in statuses if status not in NOT_ABOUT_THE_DATA]
    counted = about_the_data + [status for status in statuses if status == 404]
    return bool(counted) and len(about_the_data) / len(counted) >= 0.1


def fuzz(schema, headers: dict, under: str = "") -> list[str]:
    """Run every operation (whose path starts with ``under``) in both generation modes; the
    failures, one line each."""
    failures = []
    statuses: list[int] = []  # of the current operation and mode
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(under):
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            statuses.clear()

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                statuses.append(response.status_code)

            try:
                run()
            except Unsatisfiable:
                pass  # no invalid input exists for this operation (e.g. only a free-text path)
            except (Exception, BaseExceptionGroup) as exc:  # collect all problems of a run
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:800]}")
            else:
                if mode == GenerationMode.POSITIVE and mostly_rejected(statuses):
                    failures.append(
                        f"{operation.label}: every schema-valid request was refused "
                        f"({sorted(statuses)}): the schema allows what the API does not accept"
                    )
    return failures


@pytest.mark.parametrize(
    ("statuses", "mismatch"),
    [
        ([400, 400, 401], True),
        ([404, 404, 400], True),
        ([200, 400], False),
        ([401, 401], False),
        ([404, 404], False),
        ([429, 409], False),
        ([], False),
    ],
)
def test_a_mismatch_is_every_valid_request_refused_with_validation_errors(statuses, mismatch):
    assert mostly_rejected(statuses) is mismatch


def test_the_api_answers_anonymous_clients_as_documented(api_schema):
    failures = fuzz(api_schema, headers={})
    assert not failures, "\n\n".join(failures)


def test_the_api_answers_a_team_token_as_documented(api_schema, member_a):
    _, token = token_client(member_a)
    failures = fuzz(api_schema, headers={"Authorization": f"Token {token}"})
    assert not failures, "\n\n".join(failures)


ENDPOINT_RUNS = "/api/v1/endpoint-runs"


@pytest.fixture
def endpoint_run(settings, tmp_path, evaluator, model_a, phase):
    """An endpoint run answered by our fake OpenAI-compatible server and scored (tasks eager)."""
    import json

    from django.core.management import call_command
    from django.test import TestCase

    from evaluations.endpoints.secrets import ApiKey
    from evaluations.endpoints.services import endpoint_add, endpoint_run_start
    from tests.endpoints.fake_openai import API_KEY, FakeOpenAI
    from tests.endpoints.runs.conftest import answer_table, key_rows
    from tests.factories import BenchmarkFactory

    settings.ENDPOINT_ALLOW_PRIVATE = True
    settings.ENDPOINT_RETRY_BASE_DELAY = 0.0
    settings.ENDPOINT_BATCH_SIZE = 5
    bench = BenchmarkFactory(code="ko-mc", name="Korean MC", metric="accuracy", item_count=None)
    path = tmp_path / "hidden-key.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in key_rows()) + "\n")
    call_command("import_benchmark", str(path), "--benchmark", bench.code)
    with FakeOpenAI() as server:
        server.answers = answer_table(bench, correct=6)
        endpoint = endpoint_add(
            user=evaluator,
            model=model_a,
            base_url=server.url,
            served_model=server.model,
            api_key=ApiKey(API_KEY),
            max_in_flight=3,
        )
        with TestCase.captureOnCommitCallbacks(execute=True):
            run = endpoint_run_start(
                user=evaluator, endpoint=endpoint, phase=phase, benchmark=bench
            )
    run.refresh_from_db()
    assert run.status == "answered" and run.evaluation_run.status == "succeeded"
    return run


def test_the_endpoint_run_api_answers_evaluators_and_teams_as_documented(
    api_schema, endpoint_run, evaluator, member_a
):
    for user in (evaluator, member_a):
        headers = {"Authorization": f"Token {token_client(user)[1]}"}
        failures = fuzz(api_schema, headers=headers, under=ENDPOINT_RUNS)
        assert not failures, "\n\n".join(failures)
        # And on a real, answered and scored run (random ids only ever find nothing).
        for result in api_schema.get_all_operations():
            operation = result.ok()
            if operation.path.startswith(ENDPOINT_RUNS + "/{run_id}"):
                case = operation.Case(path_parameters={"run_id": str(endpoint_run.pk)})
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                expected = {"get": 200, "post": 409 if user == evaluator else 404}
                assert response.status_code == expected[operation.method.lower()], (
                    operation.label,
                    response.text[:300],
                )
