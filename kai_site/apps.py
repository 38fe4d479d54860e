"""The site's own app: checks that guard a production start (`check --deploy`)."""

from django.apps import AppConfig
from django.core import checks


class SiteConfig(AppConfig):
    name = "kai_site"
    label = "kai_site"
    verbose_name = "K-AI Leaderboard site"

    def ready(self):
        from .checks import email_backend_check

        checks.register(email_backend_check, checks.Tags.security, deploy=True)
