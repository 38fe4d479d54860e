"""The sitemap: the public pages of the program, as an anonymous visitor may see them.

Every section reads through the same selectors as the pages, always as the anonymous user (an
evaluator who fetches /sitemap.xml gets the public one). A phase's decisions appear from its
announcement time on; a model appears once it has a visible score or assessment. Dates are given
only where they are public themselves (a phase's announcement), so the sitemap tells nothing of
when unpublished things changed. The synthetic demo phase and demo benchmarks are left out: the
sitemap lists the program's real record. Every page is listed in Korean and English, each entry
with its hreflang alternates.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from . import selectors

PUBLIC = AnonymousUser()


class Sitemap(Sitemap):
    """Each page once per language (/ko/..., /en/...), each entry naming the others."""

    i18n = True
    alternates = True
    x_default = True


class PagesSitemap(Sitemap):
    priority = 1.0
    changefreq = "daily"

    def items(self):
        return ["leaderboard:home", "leaderboard:benchmarks", "transparency:index"]

    def location(self, item):
        return reverse(item)


class PhaseSitemap(Sitemap):
    priority = 0.9
    changefreq = "daily"

    def items(self):
        return selectors.phase_list()

    def lastmod(self, phase):
        return phase.announcement_at if phase.is_published() else None


class DecisionsSitemap(Sitemap):
    priority = 0.9

    def items(self):
        now = timezone.now()
        return [p for p in selectors.phase_list() if p.is_published(now)]

    def location(self, phase):
        return reverse("leaderboard:phase_decisions", args=[phase.slug])

    def lastmod(self, phase):
        return phase.announcement_at


class TeamSitemap(Sitemap):
    priority = 0.7

    def items(self):
        return selectors.team_list()


class ModelSitemap(Sitemap):
    priority = 0.6

    def items(self):
        return list(selectors.models_visible(user=PUBLIC, include_demo=False).order_by("slug"))


class BenchmarkSitemap(Sitemap):
    priority = 0.5

    def items(self):
        return [b for b in selectors.benchmark_list(user=PUBLIC) if not b.is_demo]


SITEMAPS = {
    "pages": PagesSitemap,
    "phases": PhaseSitemap,
    "decisions": DecisionsSitemap,
    "teams": TeamSitemap,
    "models": ModelSitemap,
    "benchmarks": BenchmarkSitemap,
}
