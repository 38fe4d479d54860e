"""Every chart's figure, checked by the plotly.js bundle the pages load (static/vendor, the basic
bundle): `Plotly.validate` reports any property or value that this bundle does not know, which
plotly.py's validation (against the full plotly.js schema of the same version) cannot see."""

from pathlib import Path

import pytest

from leaderboard.charts import ComparisonRow, comparison_chart, interval_chart
from tests.leaderboard.test_charts import KOREAN, all_charts

pytestmark = pytest.mark.browser

BUNDLE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "plotly-basic.min.js"
# Plotly.validate stops with a TypeError on the legend's attributes when the legend is not
# drawn (one trace, none, or showlegend false), so it is asked with the legend shown; every
# property is still checked, showlegend's own value aside.
VALIDATE = """text => {
  const figure = JSON.parse(text);
  const layout = Object.assign({}, figure.layout, {showlegend: true});
  return Plotly.validate(figure.data, layout) || [];
}"""


def test_the_served_plotly_js_knows_every_property_of_every_chart(browser):
    page = browser.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(BUNDLE))
    figures = {
        f"{name}-{lang}": chart.figure_json
        for lang, labels in (("en", None), ("ko", KOREAN))
        for name, chart in all_charts(labels=labels).items()
    }
    figures["empty"] = interval_chart([]).figure_json
    figures["one-bar"] = comparison_chart([ComparisonRow("A", "lg", "Math", 90)]).figure_json
    for name, text in figures.items():
        assert page.evaluate(VALIDATE, text) == [], name
    # the check does see what this bundle does not know
    problems = page.evaluate(
        VALIDATE,
        '{"data": [{"type": "bar", "x": [1], "y": [1], "markr": {}}],'
        ' "layout": {"xaxis": {"tickangel": 45}}}',
    )
    assert sorted(p["astr"] for p in problems) == ["markr", "xaxis.tickangel"]
    page.close()
