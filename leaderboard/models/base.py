"""Who is an evaluator, whose team a user is in, and the bilingual and reliability fields every model shares."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

EVALUATORS_GROUP = "Evaluators"


def is_evaluator(user) -> bool:
    """True for superusers and members of the Evaluators group."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_kai_is_evaluator", None)
    if cached is None:
        cached = user.groups.filter(name=EVALUATORS_GROUP).exists()
        user._kai_is_evaluator = cached
    return cached


def team_ids_of(user) -> frozenset[int]:
    """The ids of the teams the user is a member of (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_kai_team_ids", None)
    if cached is None:
        from .teams import TeamMembership  # teams builds on this module

        cached = frozenset(
            TeamMembership.objects.filter(user=user).values_list("team_id", flat=True)
        )
        user._kai_team_ids = cached
    return cached


class Bilingual(models.Model):
    """Korean and English names; `name` follows the active language."""

    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return self.name_ko if (get_language() or "ko").startswith("ko") else self.name_en


def localized(obj, field: str) -> str:
    """The Korean or English variant of `field` on `obj`, falling back to the other one."""
    ko, en = getattr(obj, f"{field}_ko", ""), getattr(obj, f"{field}_en", "")
    if (get_language() or "ko").startswith("ko"):
        return ko or en
    return en or ko


class Reliability(models.TextChoices):
    """How a fact or figure is known: pages mark the last two and never rank on them."""

    OFFICIAL = "official", _("Official")
    SECONDARY = "secondary", _("Secondary report")
    UNCERTAIN = "uncertain", _("Uncertain: sources disagree")


def reliability_field(help_text=None):
    return models.CharField(
        _("reliability"),
        max_length=12,
        choices=Reliability.choices,
        default=Reliability.OFFICIAL,
        help_text=help_text
        or _(
            "Official: an official release or the primary source itself. Secondary: a report "
            "quoting figures or facts not in an official release. Uncertain: sources disagree."
        ),
    )


def reliability_check(name: str, field: str = "reliability") -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": Reliability.values}), name=name)
