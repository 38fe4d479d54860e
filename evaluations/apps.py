from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self):
        # The phase page links a phase's panel results when it has panels: a panel created or
        # deleted makes the cached public pages stale (leaderboard.cache, after the commit).
        from django.db.models.signals import post_delete, post_save

        from leaderboard.cache import bump_generation

        from .panels.models import Panel

        for signal in (post_save, post_delete):
            signal.connect(bump_generation, sender=Panel, dispatch_uid="kai-bump-Panel")
