"""Where each published story is listed: its tags, people and sources.

A tag, person or source page used to find its newest stories by walking the
whole archive newest first and checking each story (a prolific reporter's
page checked some 270 stories for 21), or by gathering all of the listing's
stories and sorting them. ``ListingEntry`` rows put each listing's stories in
one index in the listing's order, so any page of any listing is one range of
it. They are written again, in two statements, whenever a story or what links
it to a listing changes, in the same transaction as the change.
"""

import contextlib
import threading

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from articles.models import Byline, Citation, ListingEntry, Story, TaggedStory

state = threading.local()


def entries_sql(where: str) -> str:
    """INSERT of the entries of the published stories matching ``where`` (on ``s``)."""
    names = {
        "entry": ListingEntry._meta.db_table,
        "story": Story._meta.db_table,
        "tagged": TaggedStory._meta.db_table,
        "byline": Byline._meta.db_table,
        "people": Story.people.through._meta.db_table,
        "citation": Citation._meta.db_table,
    }
    kinds = ListingEntry.Kind
    public = f"s.status = '{Story.Status.PUBLISHED}' AND s.published_at IS NOT NULL AND {where}"
    times = "s.id, s.published_at, s.created_at"
    links = [
        (kinds.TAG, "tag_id", names["tagged"], "content_object_id"),
        (kinds.PERSON, "person_id", names["byline"], "story_id"),
        (kinds.PERSON, "person_id", names["people"], "story_id"),
        (kinds.SOURCE, "source_id", names["citation"], "story_id"),
    ]
    selects = [
        f"SELECT {kind.value} AS kind, l.{column} AS key, {times} FROM {table} l "
        f"JOIN {names['story']} s ON s.id = l.{story_column} WHERE {public}"
        for kind, column, table, story_column in links
    ]
    # UNION, not UNION ALL: someone who wrote a story and is in it is listed once.
    return (
        f"INSERT INTO {names['entry']} (kind, key, story_id, published_at, created_at) "
        + " UNION ".join(selects)
    )


def rebuild(*story_ids) -> None:
    """Write the entries of ``story_ids`` again (none for a story not published)."""
    deleting = getattr(state, "deleting", set())
    story_ids = [pk for pk in story_ids if pk is not None and pk not in deleting]
    if not story_ids or getattr(state, "paused", False):
        return
    marks = ", ".join(["%s"] * len(story_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {ListingEntry._meta.db_table} WHERE story_id IN ({marks})", story_ids
        )
        cursor.execute(entries_sql(f"s.id IN ({marks})"), story_ids * 4)


def rebuild_all() -> int:
    """Write every entry again (after bulk work that sent no signals)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ListingEntry._meta.db_table}")
        cursor.execute(entries_sql("1 = 1"))
    return ListingEntry.objects.count()


@contextlib.contextmanager
def paused():
    """Changes made inside are not written: for bulk work that calls ``rebuild_all`` after."""
    state.paused = True
    try:
        yield
    finally:
        state.paused = False


def story_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        rebuild(instance.pk)


def story_deleting(sender, instance, **kwargs):
    # Its links are deleted before it: their signals must not write its entries again.
    if not hasattr(state, "deleting"):
        state.deleting = set()
    state.deleting.add(instance.pk)


def story_deleted(sender, instance, **kwargs):
    getattr(state, "deleting", set()).discard(instance.pk)


def link_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        rebuild(instance.content_object_id if sender is TaggedStory else instance.story_id)


def people_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            rebuild(instance.pk)
    elif action == "pre_clear":
        state.clearing = list(instance.stories_about.values_list("pk", flat=True))
    elif action == "post_clear":
        rebuild(*getattr(state, "clearing", ()))
    elif action in ("post_add", "post_remove") and pk_set:
        rebuild(*pk_set)


def connect_signals() -> None:
    people = Story.people.through
    post_save.connect(story_saved, sender=Story, dispatch_uid="listings-story")
    pre_delete.connect(story_deleting, sender=Story, dispatch_uid="listings-story-deleting")
    post_delete.connect(story_deleted, sender=Story, dispatch_uid="listings-story-deleted")
    for model in (TaggedStory, Byline, Citation, people):
        # Deleting a tag, person or source deletes these rows one by one: they are seen.
        post_save.connect(link_changed, sender=model, dispatch_uid=f"listings-save-{model}")
        post_delete.connect(link_changed, sender=model, dispatch_uid=f"listings-del-{model}")
    m2m_changed.connect(people_changed, sender=people, dispatch_uid="listings-people")
