"""Background jobs: work neither a reader nor an editor should wait for.

Each is idempotent (running it twice leaves what running it once does) and
retried with backoff when the database (DatabaseError) or media storage (OSError)
is briefly unavailable.
"""

import logging

from celery import shared_task
from django.db import DatabaseError

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def recount_suggestions(story_ids: list[int]) -> None:
    """Count again the related stories of these stories and of their neighbours."""
    from articles import suggestions

    suggestions.refresh(set(story_ids))


@shared_task(autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=5)
def make_image_renditions(image_id: int, name: str) -> None:
    """Resize an uploaded picture for readers (``articles.images.store_renditions``)."""
    from articles.images import store_renditions

    store_renditions(image_id, name)


def run_in_background(task, *args) -> None:
    """Hand ``task`` to a worker (called once the change it is about has committed).

    If the broker cannot be reached the job runs here and now instead: slower
    for this request, but nothing is lost.
    """
    try:
        task.delay(*args)
    except Exception:  # the broker's client raises errors of its own kinds
        logger.warning("The job queue is not answering; running %s here.", task.name)
        task.apply(args=args, throw=True)
