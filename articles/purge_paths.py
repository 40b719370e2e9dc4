"""The public paths showing what surrogate keys name, for a CDN that purges by
path rather than by key (CloudFront: ``settings.PURGE_PATHS``).

A path ending in ``*`` stands for every address it begins, query strings
included: ``/tags/ukraine/*`` is the tag's pages (``?page=2``) and its feed.
Paths are percent-encoded, as CloudFront wants them.

What each key becomes:

- ``story-<id>``: the story's address and its old ones (their 301s), the
  listings and feeds it is in, the front page, the site's feeds, search, the
  sitemaps, /corrections/ if it has corrections, and its year (``/2025/*``:
  the year, month and day archives showing its card; the year's stories come
  too, among them those whose "related" box may show it). Stories that name it
  as related outside that year are added by address. A story that is gone
  (deleted) leaves nothing to find its pages by: everything (``/*``).
- ``list-<kind>-<id>``: that listing's pages and feed; the kind's every listing
  (``/tags/*``) if it is gone or its address changed.
- ``section-<id>``: everything: every page's navigation names the sections.
- ``tag-``, ``person-``, ``source-``, ``image-<id>``: the listings of its kind
  (its old address too, after a rename) and what every public story showing it
  becomes; everything above ``MAX_STORIES`` such stories.
- ``front``, ``feed``, ``search``, ``corrections``, ``sitemap``, ``all``: their
  addresses.
- ``archive``: the date archives have no folder of their own (``/2025/`` holds
  the stories too), and which dates changed is not in the key: every path
  beginning with the first digit of a story's year (``/2*``).
- ``not-found``: nothing. A 404 can be at any address; the addresses that
  answered 404 before a story was published are the story's own, named by its
  ``story-<id>`` key, purged with it. CloudFront keeps 404s only for the
  distribution's error caching TTL (10 seconds by default).
- Any other key: everything, since what shows it cannot be known here.
"""

import re
from collections.abc import Iterable

from django.db.models import Exists, Max, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Correction, Person, Section, Source, Story, StoryRedirect
from articles.story_page import NEIGHBOURS
from articles.workflow import shown_through

EVERYTHING = ["/*"]
# Above this many stories to follow for one change, everything is purged: one
# path, rather than thousands of them and their queries.
MAX_STORIES = 50

KEY = re.compile(r"(?:(list)-)?(story|section|tag|person|source|image)-([0-9]+)")
# The models listed at /sections/…, /tags/…, /people/…, /sources/…, by URL name.
LISTED = {"section": Section, "tag": Tag, "person": Person, "source": Source}


class TooMany(Exception):
    """More to purge than is worth naming path by path."""


def paths_for_keys(keys: Iterable[str]) -> list[str]:
    """The paths of the public responses carrying any of ``keys``."""
    paths: set[str] = set()
    story_ids: set[int] = set()
    try:
        for key in set(keys):
            match = KEY.fullmatch(key)
            if match is None:
                paths.update(named_paths(key))
                continue
            listing, kind, pk = match[1], match[2], int(match[3])
            if kind == "story" and not listing:
                story_ids.add(pk)
            elif listing and kind in LISTED:
                paths.add(listing_path(kind, pk))
            elif kind in {"tag", "person", "source", "image"} and not listing:
                roots, ids = shown_by(kind, pk)
                paths.update(roots)
                story_ids.update(ids)
            else:
                # section-<id>: every page's navigation names the sections.
                return EVERYTHING
            if len(story_ids) > MAX_STORIES:
                raise TooMany
        paths.update(story_paths(story_ids))
    except TooMany:
        return EVERYTHING
    return EVERYTHING if "/*" in paths else sorted(paths)


def named_paths(key: str) -> list[str]:
    if key == "all":
        return EVERYTHING
    if key == "front":
        front = reverse("articles:index")
        return [front, f"{front}?*"]
    if key == "feed":
        return [f"{reverse('articles:feed')}*"]
    if key == "search":
        return [f"{reverse('articles:search')}*"]
    if key == "corrections":
        return [f"{reverse('articles:corrections')}*"]
    if key == "sitemap":
        # /sitemap.xml and its sections, /sitemap-stories.xml…
        return [
            f"{reverse('articles:sitemap').removesuffix('.xml')}*",
            reverse("articles:news-sitemap"),
        ]
    if key == "archive":
        return archive_paths()
    if key == "not-found":
        return []
    return EVERYTHING


def listing_root(kind: str) -> str:
    """``/tags/*``: every listing of a kind."""
    return reverse(f"articles:{kind}", kwargs={"slug": "x"}).removesuffix("x/") + "*"


def listing_path(kind: str, pk: int) -> str:
    model = LISTED[kind]
    slug = model._default_manager.filter(pk=pk).values_list("slug", flat=True).first()
    if slug is None:
        return listing_root(kind)
    return reverse(f"articles:{kind}", kwargs={"slug": slug}) + "*"


def archive_paths() -> list[str]:
    """Every path beginning with the first digit of a year stories have (``/2*``)."""
    found = Story.objects.filter(published_at__isnull=False).aggregate(
        first=Min("published_at"), last=Max("published_at")
    )
    now = timezone.localtime()
    first = timezone.localtime(found["first"]) if found["first"] else now
    last = max(timezone.localtime(found["last"]), now) if found["last"] else now
    digits = range(int(f"{first.year:04d}"[0]), int(f"{last.year:04d}"[0]) + 1)
    return [f"/{digit}*" for digit in digits]


def shown_by(kind: str, pk: int) -> tuple[list[str], list[int]]:
    """For a tag, person, source or picture: the listings of its kind, and the
    public stories showing it (as a byline, subject, source, tag or picture)."""
    public = Story.objects.published()
    if kind == "image":
        people = list(Person.objects.filter(photo=pk).values_list("pk", flat=True))
        shows = Q(lead_image=pk) | Q(pk__in=public.with_picture_in_body(pk).values("pk"))
        roots = [listing_root("person")] if people else []
        if people:
            shows |= shown_through(Person, people, "__in")
            if Source.objects.filter(person__in=people).exists():
                roots.append(listing_root("source"))
    else:
        model = LISTED[kind]
        shows = shown_through(model, pk)
        roots = [listing_root(kind)]
        # A source's page names its person.
        if kind == "person" and Source.objects.filter(person=pk).exists():
            roots.append(listing_root("source"))
    ids = list(
        public.filter(shows).order_by().values_list("pk", flat=True).distinct()[: MAX_STORIES + 1]
    )
    if len(ids) > MAX_STORIES:
        raise TooMany
    return roots, ids


def story_paths(ids: set[int]) -> set[str]:
    """Every public path that may show one of the stories ``ids``."""
    if not ids:
        return set()
    stories = list(
        Story.objects.filter(pk__in=ids)
        .select_related("section")
        .prefetch_related("bylines__person", "people", "citations__source", "tagged_items__tag")
        .annotate(corrected=Exists(Correction.objects.filter(story=OuterRef("pk"))))
        .only("pk", "slug", "status", "published_at", "section__slug")
    )
    if len(stories) < len(ids):
        # A deleted story: nothing is left to find its address or listings by.
        raise TooMany
    shown = [story for story in stories if story.published_at is not None]
    if not shown:
        # Never published: no public page has shown it.
        return set()
    paths = {*named_paths("front"), *named_paths("feed"), *named_paths("search")}
    paths.update(named_paths("sitemap"))
    for story in shown:
        paths.add(f"{story.get_absolute_url()}*")
        paths.update(year_paths(story))
        if story.corrected:
            paths.update(named_paths("corrections"))
        if story.section is not None:
            paths.add(f"{story.section.get_absolute_url()}*")
        listed = [
            *(line.person for line in story.bylines.all()),
            *story.people.all(),
            *(citation.source for citation in story.citations.all()),
        ]
        paths.update(f"{item.get_absolute_url()}*" for item in listed)
        paths.update(
            reverse("articles:tag", kwargs={"slug": item.tag.slug}) + "*"
            for item in story.tagged_items.all()
        )
    # Old addresses, answered with a redirect to the story.
    redirects = StoryRedirect.objects.filter(story__in=shown).values_list("old_path", flat=True)
    paths.update(f"{path}*" for path in redirects)
    # Stories whose "related" box the editors filled with one of these.
    naming = Story.objects.filter(related__in=shown, published_at__isnull=False).distinct()
    paths.update(f"{story.get_absolute_url()}*" for story in naming.only("slug", "published_at"))
    return paths


def year_paths(story: Story) -> list[str]:
    """The years of the stories whose pages may suggest ``story`` as related: those
    among the NEIGHBOURS public stories either side of it (as ``related_stories``
    chooses them), and its own year, whose archives show its card."""
    public = Story.objects.published().exclude(pk=story.pk)
    when = story.published_at
    earlier = public.filter(published_at__lte=when).order_by("-published_at", "-pk")
    later = public.filter(published_at__gt=when).order_by("published_at", "pk")
    first = earlier.values_list("published_at", flat=True)[NEIGHBOURS - 1 : NEIGHBOURS].first()
    if first is None:
        first = earlier.values_list("published_at", flat=True).last()
    last = later.values_list("published_at", flat=True)[NEIGHBOURS - 1 : NEIGHBOURS].first()
    if last is None:
        last = later.values_list("published_at", flat=True).last()
    years = [timezone.localtime(moment).year for moment in (first, when, last) if moment]
    return [
        reverse("articles:year", kwargs={"year": f"{year:04d}"}) + "*"
        for year in range(min(years), max(years) + 1)
    ]
