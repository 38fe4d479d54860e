"""In a real browser: an evaluator assesses and publishes; a team member runs and reads feedback."""

import pytest

from tests.browser.conftest import ARTIFACTS

PASSWORD = "correct horse battery staple"
FEEDBACK = "Your Korean law answers are weaker than the rest; look at the legal corpus."

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(live_server, settings, tmp_path):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from evaluations.services import answer_key_import
    from leaderboard.models import PhaseParticipant
    from leaderboard.services import evaluator_group_ensure
    from tests.access.conftest import add_scheme
    from tests.evaluations.conftest import key_lines, predictions
    from tests.factories import (
        BaselineFactory,
        BenchmarkFactory,
        MembershipFactory,
        ModelFactory,
        PhaseFactory,
        ScoreFactory,
        TeamFactory,
        UserFactory,
    )

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ANSWER_KEY_ROOT = tmp_path / "keys"
    bench = BenchmarkFactory(code="kmmlu-mini", name="KMMLU mini", item_count=None)
    key = tmp_path / "key.jsonl"
    key.write_text("\n".join(key_lines()) + "\n", encoding="utf-8")
    answer_key_import(benchmark=bench, path=key)
    phase = PhaseFactory(
        slug="final",
        name_en="Final round",
        name_ko="최종 평가",
        announcement_at=None,
        submission_opens=timezone.now() - timedelta(days=1),
        submission_closes=timezone.now() + timedelta(days=7),
    )
    add_scheme(phase)
    team = TeamFactory(slug="haneul", name_en="Haneul AI", name_ko="하늘 AI")
    PhaseParticipant.objects.create(phase=phase, team=team)
    ModelFactory(slug="haneul-32b", name="Haneul 32B", team=team)
    baseline = BaselineFactory(
        slug="global-70b", name="Global 70B", release_date=timezone.localdate() - timedelta(days=40)
    )
    ScoreFactory(model=baseline, benchmark=bench, value=Decimal("80.0"))
    MembershipFactory(team=team, user=UserFactory(username="mina"))
    evaluator = UserFactory(username="judge", is_staff=True)
    evaluator.groups.add(evaluator_group_ensure())
    upload = tmp_path / "predictions.jsonl"
    upload.write_bytes(predictions(72))
    ARTIFACTS.mkdir(exist_ok=True)
    return {"url": live_server.url, "upload": upload}


def sign_in(page, base, username):
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("load")


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_evaluator_publishes_and_a_team_member_reads_its_feedback(browser, scene):
    base = scene["url"]
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # A team member submits a run and sees it finish.
    sign_in(page, base, "mina")
    page.click("text=My team")
    assert page.locator("h1", has_text="Haneul AI").is_visible()
    page.click("text=Submit a run")
    page.select_option("#id_model", label="Haneul 32B")
    page.select_option("#id_phase", label="Final round")
    page.select_option("#id_benchmark", label="KMMLU mini")
    page.set_input_files("#id_upload", str(scene["upload"]))
    page.click("form.form button[type=submit]")
    page.wait_for_selector(".run-status.run-succeeded", timeout=15000)
    assert "72.0" in page.content()
    page.goto(f"{base}/en/team/")
    shot(page, "portal-dashboard")
    page.click("button:has-text('Sign out')")

    # The evaluator assesses the team (first with a mistake), then publishes.
    sign_in(page, base, "judge")
    page.click("text=Decision board")
    page.click("text=Final round")
    page.wait_for_selector("text=Teams, points and decisions")
    shot(page, "evaluator-board-before")
    page.click("a:has-text('Assess')")
    page.fill("#id_points_expert", "36")
    page.fill("#id_points_user", "21.5")
    page.select_option("#id_gate_independence", "pass")
    page.select_option("#id_outcome", "eliminated")
    page.fill("#id_private_feedback", FEEDBACK)
    page.click("text=Save the assessment")
    assert page.locator(".field.has-error").count() == 3  # expert points, reasons ko, reasons en
    shot(page, "evaluator-assess-errors")
    page.fill("#id_points_expert", "30")
    page.select_option("#id_outcome", "advanced")
    page.fill("#id_reasons_ko", "벤치마크와 전문가 평가 모두 기준을 넘었습니다.")
    page.fill("#id_reasons_en", "Cleared the bar on benchmarks and the expert review.")
    page.click("text=Save the assessment")
    page.wait_for_selector("text=was saved")
    page.click("button:has-text('Mark official')")
    page.wait_for_selector(".pill:has-text('Official')")
    shot(page, "evaluator-board-decided")
    page.click("button:has-text('Publish now')")
    page.wait_for_selector("text=now public")

    # The public sees the decision.
    anonymous = browser.new_context(locale="en-US").new_page()
    anonymous.goto(f"{base}/en/phases/final/decisions/")
    assert anonymous.locator("text=Cleared the bar on benchmarks").first.is_visible()
    assert FEEDBACK not in anonymous.content()
    shot(anonymous, "public-phase-after-publication")
    anonymous.goto(f"{base}/en/transparency/")
    assert anonymous.locator("code.hash").count() >= 2
    assert FEEDBACK not in anonymous.content()
    shot(anonymous, "transparency")

    # The member reads the feedback.
    page.click("button:has-text('Sign out')")
    sign_in(page, base, "mina")
    page.goto(f"{base}/en/team/")
    page.click(".timeline a:has-text('Final round')")
    page.wait_for_selector("text=Private feedback from the evaluators")
    assert FEEDBACK in page.content()
    assert page.locator(".feedback-table tbody tr").count() == 1
    shot(page, "portal-phase-feedback")
    page.click(".feedback-table a")
    page.wait_for_selector("text=Download CSV")
    shot(page, "portal-run-feedback")
    assert not errors, errors
