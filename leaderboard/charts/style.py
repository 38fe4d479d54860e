"""Colours, marker symbols and fill patterns: who looks like what, on every chart.

One colour per team on every chart (`team_color`, Okabe-Ito palette, stable for a given ordered
list of team keys); global baselines are grey (`BASELINE_COLOR`, lighter and darker greys when
several baselines share a chart). Colour is never the only cue: scatter charts also give each
team its own marker symbol, and several models of one team in a bar chart get distinct fill
patterns. `Styles` decides all three for the models of one chart.
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
BASELINE_COLOR = "#8c8c8c"
# Several baselines on one chart: same grey family, told apart by lightness (and the legend).
BASELINE_SHADES: tuple[str, ...] = (BASELINE_COLOR, "#5e5e5e", "#b8b8b8", "#737373", "#a3a3a3")
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
BASELINE_SYMBOL = "x"
# Fill patterns that tell apart several models of the same team in a bar chart.
VARIANT_PATTERNS: tuple[str, ...] = ("", "/", ".", "x", "-", "|", "+")
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
    """Colour, symbol and pattern of each model on one chart.

    `models` are (model name, team key or None) pairs in the chart's order. Pass every chart the
    same `team_order` (all team keys of the programme, e.g. sorted slugs): without it, the sorted
    keys of the teams present in that chart decide, so a chart missing a team would shift colours.
    """

    def __init__(self, models: Iterable[tuple[str, str | None]], team_order: Sequence[str] | None):
        models = list(models)
        keys = [team for _, team in models if team is not None]
        order = list(team_order) if team_order is not None else sorted(set(keys))
        order += sorted({k for k in keys if k not in order})
        self.order = order
        self._variant: dict[str, int] = {}  # 0 for a team's first model, 1 for its second, ...
        seen: dict[str | None, int] = {}
        for name, team in models:
            if name not in self._variant:
                self._variant[name] = seen.get(team, 0)
                seen[team] = self._variant[name] + 1
        self._team = dict(models)

    def color(self, model: str) -> str:
        team = self._team[model]
        if team is None:
            return BASELINE_SHADES[self._variant[model] % len(BASELINE_SHADES)]
        return team_color(team, self.order)

    def symbol(self, model: str) -> str:
        return team_symbol(self._team[model], self.order)

    def pattern(self, model: str) -> str:
        """The model's own fill pattern: "" (solid) for a team's first model and baselines."""
        if self._team[model] is None:  # baselines differ by shade already
            return ""
        return VARIANT_PATTERNS[self._variant[model] % len(VARIANT_PATTERNS)]

    def team_color(self, team: str) -> str:
        return team_color(team, self.order)

    def team_symbol(self, team: str) -> str:
        return team_symbol(team, self.order)
