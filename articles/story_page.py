"""What a story page shows, read in one query.

The story's row carries its section, picture, original publisher, bylines,
people, sources, topics, corrections, suggestions and the header's sections as
JSON columns (``json_rows``), turned back into model instances here. Five
prefetch queries cost the page more in Python than the database spent on them,
and the query is written out once: the ORM took longer to put it together
than PostgreSQL took to run it.
"""

import datetime
import functools
import json
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from articles.models import (
    Byline,
    Citation,
    Correction,
    Image,
    Person,
    Section,
    Source,
    Story,
    Suggestion,
    TaggedStory,
    bylines_json,
    json_rows,
)
from articles.nav import nav_column, nav_links
from articles.paths import NavLink

STORY = Story._meta.db_table
PERSON_FIELDS = ("id", "name", "slug", "title", "same_as")
SOURCE_FIELDS = ("id", "name", "slug", "kind", "url")
SECTION_FIELDS = ("id", "name", "slug")
IMAGE_FIELDS = (
    "id",
    "file",
    "alt_text",
    "caption",
    "credit",
    "copyright",
    "width",
    "height",
    "renditions",
)
# The story's own columns: all but its search index entry.
STORY_COLUMNS = [
    field.column
    for field in Story._meta.get_fields()
    if field.concrete and not field.many_to_many and field.name != "search_vector"
]


def person_columns(alias: str) -> list[str]:
    return [f"{alias}.{field}" for field in PERSON_FIELDS]


def loaded(value):
    """A JSON column: PostgreSQL's arrives as text through Django's connection, as SQLite's."""
    return json.loads(value) if isinstance(value, str) else value


def from_row(model, fields, values):
    """An instance of ``model`` from ``values`` of its ``fields``; None for a missing row."""
    if not values or values[0] is None:
        return None
    return model(**dict(zip(fields, values, strict=True)))


def only_row(model, fields, value):
    """The instance of a JSON column of at most one row, or None."""
    return from_row(model, fields, (loaded(value) or [()])[0])


def person_from(values) -> Person | None:
    return from_row(Person, PERSON_FIELDS, values)


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
    # Its parameters (status and now, twice) are given with the query's.
    return json_rows(
        [f"x.{field}" for field in RELATED_FIELDS],
        source,
        "x.chosen, x.rank, x.published_at DESC, x.id DESC",
    )


def one_row(model, fields, foreign_key: str):
    """The row ``foreign_key`` of the story points to, as a JSON list of at most one."""
    return json_rows(
        [f"x.{field}" for field in fields],
        f"FROM {model._meta.db_table} x WHERE x.id = {STORY}.{foreign_key}",
        "x.id",
    )


def page_columns() -> dict:
    person, source = Person._meta.db_table, Source._meta.db_table
    people_through = Story.people.through._meta.db_table
    return {
        "page_section": one_row(Section, SECTION_FIELDS, "section_id"),
        "page_publisher": one_row(Source, SOURCE_FIELDS, "original_publisher_id"),
        "page_image": one_row(Image, IMAGE_FIELDS, "lead_image_id"),
        "page_nav": nav_column(),
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
    # The header's sections.
    sections: list[NavLink]


WHERE = {
    "public": f"{STORY}.slug = %s AND {STORY}.status = %s AND {STORY}.published_at <= %s",
    "any": f"{STORY}.id = %s",
}


@functools.cache
def page_sql(where: str) -> str:
    columns = [f"{STORY}.{column}" for column in STORY_COLUMNS]
    columns += [f"({expression.sql}) AS {name}" for name, expression in page_columns().items()]
    return (
        f"SELECT {', '.join(columns)} FROM {STORY} WHERE {WHERE[where]} ORDER BY {STORY}.id LIMIT 1"
    )


def story_page(*, slug: str | None = None, pk: int | None = None) -> StoryPage | None:
    """The public story at ``slug``, or any story by ``pk`` (a preview), with all
    its page shows; None if there is none."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    published = Story.Status.PUBLISHED
    if slug is not None:
        sql, where = page_sql("public"), [slug, published, now]
    else:
        sql, where = page_sql("any"), [pk]
    story = next(iter(Story.objects.raw(sql, [published, now, published, now, *where])), None)
    if story is None:
        return None
    story.section = only_row(Section, SECTION_FIELDS, story.page_section)
    story.original_publisher = only_row(Source, SOURCE_FIELDS, story.page_publisher)
    story.lead_image = only_row(Image, IMAGE_FIELDS, story.page_image)
    if story.lead_image:
        # SQLite keeps JSON as text, and puts it in the row as a string.
        story.lead_image.renditions = loaded(story.lead_image.renditions)
    person_count = len(PERSON_FIELDS)
    source_count = len(SOURCE_FIELDS)
    bylines = [
        Byline(story_id=story.pk, person=person_from(row[:person_count]), role=row[-1])
        for row in loaded(story.page_bylines) or ()
    ]
    citations = []
    for row in loaded(story.page_citations) or ():
        source = from_row(Source, SOURCE_FIELDS, row[:source_count])
        source.person = person_from(row[source_count : source_count + person_count])
        citations.append(Citation(story_id=story.pk, source=source, detail=row[-1]))
    return StoryPage(
        story=story,
        bylines=bylines,
        people=[person_from(row) for row in loaded(story.page_people) or ()],
        citations=citations,
        tags=[
            Tag(id=id_, name=name, slug=slug) for id_, name, slug in loaded(story.page_tags) or ()
        ],
        corrections=[
            Correction(id=id_, story_id=story.pk, created_at=moment(created), text=text)
            for id_, created, text in loaded(story.page_corrections) or ()
        ],
        related=related_stories(loaded(story.page_related) or ()),
        sections=nav_links(story.page_nav),
    )


def related_stories(rows, limit: int = 4) -> list[Story]:
    """The first ``limit`` stories of ``related_rows``, each once."""
    related, seen = [], set()
    for row in rows:
        values = dict(zip(RELATED_FIELDS, row, strict=True))
        if values["id"] not in seen:
            seen.add(values["id"])
            values["published_at"] = moment(values["published_at"])
            related.append(Story(status=Story.Status.PUBLISHED, **values))
            if len(related) == limit:
                break
    return related
