"""Small formatting helpers for the site's templates."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from leaderboard import numbers

register = template.Library()


def _not_published():
    return format_html('<span class="not-published">{}</span>', _("not published"))


@register.filter
def points(value, decimals=1):
    """Points with a fixed number of decimals, or 'not published'."""
    if value is None or value == "":
        return _not_published()
    return numbers.points_text(value, decimals)


@register.filter
def url_breaks(value):
    """An address with break opportunities (<wbr>) after '/', '.', '-', '?', '&' and '=', so a
    narrow table cell wraps it between its parts, never inside a word."""
    import re

    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    parts = re.split(r"(?<=[/.\-?&=])(?![/.\-?&=])", str(value or ""))
    return mark_safe("<wbr>".join(escape(part) for part in parts))


@register.filter
def or_not_published(value):
    if value is None or value == "":
        return _not_published()
    return value


@register.filter
def billions(value):
    """A parameter count in billions ('236B'), or 'not published'."""
    if value is None:
        return _not_published()
    value = Decimal(value).normalize()
    return f"{value:f}B"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def localized(obj, field):
    from leaderboard.models import localized as pick

    return pick(obj, field)


@register.filter
def percent(value):
    """A percentage with one decimal ('96.4%'), or an em dash."""
    return numbers.percent_text(value)


@register.filter
def score(value, decimals=None):
    """A score as `numbers.score_text` writes it: a Score at its published precision, a bare
    value (a run's result) at `decimals` or the metric's precision."""
    if hasattr(value, "decimals") and hasattr(value, "value"):
        return numbers.score_text(value.value, value.decimals)
    return numbers.score_text(value, numbers.RUN_DECIMALS if decimals is None else decimals)


@register.filter
def interval(value):
    """The 95% interval of a Score (at its precision) or of a run's result, or an em dash."""
    decimals = getattr(value, "decimals", numbers.RUN_DECIMALS)
    low, high = getattr(value, "interval_low", None), getattr(value, "interval_high", None)
    return numbers.interval_text(low, high, decimals)


@register.filter
def cell_for(row, benchmark):
    """The chosen score of a leaderboard row on one benchmark, or None."""
    return row.cells.get(benchmark.pk)


@register.filter
def language_percent(row, code):
    return row.language_percent.get(code)


@register.filter
def language_name(code):
    from leaderboard.models import Benchmark

    return dict(Benchmark.Language.choices).get(code, code)


@register.simple_tag
def sort_query(board, key):
    """The query string that sorts the board by `key` (toggling the order when it already is)."""
    if board.sort == key:
        order = "asc" if board.order == "desc" else "desc"
    else:
        order = "asc" if key in ("model", "team") else "desc"
    return "?" + board.filters.as_query(sort=key, order=order)


@register.simple_tag
def aria_sort(board, key):
    if board.sort != key:
        return "none"
    return "ascending" if board.order == "asc" else "descending"


@register.simple_tag
def query_with(filters, **changes):
    """This view's query string with some filters changed."""
    query = filters.as_query(**changes)
    return f"?{query}" if query else "?"


@register.simple_tag
def public_run_card(score):
    """``{% public_run_card score as card %}``: the run card's public part, or None."""
    from ..run_card import public_run_card as card_of

    return card_of(score)
