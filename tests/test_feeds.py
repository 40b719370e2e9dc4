import datetime
import io
import re

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from lxml import etree
from PIL import Image as PILImage

from articles.feeds import FEED_URI_YEAR
from articles.models import Image, Story
from tests.factories import (
    BylineFactory,
    CitationFactory,
    CorrectionFactory,
    LivePostFactory,
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


def png_image(**fields):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 20), "navy").save(buffer, "PNG")
    with committed():  # its renditions are made once it commits
        return Image.objects.create(
            file=ContentFile(buffer.getvalue(), name="lead.png"),
            alt_text="A navy rectangle",
            **fields,
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
CORRECTIONS_FEEDS = ["/corrections/feed/", "/corrections/feed/atom/"]
COUNTED_FEEDS = [*FEEDS, *CORRECTIONS_FEEDS]


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
    small = [count_queries(client, url) for url in COUNTED_FEEDS]
    for _ in range(50):
        add_story(n_authors=4, n_tags=5, lead_image=png_image())
    big = [count_queries(client, url) for url in COUNTED_FEEDS]

    assert big == small
    # Tag and person feeds also ask how common the tag or person is (a bounded probe).
    assert max(big) <= 6


# Ids, media, rights, sources, corrections and WebSub.

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"


def tree(response):
    return etree.fromstring(response.content)


def test_entry_ids_are_the_storys_tag_uri_and_survive_a_new_slug_and_date(client, story):
    uri = story.uri
    assert uri.startswith("tag:") and f":story-{story.pk}" in uri

    rss = client.get("/feed/")
    [guid] = tree(rss).findall("channel/item/guid")
    assert guid.get("isPermaLink") == "false" and guid.text == uri
    story.slug = "talks-begin-in-riyadh"
    story.published_at += datetime.timedelta(days=1)
    story.save()

    for url in ["/feed/", "/feed/atom/"]:
        _, feed = parse(client, url)
        [entry] = feed.entries
        assert entry.id == uri, url
        assert entry.link == f"http://testserver{story.get_absolute_url()}", url
        assert not entry.get("guidislink"), url


def test_atom_feeds_have_ids_for_life(client, settings, story):
    settings.URI_AUTHORITY = "news.example.com"
    StoryFactory(live_from=timezone.now() - datetime.timedelta(hours=1))
    live = Story.objects.exclude(live_from=None).get()
    LivePostFactory(story=live)

    _, site = parse(client, "/feed/atom/")
    _, corrections = parse(client, "/corrections/feed/atom/")
    _, coverage = parse(client, live.get_live_feed_url())

    assert site.feed.id == f"tag:news.example.com,{FEED_URI_YEAR}:stories"
    assert corrections.feed.id == f"tag:news.example.com,{FEED_URI_YEAR}:corrections"
    assert coverage.feed.id == f"{live.uri}/live"
    [post] = live.live_posts.all()
    assert [entry.id for entry in coverage.entries] == [f"{live.uri}/live/post-{post.pk}"]


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_entries_carry_the_lead_picture_as_media_rss_with_credit_and_copyright(client, url):
    image = png_image(credit="Reuters/Jane Doe", copyright="© Reuters 2025")
    StoryFactory(lead_image=image)
    image.refresh_from_db()

    response, feed = parse(client, url)

    [entry] = feed.entries
    [content] = entry.media_content
    width, height, name = next(
        j for j in image.renditions["jpeg"] if j[2] == image.renditions["enclosure"][0]
    )
    assert content["url"] == f"http://testserver/media/{name}"
    assert (content["medium"], content["type"]) == ("image", "image/jpeg")
    assert (int(content["width"]), int(content["height"])) == (width, height)
    [thumbnail] = entry.media_thumbnail
    smallest = min(image.renditions["jpeg"])
    assert thumbnail["url"] == f"http://testserver/media/{smallest[2]}"
    assert entry.media_credit[0]["content"] == "Reuters/Jane Doe"
    item = tree(response).find("channel/item" if url == "/feed/" else f"{ATOM}entry")
    media = item.find(f"{MEDIA}content")
    assert media.findtext(f"{MEDIA}copyright") == "© Reuters 2025"
    assert media.findtext(f"{MEDIA}description") == "A navy rectangle"
    assert media.find(f"{MEDIA}description").get("type") == "plain"


def test_a_picture_without_credit_or_copyright_leaves_them_out(client):
    StoryFactory(lead_image=png_image())

    media = tree(client.get("/feed/")).find(f"channel/item/{MEDIA}content")

    assert media.find(f"{MEDIA}credit") is None and media.find(f"{MEDIA}copyright") is None
    assert media.findtext(f"{MEDIA}description") == "A navy rectangle"


def test_feeds_state_their_rights_and_show_the_logo(client, story):
    year = timezone.now().year
    _, rss = parse(client, "/feed/")
    _, atom = parse(client, "/feed/atom/")

    assert rss.feed.rights == atom.feed.rights == f"© {year} Newsroom"
    assert rss.feed.image.href == "http://testserver/static/img/logo.png"
    assert rss.feed.image.title == "Newsroom"
    assert rss.feed.image.link == "http://testserver/"
    assert atom.feed.logo == "http://testserver/static/img/logo.png"
    assert atom.feed.icon == "http://testserver/static/img/favicon.svg"


def test_feed_rights_come_from_the_setting(client, settings):
    settings.FEED_RIGHTS = "Copyright 2026 Example Media Ltd. All rights reserved."
    SectionFactory(slug="world")

    for url in ["/feed/", "/feed/atom/", "/corrections/feed/", "/sections/world/feed/"]:
        _, feed = parse(client, url)
        assert feed.feed.rights == "Copyright 2026 Example Media Ltd. All rights reserved.", url


def test_a_republished_story_names_its_original_publisher(client):
    publisher = SourceFactory(name="Financial Times", kind="publication", url="https://www.ft.com/")
    StoryFactory(
        original_publisher=publisher,
        canonical_url="https://www.ft.com/content/0a1b2c",
    )
    StoryFactory(original_publisher=SourceFactory(name="Wire", kind="agency", url=""))

    rss = client.get("/feed/")
    atom = client.get("/feed/atom/")

    sources = [
        (source.text, source.get("url")) for source in tree(rss).findall("channel/item/source")
    ]
    assert sources == [("Financial Times", "https://www.ft.com/content/0a1b2c")]
    via = [link.attrib for link in tree(atom).iter(f"{ATOM}link") if link.get("rel") == "via"]
    assert via == [
        {"rel": "via", "href": "https://www.ft.com/content/0a1b2c", "title": "Financial Times"}
    ]
    assert not feedparser.parse(rss.content).bozo and not feedparser.parse(atom.content).bozo


@pytest.mark.parametrize("url", CORRECTIONS_FEEDS)
def test_the_corrections_feed_has_one_item_per_correction_linked_to_its_story(client, url):
    story = StoryFactory(headline="Talks begin")
    older = CorrectionFactory(
        story=story,
        text="A name was misspelt.",
        created_at=timezone.now() - datetime.timedelta(hours=2),
    )
    newer = CorrectionFactory(story=story, text="The date was wrong.")
    other = CorrectionFactory(text="A figure was wrong.")
    CorrectionFactory(story=StoryFactory(draft=True), text="Never shown")
    CorrectionFactory(story=StoryFactory(withdrawn=True), text="Withdrawn")

    response, feed = parse(client, url)

    assert [entry.title for entry in feed.entries] == [
        f"Correction: {other.story.headline}",
        "Correction: Talks begin",
        "Correction: Talks begin",
    ]
    assert [entry.id for entry in feed.entries] == [
        f"{other.story.uri}/correction-{other.pk}",
        f"{story.uri}/correction-{newer.pk}",
        f"{story.uri}/correction-{older.pk}",
    ]
    assert feed.entries[1].link == f"http://testserver{story.get_absolute_url()}"
    assert "The date was wrong." in feed.entries[1].summary
    keys = response["Surrogate-Key"].split()
    assert {"corrections", f"story-{story.pk}", f"story-{other.story_id}"} <= set(keys)


def test_the_corrections_feed_is_advertised_on_every_page_and_on_corrections(client, story):
    link = 'type="application/rss+xml" title="Corrections · Newsroom" href="/corrections/feed/"'
    for url in ["/", story.get_absolute_url(), "/corrections/"]:
        assert link in client.get(url).text, url
    page = client.get("/corrections/").text
    assert 'href="/corrections/feed/atom/"' in page


def every_feed(story):
    """The address of every kind of feed, around ``story`` (the fixture's)."""
    section = SectionFactory(name="World", slug="world")
    story.section = section
    story.live_from = timezone.now() - datetime.timedelta(hours=1)
    story.save()
    story.people.add(PersonFactory(slug="sam"))
    CitationFactory(story=story, source=SourceFactory(slug="wire"))
    LivePostFactory(story=story)
    return [
        *FEEDS,
        "/tags/diplomacy/feed/",
        story.get_live_feed_url(),
        *CORRECTIONS_FEEDS,
    ]


def test_every_feed_parses_and_carries_ids_rights_and_media(client, story):
    for url in every_feed(story):
        _, feed = parse(client, url)
        assert feed.feed.rights.startswith("©"), url
        assert feed.entries, url
        for entry in feed.entries:
            assert entry.id.startswith(f"{story.uri}"), url
        if url in FEEDS:
            [entry] = feed.entries
            assert entry.media_content[0]["medium"] == "image", url


def test_without_a_hub_feeds_name_none(client, story):
    for url in every_feed(story):
        links = [link for link in parse(client, url)[1].feed.links if link.rel == "hub"]
        assert links == [], url


def test_with_a_hub_every_feed_names_it_and_its_own_address(client, settings, story):
    settings.WEBSUB_HUB_URL = "https://hub.example.net/"
    settings.SITE_URL = "https://news.example.com"

    for url in every_feed(story):
        _, feed = parse(client, url)
        rels = {link.rel: link.href for link in feed.feed.links}
        assert rels["hub"] == "https://hub.example.net/", url
        assert rels["self"] == f"https://news.example.com{url}", url
