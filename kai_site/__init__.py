"""The site: settings, URLs, the Celery app, API support (tokens, errors, schema), middleware.
May import Django, DRF and Celery; of the apps, their models and their URL and API modules.
"""

from .celery import app as celery_app

__all__ = ("celery_app",)
