"""The site's settings with a cache that the threads of one process share and nothing else.

It stands for Redis in the publication race: the bump is seen by another thread at once, while
the database still holds the old row until the publishing transaction commits.
"""

from kai_site.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
