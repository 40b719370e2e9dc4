"""Webhooks' background jobs: one per delivery, and a sweep for what is due."""

from celery import shared_task
from django.db import DatabaseError


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def deliver(delivery_id: int) -> None:
    """One attempt at a delivery, if it is due (``webhooks.delivery``). Queued when the
    change it tells of commits; a failed attempt is retried by the sweep, not by Celery."""
    from webhooks.delivery import delivery_send

    delivery_send(delivery_id)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def sweep() -> None:
    """Every ``WEBHOOK_SWEEP_SECONDS`` (``celery beat``): tell of scheduled stories whose
    moment came, and queue the deliveries that are due (retries, and any job lost)."""
    from articles.tasks import run_in_background
    from webhooks.delivery import deliveries_due
    from webhooks.events import stories_announce

    stories_announce()
    for pk in deliveries_due():
        run_in_background(deliver, pk)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def prune() -> None:
    """Hourly: drop events and deliveries finished for a month (``events_prune``)."""
    from webhooks.delivery import events_prune

    events_prune()


@shared_task(autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=5)
def send_pause_notice(endpoint_id: int) -> None:
    """E-mail the site's administrators that an endpoint was paused automatically."""
    from webhooks.delivery import send_pause_notice as send

    send(endpoint_id)
