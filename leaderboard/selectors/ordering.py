"""How leaderboard rows and standings are sorted by the column a visitor chose."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the board sorts with these functions
    from .board import LeaderboardRow


LANGUAGE_ORDER = {code: i for i, code in enumerate(("ko", "en", "ja", "code", "math", "multi"))}


def _unique_ordered(items):
    return list(dict.fromkeys(items))


def _sort_value(row: LeaderboardRow, sort: str, benchmark_by_code):
    """(value, low, high) of the sort column for one row, or None when the row has no value."""
    if sort == "total":
        value = row.total
    elif sort == "benchmark_points":
        value = row.benchmark_points
    elif sort in ("expert", "user"):
        value = row.point(sort)
    elif sort == "avg":
        value = row.average_percent
    elif sort.startswith("lang-"):
        value = row.language_percent.get(sort[5:])
    elif sort.startswith("b-"):
        cell = row.cells.get(benchmark_by_code[sort[2:]].pk)
        if cell is None:
            return None
        score = cell.score
        if score.has_interval:
            return (float(score.value), float(score.interval_low), float(score.interval_high))
        value = score.value
    else:
        return None
    if value is None:
        return None
    return (float(value), float(value), float(value))


def _sort_rows(rows, *, sort: str, order: str, benchmark_by_code) -> None:
    """Sort rows in place by the chosen column. Sorting never ranks: ranks come only from the
    program's published totals (leaderboard/standings.py)."""
    if sort in ("model", "team", ""):

        def name_key(row):
            if sort in ("team", ""):  # team models by team, then the baselines
                team = row.team.name if row.team else ""
                return (row.team is None, team, row.model.name.lower())
            return (row.model.name.lower(),)

        rows.sort(key=name_key, reverse=order == "desc")
        return
    higher_is_better = True
    if sort.startswith("b-"):
        higher_is_better = benchmark_by_code[sort[2:]].higher_is_better
    values = {id(r): _sort_value(r, sort, benchmark_by_code) for r in rows}
    descending = (order == "desc") == higher_is_better

    def key(row):
        item = values[id(row)]
        if item is None:  # rows without a value last, team models before baselines
            return (1, row.is_baseline, 0.0, row.model.name.lower())
        return (0, False, -item[0] if descending else item[0], row.model.name.lower())

    rows.sort(key=key)


def _sort_standings(rows, *, sort: str, order: str, benchmark_by_code) -> None:
    """Sort the standings by the chosen column (rows without a value last); never ranks."""
    if sort == "team":
        rows.sort(key=lambda r: r.team.name, reverse=order == "desc")
        return
    if sort == "model":
        rows.sort(key=lambda r: r.model.name.lower() if r.model else "~", reverse=order == "desc")
        return

    def value(row):
        if sort == "total":
            return row.total
        if sort == "benchmark_points" or sort in ("expert", "user"):
            entry = row.point("benchmark" if sort == "benchmark_points" else sort)
            return entry.points if entry else None
        if sort == "avg":
            return row.average_percent
        if sort.startswith("lang-") and row.board_row:
            return row.board_row.language_percent.get(sort[5:])
        if sort.startswith("b-") and row.board_row:
            cell = row.board_row.cells.get(benchmark_by_code[sort[2:]].pk)
            return cell.score.value if cell else None
        return None

    descending = order == "desc"
    if sort.startswith("b-") and not benchmark_by_code[sort[2:]].higher_is_better:
        descending = not descending
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    present.sort(key=lambda r: float(value(r)), reverse=descending)
    rows[:] = present + missing
