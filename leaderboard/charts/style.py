"""Colours, marker symbols and fill patterns: who looks like what, on every chart.

Every model has its own colour and its own marker symbol, the same on every chart and whatever
the reference or filter: both come from the model's place in a stable `model_order` (every
model's name, ordered by slug, team models first; `leaderboard.index_selectors.chart_model_order`).
Team models take the colour-blind-safe palette, global baselines greys with their own symbols.
Teams (the progression chart) keep one colour per team (`team_color`). The only fill pattern is
the hatching of bars below the target, and its legend entry explains it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

# Okabe & Ito (2008), "Color Universal Design", without black: distinguishable with every
# common colour-vision deficiency. Yellow last: it has the least contrast on a light page.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
)
# Colours of team models: the palette above, then Tol's wine, teal and indigo (also safe).
MODEL_PALETTE: tuple[str, ...] = (*PALETTE, "#882255", "#44AA99", "#332288")
BASELINE_COLOR = "#8c8c8c"
# Several baselines on one chart: same grey family, told apart by lightness (and the legend).
BASELINE_SHADES: tuple[str, ...] = (
    BASELINE_COLOR,
    "#5e5e5e",
    "#b8b8b8",
    "#737373",
    "#a3a3a3",
    "#4d4d4d",
    "#999999",
    "#666666",
)
# One marker symbol per team (same index as the colour), so scatter charts survive greyscale.
SYMBOLS: tuple[str, ...] = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "cross",
    "star",
    "pentagon",
)
# One symbol per team model (same index as its colour): ten of them, as many as the colours.
MODEL_SYMBOLS: tuple[str, ...] = (*SYMBOLS, "triangle-down", "hexagon", "hourglass")
BASELINE_SYMBOL = "x"
BASELINE_SYMBOLS: tuple[str, ...] = (
    "x",
    "bowtie",
    "diamond-tall",
    "triangle-left",
    "hexagram",
    "star-square",
    "diamond-wide",
    "triangle-right",
)
BELOW_TARGET_PATTERN = "x"

FONT_FAMILY = (
    "Pretendard, 'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', system-ui, sans-serif"
)
GRID_COLOR = "rgba(128,128,128,0.25)"
LINE_COLOR = "rgba(90,90,90,0.9)"
TRANSPARENT = "rgba(0,0,0,0)"


def team_color(team_key: str | None, ordered_team_keys: Sequence[str]) -> str:
    """The team's colour: its position in `ordered_team_keys` picks a PALETTE entry (grey: None)."""
    if team_key is None:
        return BASELINE_COLOR
    return PALETTE[_team_index(team_key, ordered_team_keys) % len(PALETTE)]


def team_symbol(team_key: str | None, ordered_team_keys: Sequence[str]) -> str:
    """The team's marker symbol, chosen like its colour (baselines: "x")."""
    if team_key is None:
        return BASELINE_SYMBOL
    return SYMBOLS[_team_index(team_key, ordered_team_keys) % len(SYMBOLS)]


def _team_index(team_key: str, ordered_team_keys: Sequence[str]) -> int:
    try:
        return list(ordered_team_keys).index(team_key)
    except ValueError:
        raise ValueError(f"team {team_key!r} is not in the ordered team keys") from None


class Styles:
    """Colour and symbol of each model on one chart, and of each team.

    `models` are (model name, team key or None) pairs. `model_order` is every model's name in a
    stable order, team models first (models missing from it follow, by name); without it the
    chart's own models, sorted, decide, so pass it wherever colours must match across charts.
    `team_order` does the same for teams (all team keys, e.g. sorted slugs).
    """

    def __init__(
        self,
        models: Iterable[tuple[str, str | None]],
        team_order: Sequence[str] | None,
        model_order: Sequence[str] | None = None,
    ):
        models = list(models)
        self._team = dict(models)
        keys = [team for _, team in models if team is not None]
        order = list(team_order) if team_order is not None else sorted(set(keys))
        order += sorted({k for k in keys if k not in order})
        self.order = order
        names = list(model_order) if model_order is not None else []
        present = sorted(self._team, key=lambda name: (self._team[name] is None, name))
        names += [name for name in present if name not in names]
        self._index = {name: position for position, name in enumerate(names)}

    def color(self, model: str) -> str:
        index = self._index[model]
        if self._team[model] is None:
            return BASELINE_SHADES[index % len(BASELINE_SHADES)]
        return MODEL_PALETTE[index % len(MODEL_PALETTE)]

    def symbol(self, model: str) -> str:
        index = self._index[model]
        if self._team[model] is None:
            return BASELINE_SYMBOLS[index % len(BASELINE_SYMBOLS)]
        return MODEL_SYMBOLS[index % len(MODEL_SYMBOLS)]

    def team_color(self, team: str) -> str:
        return team_color(team, self.order)

    def team_symbol(self, team: str) -> str:
        return team_symbol(team, self.order)
