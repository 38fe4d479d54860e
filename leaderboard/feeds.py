"""Atom feeds of the published decisions, one per language, for readers who subscribe.

Built as the public sees the site, whoever asks: a phase's decisions appear from its
announcement time on (Assessment.objects.visible_to the anonymous user), with their public
reasons and never the private feedback. The synthetic demo phase is left out.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Assessment

FEED_LANGUAGES = ("ko", "en")
FEED_LIMIT = 200


class DecisionsFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, lang, **kwargs):
        if lang not in FEED_LANGUAGES:
            raise Http404("No feed in that language")
        with translation.override(lang):
            return super().__call__(request, *args, lang=lang, **kwargs)

    def get_object(self, request, lang):
        return lang

    def title(self, lang):
        return _("K-AI Leaderboard: decisions")

    def subtitle(self, lang):
        return _(
            "Every published decision of Korea’s Independent AI Foundation Model Project, "
            "with its public reasons."
        )

    def link(self, lang):
        return reverse("leaderboard:home")

    def feed_url(self, lang):
        return reverse("feed_decisions", args=[lang])

    def items(self, lang):
        return list(
            Assessment.objects.visible_to(AnonymousUser())
            .filter(phase__is_demo=False)
            .exclude(outcome=Assessment.Outcome.PENDING)
            .select_related("team", "phase", "model")
            .order_by("-phase__announcement_at", "-phase__order", "team__slug")[:FEED_LIMIT]
        )

    def item_title(self, item):
        return f"{item.phase.name} · {item.team.name}: {item.get_outcome_display()}"

    def item_description(self, item):
        model = f"{item.model.name}. " if item.model else ""
        return model + (item.reasons or _("No public reason was given."))

    def item_link(self, item):
        url = reverse("leaderboard:phase_decisions", args=[item.phase.slug])
        return f"{url}#decision-{item.team.slug}"

    def item_guid(self, item):
        return f"tag:k-ai-leaderboard,2026:decision/{item.phase.slug}/{item.team.slug}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.phase.announcement_at

    def item_updateddate(self, item):
        return item.phase.announcement_at
