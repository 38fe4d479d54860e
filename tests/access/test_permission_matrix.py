"""Every URL of the site for every role: hidden things answer 404, never 403."""

import pytest

from .urls import fill, patterns, skip_reason

ROLES = ("anonymous", "member_a", "member_b", "evaluator", "superuser")
OK = dict.fromkeys(ROLES, 200)
SIGN_IN = {"anonymous": 302}
MEMBERS_AND_EVALUATORS = OK | SIGN_IN
TEAM_B_ONLY = {**MEMBERS_AND_EVALUATORS, "member_a": 404}
TEAM_A_ONLY = {**MEMBERS_AND_EVALUATORS, "member_b": 404}
EVALUATORS_ONLY = {**SIGN_IN, "member_a": 404, "member_b": 404, "evaluator": 200, "superuser": 200}
POST_ONLY = dict.fromkeys(ROLES, 405)
SIGNED_IN = OK | SIGN_IN

# Expected status per URL name; the samples point at team B's private things where there are any.
EXPECTED = {
    "healthz": None,
    "ping": OK,
    "robots": OK,
    "sitemap": OK,
    "feed_decisions": OK,  # operational; answers 200 or 503 depending on the services, never private
    "login": OK,
    "logout": POST_ONLY,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": OK,
    "password_reset_done": OK,
    "password_reset_confirm": OK,
    "password_reset_complete": OK,
    "evaluator:index": EVALUATORS_ONLY,
    "evaluator:board": EVALUATORS_ONLY,
    "evaluator:assess": EVALUATORS_ONLY,
    "evaluator:publish": POST_ONLY,
    "evaluator:run_official": POST_ONLY,
    "evaluator:run_rerun": POST_ONLY,
    "evaluator:run_cancel": POST_ONLY,
    # a member of exactly one team is sent on to that team's dashboard
    "portal:home": {
        **SIGN_IN,
        "member_a": 302,
        "member_b": 302,
        "evaluator": 200,
        "superuser": 200,
    },
    "portal:team": TEAM_B_ONLY,
    "portal:phase_feedback": TEAM_B_ONLY,
    "portal:phase_csv": TEAM_B_ONLY,
    "portal:phase_json": TEAM_B_ONLY,
    "portal:run_feedback": TEAM_B_ONLY,
    "portal:run_csv": TEAM_B_ONLY,
    "portal:run_json": TEAM_B_ONLY,
    "portal:endpoints": TEAM_B_ONLY,
    "evaluations:runs": MEMBERS_AND_EVALUATORS,
    "evaluations:run_new": MEMBERS_AND_EVALUATORS,
    "evaluations:run": TEAM_B_ONLY,
    "evaluations:run_status": {**TEAM_B_ONLY, "anonymous": 404},
    "evaluations:run_cancel": POST_ONLY,
    "evaluations:endpoint_runs": MEMBERS_AND_EVALUATORS,
    "evaluations:endpoint_run": TEAM_B_ONLY,
    "evaluations:endpoint_run_status": TEAM_B_ONLY,
    "evaluations:endpoint_run_pause": POST_ONLY,
    "evaluations:endpoint_run_resume": POST_ONLY,
    "evaluations:endpoint_proposals": EVALUATORS_ONLY,
    "evaluations:endpoint_approve": POST_ONLY,
    "evaluations:endpoint_reject": POST_ONLY,
    "transparency:index": OK,
    "transparency:entries_json": OK,
    # panels (the samples name no panel and a token that does not exist: seats are per panel)
    "panels:mine": SIGNED_IN,
    "panels:manage_index": EVALUATORS_ONLY,
    "panels:manage_detail": {
        **SIGN_IN,
        "member_a": 404,
        "member_b": 404,
        "evaluator": 404,
        "superuser": 404,
    },
    "panels:invite": dict.fromkeys(ROLES, 404),
    "panels:verify": dict.fromkeys(ROLES, 404),
    "panels:join": dict.fromkeys(ROLES, 404),
    "panels:rate": {
        **SIGN_IN,
        "member_a": 404,
        "member_b": 404,
        "evaluator": 404,
        "superuser": 404,
    },
    "panels:rate_json": {
        **SIGN_IN,
        "member_a": 404,
        "member_b": 404,
        "evaluator": 404,
        "superuser": 404,
    },
    "panels:compare": {
        **SIGN_IN,
        "member_a": 404,
        "member_b": 404,
        "evaluator": 404,
        "superuser": 404,
    },
    "panels:vote": {
        **SIGN_IN,
        "member_a": 405,
        "member_b": 405,
        "evaluator": 405,
        "superuser": 405,
    },
    "panels:compare_ask": {
        **SIGN_IN,
        "member_a": 405,
        "member_b": 405,
        "evaluator": 405,
        "superuser": 405,
    },
    "panels:try": {
        **SIGN_IN,
        "member_a": 405,
        "member_b": 405,
        "evaluator": 405,
        "superuser": 405,
    },
    "panels:consent": {
        **SIGN_IN,
        "member_a": 405,
        "member_b": 405,
        "evaluator": 405,
        "superuser": 405,
    },
    "panels:adopt": POST_ONLY,
    # a phase's panel results: the sample phase is unpublished, so evaluators only (404 else)
    "panels:results": {**dict.fromkeys(ROLES, 404), "evaluator": 200, "superuser": 200},
    "panels:dataset": dict.fromkeys(ROLES, 404),  # the sample code names no panel
}
# The public pages answer 200 to everyone; what they show is checked by the sentinel crawl.
PUBLIC_NAMESPACES = ("leaderboard:",)


def samples(world):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = world["member_b"]
    return {
        "slug": world["phase"].slug,
        "team": world["team_b"].slug,
        "phase": world["phase"].slug,
        "code": world["benchmark"].code,
        "run_id": str(world["run_b"].pk),
        "lang": "en",
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user) + "x",
        "pk": "999999",
        "comparison_id": "999999",
        "label": "A",
    }


def slug_for(route, world):
    """Public routes take a slug of the thing named by their first path segment (after the
    language prefix)."""
    route = route.removeprefix("ko/").removeprefix("en/")
    if route.startswith("teams/"):
        return world["team_b"].slug
    if route.startswith("models/"):
        return "global-baseline"
    return world["phase"].slug


def client_for(role, world, client):
    if role != "anonymous":
        client.force_login(world[role])
    return client


@pytest.mark.django_db
def test_every_url_answers_each_role_as_expected(world, client, django_user_model, capsys):
    from django.test import Client

    seen, skipped, failures = [], [], []
    for route, name in patterns():
        reason = skip_reason(route)
        if reason:
            skipped.append((route, reason))
            continue
        expected = EXPECTED.get(name)
        public = name.startswith(PUBLIC_NAMESPACES)
        if expected is None and not public and name not in EXPECTED:
            failures.append(f"{route} ({name}): no expectation; add it to EXPECTED")
            continue
        if name == "healthz":
            continue
        values = samples(world) | {"slug": slug_for(route, world)}
        try:
            url = fill(route, values)
        except KeyError as exc:
            failures.append(f"{route} ({name}): no sample for {exc}")
            continue
        seen.append(name)
        for role in ROLES:
            want = OK[role] if public else expected[role]
            response = client_for(role, world, Client()).get(url)
            if response.status_code != want:
                failures.append(f"{role:9} GET {url} ({name}): {response.status_code} != {want}")
            assert response.status_code != 403, f"{role} got 403 at {url}: hidden must be 404"
    with capsys.disabled():
        for reason in sorted({r for _, r in skipped}):
            count = sum(1 for _, r in skipped if r == reason)
            print(f"\n  skipped {count} URL patterns: {reason}", end="")
    assert not failures, "\n".join(failures)
    assert {"evaluator:board", "portal:run_feedback", "transparency:index"} <= set(seen)


@pytest.mark.django_db
def test_team_a_reaches_its_own_portal_and_not_team_bs(world, client):
    from django.urls import reverse

    client.force_login(world["member_a"])
    assert client.get(reverse("portal:team", args=["team-a"])).status_code == 200
    url = reverse("portal:phase_feedback", args=["team-a", world["phase"].slug])
    assert client.get(url).status_code == 200
    assert client.get(reverse("portal:run_feedback", args=[world["run_a"].pk])).status_code == 200
    assert client.get(reverse("portal:team", args=["team-b"])).status_code == 404
    assert client.get(reverse("portal:team", args=["no-such-team"])).status_code == 404
    assert (
        client.post(reverse("evaluator:run_official", args=[world["run_b"].pk])).status_code == 404
    )
    assert client.post(reverse("evaluator:publish", args=[world["phase"].slug])).status_code == 404
