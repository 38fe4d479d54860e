"""The run page says where the run is, and never that a finished run is still queued."""

import pytest
from django.urls import reverse

from evaluations.models import EvaluationRun
from tests.evaluations.conftest import predictions, upload

QUEUED = "Your run is queued; this page follows it."


def submit(client, member, model, phase, benchmark):
    client.force_login(member)
    return client.post(
        reverse("evaluations:run_new"),
        {
            "model": model.pk,
            "phase": phase.pk,
            "benchmark": benchmark.pk,
            "mode": "reasoning",
            "upload": upload(predictions(correct=77)),
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.django_db(transaction=True)
def test_a_run_that_finished_before_its_page_opened_is_not_called_queued(
    client, member_a, model_a, phase, benchmark
):
    response = submit(client, member_a, model_a, phase, benchmark)
    html = response.content.decode()
    run = EvaluationRun.objects.get()
    assert run.status == EvaluationRun.Status.SUCCEEDED  # scored at commit (eager tasks)
    assert "Your run was submitted." in html
    assert QUEUED not in html and "data-run-follow" not in html
    assert 'data-run-final="1"' in html  # the page does not poll a final run


@pytest.mark.django_db
def test_a_queued_run_page_says_so_and_follows_the_status_endpoint(
    client, member_a, member_b, model_a, phase, benchmark
):
    submit(client, member_a, model_a, phase, benchmark)  # on_commit never runs: still queued
    run = EvaluationRun.objects.get()
    html = client.get(run.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    status_url = reverse("evaluations:run_status", args=[run.id])
    assert QUEUED in html and f'data-run-status-url="{status_url}"' in html
    assert 'data-run-final="0"' in html
    payload = client.get(status_url).json()
    assert payload["status"] == "queued" and payload["is_final"] is False
    client.force_login(member_b)  # another team: the status is not theirs to see
    assert client.get(status_url).status_code == 404
