"""Background jobs: work neither a reader nor an editor should wait for.

Each is idempotent (running it twice leaves what running it once does) and
retried with backoff when the database (DatabaseError) or media storage (OSError)
is briefly unavailable.
"""

import logging

from celery import shared_task
from django.db import DatabaseError, transaction
from django.db.models.signals import post_save

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=5)
def make_image_renditions(image_id: int, name: str) -> None:
    """Resize an uploaded picture for readers and crop it around its focal point, or
    only crop it again when the point has moved (``articles.images.store_renditions``)."""
    from articles.images import store_renditions

    store_renditions(image_id, name)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def clear_held_uploads() -> None:
    """Delete uploads held for a form's next try once they have expired
    (``articles.images.held_uploads_clear``); queued whenever one is held."""
    from articles.images import held_uploads_clear

    held_uploads_clear()


@shared_task(autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=5)
def draw_share_card(story_id: int) -> None:
    """Draw the share card of a public story whose picture has no share crop."""
    from articles.images import store_card
    from articles.models import Story

    story = Story.objects.published().select_related("section", "lead_image")
    story = story.filter(pk=story_id).first()
    if story is not None and not (story.lead_image and story.lead_image.share_url):
        store_card(story)


@shared_task(autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=5)
def send_transition_notice(story_id: int, name: str, actor_id: int | None) -> None:
    """E-mail the desk about a story's transition (``articles.notifications``).

    A notice is sent at least once: a retry after the mail server failed part
    way may send it again to some, never lose it for any.
    """
    from articles.notifications import send_transition_notice as send

    send(story_id, name, actor_id)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def purge_pending() -> None:
    """Send the keys whose purge is due to the proxy and CDNs (``articles.purge``).

    Queued when a change commits and swept every ``PURGE_SWEEP_SECONDS`` by the
    scheduler (``celery beat``). A backend that fails is tried again later,
    with backoff, by the rows it leaves (not by Celery's retry).
    """
    from articles.purge import purge_due

    purge_due()


# What a share card shows, and what makes a story public.
CARD_FIELDS = {"headline", "kicker", "section", "section_id", "status", "published_at"}


def story_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not instance.is_published():
        return
    if update_fields is not None and not CARD_FIELDS & set(update_fields):
        return
    # A scheduled story gets its card from the first reader to ask once it is out:
    # drawn earlier, the card's address would confirm a guessed headline.
    story_id = instance.pk
    transaction.on_commit(lambda: run_in_background(draw_share_card, story_id), robust=True)


def connect_signals() -> None:
    from articles import purge

    post_save.connect(story_saved, sender="articles.Story", dispatch_uid="share-card")
    purge.connect_signals()


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
