"""Ingest's background jobs: partners' feeds polled when they are due.

A poll takes its feed with ``select_for_update(skip_locked=True)`` and leases it (its
``polled_at`` is moved to now) in a short transaction before the fetch, which runs
outside any transaction, as webhook deliveries do: a second worker either skips the
locked row or finds the feed no longer due, so two workers never poll one feed at once.
A worker that dies mid-poll leaves the feed to its next turn; what it had taken in is
kept (each entry commits on its own) and is not taken again (its id is recorded).
"""

import datetime

from celery import shared_task
from django.db import DatabaseError, transaction
from django.utils import timezone

# "Poll now" waits this long after a poll began, so that it never runs beside that poll.
LEASE = datetime.timedelta(minutes=2)


def feeds_due(now) -> list[int]:
    """The active feeds whose turn has come, never polled first."""
    from ingest.models import PartnerFeed

    feeds = PartnerFeed.objects.filter(active=True).only("pk", "polled_at", "poll_minutes")
    due = [
        feed
        for feed in feeds
        if feed.polled_at is None
        or feed.polled_at <= now - datetime.timedelta(minutes=feed.poll_minutes)
    ]
    due.sort(key=lambda feed: (feed.polled_at is not None, feed.polled_at or now))
    return [feed.pk for feed in due]


def feed_take(feed_id: int, now, *, force: bool = False):
    """The feed, if it is active, due (or ``force``) and nobody else is polling it,
    leased for this poll."""
    from ingest.models import PartnerFeed

    with transaction.atomic():
        feed = (
            PartnerFeed.objects.select_for_update(skip_locked=True)
            .filter(pk=feed_id, active=True)
            .first()
        )
        if feed is None:
            return None
        turn = LEASE if force else datetime.timedelta(minutes=feed.poll_minutes)
        if feed.polled_at is not None and feed.polled_at > now - turn:
            return None
        feed.polled_at = now
        feed.save(update_fields=["polled_at"])
    return feed


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def poll_feed(feed_id: int, force: bool = False) -> str | None:
    """Poll one partner feed if it is due (``ingest.feeds.poll``); ``force`` polls it
    before its turn ("Poll now" in the admin), unless a poll began in the last
    ``LEASE``. What the poll found, or None when it was not polled."""
    from ingest.feeds import poll

    now = timezone.now()
    feed = feed_take(feed_id, now, force=force)
    if feed is None:
        return None
    return str(poll(feed, now=now))


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def poll_feeds() -> None:
    """Every few minutes (``celery beat``): queue a poll of each feed that is due."""
    from articles.tasks import run_in_background

    for pk in feeds_due(timezone.now()):
        run_in_background(poll_feed, pk)
