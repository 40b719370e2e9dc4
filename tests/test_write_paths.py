"""Whatever path writes the content, readers see the truth at the next request.

Every listing, feed, sitemap and the page cache: after ``QuerySet.update()``,
``bulk_create``, ``loaddata``, a restore, raw SQL, or a scheduled story's time
coming with no write at all. Black-box: public addresses and the content models
only, so the tests hold whatever the read path keeps (or no longer keeps).
"""

import datetime
import html
import io
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from articles.models import Byline, Citation, Person, Section, Source, Story, TaggedStory
from tests.factories import (
    BylineFactory,
    CitationFactory,
    PersonFactory,
    SourceFactory,
    StoryFactory,
)
from tests.pages import card_headlines

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# Each listing with its feeds; every story ``linked()`` makes is on all of them.
LISTINGS = {
    "front": ("/", ["/feed/", "/feed/atom/"]),
    "section": ("/sections/world/", ["/sections/world/feed/"]),
    "tag": ("/tags/harvest/", ["/tags/harvest/feed/"]),
    "author": ("/people/ada/", ["/people/ada/feed/"]),
    "subject": ("/people/sam/", ["/people/sam/feed/"]),
    "source": ("/sources/wire/", ["/sources/wire/feed/"]),
}
every_listing = pytest.mark.parametrize(
    "page,feeds", list(LISTINGS.values()), ids=list(LISTINGS.keys())
)
STORY_SITEMAPS = ["/sitemap-stories.xml", "/news-sitemap.xml"]


@pytest.fixture(autouse=True)
def empty_page_cache():
    # Pages of an earlier test must not answer for this one.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def linked():
    """Makes published stories in section World, by Ada, about Sam, citing Wire, tagged Harvest."""
    author = PersonFactory(name="Ada Reporter", slug="ada")
    subject = PersonFactory(name="Sam Subject", slug="sam")
    source = SourceFactory(name="Wire Agency", slug="wire")

    def make(headline, *more_tags, **fields):
        story = StoryFactory(headline=headline, **fields)
        BylineFactory(story=story, person=author)
        story.people.add(subject)
        CitationFactory(story=story, source=source)
        story.tags.add("Harvest", *more_tags)
        return story

    return make


def newest_first(linked, count):
    """``count`` linked stories an hour apart, newest first."""
    now = timezone.now()
    return [linked(f"Story {n:02d}", published_at=now - (n + 1) * HOUR) for n in range(count)]


def warm(client, *urls):
    """Request each page twice: the second answer must come from the page cache."""
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url


def cards(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return card_headlines(response)


def feed_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, url
    return [entry.title for entry in feed.entries]


def sitemap_paths(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    locations = ET.fromstring(response.content).iter(f"{SM}loc")
    return {location.text.removeprefix("http://testserver") for location in locations}


def status(client, url):
    return client.get(url).status_code


def path_of(story):
    story.refresh_from_db()
    return story.get_absolute_url()


def older_link(response):
    found = re.search(r'<a href="([^"]*)" rel="next">', response.text)
    return html.unescape(found.group(1)) if found else None


# QuerySet.update(): no save(), no signal.


@every_listing
def test_a_story_withdrawn_by_update_leaves_the_listing_and_its_feeds(client, linked, page, feeds):
    linked("Kept", published_at=timezone.now() - 2 * HOUR)
    gone = linked("Withdrawn", published_at=timezone.now() - HOUR)
    warm(client, page, *feeds)

    Story.objects.filter(pk=gone.pk).update(status=Story.Status.WITHDRAWN)

    assert cards(client, page) == ["Kept"]
    for feed in feeds:
        assert feed_titles(client, feed) == ["Kept"], feed


def test_a_story_withdrawn_by_update_leaves_the_sitemaps_and_its_own_tag_is_gone(client, linked):
    kept = linked("Kept", published_at=timezone.now() - 2 * HOUR)
    gone = linked("Withdrawn", "Only here", published_at=timezone.now() - HOUR)
    url = gone.get_absolute_url()
    own = ["/tags/only-here/", "/tags/only-here/feed/"]
    warm(client, url, *own, *STORY_SITEMAPS, "/sitemap-tags.xml")

    Story.objects.filter(pk=gone.pk).update(status=Story.Status.WITHDRAWN)

    assert status(client, url) == 410
    for sitemap in STORY_SITEMAPS:
        assert sitemap_paths(client, sitemap) == {kept.get_absolute_url()}, sitemap
    assert "/tags/only-here/" not in sitemap_paths(client, "/sitemap-tags.xml")
    assert [status(client, address) for address in own] == [404, 404]


@every_listing
def test_after_a_withdrawal_by_update_the_older_link_continues_with_no_gap_or_repeat(
    client, linked, page, feeds
):
    stories = newest_first(linked, 25)
    warm(client, page, f"{page}?page=2")

    Story.objects.filter(pk=stories[5].pk).update(status=Story.Status.WITHDRAWN)

    first = client.get(page)
    older = older_link(first)
    assert older is not None, "page 1 links to no older stories"
    second = client.get(f"{page}{older}")
    assert second.status_code == 200
    shown = card_headlines(first) + card_headlines(second)
    expected = [story.headline for n, story in enumerate(stories) if n != 5]
    assert sorted(shown) == sorted(expected)  # none missing, none twice
    assert card_headlines(first) == expected[:20]
    assert card_headlines(second) == expected[20:]


@every_listing
def test_a_story_given_a_new_time_by_update_moves_to_the_top(client, linked, page, feeds):
    stories = newest_first(linked, 22)
    oldest = stories[-1]
    warm(client, page, f"{page}?page=2", *feeds)

    Story.objects.filter(pk=oldest.pk).update(published_at=timezone.now())

    assert cards(client, page)[:2] == [oldest.headline, stories[0].headline]
    assert oldest.headline not in cards(client, f"{page}?page=2")
    for feed in feeds:
        assert feed_titles(client, feed)[0] == oldest.headline, feed


def test_a_story_given_a_new_time_by_update_enters_the_news_sitemap_at_its_new_address(
    client, linked
):
    story = linked("Back on top", published_at=timezone.now() - datetime.timedelta(days=3))
    old_url = story.get_absolute_url()
    warm(client, old_url, *STORY_SITEMAPS)

    Story.objects.filter(pk=story.pk).update(published_at=timezone.now())

    new_url = path_of(story)
    assert new_url != old_url
    assert sitemap_paths(client, "/news-sitemap.xml") == {new_url}
    assert sitemap_paths(client, "/sitemap-stories.xml") == {new_url}
    moved = client.get(old_url)
    assert (moved.status_code, moved["Location"]) == (301, new_url)
    assert status(client, new_url) == 200


@every_listing
def test_a_draft_published_by_update_appears_on_the_listing_and_its_feeds(
    client, linked, page, feeds
):
    linked("Already out", published_at=timezone.now() - 2 * HOUR)
    draft = linked("Just out", draft=True)
    warm(client, page, *feeds)

    Story.objects.filter(pk=draft.pk).update(
        status=Story.Status.PUBLISHED, published_at=timezone.now() - HOUR
    )

    assert cards(client, page) == ["Just out", "Already out"]
    for feed in feeds:
        assert feed_titles(client, feed) == ["Just out", "Already out"], feed


def test_a_draft_published_by_update_appears_in_the_sitemaps_and_its_own_pages_open(client):
    draft = StoryFactory(headline="Embargo lifted", draft=True)
    draft.tags.add("Secret talks")
    BylineFactory(story=draft, person=PersonFactory(slug="ghost"))
    draft.people.add(PersonFactory(slug="envoy"))
    CitationFactory(story=draft, source=SourceFactory(slug="insider"))
    own = ["/tags/secret-talks/", "/people/ghost/", "/people/envoy/", "/sources/insider/"]
    sitemaps = [*STORY_SITEMAPS, "/sitemap-tags.xml", "/sitemap-people.xml", "/sitemap-sources.xml"]
    warm(client, *own, *sitemaps)
    assert [status(client, url) for url in own] == [404] * 4

    Story.objects.filter(pk=draft.pk).update(
        status=Story.Status.PUBLISHED, published_at=timezone.now() - HOUR
    )

    url = path_of(draft)
    assert status(client, url) == 200
    for sitemap in STORY_SITEMAPS:
        assert sitemap_paths(client, sitemap) == {url}, sitemap
    assert sitemap_paths(client, "/sitemap-tags.xml") == {"/tags/secret-talks/"}
    assert sitemap_paths(client, "/sitemap-people.xml") == {"/people/ghost/", "/people/envoy/"}
    assert sitemap_paths(client, "/sitemap-sources.xml") == {"/sources/insider/"}
    for listing in own:
        assert cards(client, listing) == ["Embargo lifted"], listing


@every_listing
def test_a_headline_changed_by_update_shows_on_the_listing_and_its_feeds(
    client, linked, page, feeds
):
    story = linked("Talks begin")
    warm(client, page, *feeds)

    Story.objects.filter(pk=story.pk).update(headline="Talks collapse")

    assert cards(client, page) == ["Talks collapse"]
    for feed in feeds:
        assert feed_titles(client, feed) == ["Talks collapse"], feed


def test_a_headline_changed_by_update_shows_on_the_story_page_and_news_sitemap(client, linked):
    story = linked("Talks begin", published_at=timezone.now() - HOUR)
    url = story.get_absolute_url()
    warm(client, url, "/news-sitemap.xml")

    Story.objects.filter(pk=story.pk).update(headline="Talks collapse")

    text = client.get(url).text
    assert '<h1 class="headline">Talks collapse</h1>' in text and "Talks begin" not in text
    assert "Talks collapse" in client.get("/news-sitemap.xml").text


def test_tags_merged_through_the_through_table_move_their_stories(client):
    now = timezone.now()
    first = StoryFactory(headline="First", published_at=now - 3 * HOUR)
    second = StoryFactory(headline="Second", published_at=now - HOUR)
    StoryFactory(headline="Already merged", published_at=now - 2 * HOUR).tags.add("Peace talks")
    for story in (first, second):
        story.tags.add("Ukraine talks")
    old, new = Tag.objects.get(name="Ukraine talks"), Tag.objects.get(name="Peace talks")
    pages = ["/tags/ukraine-talks/", "/tags/ukraine-talks/feed/", "/tags/peace-talks/"]
    warm(client, *pages, "/tags/peace-talks/feed/", "/sitemap-tags.xml", first.get_absolute_url())

    TaggedStory.objects.filter(tag=old).update(tag=new)

    # No public story has the old tag any more: it is not public.
    assert [status(client, url) for url in pages[:2]] == [404, 404]
    assert sitemap_paths(client, "/sitemap-tags.xml") == {"/tags/peace-talks/"}
    merged = ["Second", "Already merged", "First"]
    assert cards(client, "/tags/peace-talks/") == merged
    assert feed_titles(client, "/tags/peace-talks/feed/") == merged
    assert 'href="/tags/peace-talks/" rel="tag"' in client.get(first.get_absolute_url()).text


# bulk_create: an import writing rows in bulk sends no signal.


def bulk_stories(headlines):
    """Published stories with their bylines, people, citations and tags, all by bulk_create."""
    now = timezone.now()
    section = Section.objects.get(slug="world")
    stories = Story.objects.bulk_create(
        Story(
            headline=headline,
            slug=f"bulk-{n}",
            status=Story.Status.PUBLISHED,
            published_at=now - (n + 1) * datetime.timedelta(minutes=10),
            section=section,
            body="<p>Imported.</p>",
        )
        for n, headline in enumerate(headlines)
    )
    author, subject = Person.objects.get(slug="ada"), Person.objects.get(slug="sam")
    source, tag = Source.objects.get(slug="wire"), Tag.objects.get(slug="harvest")
    Byline.objects.bulk_create(Byline(story=story, person=author) for story in stories)
    Story.people.through.objects.bulk_create(
        Story.people.through(story=story, person=subject) for story in stories
    )
    Citation.objects.bulk_create(Citation(story=story, source=source) for story in stories)
    TaggedStory.objects.bulk_create(TaggedStory(content_object=story, tag=tag) for story in stories)
    return stories


@every_listing
def test_stories_made_by_bulk_create_are_listed(client, linked, page, feeds):
    linked("Written by hand", published_at=timezone.now() - 2 * HOUR)
    warm(client, page, *feeds)

    bulk_stories(["Imported one", "Imported two"])

    expected = ["Imported one", "Imported two", "Written by hand"]
    assert cards(client, page) == expected
    for feed in feeds:
        assert feed_titles(client, feed) == expected, feed


def test_stories_made_by_bulk_create_have_pages_and_are_in_the_sitemaps(client, linked):
    hand = linked("Written by hand", published_at=timezone.now() - 2 * HOUR)
    warm(client, *STORY_SITEMAPS)

    stories = bulk_stories(["Imported one", "Imported two"])

    urls = {path_of(story) for story in stories}
    assert [status(client, url) for url in sorted(urls)] == [200, 200]
    for sitemap in STORY_SITEMAPS:
        assert sitemap_paths(client, sitemap) == {*urls, hand.get_absolute_url()}, sitemap


# loaddata: fixtures are saved raw, with no signal a listing could follow.


def dump_delete_and_load(story, tmp_path):
    fixture = tmp_path / "story.json"
    call_command(
        "dumpdata",
        "articles.section",
        "articles.person",
        "articles.source",
        "taggit.tag",
        "articles.story",
        "articles.byline",
        "articles.citation",
        "articles.taggedstory",
        output=str(fixture),
        stdout=io.StringIO(),
    )
    Story.objects.filter(pk=story.pk).delete()
    return lambda: call_command("loaddata", str(fixture), stdout=io.StringIO())


@every_listing
def test_a_story_loaded_from_a_fixture_is_listed_again(client, linked, tmp_path, page, feeds):
    load = dump_delete_and_load(linked("Loaded again"), tmp_path)
    warm(client, page, *feeds)
    assert "Loaded again" not in client.get(page).text

    load()

    assert cards(client, page) == ["Loaded again"]
    for feed in feeds:
        assert feed_titles(client, feed) == ["Loaded again"], feed


def test_a_story_loaded_from_a_fixture_has_its_page_and_sitemap_entries(client, linked, tmp_path):
    story = linked("Loaded again", published_at=timezone.now() - HOUR)
    url = story.get_absolute_url()
    load = dump_delete_and_load(story, tmp_path)
    warm(client, url, *STORY_SITEMAPS, "/sitemap-tags.xml")
    assert status(client, url) == 404

    load()

    assert status(client, url) == 200
    for sitemap in STORY_SITEMAPS:
        assert sitemap_paths(client, sitemap) == {url}, sitemap
    assert sitemap_paths(client, "/sitemap-tags.xml") == {"/tags/harvest/"}


# A restore replaces the whole database behind the running site.


@pytest.mark.django_db(transaction=True)
def test_after_a_restore_listings_show_the_backup_and_no_page_from_before_it(
    client, linked, tmp_path
):
    # Committing tests empty the database between them; content type ids change.
    ContentType.objects.clear_cache()
    kept = linked("In the backup", "Before", published_at=timezone.now() - 2 * HOUR)
    kept_url = kept.get_absolute_url()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    kept.delete()
    later = linked("After the backup", "After", published_at=timezone.now() - HOUR)
    later_url = later.get_absolute_url()
    pages = [page for page, _ in LISTINGS.values()]
    feeds = [feed for _, listing_feeds in LISTINGS.values() for feed in listing_feeds]
    own = [kept_url, "/tags/before/", later_url, "/tags/after/"]
    warm(client, *pages, *feeds, *own, *STORY_SITEMAPS)
    assert [status(client, url) for url in own] == [404, 404, 200, 200]

    call_command("restore", str(archive), replace=True, stdout=io.StringIO())

    assert [status(client, url) for url in own] == [200, 200, 404, 404]
    for page in [*pages, "/tags/before/"]:
        assert cards(client, page) == ["In the backup"], page
    for feed in feeds:
        assert feed_titles(client, feed) == ["In the backup"], feed
    for sitemap in STORY_SITEMAPS:
        assert sitemap_paths(client, sitemap) == {kept_url}, sitemap


# Raw SQL, as a data migration or a one-off fix in a database shell writes it.


def raw_update(column, value, story):
    value = connection.ops.adapt_datetimefield_value(value) if column == "published_at" else value
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Story._meta.db_table} SET {column} = %s WHERE id = %s", [value, story.pk]
        )


@every_listing
def test_a_headline_changed_by_raw_sql_shows_on_the_listing_its_feeds_and_page(
    client, linked, page, feeds
):
    story = linked("Talks begin")
    url = story.get_absolute_url()
    warm(client, page, *feeds, url)

    raw_update("headline", "Talks collapse", story)

    assert cards(client, page) == ["Talks collapse"]
    for feed in feeds:
        assert feed_titles(client, feed) == ["Talks collapse"], feed
    assert '<h1 class="headline">Talks collapse</h1>' in client.get(url).text


@every_listing
def test_a_story_given_a_new_time_by_raw_sql_moves_to_the_top(client, linked, page, feeds):
    stories = newest_first(linked, 22)
    oldest = stories[-1]
    warm(client, page, f"{page}?page=2", *feeds)

    raw_update("published_at", timezone.now(), oldest)

    assert cards(client, page)[:2] == [oldest.headline, stories[0].headline]
    assert oldest.headline not in cards(client, f"{page}?page=2")
    for feed in feeds:
        assert feed_titles(client, feed)[0] == oldest.headline, feed


# A scheduled story: its time comes with no write at all.


@every_listing
def test_a_scheduled_story_appears_on_the_listing_and_its_feeds_at_its_time(
    client, linked, page, feeds
):
    at = timezone.now() + HOUR
    linked("Out already", published_at=timezone.now() - HOUR)
    linked("Embargoed", published_at=at)
    with time_machine.travel(at - datetime.timedelta(seconds=1), tick=False):
        warm(client, page, *feeds)
        assert cards(client, page) == ["Out already"]

    with time_machine.travel(at + datetime.timedelta(seconds=1), tick=False):
        assert cards(client, page) == ["Embargoed", "Out already"]
        for feed in feeds:
            assert feed_titles(client, feed) == ["Embargoed", "Out already"], feed


def test_a_scheduled_story_has_its_page_sitemap_entries_and_own_tag_at_its_time(client, linked):
    at = timezone.now() + HOUR
    out = linked("Out already", published_at=timezone.now() - HOUR)
    story = linked("Embargoed", "Embargoed topic", published_at=at)
    url = story.get_absolute_url()
    own = [url, "/tags/embargoed-topic/", "/tags/embargoed-topic/feed/"]
    with time_machine.travel(at - datetime.timedelta(seconds=1), tick=False):
        warm(client, *own, *STORY_SITEMAPS, "/sitemap-tags.xml")
        assert [status(client, address) for address in own] == [404, 404, 404]

    with time_machine.travel(at + datetime.timedelta(seconds=1), tick=False):
        assert [status(client, address) for address in own] == [200, 200, 200]
        assert cards(client, "/tags/embargoed-topic/") == ["Embargoed"]
        for sitemap in STORY_SITEMAPS:
            assert sitemap_paths(client, sitemap) == {url, out.get_absolute_url()}, sitemap
        assert "/tags/embargoed-topic/" in sitemap_paths(client, "/sitemap-tags.xml")
