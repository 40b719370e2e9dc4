"""Story cards: what a list of stories shows, read as rows instead of model instances.

A page of 20 cards built from model instances made some 200 objects (stories,
bylines, people) and asked each for its address; that was a third of the time
of a listing page. A card is made from one row, its bylines included (one query
for any number of cards), with its address and labels worked out once.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from articles.models import CARD_COLUMNS, Image, Story, story_path
from articles.paths import path_for
from newsroom.dates import format_local

CARD_DATE_FORMAT = "j F Y, H:i"

IMAGE_COLUMNS = {
    column.removeprefix("lead_image__"): column
    for column in CARD_COLUMNS
    if column.startswith("lead_image__")
}


@dataclass(slots=True)
class Line:
    """One name in a byline."""

    person_id: int
    name: str
    url: str
    role: str


@dataclass(slots=True)
class Card:
    pk: int
    headline: str
    kicker: str
    dek: str
    story_type: str
    type_label: str
    published_at: object
    # In the site's time zone: ISO 8601 for <time datetime>, and as readers see it.
    published_iso: str
    published_label: str
    url: str
    publisher: str
    image: Image | None
    bylines: list[Line] = field(default_factory=list)
    # Search results carry the words around the match.
    snippet: str = ""


def byline_lines(bylines) -> list[Line]:
    """``Line``s of Byline instances with their people loaded (the story page)."""
    return [
        Line(line.person_id, line.person.name, line.person.get_absolute_url(), line.role)
        for line in bylines
    ]


def story_cards(rows) -> list[Card]:
    """Cards of ``rows`` (dicts from ``StoryQuerySet.card_rows()``)."""
    type_labels = dict(Story.Type.choices)
    zone = timezone.get_current_timezone()
    cards = []
    for row in rows:
        published_at = row["published_at"].astimezone(zone)
        image = None
        if row["lead_image_id"] is not None:
            image = Image(
                pk=row["lead_image_id"],
                **{name: row[column] for name, column in IMAGE_COLUMNS.items()},
            )
        card = Card(
            pk=row["pk"],
            headline=row["headline"],
            kicker=row["kicker"],
            dek=row["dek"],
            story_type=row["story_type"],
            type_label=str(type_labels.get(row["story_type"], "")),
            published_at=published_at,
            published_iso=published_at.isoformat(),
            published_label=format_local(published_at, CARD_DATE_FORMAT),
            url=story_path(published_at, row["slug"], zone),
            publisher=row["original_publisher__name"] or "",
            image=image,
            bylines=[
                Line(person_id, name, path_for("articles:person", slug=slug), role)
                for person_id, name, slug, role in row["byline_list"] or ()
            ],
        )
        cards.append(card)
    return cards
