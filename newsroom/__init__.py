# The Celery app is loaded with Django, so that @shared_task jobs use it.
from newsroom.celery import app as celery_app

__all__ = ("celery_app",)
