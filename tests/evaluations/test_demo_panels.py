"""The demo pack's synthetic panels: in the demo phase only, marked DEMO, seeded, idempotent."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from evaluations.demo_pack import DEMO_SKILLS
from evaluations.panels import selectors
from evaluations.panels.models import Comparison, Panel, Rater, Rating
from evaluations.panels.services import _seat
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def counts():
    return (
        Panel.objects.count(),
        Rater.objects.count(),
        Rating.objects.count(),
        Comparison.objects.count(),
    )


def test_load_demo_adds_three_marked_panels_once_and_only_to_the_demo_phase(program, evaluator):
    call_command("load_demo", verbosity=0)
    models = len(DEMO_SKILLS)
    panels = {p.code: p for p in Panel.objects.select_related("phase")}
    assert set(panels) == {"demo-expert", "demo-professional", "demo-public"}
    assert all(p.is_demo and p.phase.is_demo and "[DEMO]" in p.name_en for p in panels.values())
    assert not Panel.objects.filter(phase__is_demo=False).exists()
    assert [
        panels[c].raters.count() for c in ("demo-expert", "demo-professional", "demo-public")
    ] == [10, 12, 30]
    assert Rating.objects.count() == models * (10 * 3 + 12 * 2 + 30 * 1)
    assert Comparison.objects.count() == 152
    excluded = {
        reason: Comparison.objects.filter(excluded_reason=reason).count()
        for reason in ("too_fast", "repeated_prompt")
    }
    assert excluded == {"too_fast": 3, "repeated_prompt": 2}
    before = counts()
    call_command("load_demo", verbosity=0)
    assert counts() == before

    # what the simulation put in comes out: the biased expert is flagged, the weakest model last
    expert = selectors.panel_results(panels["demo-expert"])
    first = Rater.objects.get(panel=panels["demo-expert"], user__username="demo-expert-rater-01")
    assert [rater for rater, _distance in expert.far_raters] == [first.pk]
    means = {r.model.slug: r.mean for r in expert.models}
    assert min(means, key=means.get) == "vaetki-100b-a10b", means
    votes = selectors.vote_results(panels["demo-public"])
    assert votes.counted == 147 and len(votes.excluded) == 5
    assert "vaetki-100b-a10b" in {r.model.slug for r in votes.ratings[-2:]}

    # marked DEMO wherever it is shown: the evaluators' pages and a rater's
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(evaluator)
    index = client.get(reverse("panels:manage_index", args=["demo"])).content.decode()
    assert index.count('<span class="pill pill-demo">DEMO</span>') == 3
    for panel in panels.values():
        page = client.get(reverse("panels:manage_detail", args=[panel.pk])).content.decode()
        assert "DEMO: synthetic" in page
    visitor = UserFactory(username="visitor")
    _seat(visitor, panels["demo-public"], via="test", verified_email="visitor@example.org")
    client.force_login(visitor)
    for name in ("panels:rate", "panels:compare"):
        page = client.get(reverse(name, args=[panels["demo-public"].pk])).content.decode()
        assert "DEMO: synthetic" in page
    mine = client.get(reverse("panels:mine")).content.decode()
    assert '<span class="pill pill-demo">DEMO</span>' in mine
