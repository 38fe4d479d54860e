from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LeaderboardConfig(AppConfig):
    name = "leaderboard"
    verbose_name = _("Leaderboard")

    def ready(self):
        from .cache import cache_table_ensure, connect_signals, shared_cache_check

        connect_signals()
        # `migrate` also creates the database cache's table, so `make run` needs no extra step.
        post_migrate.connect(cache_table_ensure, sender=self, dispatch_uid="kai-cache-table")
        checks.register(shared_cache_check, checks.Tags.caches, deploy=True)
