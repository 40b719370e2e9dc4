"""Sitemaps of everything readers can see, and the Google News sitemap.

``/sitemap.xml`` is an index over one sitemap per kind of page, each split into
files of at most 50,000 addresses. ``lastmod`` is the time a story last changed
(corrections included); a listing changed when its newest story did.
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Person, Section, Source, Story

NEWS_WINDOW = datetime.timedelta(days=2)


class StorySitemap(Sitemap):
    def items(self):
        return (
            Story.objects.published()
            .only("slug", "status", "published_at", "updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, story):
        return story.updated_at

    def get_latest_lastmod(self):
        # The default would load every story to find the newest.
        return Story.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class ListingSitemap(Sitemap):
    """Listing pages with at least one published story.

    Subclasses give the ``model``, the URL ``route``, and the ``paths`` from a
    story to the model (``"section"``; ``"bylines__person"`` and ``"people"``).
    """

    model = None
    route = ""
    paths = ()

    def stories_of(self, value) -> Q:
        return Q(*(Q(**{path: value}) for path in self.paths), _connector=Q.OR)

    def items(self):
        newest = (
            Story.objects.published()
            .filter(self.stories_of(OuterRef("pk")))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        return (
            self.model.objects.annotate(lastmod=Subquery(newest))
            .filter(lastmod__isnull=False)
            .only("slug")
            .order_by("pk")
        )

    def location(self, item):
        return reverse(f"articles:{self.route}", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.lastmod

    def get_latest_lastmod(self):
        stories = Story.objects.published().filter(
            Q(*(Q(**{f"{path}__isnull": False}) for path in self.paths), _connector=Q.OR)
        )
        return stories.aggregate(latest=Max("updated_at"))["latest"]


class SectionSitemap(ListingSitemap):
    model, route, paths = Section, "section", ["section"]


class TagSitemap(ListingSitemap):
    model, route, paths = Tag, "tag", ["tags"]


class PersonSitemap(ListingSitemap):
    model, route, paths = Person, "person", ["bylines__person", "people"]


class SourceSitemap(ListingSitemap):
    model, route, paths = Source, "source", ["citations__source"]


SITEMAPS = {
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "people": PersonSitemap,
    "sources": SourceSitemap,
}


class NewsSitemap(Sitemap):
    """Stories published in the last two days, for Google News: at most 1,000 a file."""

    limit = 1000

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Story.objects.published()
            .filter(published_at__gte=since)
            .only("headline", "slug", "status", "published_at", "updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, story):
        return story.updated_at
