"""A team proposes an endpoint in its portal; an evaluator approves or rejects it (audited)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from evaluations.endpoints.admission import endpoint_reject, keybox
from evaluations.endpoints.models import Endpoint
from evaluations.endpoints.secrets import ApiKey
from evaluations.endpoints.services import endpoint_add, endpoint_run_start
from evaluations.services import RunError, RunNotFound
from leaderboard.audit.chain import public_chain
from leaderboard.models import AuditEntry
from tests.factories import ModelFactory

pytestmark = pytest.mark.django_db

SECRET = "sk-team-secret-0123456789abcdef-XYZW"


def form_data(server, model, **changes):
    data = {
        "model": str(model.pk),
        "base_url": server.url,
        "served_model": server.model,
        "api_key": SECRET,
        "temperature": "0",
        "max_tokens": "256",
        "reasoning": "off",
        "system_prompt": "",
        "max_in_flight": "3",
        "requests_per_minute": "120",
        "timeout": "30",
    }
    data.update(changes)
    return data


def page(team="team-a", lang="en"):
    with translation.override(lang):
        return reverse("portal:endpoints", args=[team])


@pytest.fixture
def model_b(team_b):
    return ModelFactory(slug="model-b", team=team_b)


def test_a_member_proposes_an_endpoint_its_key_is_encrypted_and_never_shown_again(
    client, member_a, model_a, server
):
    client.force_login(member_a)
    response = client.post(page(), form_data(server, model_a))
    assert response.status_code == 302
    endpoint = Endpoint.objects.get()
    assert endpoint.state == Endpoint.State.PROPOSED and endpoint.proposed_by == member_a
    assert endpoint.model == model_a and endpoint.max_in_flight == 3
    assert endpoint.reasoning is False and endpoint.timeout == 30
    assert SECRET not in endpoint.api_key_token
    assert keybox().decrypt(endpoint.api_key_token) == ApiKey(SECRET)
    listing = client.get(page()).content.decode()
    assert "key set" in listing and server.model in listing
    assert SECRET not in listing and SECRET[-4:] not in listing
    entry = AuditEntry.objects.get(action="endpoint.propose")
    assert entry.object_type == "evaluations.endpoint"
    assert SECRET not in entry.after and server.url not in entry.after
    assert all(e.entry.seq != entry.seq for e in public_chain().entries)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"base_url": "ftp://example.org/v1"}, "base_url", "must start with http:// or https://"),
        ({"base_url": "http://169.254.169.254/v1"}, "base_url", "cloud metadata"),
        ({"base_url": "http://metadata.google.internal/v1"}, "base_url", "cloud metadata"),
        ({"timeout": "0"}, "timeout", "The timeout must be more than 0"),
        ({"temperature": "5"}, "temperature", "The temperature must be from 0 to 2"),
        ({"max_in_flight": "0"}, "max_in_flight", "Requests in flight must be"),
        ({"served_model": "two words"}, "served_model", "one word"),
        ({"api_key": "sk bad key"}, "api_key", "cannot contain spaces"),
    ],
)
def test_each_bad_setting_is_named_on_its_field_and_nothing_is_saved(
    client, member_a, model_a, server, changes, field, message
):
    client.force_login(member_a)
    response = client.post(page(), form_data(server, model_a, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Endpoint.objects.exists()
    assert SECRET not in response.content.decode()  # the password field is not filled back


def test_the_errors_read_in_korean_on_the_korean_page(member_a, model_a, server, settings):
    settings.ENDPOINT_ALLOW_PRIVATE = False
    korean = Client(HTTP_ACCEPT_LANGUAGE="ko")
    korean.force_login(member_a)
    with translation.override("ko"):  # the request activates Korean; give back the language after
        response = korean.post(
            page(lang="ko"), form_data(server, model_a, timeout="0", temperature="9")
        )
    errors = response.context["form"].errors
    assert "루프백" in errors["base_url"][0]
    assert "시간 제한" in errors["timeout"][0]
    assert "온도" in errors["temperature"][0]
    assert not Endpoint.objects.exists()


def test_the_private_address_rule_is_the_one_add_endpoint_uses(
    client, member_a, evaluator, model_a, server, settings
):
    settings.ENDPOINT_ALLOW_PRIVATE = False
    client.force_login(member_a)
    response = client.post(page(), form_data(server, model_a))
    page_error = response.context["form"].errors["base_url"][0]
    with pytest.raises(RunError) as refused:
        endpoint_add(
            user=evaluator,
            model=model_a,
            base_url=server.url,
            served_model="m",
            api_key=None,
        )
    assert refused.value.code == "unsafe_url" and refused.value.message == page_error
    assert not Endpoint.objects.exists()


def test_no_one_proposes_for_another_teams_model(
    client, member_a, member_b, model_a, model_b, server
):
    client.force_login(member_a)
    # the other team's model id slipped into the own team's form
    tampered = client.post(page(), form_data(server, model_b))
    assert tampered.status_code == 200 and "model" in tampered.context["form"].errors
    # the other team's portal
    assert client.post(page("team-b"), form_data(server, model_b)).status_code == 404
    client.logout()
    anonymous = client.post(page(), form_data(server, model_a))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    with pytest.raises(RunNotFound):
        endpoint_add(
            user=member_b, model=model_a, base_url=server.url, served_model="m", api_key=None
        )
    assert not Endpoint.objects.exists()


def proposed(member, model, server):
    return endpoint_add(
        user=member,
        model=model,
        base_url=server.url,
        served_model=server.model,
        api_key=ApiKey(SECRET),
        max_in_flight=2,
        system_prompt="Answer with one letter.",
    )


def test_evaluators_see_pending_proposals_without_the_key_and_approve_them(
    client, member_a, evaluator, model_a, server
):
    endpoint = proposed(member_a, model_a, server)
    client.force_login(member_a)
    assert client.get(reverse("evaluations:endpoint_proposals")).status_code == 404
    approve = reverse("evaluations:endpoint_approve", args=[endpoint.pk])
    assert client.post(approve).status_code == 404
    client.force_login(evaluator)
    listing = client.get(reverse("evaluations:endpoint_proposals")).content.decode()
    assert model_a.name in listing and server.model in listing and "Answer with one" in listing
    assert SECRET not in listing and "api_key_token" not in listing
    assert client.post(approve).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.state == Endpoint.State.APPROVED and endpoint.approved_by == evaluator
    entry = AuditEntry.objects.get(action="endpoint.approve")
    assert '"state":"proposed"' in entry.before and '"state":"approved"' in entry.after


def test_a_rejection_needs_a_reason_which_the_team_reads_and_the_endpoint_never_runs(
    client, member_a, evaluator, model_a, server, phase, benchmark
):
    endpoint = proposed(member_a, model_a, server)
    client.force_login(evaluator)
    reject = reverse("evaluations:endpoint_reject", args=[endpoint.pk])
    client.post(reject, {"reason": "  "})
    endpoint.refresh_from_db()
    assert endpoint.state == Endpoint.State.PROPOSED
    client.post(reject, {"reason": "The URL answers 404 for /models."})
    endpoint.refresh_from_db()
    assert endpoint.state == Endpoint.State.REJECTED and endpoint.rejected_by == evaluator
    assert AuditEntry.objects.filter(action="endpoint.reject").count() == 1
    assert not endpoint_reject(endpoint=endpoint, user=evaluator, reason="again")
    client.force_login(member_a)
    assert "The URL answers 404 for /models." in client.get(page()).content.decode()
    with pytest.raises(RunError) as refused:
        endpoint_run_start(user=evaluator, endpoint=endpoint, phase=phase, benchmark=benchmark)
    assert refused.value.code == "not_approved"


def test_the_proposal_form_s_limit_hint_follows_the_page_s_language(client, member_a, model_a):
    """`_("At most %(limit)s.") % {...}` with gettext_lazy is evaluated when forms.py is
    imported, so one language is frozen for every page: /en/ shows "최대 512."."""
    from django.urls import reverse
    from django.utils import translation

    client.force_login(member_a)
    for lang, want, never in (
        ("en", "At most 512.", "최대 512."),
        ("ko", "최대 512.", "At most 512."),
    ):
        with translation.override(lang):
            url = reverse("portal:endpoints", args=["team-a"])
        body = client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        assert want in body and never not in body, lang
