"""The panel ratings' box chart, checked by the bundle its page loads (the cartesian bundle):
`Plotly.validate` reports anything that bundle does not know."""

from pathlib import Path

import pytest

from leaderboard.charts import RatingDistributionRow, rating_distribution_chart
from tests.browser.test_chart_schema import VALIDATE

pytestmark = pytest.mark.browser

BUNDLE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "plotly-cartesian.min.js"
BASIC = BUNDLE.with_name("plotly-basic.min.js")
ROWS = [
    RatingDistributionRow("모델 가", "유용성", (1, 3, 4, 5)),
    RatingDistributionRow("Model B", "Fluency", (2, 2, 5)),
]


def test_the_cartesian_bundle_knows_every_property_of_the_box_chart(browser):
    page = browser.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(BUNDLE))
    assert page.evaluate(VALIDATE, rating_distribution_chart(ROWS).figure_json) == []
    assert page.evaluate(VALIDATE, rating_distribution_chart([]).figure_json) == []
    page.close()
    # and the basic bundle would not draw it: the page must load the cartesian one
    page = browser.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(BASIC))
    assert page.evaluate(VALIDATE, rating_distribution_chart(ROWS).figure_json) != []
    page.close()
