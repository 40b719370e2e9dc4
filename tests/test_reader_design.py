"""What the reader's pages are made of: the front page's lead, row and section
blocks, listings as rivers, a story's byline photos and its people-and-sources
panel, and the fonts that ship with the site."""

import datetime
import re

import pytest
from django.utils import timezone

from articles.models import Source
from tests.factories import (
    BylineFactory,
    CitationFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
)
from tests.pictures import library_picture

pytestmark = pytest.mark.django_db


def headlines(html: str) -> list[str]:
    return re.findall(r'class="story-card__headline"><a href="[^"]+">([^<]+)</a>', html)


def part(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def newsroom():
    """Nine stories, newest first: Story 0 … Story 8, in two sections and none."""
    world = SectionFactory(name="World", slug="world", position=2)
    business = SectionFactory(name="Business", slug="business", position=1)
    now = timezone.now()
    sections = [world, business, None]
    return [
        StoryFactory(
            headline=f"Story {number}",
            section=sections[number % 3],
            published_at=now - datetime.timedelta(hours=number + 1),
        )
        for number in range(9)
    ]


def test_the_front_page_leads_with_the_newest_then_a_row_then_a_block_per_section(client):
    newsroom()
    html = client.get("/").text

    assert headlines(part(html, 'class="front-lead"', "</section>")) == ["Story 0"]
    assert headlines(part(html, 'class="front-row"', "</ol>")) == ["Story 1", "Story 2", "Story 3"]
    blocks = part(html, 'class="front-blocks"', "</main>")
    titles = re.findall(r'class="section-block__title"[^>]*>(?:<a [^>]+>)?([^<]+)<', blocks)
    # In the sections' order in the admin, stories in none last.
    assert titles == ["Business", "World", "More news"]
    business, world, rest = blocks.split('class="section-block"')[1:]
    assert headlines(business) == ["Story 4", "Story 7"]
    assert headlines(world) == ["Story 6"]
    assert headlines(rest) == ["Story 5", "Story 8"]
    assert 'href="/sections/business/">More in Business' in business
    # Every story once.
    assert sorted(headlines(html)) == [f"Story {number}" for number in range(9)]


def test_later_pages_of_the_front_page_and_every_listing_are_a_river_without_a_splash(client):
    newsroom()
    StoryFactory.create_batch(20, section=None)
    for url in ["/?page=2", "/sections/world/", "/search/?q=Story"]:
        html = client.get(url).text
        assert 'class="river' in html, url
        assert "front-lead" not in html and "story-card--lead" not in html, url


def test_a_story_shows_its_authors_photos_and_a_panel_of_its_people_and_sources(
    client, django_capture_on_commit_callbacks
):
    photo = library_picture(django_capture_on_commit_callbacks)
    story = StoryFactory(headline="Talks in Riyadh")
    BylineFactory(story=story, person=PersonFactory(name="Ada Reporter", photo=photo))
    story.people.add(PersonFactory(name="Sam Subject", title="Envoy"))
    anonymous = SourceFactory(
        name="A senior official",
        kind=Source.Kind.ANONYMOUS,
        description="A senior official of the foreign ministry.",
    )
    CitationFactory(story=story, source=anonymous, detail="spoke on condition of anonymity")
    html = client.get(story.get_absolute_url()).text

    byline = part(html, 'class="byline-block"', "</div>")
    assert 'class="author-photo"' in byline and f'alt="{photo.alt_text}"' in byline
    assert re.search(r'sizes="5rem"', byline)
    panel = part(html, 'class="story-panel"', "</aside>")
    assert "Sam Subject" in panel and "Envoy" in panel
    assert "A senior official" in panel and ">anonymous<" in panel
    assert "spoke on condition of anonymity" in panel
    assert "A senior official of the foreign ministry." in panel


def test_a_story_without_people_or_sources_has_no_empty_panel(client):
    story = StoryFactory()
    assert "story-panel" not in client.get(story.get_absolute_url()).text


def test_the_fonts_ship_with_the_site_and_the_body_font_is_fetched_early(client):
    html = client.get("/").text
    preload = re.search(
        r'<link rel="preload" href="([^"]+)" as="font" type="font/woff2" crossorigin>', html
    )
    assert preload and preload[1].startswith("/static/fonts/source-serif-4-")
    css = b"".join(client.get("/static/css/site.css").streaming_content).decode()
    assert '"Source Serif 4"' in css and '"Source Sans 3"' in css
    assert "font-display: swap" in css
