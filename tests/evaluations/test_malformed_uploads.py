"""Hypothesis generates 1,000 malformed uploads: no server error, each rejected with a specific
message naming its line, and no result rows."""

import json

import pytest
from django.test import TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluations.models import EvaluationRun, RunResult
from tests.evaluations.conftest import ITEMS, upload

pytestmark = pytest.mark.django_db

CORRUPTIONS = {
    "not_json": lambda i: b'{"id": "q%d", "prediction": ' % i,
    "nul_byte": lambda i: b'{"id": "q%d", "prediction": "A\x00"}' % i,
    "invalid_utf8": lambda i: b'{"id": "q%d", "prediction": "\xff\xfe"}' % i,
    "missing_field": lambda i: b'{"id": "q%d"}' % i,
    "repeated_field": lambda i: b'{"id": "q%d", "prediction": "A", "prediction": "B"}' % i,
    "wrong_type": lambda i: b'{"id": "q%d", "prediction": ["A", "B"]}' % i,
    "nan": lambda i: b'{"id": "q%d", "prediction": NaN}' % i,
    "not_object": lambda i: b'["q%d", "A"]' % i,
    "id_not_text": lambda i: b'{"id": {"n": %d}, "prediction": "A"}' % i,
    "duplicate_id": lambda i: b'{"id": "q0", "prediction": "A"}',
    "unknown_id": lambda i: b'{"id": "zz-%d", "prediction": "A"}' % i,
}


def good_line(i: int, answer: str) -> bytes:
    return json.dumps({"id": f"q{i}", "prediction": answer}).encode()


@st.composite
def malformed_files(draw):
    length = draw(st.integers(min_value=2, max_value=ITEMS))
    answers = draw(
        st.lists(
            st.sampled_from(["A", "b", "(C)", "Answer: D", "Ｂ"]), min_size=length, max_size=length
        )
    )
    lines = [good_line(i, a) for i, a in enumerate(answers)]
    bad_at = draw(st.integers(min_value=1, max_value=min(length, 20) - 1))  # 0-based, not the first
    kind = draw(st.sampled_from(sorted(CORRUPTIONS)))
    lines[bad_at] = CORRUPTIONS[kind](bad_at)
    if draw(st.booleans()):
        lines.insert(0, b"")  # blank lines are allowed and still counted in line numbers
        bad_at += 1
    return kind, bad_at + 1, b"\n".join(lines) + b"\n"


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=malformed_files())
def test_every_malformed_upload_is_rejected_with_a_message_naming_its_line(
    client, evaluator, model_a, phase, benchmark, case
):
    kind, line, content = case
    client.force_login(evaluator)  # evaluators have no daily quota
    before = EvaluationRun.objects.count()
    with TestCase.captureOnCommitCallbacks(execute=True):  # score as after a real commit
        response = client.post(
            "/en/runs/new/",  # the messages asserted below are English
            {
                "model": model_a.pk,
                "phase": phase.pk,
                "benchmark": benchmark.pk,
                "mode": "reasoning",
                "upload": upload(content),
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code in (200, 302), kind
    if response.status_code == 200:
        # Refused at submission: the form shows the message on the file field; nothing saved.
        errors = response.context["form"].errors.get("upload", [])
        assert errors and f"line {line}" in errors[0].lower(), (kind, errors)
        assert EvaluationRun.objects.count() == before
    else:
        # Caught by the full pass of the scorer: the run failed because of the file.
        run = EvaluationRun.objects.latest("created_at")
        assert run.status == "failed" and run.failure_kind == "file", (kind, run.status)
        assert f"line {line}" in run.error_message.lower(), (kind, run.error_message)
    assert RunResult.objects.count() == 0
