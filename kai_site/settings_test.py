"""Test settings: the real settings with the environment a test run needs filled in."""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# Tasks run eagerly unless a test starts a real worker (tests/evaluations/test_worker.py).
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

from .settings import *  # noqa: F403
from .settings import BASE_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A worker started by a test gets the test's folders through the environment.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "test-media"))
ANSWER_KEY_ROOT = Path(os.environ.get("ANSWER_KEY_ROOT", BASE_DIR / "var" / "test-answer-keys"))
# Each test process keeps its own cache, so clearing it never touches the broker's Redis data.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
