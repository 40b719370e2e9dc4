"""Sitemaps of everything readers can see, and the Google News sitemap.

``/sitemap.xml`` is an index over one sitemap per kind of page, each split into
files by blocks of 1,000 ids, and over every file of the news sitemap.
``lastmod`` is the time a story last changed (corrections included); a section
changed when its newest story did. Stories whose canonical address is on
another site (syndicated copies) are in neither: search engines want canonical
addresses only.
"""

import datetime
import math
from typing import NamedTuple

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.models import Tag

from articles.models import Person, Section, Source, Story, story_path
from articles.pagination import IdRangePaginator
from articles.text import xml_text

NEWS_WINDOW = datetime.timedelta(days=2)


def canonical_here(stories):
    """``stories`` but those whose canonical address is on another site."""
    return stories.filter(
        Q(canonical_url="") | Q(canonical_url__startswith=f"{settings.SITE_URL}/")
    )


class IdRangeSitemap(Sitemap):
    """Files by blocks of 1,000 ids (``IdRangePaginator``): the index takes two index
    lookups, not a count of the archive, and a new story changes only the last file."""

    # 1,000 addresses a file at most, as Yoast SEO does: a file takes about 30 ms
    # to make and Redis or a proxy keeps it whole; 50,000 took seconds.
    limit = 1000

    @cached_property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)


class StorySitemap(IdRangeSitemap):
    """Every public story, with the time it last changed."""

    def items(self):
        self.zone = timezone.get_current_timezone()
        # Rows, not model instances: a file has a thousand of them.
        return (
            canonical_here(Story.objects.published())
            .order_by("pk")
            .values_list("published_at", "slug", "updated_at")
        )

    def location(self, row):
        published_at, slug, _ = row
        return story_path(published_at, slug, self.zone)

    def lastmod(self, row):
        return row[2]

    def get_latest_lastmod(self):
        # The default would load every story to find the newest.
        return canonical_here(Story.objects.published()).aggregate(latest=Max("updated_at"))[
            "latest"
        ]


class SectionSitemap(Sitemap):
    """Sections with a public story; a section changed when its newest story did."""

    def items(self):
        newest = (
            Story.objects.published()
            .filter(section=OuterRef("pk"))
            .order_by("-published_at")
            .values("updated_at")[:1]
        )
        return list(
            Section.objects.annotate(lastmod=Subquery(newest))
            .filter(lastmod__isnull=False)
            .order_by("slug")
        )

    def lastmod(self, section):
        return section.lastmod

    def get_latest_lastmod(self):
        return max((section.lastmod for section in self.paginator.object_list), default=None)


class ListingSitemap(IdRangeSitemap):
    """Tag, person and source pages with at least one public story.

    No lastmod: finding the newest story of each of thousands of listings would
    take time proportional to the archive; the section sitemap and the story
    sitemap carry the times. One query, each listing checked by an index lookup.
    """

    model = None
    route = ""

    def stories(self):
        """Querysets of the listing's (``OuterRef("pk")``) published stories, for Exists()."""
        raise NotImplementedError

    def items(self):
        # One EXISTS per relation: an OR inside one would join every story.
        listed = Q(*[Exists(stories) for stories in self.stories()], _connector=Q.OR)
        return self.model.objects.filter(listed).order_by("pk").values_list("slug", flat=True)

    def location(self, slug):
        return reverse(f"articles:{self.route}", kwargs={"slug": slug})


class TagSitemap(ListingSitemap):
    model, route = Tag, "tag"

    def stories(self):
        return [Story.objects.published().filter(tags=OuterRef("pk"))]


class PersonSitemap(ListingSitemap):
    model, route = Person, "person"

    def stories(self):
        return [
            Story.objects.published().filter(bylines__person=OuterRef("pk")),
            Story.objects.published().filter(people=OuterRef("pk")),
        ]


class SourceSitemap(ListingSitemap):
    model, route = Source, "source"

    def stories(self):
        return [Story.objects.published().filter(citations__source=OuterRef("pk"))]


SITEMAPS = {
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "people": PersonSitemap,
    "sources": SourceSitemap,
}


class NewsItem(NamedTuple):
    path: str
    headline: str
    published: str  # ISO 8601, in the site's time zone
    lastmod: datetime.datetime
    updated: str


class NewsSitemap(Sitemap):
    """Stories published in the last two days, for Google News: at most 1,000 a file."""

    limit = 1000
    # More than a newsroom publishes in two days; a bound all the same.
    most = 50 * limit

    @staticmethod
    def stories():
        return canonical_here(Story.objects.published()).filter(
            published_at__gte=timezone.now() - NEWS_WINDOW
        )

    @classmethod
    def files(cls) -> tuple[int, datetime.datetime | None]:
        """How many files the news sitemap has (one at least), and when its newest
        story changed: one query, for the index and robots.txt."""
        found = cls.stories().aggregate(count=Count("pk"), latest=Max("updated_at"))
        return max(1, math.ceil(min(found["count"], cls.most) / cls.limit)), found["latest"]

    def items(self):
        zone = timezone.get_current_timezone()
        rows = (
            self.stories()
            .order_by("-published_at", "-pk")
            .values_list("published_at", "slug", "headline", "updated_at")[: self.most]
        )
        # One query, its rows made ready for the template once; the paginator
        # counts the list rather than asking the database again. A headline saved
        # before the admin cleaned text may hold characters XML cannot carry.
        return [
            NewsItem(
                story_path(published_at, slug, zone),
                xml_text(headline),
                timezone.localtime(published_at, zone).isoformat(),
                updated_at,
                timezone.localtime(updated_at, zone).isoformat(),
            )
            for published_at, slug, headline, updated_at in rows
        ]

    @cached_property
    def paginator(self):
        return Paginator(self.items(), self.limit)

    def location(self, item):
        return item.path

    def lastmod(self, item):
        return item.lastmod


class IndexItem(NamedTuple):
    """An entry of the sitemap index, as Django's index template reads it."""

    location: str
    last_mod: datetime.datetime | None


def news_files(request) -> list[IndexItem]:
    """Every file of the news sitemap: /news-sitemap.xml, then ``?p=2``…"""
    files, latest = NewsSitemap.files()
    first = request.build_absolute_uri(reverse("articles:news-sitemap"))
    return [
        IndexItem(first if page == 1 else f"{first}?p={page}", latest)
        for page in range(1, files + 1)
    ]
