"""Small formatting helpers for the site's templates."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def _not_published():
    return format_html('<span class="not-published">{}</span>', _("not published"))


@register.filter
def points(value, decimals=1):
    """Points with a fixed number of decimals, or 'not published'."""
    if value is None or value == "":
        return _not_published()
    return f"{Decimal(value):.{int(decimals)}f}"


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
