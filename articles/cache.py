"""What the public pages' cache files its pages under: the state of the content.

The database keeps one ``ContentVersion`` row whose token its own triggers
change whenever anything a public page shows is written, however it is
written: the admin, ``QuerySet.update()``, ``bulk_create``, ``loaddata``, a
restore, raw SQL. Each request reads that token (one query) and, once per
token, when the scheduled stories go out; the page cache files pages under them
(the cache framework's ``version``). So a change, or a scheduled story's moment
arriving, is seen by the next request on every web server sharing the database,
and no signal can be missed.
"""

import contextlib
import datetime
import hashlib
import secrets
from dataclasses import dataclass

import django
from django.conf import settings
from django.core.cache import cache
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
    """The content's state now: one query of the version row, on most requests.

    Between two writes only a scheduled story reaching its moment changes what
    readers see, so the moments still ahead when the token was set are read
    once per token (any write gives a new one) and kept in this process.
    """
    from articles.models import ContentVersion

    found = (
        ContentVersion.objects.filter(pk=ContentVersion.SINGLETON)
        .values_list("token", "changed_at")
        .first()
    )
    if found is None:
        # No row yet (a database emptied by hand or restored without it).
        bump()
        return content_state()
    token, changed_at = found
    now = timezone.now()
    moments = publication_moments(token, changed_at)
    passed = [moment for moment in moments if moment <= now]
    upcoming = next((moment for moment in moments if moment > now), None)
    return ContentState(token, max([changed_at, *passed]), upcoming)


# Token and version time -> the publication moments after that time, in order.
_moments: dict[tuple[str, datetime.datetime], tuple[datetime.datetime, ...]] = {}


def publication_moments(token: str, changed_at: datetime.datetime):
    """When published stories go out after ``changed_at``: the scheduled ones."""
    key = (token, changed_at)
    moments = _moments.get(key)
    if moments is None:
        from articles.models import Story

        moments = tuple(
            Story.objects.scheduled(after=changed_at)
            .order_by("published_at")
            .values_list("published_at", flat=True)
        )
        if len(_moments) >= 16:
            _moments.clear()  # only the newest token is asked for again
        _moments[key] = moments
    return moments


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
