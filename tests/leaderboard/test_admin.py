import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.urls import reverse

from evaluations.endpoints.models import Endpoint
from evaluations.models import AnswerKey, EvaluationRun
from leaderboard.models import Assessment, AuditEntry, Correction

pytestmark = pytest.mark.django_db

# Answer keys and runs come in only through their validating commands and pages; django-axes'
# records are written by the sign-in machinery alone; audit entries, assessments and
# corrections only by the services.
NO_ADMIN_ADD = {
    AnswerKey,
    EvaluationRun,
    AccessAttempt,
    AccessFailureLog,
    AccessLog,
    AuditEntry,
    Assessment,
    Correction,
    # endpoints are added only through the checked service (the team's page, add_endpoint)
    Endpoint,
}


@pytest.fixture
def admin_client_with_program(client, superuser, program):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(
    "model",
    list(admin.site._registry),
    ids=lambda m: f"{m._meta.app_label}.{m._meta.model_name}",
)
def test_every_admin_changelist_add_and_change_page_answers_200_for_a_superuser(
    admin_client_with_program, model
):
    opts = model._meta
    client = admin_client_with_program
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (403 if model in NO_ADMIN_ADD else 200)
    obj = model.objects.first()
    if obj is not None:
        change = client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )
        assert change.status_code == 200


def test_the_score_admin_shows_provenance_read_only(admin_client_with_program):
    from leaderboard.models import Score

    score = Score.objects.first()
    response = admin_client_with_program.get(
        reverse("admin:leaderboard_score_change", args=[score.pk])
    )
    form = response.context["adminform"].form
    assert "source_url" not in form.fields and "reporter" not in form.fields
    assert score.source_title in response.content.decode()


def test_an_evaluator_can_use_the_admin_for_assessments(client, evaluator, program):
    client.force_login(evaluator)
    assert client.get(reverse("admin:leaderboard_assessment_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
