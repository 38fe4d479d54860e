"""The Celery app: configured from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kai_site.settings")

app = Celery("kai_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Endpoint runs keep their tasks beside their code (evaluations/endpoints/tasks.py).
app.autodiscover_tasks(["evaluations.endpoints"])
