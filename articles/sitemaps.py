"""Sitemaps of everything readers can see, and the Google News sitemap.

``/sitemap.xml`` is an index over one sitemap per kind of page, each split into
files of at most 50,000 addresses. ``lastmod`` is the time a story last changed
(corrections included); a listing changed when its newest story did.
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import Story

NEWS_WINDOW = datetime.timedelta(days=2)


class StorySitemap(Sitemap):
    # Files of 5,000 addresses render in a fraction of a second; 50,000 took seconds.
    limit = 5000

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
    """Listing pages with at least one published story, with their newest story's time.

    Subclasses give the URL ``route`` and the ``paths`` from a story to the
    listed thing's slug (``"section__slug"``; ``"bylines__person__slug"`` and
    ``"people__slug"``). One grouped query per path: no query per listing.
    """

    route = ""
    paths = ()

    @cached_property
    def listings(self) -> list[dict]:
        newest = {}
        for path in self.paths:
            rows = (
                Story.objects.published()
                .exclude(**{f"{path}__isnull": True})
                .values_list(path)
                .annotate(lastmod=Max("updated_at"))
                .order_by()
            )
            for slug, lastmod in rows:
                if slug not in newest or lastmod > newest[slug]:
                    newest[slug] = lastmod
        return [{"slug": slug, "lastmod": newest[slug]} for slug in sorted(newest)]

    def items(self):
        return self.listings

    def location(self, item):
        return reverse(f"articles:{self.route}", kwargs={"slug": item["slug"]})

    def lastmod(self, item):
        return item["lastmod"]

    def get_latest_lastmod(self):
        return max((item["lastmod"] for item in self.listings), default=None)


class SectionSitemap(ListingSitemap):
    route, paths = "section", ["section__slug"]


class TagSitemap(ListingSitemap):
    route, paths = "tag", ["tags__slug"]


class PersonSitemap(ListingSitemap):
    route, paths = "person", ["bylines__person__slug", "people__slug"]


class SourceSitemap(ListingSitemap):
    route, paths = "source", ["citations__source__slug"]


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
