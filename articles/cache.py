"""What the public pages' cache files its pages under: the state of the content.

The database keeps one ``ContentVersion`` row whose token its own triggers
change whenever anything a public page shows is written, however it is
written: the admin, ``QuerySet.update()``, ``bulk_create``, ``loaddata``, a
restore, raw SQL. Each request reads that token together with the newest
moment a story went out and the next scheduled one, in one query, and the
page cache files pages under them (the cache framework's ``version``). So a
change, or a scheduled story's moment arriving, is seen by the next request on
every web server sharing the database, and no signal can be missed.
"""

import contextlib
import datetime
import hashlib
import secrets
from dataclasses import dataclass

import django
from django.conf import settings
from django.core.cache import cache
from django.db.models import Subquery
from django.utils import timezone


@dataclass(frozen=True)
class ContentState:
    token: str
    # When readers' content last changed: an edit, or a story going out.
    changed_at: datetime.datetime
    next_publication: datetime.datetime | None

    @property
    def version(self) -> str:
        """The cache version of every page showing this state."""
        return f"{self.token}.{int(self.changed_at.timestamp() * 1_000_000)}"

    def seconds_until_next_publication(self) -> float | None:
        if self.next_publication is None:
            return None
        return max(0.0, (self.next_publication - timezone.now()).total_seconds())


def content_state() -> ContentState:
    """The content's state now, in one query."""
    from articles.models import ContentVersion, Story

    now = timezone.now()
    out = Story.objects.published(at=now).order_by("-published_at")
    upcoming = Story.objects.filter(status=Story.Status.PUBLISHED, published_at__gt=now)
    found = (
        ContentVersion.objects.filter(pk=ContentVersion.SINGLETON)
        .annotate(
            last_out=Subquery(out.values("published_at")[:1]),
            next_out=Subquery(upcoming.order_by("published_at").values("published_at")[:1]),
        )
        .values_list("token", "changed_at", "last_out", "next_out")
        .first()
    )
    if found is None:
        # No row yet (a database emptied by hand or restored without it).
        bump()
        return content_state()
    token, changed_at, last_out, next_out = found
    return ContentState(token, max(filter(None, [changed_at, last_out])), next_out)


def bump() -> None:
    """A new token, as the triggers give one: for what they cannot see (a restore)."""
    from articles.models import ContentVersion

    ContentVersion.objects.update_or_create(
        pk=ContentVersion.SINGLETON,
        defaults={"token": secrets.token_hex(8), "changed_at": timezone.now()},
    )


def lock_for_change() -> None:
    """Take the content version's row lock now, as the triggers' first write would.

    For a transaction that locks content rows (``select_for_update``) before it
    writes: every writer then takes this lock first, so two writers can never
    wait for each other's rows (PostgreSQL; SQLite has one writer at a time).
    """
    from articles.models import ContentVersion

    list(ContentVersion.objects.select_for_update().filter(pk=ContentVersion.SINGLETON))


def request_state(request) -> ContentState:
    """The content's state for this request: the page cache's, or read once."""
    state = getattr(request, "content_state", None)
    if state is None:
        state = request.content_state = content_state()
    return state


def fragment(request, name: str, build):
    """``build()``, kept in the cache under the content's state (``FRAGMENT_CACHE``).

    Parts of pages that take queries to make (a story with all it shows, a page
    of cards, the header's sections) are made once per state of the content and
    shared by every page and web server; any change to the content files them
    anew, like the pages. When the cache server is down they are made each time.
    """
    if not settings.FRAGMENT_CACHE:
        return build()
    version = request_state(request).version
    # Pickled model instances are read back by the same Django only; a digest keeps
    # any address a valid key for every cache backend.
    digest = hashlib.md5(name.encode()).hexdigest()  # noqa: S324
    key = f"fragment:{django.get_version()}:{digest}"
    try:
        found = cache.get(key, MISSING, version=version)
    except Exception:  # the cache server is down: make it from the database
        return build()
    if found is not MISSING:
        return found
    value = build()
    with contextlib.suppress(Exception):
        cache.set(key, value, settings.PAGE_CACHE_SECONDS, version=version)
    return value


MISSING = object()
