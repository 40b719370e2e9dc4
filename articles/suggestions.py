"""Suggested stories, kept in a table.

A story's suggestions are the stories published around it (NEIGHBOURS before
it and as many after, in order of publication) that share most of its people
and tags, newest first among equals. Counting them on every view took a story
page longer than all its other work, so they are counted when content changes:
a story's own, and those of the neighbours sharing any of its people or tags
(it may now belong in their lists) or already listing it (it may no longer),
once the change is committed.

The counting is done in Python over the people and tags of the stretch of the
archive concerned, read in three queries: in SQL it took two index lookups per
neighbour, 4–7 ms a story.

Scheduled stories are counted with the published ones; the story page shows a
suggestion only once it is public, so a scheduled story appears under its
neighbours at its time without a save.
"""

import bisect
import contextlib
import threading
from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone

from articles.models import Story, Suggestion, TaggedStory

# Neighbours before and after: the work per story stays the same at any archive
# size and any rate of publication.
NEIGHBOURS = 250
# Public suggestions kept per story: more than the page shows, so that one
# withdrawn still leaves enough.
KEPT = 8


class Stretch:
    """Published (and scheduled) stories in order of publication, with their
    people and tags: the whole archive, or the part around one moment."""

    def __init__(self, rows, topics: dict[int, set]):
        self.keys = sorted((when, pk) for pk, when in rows)
        self.position = {pk: index for index, (_, pk) in enumerate(self.keys)}
        self.topics = topics
        self.holding = defaultdict(list)  # topic -> positions, ascending
        for index, (_, pk) in enumerate(self.keys):
            for topic in topics.get(pk, ()):
                self.holding[topic].append(index)

    @classmethod
    def whole(cls) -> "Stretch":
        rows = published().values_list("pk", "published_at")
        return cls(rows, read_topics())

    @classmethod
    def around(cls, when) -> "Stretch":
        """The 2 × NEIGHBOURS stories before ``when`` and as many after: every
        window that holds a story within NEIGHBOURS of that moment."""
        span = 2 * NEIGHBOURS + 1
        before = published().filter(published_at__lte=when).order_by("-published_at", "-pk")
        after = published().filter(published_at__gt=when).order_by("published_at", "pk")
        rows = [
            *before.values_list("pk", "published_at")[:span],
            *after.values_list("pk", "published_at")[:span],
        ]
        if not rows:
            return cls([], {})
        earliest, latest = min(when for _, when in rows), max(when for _, when in rows)
        topics = read_topics(between=(earliest, latest))
        return cls(rows, topics)

    def suggested(self, pk: int, when, topics: set, limit: int | None = KEPT) -> list[int]:
        """The stories around story ``pk`` (published at ``when``) sharing any of
        ``topics``, most shared first, then newest."""
        here = self.position.get(pk)
        if here is None:  # not published: placed at its time among those that are
            here = bisect.bisect_left(self.keys, (when, pk))
            low, high = here - NEIGHBOURS, here + NEIGHBOURS
        else:
            low, high = here - NEIGHBOURS, here + NEIGHBOURS + 1
        low = max(low, 0)
        shared = Counter()
        for topic in topics:
            positions = self.holding.get(topic, ())
            start = bisect.bisect_left(positions, low)
            stop = bisect.bisect_left(positions, high)
            shared.update(positions[start:stop])
        shared.pop(self.position.get(pk), None)
        ranked = sorted(shared, key=lambda index: (-shared[index], -index))
        if limit is None:
            return [self.keys[index][1] for index in ranked]
        # Scheduled stories are kept as well as the first ``limit`` public ones:
        # when their time comes they take their place without a count.
        kept, public, now = [], 0, timezone.now()
        for index in ranked:
            if public == limit:
                break
            when, other = self.keys[index]
            kept.append(other)
            public += when <= now
        return kept


def published():
    return Story.objects.filter(status=Story.Status.PUBLISHED, published_at__isnull=False)


def read_topics(story_ids=None, between=None) -> dict[int, set]:
    """People (as their ids) and tags (as minus theirs) of ``story_ids``, or else
    of the published stories, those published ``between`` two times if given."""
    people = Story.people.through.objects.all()
    tagged = TaggedStory.objects.all()
    if story_ids is not None:
        people = people.filter(story_id__in=story_ids)
        tagged = tagged.filter(content_object_id__in=story_ids)
    else:
        people = people.filter(story__status=Story.Status.PUBLISHED)
        tagged = tagged.filter(content_object__status=Story.Status.PUBLISHED)
        if between:
            people = people.filter(story__published_at__range=between)
            tagged = tagged.filter(content_object__published_at__range=between)
    found = defaultdict(set)
    for pk, person in people.values_list("story_id", "person_id").iterator(chunk_size=10000):
        found[pk].add(person)
    for pk, tag in tagged.values_list("content_object_id", "tag_id").iterator(chunk_size=10000):
        found[pk].add(-tag)
    return found


def store(found: dict[int, list[int]]) -> None:
    """Replace the suggestions of the stories in ``found``."""
    Suggestion.objects.filter(story_id__in=list(found)).delete()
    Suggestion.objects.bulk_create(
        (
            Suggestion(story_id=story_id, suggested_id=other, rank=rank)
            for story_id, others in found.items()
            for rank, other in enumerate(others)
        ),
        batch_size=5000,
    )


def count_all(progress=None) -> int:
    """Count every story's suggestions again; ``progress(done, total)`` after each batch."""
    stretch = Stretch.whole()
    stories = list(Story.objects.values_list("pk", "published_at"))
    drafts = [pk for pk, _ in stories if pk not in stretch.position]
    topics = {**stretch.topics, **read_topics(drafts)}
    now = timezone.now()
    batch = 5000
    for start in range(0, len(stories), batch):
        with transaction.atomic():
            store(
                {
                    pk: stretch.suggested(pk, when or now, topics.get(pk, set()))
                    for pk, when in stories[start : start + batch]
                }
            )
        if progress:
            progress(min(start + batch, len(stories)), len(stories))
    return len(stories)


def refresh(story_ids) -> None:
    """Count again the suggestions of ``story_ids`` and of every story whose
    suggestions they may join or leave."""
    now = timezone.now()
    stories = dict(Story.objects.filter(pk__in=list(story_ids)).values_list("pk", "published_at"))
    topics = read_topics(list(stories))
    listing = set(
        Suggestion.objects.filter(suggested_id__in=list(story_ids)).values_list(
            "story_id", flat=True
        )
    )
    found = {}
    for pk, when in stories.items():
        stretch = Stretch.around(when or now)
        own = topics.get(pk, set())
        found[pk] = stretch.suggested(pk, when or now, own)
        near = stretch.suggested(pk, when or now, own, limit=None)
        if pk in stretch.position:  # only a published story is suggested under others
            for other in near:
                if other not in found:
                    found[other] = stretch.suggested(
                        other, stretch.keys[stretch.position[other]][0], stretch.topics[other]
                    )
    # Stories listing one that moved far away, or was withdrawn, or lost its topics.
    stale = list(listing - found.keys())
    times = dict(Story.objects.filter(pk__in=stale).values_list("pk", "published_at"))
    stale_topics = read_topics(stale)
    for pk in stale:
        when = times.get(pk) or now
        found[pk] = Stretch.around(when).suggested(pk, when, stale_topics.get(pk, set()))
    existing = set(Story.objects.filter(pk__in=list(found)).values_list("pk", flat=True))
    with transaction.atomic():
        store({pk: others for pk, others in found.items() if pk in existing})


# Changes are gathered while a transaction runs and counted once it commits: one
# save in the admin sends a signal for the story, each tag and its people.
pending = threading.local()


def waiting() -> set:
    if not hasattr(pending, "ids"):
        pending.ids = set()
    return pending.ids


def flush() -> None:
    from articles.tasks import recount_suggestions, run_in_background

    ids, pending.ids = waiting(), set()
    if ids:
        run_in_background(recount_suggestions, sorted(ids))


@contextlib.contextmanager
def paused():
    """Changes made inside are not counted: for bulk work that calls ``count_all`` after."""
    pending.paused = True
    try:
        yield
    finally:
        pending.paused = False


def changed(*story_ids) -> None:
    if getattr(pending, "paused", False):
        return
    waiting().update(story_id for story_id in story_ids if story_id is not None)
    transaction.on_commit(flush)


def story_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        changed(instance.pk)


def story_deleted(sender, instance, **kwargs):
    # Its rows go with it; the stories that listed it need another in its place.
    changed(*instance.suggested_under.values_list("story_id", flat=True))


def topic_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        changed(instance.content_object_id if sender is TaggedStory else instance.story_id)


def people_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if not reverse:
        if action != "pre_clear":
            changed(instance.pk)
    elif action == "pre_clear":
        changed(*instance.stories_about.values_list("pk", flat=True))
    elif pk_set:
        changed(*pk_set)


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

    people = Story.people.through
    post_save.connect(story_saved, sender=Story, dispatch_uid="suggestions-story-save")
    pre_delete.connect(story_deleted, sender=Story, dispatch_uid="suggestions-story-delete")
    for model in (TaggedStory, people):
        # Deleting a tag or a person deletes these rows one by one: they are seen.
        post_save.connect(topic_changed, sender=model, dispatch_uid=f"suggestions-save-{model}")
        post_delete.connect(topic_changed, sender=model, dispatch_uid=f"suggestions-del-{model}")
    m2m_changed.connect(people_changed, sender=people, dispatch_uid="suggestions-people")
