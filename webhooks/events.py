"""What partners are told, and when: events recorded with the change that makes them.

A story's events follow what partners were last told of it (its last
``published``, ``withdrawn`` or ``canceled`` event), so each change is told
once: a public story saved is ``updated`` if partners know it is out, and
``published`` if they do not. A scheduled story's moment passes without a save:
the sweep (``stories_announce``) tells of it. Deliveries are rows written in the
change's transaction; they are sent once it commits, and never hold it up.
"""

from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from articles.cache import lock_for_change
from articles.models import Story
from articles.ninjs import absolute
from webhooks.delivery import deliveries_queue
from webhooks.models import LIFECYCLE, Delivery, Endpoint, Event, EventType, retry_window

# Stories whose moment came this recently are told of by the sweep if nobody has
# yet; older ones are taken as known (those public before webhooks were set up).
ANNOUNCE_WITHIN = timedelta(hours=24)


def last_told(story_id: int) -> str | None:
    """The last of a story's published, withdrawn or canceled events, or None."""
    events = Event.objects.filter(story_id=story_id, type__in=LIFECYCLE)
    return events.values_list("type", flat=True).first()


def event_record(type_: str, *, story=None, uri: str = "", data=None) -> Event | None:
    """Record an event and a delivery to each endpoint that wants it, sent on commit.

    Events that say whether a story is out are kept even when nobody wants them:
    the next change of the story is told according to them.
    """
    endpoints = [endpoint for endpoint in Endpoint.objects.all() if endpoint.wants(type_)]
    if not endpoints and type_ not in LIFECYCLE:
        return None
    now = timezone.now()
    event = Event.objects.create(
        type=type_, story=story, uri=uri or story.uri, data=data, created_at=now
    )
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            event=event,
            endpoint=endpoint,
            next_attempt_at=now,
            expires_at=now + retry_window(),
            created_at=now,
        )
        for endpoint in endpoints
    )
    deliveries_queue([d.pk for d in deliveries])
    return event


def state_when_loaded(story: Story, now) -> tuple[bool, bool, object]:
    """Whether the story was public and whether it was scheduled as it was loaded,
    and its publication time then."""
    status, published_at, _ = getattr(story, "address_when_loaded", None) or (None, None, None)
    out = status == Story.Status.PUBLISHED and published_at is not None
    return out and published_at <= now, out and published_at > now, published_at


def story_saved(sender, instance: Story, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    # Partners hear of changes made on the primary; a replica only repeats them.
    if raw or using != DEFAULT_DB_ALIAS:
        return
    now = timezone.now()
    before, scheduled_before, published_before = state_when_loaded(instance, now)
    public = instance.is_published()
    withdrawn = instance.status == Story.Status.WITHDRAWN
    if not (before or public or withdrawn or scheduled_before):
        return  # a draft, or a story scheduled: partners hear of it when it is out
    if scheduled_before and not (public or instance.is_scheduled()):
        # An embargo pulled back: partners reading embargoed stories (the API) had it.
        event_record(EventType.STORY_CANCELED, story=instance)
        return
    told = last_told(instance.pk)
    if told is not None:
        known = told == EventType.STORY_PUBLISHED
    else:
        # Out before anything was told, and long enough ago that the sweep will not.
        known = before and published_before <= now - ANNOUNCE_WITHIN
    if public and not known:
        event_record(EventType.STORY_PUBLISHED, story=instance)
    elif public:
        # Told after commit, unless the same change is told otherwise (a correction, a post).
        story_id = instance.pk
        transaction.on_commit(lambda: story_update_record(story_id, now), robust=True)
    elif known:
        event_record(
            EventType.STORY_WITHDRAWN if withdrawn else EventType.STORY_CANCELED, story=instance
        )


def story_update_record(story_id: int, since) -> None:
    told_otherwise = Event.objects.filter(story_id=story_id, created_at__gte=since)
    if told_otherwise.exists():
        return
    story = Story.objects.published().filter(pk=story_id).first()
    if story is not None:
        with transaction.atomic():
            event_record(EventType.STORY_UPDATED, story=story)


def story_deleted(sender, instance: Story, using=DEFAULT_DB_ALIAS, **kwargs):
    if using != DEFAULT_DB_ALIAS:
        return
    told = instance.is_published() or instance.is_scheduled()
    if told or last_told(instance.pk) == EventType.STORY_PUBLISHED:
        data = {"uri": instance.uri, "type": "text", "pubstatus": "canceled"}
        event_record(EventType.STORY_CANCELED, story=None, uri=instance.uri, data=data)


def correction_saved(sender, instance, created=False, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    if created and not raw and using == DEFAULT_DB_ALIAS and instance.story.is_published():
        event_record(EventType.STORY_CORRECTED, story=instance.story)


def live_post_saved(sender, instance, created=False, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    if not created or raw or using != DEFAULT_DB_ALIAS or not instance.story.is_published():
        return
    story = instance.story
    data = {
        "id": instance.pk,
        "headline": instance.headline,
        "body_html": instance.body,
        "published_at": instance.published_at.isoformat(),
        "updated_at": instance.updated_at.isoformat(),
        "key_event": instance.key_event,
        "pinned": instance.pinned,
        "url": absolute(instance.get_absolute_url()),
        "story": {"uri": story.uri, "url": absolute(story.get_absolute_url())},
    }
    event_record(EventType.LIVE_POST_ADDED, story=story, data=data)


def stories_announce(now=None) -> int:
    """Tell of the stories whose scheduled moment has come and nobody has told of; how many."""
    now = now or timezone.now()
    told = Event.objects.filter(story_id=OuterRef("pk"), type__in=LIFECYCLE)
    due = (
        Story.objects.published(at=now)
        .filter(published_at__gt=now - ANNOUNCE_WITHIN)
        .annotate(told=Subquery(told.values("type")[:1]))
    )
    untold = due.filter(Q(told__isnull=True) | ~Q(told=EventType.STORY_PUBLISHED))
    if not untold.exists():
        return 0
    with transaction.atomic():
        # As every writer of content does: a story saved meanwhile is told once.
        lock_for_change()
        stories = list(untold)
        for story in stories:
            event_record(EventType.STORY_PUBLISHED, story=story)
    return len(stories)
