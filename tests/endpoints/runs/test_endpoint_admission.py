"""Which endpoints the site accepts, who approves them, and who may start runs on them."""

from __future__ import annotations

import pytest

from evaluations.endpoints.models import Endpoint, EndpointRun
from evaluations.endpoints.secrets import ApiKey
from evaluations.endpoints.services import endpoint_add, endpoint_approve, endpoint_run_start
from evaluations.services import RunError, RunNotFound
from tests.endpoints.fake_openai import API_KEY

from .conftest import run_everything

pytestmark = pytest.mark.django_db


def add(user, model, url, **extra):
    return endpoint_add(
        user=user,
        model=model,
        base_url=url,
        served_model="fake-model",
        api_key=ApiKey(API_KEY),
        max_in_flight=2,
        requests_per_minute=60,
        **extra,
    )


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.org/v1", "unsafe_url"),
        ("http://169.254.169.254/v1", "unsafe_url"),
        ("http://metadata.google.internal/v1", "unsafe_url"),
    ],
)
def test_urls_that_are_never_allowed_are_refused_and_nothing_is_saved(
    evaluator, model_a, url, code
):
    with pytest.raises(RunError) as refused:
        add(evaluator, model_a, url)
    assert refused.value.code == code
    assert not Endpoint.objects.exists()


def test_loopback_is_refused_unless_the_setting_allows_private_addresses(
    evaluator, model_a, settings
):
    settings.ENDPOINT_ALLOW_PRIVATE = False
    with pytest.raises(RunError):
        add(evaluator, model_a, "http://127.0.0.1:9/v1")
    settings.ENDPOINT_ALLOW_PRIVATE = True
    assert add(evaluator, model_a, "http://127.0.0.1:9/v1").state == Endpoint.State.APPROVED


def test_a_run_fails_when_the_setting_no_longer_allows_the_address(
    evaluator, endpoint, phase, benchmark, server, settings
):
    settings.ENDPOINT_ALLOW_PRIVATE = False
    with run_everything():
        run = endpoint_run_start(
            user=evaluator, endpoint=endpoint, phase=phase, benchmark=benchmark
        )
    run.refresh_from_db()
    assert run.status == EndpointRun.Status.FAILED
    assert run.reason_code == "refused_address"
    assert server.calls == []


def test_a_team_proposes_an_endpoint_an_evaluator_approves_it_and_only_evaluators_start_runs(
    member_a, evaluator, model_a, phase, benchmark, server
):
    proposed = add(member_a, model_a, server.url)
    assert proposed.state == Endpoint.State.PROPOSED and proposed.approved_by is None
    with pytest.raises(RunError) as not_approved:
        endpoint_run_start(user=evaluator, endpoint=proposed, phase=phase, benchmark=benchmark)
    assert not_approved.value.code == "not_approved"
    with pytest.raises(RunNotFound):
        endpoint_approve(endpoint=proposed, user=member_a)
    assert endpoint_approve(endpoint=proposed, user=evaluator)
    proposed.refresh_from_db()
    assert proposed.state == Endpoint.State.APPROVED and proposed.approved_by == evaluator
    with pytest.raises(RunNotFound):
        endpoint_run_start(user=member_a, endpoint=proposed, phase=phase, benchmark=benchmark)


def test_a_synthetic_benchmark_cannot_be_run_into_a_real_phase(
    evaluator, endpoint, phase, benchmark
):
    """A DEMO (synthetic) benchmark run against a program phase would give a real-looking score
    (the run takes is_demo from the phase: False) in the program's results."""
    benchmark.is_demo = True
    benchmark.save(update_fields=["is_demo"])
    assert not phase.is_demo
    with pytest.raises(RunError) as refused:
        endpoint_run_start(user=evaluator, endpoint=endpoint, phase=phase, benchmark=benchmark)
    assert refused.value.code == "demo_benchmark" and refused.value.field == "benchmark"
    assert not EndpointRun.objects.exists()
