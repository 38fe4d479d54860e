"""Atom feeds of the published decisions, one per language, for readers who subscribe.

Built as the public sees the site, whoever asks: a phase's decisions appear from its
announcement time on (Assessment.objects.visible_to the anonymous user), with their public
reasons and never the private feedback. Every correction of a published result (decision,
points, gate or score) is an entry of its own, with its reason and the earlier value, at the
time it was made. The synthetic demo phase is left out.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Assessment, Correction

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
        decisions = list(
            Assessment.objects.visible_to(AnonymousUser())
            .filter(phase__is_demo=False)
            .exclude(outcome=Assessment.Outcome.PENDING)
            .select_related("team", "phase", "model")
            .order_by("-phase__announcement_at", "-phase__order", "team__slug")[:FEED_LIMIT]
        )
        corrections = list(
            Correction.objects.visible_to()
            .exclude(phase__is_demo=True)
            .select_related("team", "phase", "model")[:FEED_LIMIT]
        )
        self._corrected = {}
        for correction in corrections:
            key = (correction.phase_id, correction.team_id)
            self._corrected[key] = max(
                correction.corrected_at, self._corrected.get(key, correction.corrected_at)
            )
        items = decisions + corrections
        items.sort(key=self.item_pubdate, reverse=True)
        return items[:FEED_LIMIT]

    def item_title(self, item):
        if isinstance(item, Correction):
            subject = item.team.name if item.team else (item.model.name if item.model else "")
            phase = f"{item.phase.name} · " if item.phase else ""
            return _("Correction: %(subject)s (%(kind)s)") % {
                "subject": phase + subject,
                "kind": item.get_kind_display(),
            }
        return f"{item.phase.name} · {item.team.name}: {item.get_outcome_display()}"

    def item_description(self, item):
        if isinstance(item, Correction):
            return _("Reason: %(reason)s Change: %(change)s.") % {
                "reason": item.reason,
                "change": item.change,
            }
        model = f"{item.model.name}. " if item.model else ""
        return model + (item.reasons or _("No public reason was given."))

    def item_link(self, item):
        if isinstance(item, Correction):
            if item.kind == Correction.Kind.SCORE and item.model_id:
                return f"{item.model.get_absolute_url()}#correction-{item.pk}"
            url = reverse("leaderboard:phase_decisions", args=[item.phase.slug])
            return f"{url}#correction-{item.pk}"
        url = reverse("leaderboard:phase_decisions", args=[item.phase.slug])
        return f"{url}#decision-{item.team.slug}"

    def item_guid(self, item):
        if isinstance(item, Correction):
            return f"tag:k-ai-leaderboard,2026:correction/{item.pk}"
        return f"tag:k-ai-leaderboard,2026:decision/{item.phase.slug}/{item.team.slug}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        if isinstance(item, Correction):
            return item.corrected_at
        return item.phase.announcement_at

    def item_updateddate(self, item):
        if isinstance(item, Correction):
            return item.corrected_at
        return self._corrected.get((item.phase_id, item.team_id), item.phase.announcement_at)
