"""Purging shared caches by key: what each public response shows, and what to drop.

Every public response names what it shows in surrogate keys, the same keys in
three headers: ``Surrogate-Key`` (Fastly), ``xkey`` (Varnish) and ``Cache-Tag``
(Cloudflare). The vocabulary (docs/caching.md):

- ``all``: every public response; ``not-found``: every 404.
- ``story-<id>``: a story's page (and its 301s and 410), its card in any listing,
  its feed items, its corrections, its live posts.
- ``section-<id>``, ``tag-<id>``, ``person-<id>``, ``source-<id>``, ``image-<id>``:
  any response showing that object.
- ``list-section-<id>``, ``list-tag-<id>``, ``list-person-<id>``, ``list-source-<id>``:
  that listing's pages and feeds; ``front``, ``feed``, ``archive``, ``search``,
  ``sitemap``, ``corrections``: the site-wide ones.

What must be dropped is written down by the database when content changes
(``articles.purge_triggers``, into ``PendingPurge``); ``purge_pending`` sends
the keys that are due to every purge backend (``newsroom.frontcache``). It is
queued when a change made through the models commits, and swept every second
by the scheduler, which also catches writes no model saw and stories whose
scheduled moment arrives. A purge that fails stays, due again after a backoff;
saving never waits for it.
"""

import contextlib
import datetime
import functools
import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

HEADER = "Surrogate-Key"
# The longest surrogate-key header the CDNs take (Fastly and Cloudflare: 16 KB).
MAX_HEADER_LENGTH = 16_000


def add_keys(response, keys: Iterable[str]) -> None:
    """Add ``keys`` to what ``response`` shows, keeping their order, once each."""
    current = response.get(HEADER, "").split()
    for key in keys:
        if key and key not in current:
            current.append(key)
    if current:
        response[HEADER] = " ".join(current)


def with_keys(*keys: str):
    """A view decorator: its responses show ``keys``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            add_keys(response, keys)
            return response

        return wrapped

    return decorator


def finish_keys(response) -> None:
    """The keys every public response carries, written in the three headers."""
    add_keys(response, ["all", "not-found"] if response.status_code == 404 else ["all"])
    keys = response[HEADER]
    while len(keys) > MAX_HEADER_LENGTH:
        # Too many to name: the page goes with the next purge of everything.
        keys = keys[: keys.rindex(" ")]
    response[HEADER] = keys
    response["xkey"] = keys
    response["Cache-Tag"] = keys.replace(" ", ",")


def story_keys(stories) -> list[str]:
    """Keys of story cards: the story, its picture, original publisher and bylines
    (from what ``StoryQuerySet.cards()`` reads: no query of its own)."""
    keys = []
    for story in stories:
        keys.append(f"story-{story.pk}")
        if story.lead_image_id:
            keys.append(f"image-{story.lead_image_id}")
        if story.original_publisher_id:
            keys.append(f"source-{story.original_publisher_id}")
        keys += [f"person-{line.person_id}" for line in story.bylines.all()]
    return keys


def object_keys(kind: str, pk: int) -> list[str]:
    """A listing's keys: what it shows of its object, and its stories."""
    return [f"{kind}-{pk}", f"list-{kind}-{pk}"]


@contextlib.contextmanager
def purged_whole():
    """Around a bulk load or a restore: the keys its writes made due become one
    purge of everything (``all``), instead of one row per story."""
    from articles.models import PendingPurge

    before = PendingPurge.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    PendingPurge.objects.filter(pk__gt=before).delete()
    PendingPurge.objects.create(key="all", due_at=timezone.now())


# --- Sending what is due -------------------------------------------------------

BATCH = 5000
MAX_BACKOFF_SECONDS = 300
# About a day of tries (the last ones five minutes apart): by then the pages the
# keys name have expired from shared caches by themselves.
MAX_ATTEMPTS = 290


def purge_due(now: datetime.datetime | None = None) -> int:
    """Send the keys due by ``now`` to the purge backends; the number of keys sent.

    Rows are taken with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL), so two
    workers never send the same rows, and deleted once every backend confirmed.
    When one fails they stay, due again after a backoff that doubles each time
    up to five minutes. Rows past the time shared caches keep a page are moot.
    """
    from articles.models import PendingPurge
    from newsroom import frontcache

    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                PendingPurge.objects.select_for_update(skip_locked=True)
                .filter(due_at__lte=now)
                .order_by("due_at", "pk")
                .values_list("pk", "key", "attempts", "again")[:BATCH]
            )
            if not rows:
                return sent
            ids = [pk for pk, _, _, _ in rows]
            keys = sorted({key for _, key, _, _ in rows})
            try:
                frontcache.purge(keys)
            except frontcache.PurgeFailed as error:
                attempts = max(attempts for _, _, attempts, _ in rows) + 1
                delay = min(2**attempts, MAX_BACKOFF_SECONDS)
                if attempts >= MAX_ATTEMPTS:
                    PendingPurge.objects.filter(pk__in=ids).delete()
                    logger.error(
                        "Gave up purging %d keys after a day of tries: %s", len(keys), error
                    )
                    return sent
                PendingPurge.objects.filter(pk__in=ids).update(
                    attempts=attempts, due_at=now + datetime.timedelta(seconds=delay)
                )
                logger.warning(
                    "Purging %d keys failed (attempt %d), trying again in %d s: %s",
                    len(keys),
                    attempts,
                    delay,
                    error,
                )
                return sent
            PendingPurge.objects.filter(pk__in=ids).delete()
            again = sorted({key for _, key, _, repeat in rows if repeat})
            if again and frontcache.configured():
                later = now + datetime.timedelta(seconds=settings.PURGE_AGAIN_SECONDS)
                PendingPurge.objects.bulk_create(
                    PendingPurge(key=key, due_at=later, again=False) for key in again
                )
            sent += len(keys)
        if len(rows) < BATCH:
            return sent


# One queued job is enough for the changes committed at one moment.
HURRY_WINDOW_SECONDS = 0.05
last_hurried = 0.0


def hurry(sender=None, **kwargs) -> None:
    """Queue ``purge_pending`` once the current transaction commits.

    Connected to content models' signals; the database has written down what to
    purge whatever path changed content, so this only makes it go out at once
    rather than at the next sweep.
    """
    if kwargs.get("raw"):
        return
    transaction.on_commit(queue, using=kwargs.get("using"), robust=True)


def queue() -> None:
    global last_hurried
    if time.monotonic() - last_hurried < HURRY_WINDOW_SECONDS:
        return
    last_hurried = time.monotonic()
    from articles.tasks import purge_pending, run_in_background

    run_in_background(purge_pending)


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    watched = list(apps.get_app_config("articles").get_models())
    watched.append(apps.get_model("taggit", "Tag"))
    for model in watched:
        if model._meta.model_name in ("pendingpurge", "contentversion", "autosave"):
            continue
        post_save.connect(hurry, sender=model, dispatch_uid=f"purge-save-{model._meta.label}")
        post_delete.connect(hurry, sender=model, dispatch_uid=f"purge-delete-{model._meta.label}")
        # The content's own many-to-many tables only: not, say, a role's permissions,
        # which migrations set before there is anything to purge.
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            label = f"purge-m2m-{through._meta.label}"
            m2m_changed.connect(hurry, sender=through, dispatch_uid=label)
