"""The charts, one module each: plain rows in, a validated `plotly.graph_objects.Figure` out
(as `Chart`: its JSON, table and summary). Imports plotly and the standard library, never Django.

Views translate the labels (`DEFAULT_LABELS` keys) and pass them in; the page embeds
`Chart.figure_json` in a `<script type="application/json">` and `static/js/charts.js` draws it
with the vendored plotly.js. Shared parts: `style` (colours, symbols, patterns), `text` (labels,
number formats), `figure` (`Chart`, layout and axes, the empty figure, the JSON), `memo` (the
same input gets the same chart back without building it again).
"""

from .comparison import MAX_COMPARED_MODELS, ComparisonRow, comparison_chart
from .efficiency import EfficiencyRow, efficiency_chart
from .figure import Chart
from .intervals import IntervalRow, interval_chart
from .percent import (
    MAX_BAR_TEXTS,
    TARGET_PERCENT,
    PercentOfReferenceRow,
    percent_of_reference_chart,
)
from .progression import PhasePointsRow, phase_progression_chart
from .ratings import RatingDistributionRow, rating_distribution_chart
from .relative import RelativePerformanceRow, relative_performance_chart
from .style import (
    BASELINE_COLOR,
    BASELINE_SHADES,
    FONT_FAMILY,
    PALETTE,
    SYMBOLS,
    team_color,
    team_symbol,
)
from .text import DEFAULT_LABELS

__all__ = [
    "BASELINE_COLOR",
    "BASELINE_SHADES",
    "DEFAULT_LABELS",
    "FONT_FAMILY",
    "MAX_BAR_TEXTS",
    "MAX_COMPARED_MODELS",
    "PALETTE",
    "SYMBOLS",
    "TARGET_PERCENT",
    "Chart",
    "ComparisonRow",
    "EfficiencyRow",
    "IntervalRow",
    "PercentOfReferenceRow",
    "PhasePointsRow",
    "RatingDistributionRow",
    "RelativePerformanceRow",
    "comparison_chart",
    "efficiency_chart",
    "interval_chart",
    "percent_of_reference_chart",
    "phase_progression_chart",
    "rating_distribution_chart",
    "relative_performance_chart",
    "team_color",
    "team_symbol",
]
