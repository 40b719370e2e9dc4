"""The Celery app: background jobs (``tasks.py`` in each app), configured from
Django's settings (``CELERY_*``). Start a worker with ``celery -A newsroom worker``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

app = Celery("newsroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
