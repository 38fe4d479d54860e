"""The public journey in a real browser: charts drawn, no console errors, no outside requests,
sideways-scrolling tables at 375 px and no serious accessibility violations (axe-core)."""

from pathlib import Path

import pytest
from django.core.management import call_command

from leaderboard.services import program_load
from tests.browser.conftest import ARTIFACTS

AXE = Path(__file__).parent / "vendor" / "axe.min.js"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    program_load()
    call_command("load_demo", verbosity=0)
    return live_server.url


class Watcher:
    """Console errors and requests of one page, checked after each step."""

    def __init__(self, page, origin):
        self.origin = origin
        self.errors, self.outside = [], []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)
        page.on(
            "response",
            lambda r: r.status >= 400 and self.errors.append(f"{r.status} {r.url}"),
        )

    def _request(self, request):
        if not request.url.startswith((self.origin, "data:", "blob:", "about:")):
            self.outside.append(request.url)

    def check(self, where):
        assert not self.errors, (where, self.errors)
        assert not self.outside, (where, self.outside)


def settle(page):
    page.wait_for_load_state("load")
    if page.locator("div.chart[data-chart-src]").count():
        page.wait_for_function(
            "document.querySelectorAll('div.chart[data-chart-src]').length === "
            "document.querySelectorAll('div.chart[data-drawn]').length",
            timeout=15000,
        )


def assert_charts_drawn(page, where, expected=1):
    charts = page.locator("div.chart[data-chart-src]").count()
    assert charts >= expected, (where, charts)
    assert page.locator("div.chart[data-drawn='0']").count() == 0, where
    assert page.locator("svg.main-svg").count() >= charts, where


def assert_accessible(page, where):
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target)}))"
    )
    assert result == [], (where, result)


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def journey(page, site, watcher, width):
    """Home → phase → Korean filter → sort → model → compare → English; yields each step."""
    page.goto(site + "/ko/")
    settle(page)
    yield "home", 1
    page.locator("a[href='/ko/phases/first-stage/']").first.click()
    settle(page)
    yield "phase", 3
    page.select_option("#f-language", "ko")
    page.locator("form.filters button[type=submit]").click()
    settle(page)
    assert "language=ko" in page.url
    yield "phase-korean", 1
    page.locator(".leaderboard-table a.sort[href*='sort=avg']").click()
    settle(page)
    assert "sort=avg" in page.url
    yield "phase-sorted", 1
    page.locator(".leaderboard-table tbody th a").first.click()
    settle(page)
    assert "/models/" in page.url
    yield "model", 1
    page.locator("a[href^='/ko/compare/?models=']").first.click()
    settle(page)
    unchecked = page.locator(".model-picker input[type=checkbox]:not(:checked)")
    unchecked.first.check()
    page.locator(".model-picker button[type=submit]").click()
    settle(page)
    assert page.locator("div.chart[data-chart-src='chart-comparison-data']").count() == 1
    yield "compare", 1
    page.locator(".lang-switch [data-lang=en]").click()
    settle(page)
    assert page.locator("html").get_attribute("lang") == "en"
    yield "compare-english", 1


def test_the_public_journey_draws_every_chart_without_errors(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    page = context.new_page()
    watcher = Watcher(page, site)
    for name, expected_charts in journey(page, site, watcher, 1280):
        assert_charts_drawn(page, name, expected_charts)
        watcher.check(name)
        assert_accessible(page, name)
        shot(page, f"{name}-1280")
    context.close()


def test_at_375_px_tables_scroll_sideways_and_nothing_overflows_or_overlaps(browser, site):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="ko-KR", device_scale_factor=1
    )
    page = context.new_page()
    watcher = Watcher(page, site)
    for name, expected_charts in journey(page, site, watcher, 375):
        assert_charts_drawn(page, name, expected_charts)
        watcher.check(name)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (name, overflow)
        if name.startswith("phase"):
            scroll = page.evaluate(
                "(() => { const s = document.querySelector('.score-matrix').closest('.table-scroll');"
                " return [s.scrollWidth, s.clientWidth]; })()"
            )
            assert scroll[0] > scroll[1], (name, scroll)
        overlaps = page.evaluate(OVERLAP_JS)
        assert overlaps == [], (name, overlaps)
        assert_accessible(page, name)
        shot(page, f"{name}-375")
    context.close()


# Pairs of visible text-bearing elements, outside scrolling regions and charts, that overlap.
OVERLAP_JS = """
(() => {
  const sel = 'h1, h2, .brand, .main-nav a, .lang-switch, .breadcrumbs, .page-tabs a, ' +
              '.filters .field, .status, .pill, .lede, .chart-title, .section-head > *, .button';
  const boxes = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('.table-scroll, .chart, details:not([open])')) continue;
    // the box of the text itself: padding of inline links may overlap without any harm
    const range = document.createRange();
    range.selectNodeContents(el);
    const r = range.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    boxes.push([el, r]);
  }
  const out = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      if (a.contains(b) || b.contains(a)) continue;
      const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (x > 2 && y > 2) out.push([a.className || a.tagName, b.className || b.tagName,
                                    a.textContent.trim().slice(0, 20), b.textContent.trim().slice(0, 20)]);
    }
  }
  return out.slice(0, 5);
})()
"""
