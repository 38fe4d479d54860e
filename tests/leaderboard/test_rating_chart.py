"""The panel ratings' distribution chart: its figure's data and layout, and its table."""

import numpy as np
import plotly.graph_objects as go

from leaderboard.charts import RatingDistributionRow, rating_distribution_chart
from leaderboard.charts.ratings import quartiles

ROWS = [
    RatingDistributionRow("Alpha", "Usefulness", (1, 2, 4, 5)),
    RatingDistributionRow("Beta", "Usefulness", (3, 3, 4)),
    RatingDistributionRow("Alpha", "Fluency", (5, 4, 4, 2)),
    RatingDistributionRow("Beta", "Fluency", ()),  # no ratings: left out
]


def test_one_box_trace_per_criterion_holding_every_rating_by_model():
    figure = rating_distribution_chart(ROWS).figure
    assert [t.type for t in figure.data] == ["box", "box"]
    useful, fluent = figure.data
    assert useful.name == "Usefulness" and fluent.name == "Fluency"
    assert list(useful.x) == ["Alpha"] * 4 + ["Beta"] * 3
    assert list(useful.y) == [1, 2, 4, 5, 3, 3, 4]
    assert list(fluent.x) == ["Alpha"] * 4 and list(fluent.y) == [5, 4, 4, 2]
    assert useful.boxpoints == "all" and useful.quartilemethod == "linear"
    assert useful.boxmean is True
    assert useful.marker.color != fluent.marker.color
    assert figure.layout.boxmode == "group"
    assert list(figure.layout.xaxis.categoryarray) == ["Alpha", "Beta"]
    assert tuple(figure.layout.yaxis.range) == (0.5, 5.5)
    assert list(figure.layout.yaxis.tickvals) == [1, 2, 3, 4, 5]


def test_the_table_gives_the_quartiles_plotly_draws():
    chart = rating_distribution_chart(ROWS, labels={"median": "중앙값"})
    assert "중앙값" in chart.table_headers
    assert len(chart.table_rows) == 3
    alpha = chart.table_rows[0]
    q1, med, q3 = np.percentile([1, 2, 4, 5], [25, 50, 75])  # numpy linear = plotly "linear"
    assert alpha == ("Alpha", "Usefulness", "4", "1", f"{q1:g}", f"{med:g}", f"{q3:g}", "5", "3")
    assert quartiles([3]) == (3.0, 3.0, 3.0)
    assert chart.summary.startswith("11 ratings of 2 models on 2 criteria.")
    assert chart.summary.endswith("Highest median: Alpha on Fluency, 4.")


def test_no_ratings_give_the_empty_figure_that_says_so():
    chart = rating_distribution_chart([RatingDistributionRow("A", "U", ())])
    assert not chart.has_data and chart.figure.data == ()
    assert chart.summary == "No data to show."


def test_names_are_escaped_for_plotly_and_the_figure_validates():
    chart = rating_distribution_chart([RatingDistributionRow("<b>X</b> & Y", "U", (3, 4))])
    figure = chart.figure
    assert list(figure.data[0].x) == ["&lt;b&gt;X&lt;/b&gt; &amp; Y"] * 2
    assert "<" not in chart.figure_json
    go.Figure(figure)  # validates


def test_the_cartesian_bundle_is_the_same_plotly_js_release_as_plotly_py():
    import json
    import re
    from pathlib import Path

    from plotly.offline import get_plotlyjs_version

    root = Path(__file__).resolve().parents[2]
    head = (root / "static/vendor/plotly-cartesian.min.js").read_text(errors="ignore")[:300]
    served = re.search(r"plotly\.js \(cartesian - minified\) v(\d+\.\d+\.\d+)", head).group(1)
    npm = json.loads((root / "package.json").read_text())["dependencies"]
    assert npm["plotly.js-cartesian-dist-min"] == served == get_plotlyjs_version()
