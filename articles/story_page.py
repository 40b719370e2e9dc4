"""What a story page shows, read in one query.

The story's row carries its bylines, people, sources, topics and corrections as
JSON columns (``json_rows``), turned back into model instances here. Five
prefetch queries cost the page more in Python than the database spent on them.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from taggit.models import Tag

from articles.models import (
    Byline,
    Citation,
    Correction,
    Person,
    Source,
    Story,
    Suggestion,
    TaggedStory,
    bylines_json,
    json_rows,
)

STORY = Story._meta.db_table
PERSON_FIELDS = ("id", "name", "slug", "title", "same_as")
SOURCE_FIELDS = ("id", "name", "slug", "kind", "url")


def person_columns(alias: str) -> list[str]:
    return [f"{alias}.{field}" for field in PERSON_FIELDS]


def person_from(values) -> Person | None:
    if values[0] is None:
        return None
    return Person(**dict(zip(PERSON_FIELDS, values, strict=True)))


def moment(value) -> datetime.datetime:
    """A time read back from JSON: PostgreSQL writes ISO 8601 with its offset,
    SQLite the stored UTC time without one."""
    parsed = datetime.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


RELATED_FIELDS = ("id", "headline", "slug", "story_type", "published_at")


def related_rows():
    """The editors' choice, newest first, then the suggestions (``articles.suggestions``),
    of those public now."""
    columns = ", ".join(f"s.{field}" for field in RELATED_FIELDS)
    public = f"s.status = %s AND s.published_at <= %s AND s.id <> {STORY}.id"
    picks = Story.related.through._meta.db_table
    source = (
        f"FROM (SELECT {columns}, 0 AS chosen, 0 AS rank FROM {STORY} s "
        f"JOIN {picks} r ON r.to_story_id = s.id WHERE r.from_story_id = {STORY}.id AND {public} "
        f"UNION ALL SELECT {columns}, 1 AS chosen, g.rank FROM {Suggestion._meta.db_table} g "
        f"JOIN {STORY} s ON s.id = g.suggested_id WHERE g.story_id = {STORY}.id AND {public}) x"
    )
    now = timezone.now()
    return json_rows(
        [f"x.{field}" for field in RELATED_FIELDS],
        source,
        "x.chosen, x.rank, x.published_at DESC, x.id DESC",
        [Story.Status.PUBLISHED, now] * 2,
    )


def page_columns() -> dict:
    person, source = Person._meta.db_table, Source._meta.db_table
    people_through = Story.people.through._meta.db_table
    return {
        "page_bylines": bylines_json(*PERSON_FIELDS),
        "page_people": json_rows(
            person_columns("p"),
            f"FROM {people_through} sp JOIN {person} p ON p.id = sp.person_id "
            f"WHERE sp.story_id = {STORY}.id",
            "p.name, p.id",
        ),
        "page_citations": json_rows(
            [*(f"s.{field}" for field in SOURCE_FIELDS), *person_columns("p"), "c.detail"],
            f"FROM {Citation._meta.db_table} c JOIN {source} s ON s.id = c.source_id "
            f"LEFT JOIN {person} p ON p.id = s.person_id WHERE c.story_id = {STORY}.id",
            'c."order", c.id',
        ),
        "page_tags": json_rows(
            ["t.id", "t.name", "t.slug"],
            f"FROM {TaggedStory._meta.db_table} ts JOIN {Tag._meta.db_table} t "
            f"ON t.id = ts.tag_id WHERE ts.content_object_id = {STORY}.id",
            "t.name, t.id",
        ),
        "page_corrections": json_rows(
            ["k.id", "k.created_at", "k.text"],
            f"FROM {Correction._meta.db_table} k WHERE k.story_id = {STORY}.id",
            "k.created_at DESC, k.id DESC",
        ),
        "page_related": related_rows(),
    }


@dataclass
class StoryPage:
    story: Story
    bylines: list[Byline]
    people: list[Person]
    citations: list[Citation]
    tags: list[Tag]
    corrections: list[Correction]
    related: list[Story]


def story_page(stories) -> StoryPage | None:
    """The first of ``stories`` with all its page shows, or None."""
    story = (
        stories.select_related("section", "original_publisher", "lead_image")
        .defer("search_vector")
        .annotate(**page_columns())
        .first()
    )
    if story is None:
        return None
    person_count = len(PERSON_FIELDS)
    source_count = len(SOURCE_FIELDS)
    bylines = [
        Byline(story_id=story.pk, person=person_from(row[:person_count]), role=row[-1])
        for row in story.page_bylines or ()
    ]
    citations = []
    for row in story.page_citations or ():
        source = Source(**dict(zip(SOURCE_FIELDS, row[:source_count], strict=True)))
        source.person = person_from(row[source_count : source_count + person_count])
        citations.append(Citation(story_id=story.pk, source=source, detail=row[-1]))
    return StoryPage(
        story=story,
        bylines=bylines,
        people=[person_from(row) for row in story.page_people or ()],
        citations=citations,
        tags=[Tag(id=id_, name=name, slug=slug) for id_, name, slug in story.page_tags or ()],
        corrections=[
            Correction(id=id_, story_id=story.pk, created_at=moment(created), text=text)
            for id_, created, text in story.page_corrections or ()
        ],
        related=related_stories(story.page_related or ()),
    )


def related_stories(rows, limit: int = 4) -> list[Story]:
    """The first ``limit`` stories of ``related_rows``, each once."""
    related, seen = [], set()
    for row in rows:
        values = dict(zip(RELATED_FIELDS, row, strict=True))
        if values["id"] not in seen and len(related) < limit:
            seen.add(values["id"])
            values["published_at"] = moment(values["published_at"])
            related.append(Story(status=Story.Status.PUBLISHED, **values))
    return related
