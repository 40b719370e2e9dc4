"""Finding stories: full-text search over published stories, and related stories.

On PostgreSQL, search matches ``Story.search_vector`` (kept up to date by the
triggers of migrations 0006 and 0009) and ranks by weight. On SQLite it looks
for every word in the same fields and names. Either way the snippet is cut and
highlighted in Python; the page looks the same.
"""

import datetime
import html
import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Story, TaggedStory

# Must match CONFIG in migration 0005_readers.
SEARCH_CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
SNIPPET_WORDS = 30
# Matches ranked per search; one more than the search page's count limit, so the
# page can say "more than 500". Readers rarely page past the first few pages,
# and ranking a thousand matches cost twice the time.
SEARCH_WINDOW = 501
# Private-use characters mark matches, so the text can be escaped as a whole
# before the marks become <mark> elements.
MARK_START, MARK_STOP = "\ue000", "\ue001"
TAG = re.compile(r"<[^>]*>")


def clean_query(raw: str) -> str:
    """The query as searched: no NUL bytes (PostgreSQL refuses them), short, trimmed."""
    return " ".join(raw.replace("\x00", " ").split())[:MAX_QUERY_LENGTH]


def query_terms(query: str) -> list[str]:
    return re.findall(r"\w+", query)[:MAX_TERMS]


def uses_postgresql() -> bool:
    return connection.vendor == "postgresql"


def story_search(query: str):
    """Published stories matching ``query``, best first."""
    stories = Story.objects.published()
    if not query_terms(query):
        return stories.none()
    if uses_postgresql():
        search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        # Rank the most recent matches only: a common word matches most of the
        # archive, and ranking all of it takes seconds at 100,000 stories.
        recent = (
            stories.filter(search_vector=search_query)
            .order_by("-published_at")
            .values("pk")[:SEARCH_WINDOW]
        )
        return (
            stories.filter(pk__in=recent)
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .order_by("-rank", "-published_at", "-pk")
        )
    return fallback_search(stories, query_terms(query))


def fallback_search(stories, terms: list[str]):
    """Every word somewhere in the story's text or names; headline matches first."""
    names = [
        "people__name",
        "bylines__person__name",
        "citations__source__name",
        "tags__name",
    ]
    rank = Value(0)
    for term in terms:
        in_names = [
            Q(pk__in=Story.objects.filter(**{f"{name}__icontains": term}).values("pk"))
            for name in names
        ]
        in_text = [
            Q(**{f"{field}__icontains": term}) for field in ("headline", "kicker", "dek", "body")
        ]
        stories = stories.filter(Q(*in_text + in_names, _connector=Q.OR))
        rank = rank + Case(
            When(headline__icontains=term, then=3),
            When(dek__icontains=term, then=2),
            default=1,
            output_field=IntegerField(),
        )
    return stories.annotate(rank=rank).order_by("-rank", "-published_at", "-pk")


def highlight(text: str, terms: list[str]) -> SafeString:
    """``text`` escaped, with words starting with a search term in <mark>."""
    if terms:
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, terms)) + r")\w*", re.IGNORECASE)
        text = pattern.sub(lambda match: f"{MARK_START}{match.group(0)}{MARK_STOP}", text)
    return marks_to_html(text)


def marks_to_html(marked: str) -> SafeString:
    escaped = escape(marked)
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))


def snippet(story: Story, query: str) -> SafeString:
    """A few words of the story around the first match, matches highlighted.

    Cut in Python from the page's 20 stories: PostgreSQL's ts_headline parses
    each whole body again and took 2-3 ms a story.
    """
    terms = query_terms(query)
    # The body is sanitised HTML: dropping tags by pattern is safe here, and much
    # quicker than strip_tags' parser; the text is escaped again below.
    words = html.unescape(TAG.sub(" ", f"{story.dek} {story.body}")).split()
    first = next(
        (
            index
            for index, word in enumerate(word.casefold().lstrip("“‘\"'(") for word in words)
            if word.startswith(tuple(term.casefold() for term in terms))
        ),
        0,
    )
    start = max(0, first - SNIPPET_WORDS // 3)
    text = " ".join(words[start : start + SNIPPET_WORDS])
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    return mark_safe(prefix + highlight(text, terms) + suffix)


# Related stories are found among this many stories published before the story
# and as many after: the work per page stays the same at any archive size and
# any rate of publication.
RELATED_NEIGHBOURS = 250
EARLIEST = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


def shared_count(links, story_field: str):
    """How many of ``links`` belong to the candidate story (``OuterRef("pk")``)."""
    count = (
        links.filter(**{story_field: OuterRef("pk")})
        .order_by()
        .values(story_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def related_stories(story: Story, limit: int = 4) -> list[Story]:
    """The editors' choice first, then the stories sharing most people and tags.

    One query; expects the story's ``people`` and ``tags`` prefetched. Shared
    people and tags are counted among the RELATED_NEIGHBOURS stories published
    before this one and as many after it; the editors' choice comes from any time.
    """
    people = [person.pk for person in story.people.all()]
    tags = [tag.pk for tag in story.tags.all()]
    # Counted per candidate by an index lookup each, rather than by joining every
    # candidate's people and tags and grouping (a sort of thousands of rows).
    shared = Value(0)
    if people:
        shared = shared + shared_count(
            Story.people.through.objects.filter(person__in=people), "story"
        )
    if tags:
        shared = shared + shared_count(TaggedStory.objects.filter(tag__in=tags), "content_object")
    fields = ["pk", "headline", "slug", "status", "published_at"]
    others = Story.objects.published().exclude(pk=story.pk)
    when = story.published_at or timezone.now()  # a draft, in preview
    published = Story.objects.published()
    # The publication times of the furthest neighbours: two index lookups.
    first = Subquery(
        published.filter(published_at__lt=when)
        .order_by("-published_at")
        .values("published_at")[RELATED_NEIGHBOURS - 1 : RELATED_NEIGHBOURS]
    )
    last = Subquery(
        published.filter(published_at__gt=when)
        .order_by("published_at")
        .values("published_at")[RELATED_NEIGHBOURS - 1 : RELATED_NEIGHBOURS]
    )
    window = (
        Coalesce(first, Value(EARLIEST, DateTimeField())),
        Coalesce(last, Value(LATEST, DateTimeField())),
    )
    nearby = (
        others.filter(published_at__range=window)
        .annotate(chosen=Value(0), shared=shared)
        .filter(shared__gt=0)
        .values(*fields, "chosen", "shared")
        .order_by()
    )
    picks = Story.related.through.objects.filter(from_story=story.pk).values("to_story")
    chosen = (
        others.filter(pk__in=picks)
        .annotate(chosen=Value(1), shared=Value(0))
        .values(*fields, "chosen", "shared")
        .order_by()
    )
    # A pick may also be nearby: fetch enough rows to drop the repeat.
    rows = nearby.union(chosen, all=True).order_by("-chosen", "-shared", "-published_at", "-pk")
    related, seen = [], set()
    for row in rows[: limit * 2]:
        if row["pk"] not in seen and len(related) < limit:
            seen.add(row["pk"])
            related.append(Story(**{name: row[name] for name in fields}))
    return related
