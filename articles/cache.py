"""The public pages' cache, and what makes it forget.

Every cached page is filed under the current *generation*. Any change to
content starts a new generation, so every page that could show it is
forgotten at once. The generation also ends by itself at the next scheduled
publication, and no page is kept past that moment, so a scheduled story
appears on time on every page.

Content changes are seen through model signals: they fire for every path that
writes (admin forms, inlines, list actions, revisions, commands), which
explicit calls would miss.
"""

import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

META_KEY = "pages:meta"


def rebuild_meta() -> dict:
    """Start a new generation; remember when the next scheduled story goes out."""
    from articles.models import Story

    upcoming = (
        Story.objects.scheduled().order_by("published_at").values_list("published_at", flat=True)
    ).first()
    meta = {
        "generation": uuid.uuid4().hex[:12],
        "next": upcoming.timestamp() if upcoming else None,
        "changed": time.time(),
    }
    cache.set(META_KEY, meta, None)
    return meta


def is_current(meta: dict | None) -> bool:
    return meta is not None and (meta["next"] is None or time.time() < meta["next"])


def current_meta(meta: dict | None = None) -> dict:
    """The current generation: ``meta`` as read from the cache, if still current."""
    if meta is None:
        meta = cache.get(META_KEY)
    return meta if is_current(meta) else rebuild_meta()


def seconds_until_next_publication(meta: dict) -> float | None:
    return None if meta["next"] is None else max(0.0, meta["next"] - time.time())


def forget_pages(**kwargs) -> None:
    # After the commit: a page rendered before it would otherwise be filed as new.
    transaction.on_commit(rebuild_meta)


def connect_signals() -> None:
    from taggit.models import Tag

    from articles import models

    watched = [
        models.Story,
        models.Byline,
        models.Citation,
        models.Correction,
        models.Person,
        models.Source,
        models.Section,
        models.Image,
        models.StoryRedirect,
        models.TaggedStory,
        Tag,
    ]
    for model in watched:
        post_save.connect(forget_pages, sender=model, dispatch_uid=f"pages-save-{model.__name__}")
        post_delete.connect(
            forget_pages, sender=model, dispatch_uid=f"pages-delete-{model.__name__}"
        )
    for through in (models.Story.people.through, models.Story.related.through):
        m2m_changed.connect(forget_pages, sender=through, dispatch_uid=f"pages-m2m-{through}")
