import datetime
import io
import re

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Image
from tests.factories import (
    BylineFactory,
    CitationFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
    story_with_everything,
)
from tests.test_images import committed
from tests.test_views import count_queries

pytestmark = pytest.mark.django_db


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return response, feed


def png_image():
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 20), "navy").save(buffer, "PNG")
    with committed():  # its renditions are made once it commits
        return Image.objects.create(
            file=ContentFile(buffer.getvalue(), name="lead.png"), alt_text="A navy rectangle"
        )


@pytest.fixture
def story():
    story = StoryFactory(
        headline="Talks begin in Riyadh",
        dek="Delegations met for four hours & <more>.",
        body="<p>The <strong>first</strong> round ended late.</p>",
        published_at=datetime.datetime(2025, 2, 18, 9, tzinfo=datetime.UTC),
        lead_image=png_image(),
    )
    BylineFactory(story=story, person=PersonFactory(name="Ada Reporter", slug="ada"), order=1)
    BylineFactory(story=story, person=PersonFactory(name="Ben Writer", slug="ben"), order=2)
    story.tags.add("Diplomacy", "Saudi Arabia")
    story.corrections.create(text="A name was misspelt.")
    story.refresh_from_db()
    return story


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feed_entries_carry_bylines_tags_summary_body_image_and_times(client, story, url):
    response, feed = parse(client, url)

    assert feed.feed.title == "Newsroom"
    [entry] = feed.entries
    assert entry.title == "Talks begin in Riyadh"
    assert entry.link == f"http://testserver{story.get_absolute_url()}"
    assert [author.name for author in entry.authors] == ["Ada Reporter", "Ben Writer"]
    assert sorted(tag.term for tag in entry.tags) == ["Diplomacy", "Saudi Arabia"]
    assert entry.summary == "Delegations met for four hours &amp; &lt;more&gt;."
    assert entry.content[0].value == "<p>The <strong>first</strong> round ended late.</p>"
    assert entry.published_parsed[:5] == (2025, 2, 18, 9, 0)
    [enclosure] = entry.enclosures
    name, length = story.lead_image.renditions["enclosure"]
    assert enclosure.href == f"http://testserver/media/{name}"
    assert name.startswith("renditions/")  # never the original, with its camera data
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == length == story.lead_image.file.storage.size(name)


def test_atom_entries_have_update_times_and_author_pages(client, story):
    _, feed = parse(client, "/feed/atom/")
    [entry] = feed.entries
    assert entry.updated_parsed[:3] == story.updated_at.utctimetuple()[:3]
    assert story.updated_at > story.published_at
    assert entry.authors[0].href == "http://testserver/people/ada/"


def test_story_without_image_or_bylines_has_no_enclosure_and_credits_its_publisher(client):
    publisher = SourceFactory(name="Financial Times", kind="publication")
    StoryFactory(headline="Wire copy", original_publisher=publisher)

    for url in ["/feed/", "/feed/atom/"]:
        _, feed = parse(client, url)
        [entry] = feed.entries
        assert entry.get("enclosures", []) == [], url
        assert entry.author == "Financial Times", url


def test_feeds_show_only_published_stories_newest_first_at_most_twenty(client):
    for state in ["draft", "in_review", "scheduled", "withdrawn"]:
        StoryFactory(headline=f"Hidden {state}", **{state: True})
    now = timezone.now()
    for hours in range(25):
        StoryFactory(headline=f"Story {hours}", published_at=now - datetime.timedelta(hours=hours))

    for url in ["/feed/", "/feed/atom/"]:
        _, feed = parse(client, url)
        titles = [entry.title for entry in feed.entries]
        assert titles == [f"Story {hours}" for hours in range(20)], url


def make_listings():
    world = SectionFactory(name="World", slug="world")
    business = SectionFactory(name="Business", slug="business")
    person = PersonFactory(name="Sam Subject", slug="sam")
    source = SourceFactory(name="Wire Agency", slug="wire")
    inside = StoryFactory(headline="Inside every listing", section=world)
    inside.people.add(person)
    inside.tags.add("Diplomacy")
    CitationFactory(story=inside, source=source)
    StoryFactory(headline="Outside every listing", section=business)
    StoryFactory(headline="Draft in world", section=world, draft=True)


LISTING_FEEDS = ["/sections/world/", "/tags/diplomacy/", "/people/sam/", "/sources/wire/"]


@pytest.mark.parametrize("listing", LISTING_FEEDS)
def test_every_listing_has_a_feed_of_its_own_stories(client, listing):
    make_listings()

    page = client.get(listing).text
    response, feed = parse(client, f"{listing}feed/")

    advertised = rf'<link rel="alternate" type="application/rss\+xml" [^>]*href="{listing}feed/">'
    assert re.search(advertised, page)
    assert [entry.title for entry in feed.entries] == ["Inside every listing"]
    assert feed.feed.link == f"http://testserver{listing}"
    assert response["Content-Type"].startswith("application/rss+xml")


@pytest.mark.parametrize(
    "url", ["/sections/none/feed/", "/tags/nothing/feed/", "/people/no/feed/", "/sources/x/feed/"]
)
def test_feeds_of_unknown_listings_answer_404(client, url):
    assert client.get(url).status_code == 404


def test_every_page_advertises_the_site_feeds(client, story):
    for url in ["/", story.get_absolute_url(), "/sections/world/", "/search/?q=talks"]:
        html = client.get(url).text
        assert 'type="application/rss+xml" title="Newsroom" href="/feed/"' in html, url
        assert 'type="application/atom+xml" title="Newsroom (Atom)" href="/feed/atom/"' in html


FEEDS = ["/feed/", "/feed/atom/", *(f"{listing}feed/" for listing in LISTING_FEEDS)]


def test_feed_query_counts_do_not_grow_with_stories_authors_or_tags(client):
    world = SectionFactory(name="World", slug="world")
    person = PersonFactory(slug="sam")
    source = SourceFactory(slug="wire")

    def add_story(**sizes):
        story = story_with_everything(section=world, **sizes)
        story.people.add(person)
        story.tags.add("Diplomacy")
        CitationFactory(story=story, source=source, order=9)
        return story

    add_story()
    small = [count_queries(client, url) for url in FEEDS]
    for _ in range(50):
        add_story(n_authors=4, n_tags=5, lead_image=png_image())
    big = [count_queries(client, url) for url in FEEDS]

    assert big == small
    # Tag and person feeds also ask how common the tag or person is (a bounded probe).
    assert max(big) <= 6
