"""Every public page, the team portal and the decision board, at 390 × 844 and 1280 × 800, in
Korean and English: nothing overflows the page sideways, no table cell breaks inside a word, every
chart fits its card and its first legend entry is not covered (by plotly's toolbar or anything
else), and axe-core finds no serious or critical violation. Each page is saved as a screenshot
in test-artifacts/pages/.

The problems of all pages are collected and reported together, so one run shows them all.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from leaderboard.services import program_load
from tests.browser.conftest import ARTIFACTS

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = ARTIFACTS / "pages"
PASSWORD = "correct horse battery staple"
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
LOCALES = {"ko": "ko-KR", "en": "en-US"}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from evaluations.models import EvaluationRun
    from leaderboard.models import FoundationModel, Team
    from leaderboard.services import evaluator_group_ensure
    from tests.factories import MembershipFactory, UserFactory

    program_load()
    call_command("load_demo", verbosity=0)
    team = Team.objects.filter(models__slug="k-exaone-236b-a23b").first()
    MembershipFactory(team=team, user=UserFactory(username="mina"))
    evaluator = UserFactory(username="judge", is_staff=True)
    evaluator.groups.add(evaluator_group_ensure())
    model = FoundationModel.objects.get(slug="k-exaone-236b-a23b")
    run = EvaluationRun.objects.filter(model=model).order_by("-created_at").first()
    from evaluations.endpoints.models import Endpoint

    Endpoint.objects.create(  # a pending proposal, so that the review page has one to show
        model=model,
        base_url="https://inference.example.org/v1",
        served_model="exaone-236b-a23b-instruct-2025-11",
        requests_per_minute=600,
        system_prompt="Answer with the letter only.",
    )
    return {"url": live_server.url, "team": team, "model": model, "run": run}


def public_pages(site) -> list[tuple[str, str, tuple]]:
    """(name, url name, arguments) of every public page."""
    benchmark = site["run"].benchmark if site["run"] else None
    pages = [
        ("home", "leaderboard:home", ()),
        ("teams", "leaderboard:teams", ()),
        ("models", "leaderboard:models", ()),
        ("phases", "leaderboard:phases", ()),
        ("phase", "leaderboard:phase", ("first-stage",)),
        ("phase-demo", "leaderboard:phase", ("demo",)),
        ("decisions", "leaderboard:phase_decisions", ("first-stage",)),
        ("team", "leaderboard:team", (site["team"].slug,)),
        ("model", "leaderboard:model", (site["model"].slug,)),
        ("benchmarks", "leaderboard:benchmarks", ()),
        ("compare", "leaderboard:compare", ()),
        ("transparency", "transparency:index", ()),
        ("login", "login", ()),
    ]
    if benchmark is not None:
        pages.append(("benchmark", "leaderboard:benchmark", (benchmark.code,)))
    return pages


def member_pages(site) -> list[tuple[str, str, tuple]]:
    pages = [
        ("portal", "portal:home", ()),
        ("runs", "evaluations:runs", ()),
        ("endpoints", "portal:endpoints", (site["team"].slug,)),
    ]
    if site["run"] is not None:
        pages.append(("run", "evaluations:run", (site["run"].id,)))
    return pages


EVALUATOR_PAGES = [
    ("board-index", "evaluator:index", ()),
    ("board", "evaluator:board", ("first-stage",)),
    ("board-demo", "evaluator:board", ("demo",)),
    ("panels-manage-demo", "panels:manage_index", ("demo",)),
    ("endpoint-proposals", "evaluations:endpoint_proposals", ()),
]


def url(site, lang, name, args) -> str:
    with translation.override(lang):
        return site["url"] + reverse(name, args=args)


def sign_in(page, site, lang, username):
    page.goto(url(site, lang, "login", ()))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("load")


def settle(page):
    page.wait_for_load_state("load")
    if page.locator("div.chart[data-chart-src]").count():
        page.wait_for_function(
            "document.querySelectorAll('div.chart[data-chart-src]').length === "
            "document.querySelectorAll('div.chart[data-drawn]').length",
            timeout=15000,
        )


# The document is no wider than the window.
OVERFLOW_JS = "document.documentElement.scrollWidth - window.innerWidth"

# The outermost elements that reach past the window's right edge (outside sideways scrollers).
WIDE_JS = """
(() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-scroll, .chart, .run-log pre')) continue;
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 0.5 && !(el.parentElement.getBoundingClientRect().right > window.innerWidth + 0.5))
      out.push(el.tagName.toLowerCase() + '.' + (el.className.baseVal ?? el.className) + ' ' + Math.round(r.right));
  }
  return out.slice(0, 5);
})()
"""

# Words of table cells drawn on more than one line: a break inside a word ("Succee/ded").
# A word is a run of letters and digits: a line may end at a space, a hyphen or a bracket,
# never between two letters. Hashes (code.hash) are meant to break anywhere.
BROKEN_WORDS_JS = """
(() => {
  const out = [];
  for (const cell of document.querySelectorAll('table td, table th')) {
    if (cell.getClientRects().length === 0) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('code.hash, .visually-hidden')) continue;
      const text = node.textContent;
      const re = /[\\p{L}\\p{N}\\p{M}]+/gu;
      let m;
      while ((m = re.exec(text))) {
        if (m[0].length < 2) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set();
        for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
        if (tops.size > 1) out.push(m[0]);
      }
    }
    if (out.length >= 5) break;
  }
  return out;
})()
"""

# For each drawn chart, after hovering it (plotly shows its toolbar on hover): is the first
# legend entry's centre covered by anything outside the legend?
LEGEND_COVERED_JS = """
(chartId) => {
  const div = document.getElementById(chartId);
  const entry = div.querySelector('.legend .traces');
  if (!entry) return null;
  const r = entry.getBoundingClientRect();
  const points = [[r.left + 4, r.top + r.height / 2], [r.left + r.width / 2, r.top + r.height / 2],
                  [r.right - 4, r.top + r.height / 2]];
  for (const [x, y] of points) {
    const hit = document.elementFromPoint(x, y);
    if (hit && !hit.closest('.legend')) return (hit.className.baseVal ?? hit.className) || hit.tagName;
  }
  const bar = div.querySelector('.modebar');
  if (bar && bar.getClientRects().length) {
    const b = bar.getBoundingClientRect();
    if (b.width && getComputedStyle(bar).opacity !== '0' &&
        b.left < r.right && b.right > r.left && b.top < r.bottom && b.bottom > r.top)
      return 'modebar';
  }
  return '';
}
"""

# How far a drawn figure reaches past the content box of its card (pixels; <= 0: it fits).
OUTSIDE_CARD_JS = """
(chartId) => {
  const div = document.getElementById(chartId);
  const card = div.closest('.chart-figure');
  const style = getComputedStyle(card);
  const inner = card.getBoundingClientRect().right - parseFloat(style.paddingRight) -
                parseFloat(style.borderRightWidth);
  let right = 0;
  for (const svg of div.querySelectorAll('svg.main-svg')) right = Math.max(right, svg.getBoundingClientRect().right);
  return Math.round(right - inner);
}
"""

AXE_JS = (
    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
    ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target)}))"
)


def inspect(page, name, problems):
    """Check the open page; append what is wrong to `problems` and save its screenshot."""
    settle(page)
    overflow = page.evaluate(OVERFLOW_JS)
    if overflow > 0:
        problems.append((name, "overflows the window by", overflow, page.evaluate(WIDE_JS)))
    broken = page.evaluate(BROKEN_WORDS_JS)
    if broken:
        problems.append((name, "words broken inside table cells", broken))
    for chart_id in page.eval_on_selector_all(
        "div.chart[data-drawn='1']", "divs => divs.map(d => d.id)"
    ):
        # Centred, clear of the sticky header; the pointer over the chart shows plotly's toolbar.
        box = page.evaluate(
            "(id) => { const d = document.getElementById(id); d.scrollIntoView({block: 'center'});"
            " const r = d.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }",
            chart_id,
        )
        page.mouse.move(*box)
        sticking_out = page.evaluate(OUTSIDE_CARD_JS, chart_id)
        if sticking_out > 1:
            problems.append((name, f"{chart_id} sticks out of its card by", sticking_out))
        covered = page.evaluate(LEGEND_COVERED_JS, chart_id)
        if covered:
            problems.append((name, f"first legend entry of {chart_id} covered by", covered))
    page.mouse.move(0, 0)
    page.evaluate(AXE.read_text())
    violations = page.evaluate(AXE_JS)
    if violations:
        problems.append((name, "axe", violations))
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header where it belongs
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def visit(page, site, lang, pages, suffix, problems):
    for name, url_name, args in pages:
        response = page.goto(url(site, lang, url_name, args))
        if response.status != 200:
            problems.append((name, "answers", response.status))
            continue
        inspect(page, f"{name}-{suffix}", problems)


@pytest.mark.parametrize("lang", list(LOCALES))
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_fits_reads_whole_words_and_passes_axe(browser, site, viewport, lang):
    width, height = VIEWPORTS[viewport]
    suffix = f"{lang}-{width}"
    problems: list = []

    def context():
        return browser.new_context(
            viewport={"width": width, "height": height},
            locale=LOCALES[lang],
            device_scale_factor=1,
        )

    public = context()
    visit(public.new_page(), site, lang, public_pages(site), suffix, problems)
    public.close()

    member = context()
    page = member.new_page()
    sign_in(page, site, lang, "mina")
    visit(page, site, lang, member_pages(site), suffix, problems)
    member.close()

    evaluator = context()
    page = evaluator.new_page()
    sign_in(page, site, lang, "judge")
    visit(page, site, lang, EVALUATOR_PAGES, suffix, problems)
    evaluator.close()

    (SHOTS / f"problems-{suffix}.txt").write_text("\n".join(map(repr, problems)) + "\n")
    assert problems == [], problems
