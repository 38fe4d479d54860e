"""Template tags of the program record: reliability marks and dates that read true today."""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from leaderboard.models import Reliability

register = template.Library()


def _reliability_of(value) -> str:
    return getattr(value, "reliability", value) or Reliability.OFFICIAL


@register.simple_tag
def reliability(value, source=""):
    """A visible mark for a secondary or uncertain fact (nothing for an official one), with
    its source in the title and, when given, beside it."""
    kind = _reliability_of(value)
    if kind == Reliability.OFFICIAL:
        return ""
    label = {
        Reliability.SECONDARY: _("secondary"),
        Reliability.UNCERTAIN: _("uncertain"),
    }.get(kind, kind)
    title = str(Reliability(kind).label)
    if source:
        return format_html(
            '<span class="reliability reliability-{}" title="{}">{}</span>'
            ' <span class="reliability-source small muted">{}</span>',
            kind,
            title,
            label,
            source,
        )
    return format_html(
        '<span class="reliability reliability-{}" title="{}">{}</span>', kind, title, label
    )


@register.simple_tag
def dated(value, month_only=False):
    """A <time> element; one after today carries class is-future so no page reads it as past."""
    if value is None:
        return ""
    day = timezone.localdate(value) if isinstance(value, datetime) else value
    text = day.strftime("%Y-%m") if month_only else day.isoformat()
    today = timezone.localdate()
    future = (day.year, day.month) > (today.year, today.month) if month_only else day > today
    return format_html(
        '<time datetime="{}"{}>{}</time>',
        text,
        ' class="is-future"' if future else "",
        text,
    )


@register.filter
def is_future(value) -> bool:
    if value is None:
        return False
    day = timezone.localdate(value) if isinstance(value, datetime) else value
    return isinstance(day, date) and day > timezone.localdate()


@register.filter
def status_on(phase):
    """The phase's status as it reads now (a concluded phase is not concluded before it is)."""
    return phase.status_on()


@register.filter
def status_label(phase):
    return phase.status_label_on()


@register.filter
def sub_points(row, code):
    """The published points of a standings row's sub-components of `code`."""
    return row.sub_points(code)
