"""The sitemaps against their published schemas (tests/data/sitemaps/README.md):
sitemaps.org's for the index and every sitemap, Google's for the news sitemap."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from articles import sitemaps
from tests.factories import (
    BylineFactory,
    CitationFactory,
    PersonFactory,
    StoryFactory,
    story_with_everything,
)
from tests.test_sitemaps import SM

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "data" / "sitemaps"


def schema(name):
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


SITEINDEX = schema("siteindex.xsd")
SITEMAP = schema("sitemap.xsd")
NEWS = schema("news-sitemap-all.xsd")


def valid(client, url, against):
    response = client.get(url)
    assert response.status_code == 200, url
    document = etree.fromstring(response.content)
    assert against.validate(document), (url, [str(error) for error in against.error_log])
    return document


def locations(document):
    return [loc.text for loc in document.iter(f"{SM}loc")]


def test_the_index_and_every_sitemap_pass_the_sitemaps_org_schemas(client):
    story_with_everything(published_at=timezone.now() - datetime.timedelta(hours=2))
    story_with_everything(published_at=timezone.now() - datetime.timedelta(days=5))

    index = valid(client, "/sitemap.xml", SITEINDEX)

    files = locations(index)
    assert len(files) == 6
    for url in files:
        path = url.removeprefix("http://testserver")
        valid(client, path, NEWS if path.startswith("/news-sitemap") else SITEMAP)


def test_the_schemas_refuse_what_they_should():
    bad_news = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>
        <loc>http://example.com/a/</loc><news:news><news:title>No publication</news:title>
        </news:news></url></urlset>"""
    assert not NEWS.validate(etree.fromstring(bad_news))
    assert not SITEMAP.validate(etree.fromstring(b"<urlset xmlns='http://example.com/'/>"))


def test_news_sitemap_past_a_file_is_reachable_from_the_index_and_robots_txt(client, monkeypatch):
    monkeypatch.setattr(sitemaps.NewsSitemap, "limit", 2)
    stories = StoryFactory.create_batch(
        5, published_at=timezone.now() - datetime.timedelta(hours=1)
    )

    index = locations(valid(client, "/sitemap.xml", SITEINDEX))
    news_files = [url for url in index if "news-sitemap" in url]
    robots = client.get("/robots.txt").text.splitlines()

    assert news_files == [
        "http://testserver/news-sitemap.xml",
        "http://testserver/news-sitemap.xml?p=2",
        "http://testserver/news-sitemap.xml?p=3",
    ]
    assert [line for line in robots if "news-sitemap" in line] == [
        f"Sitemap: {url}" for url in news_files
    ]
    listed = [
        url
        for file in news_files
        for url in locations(valid(client, file.removeprefix("http://testserver"), NEWS))
    ]
    assert sorted(listed) == sorted(f"http://testserver{s.get_absolute_url()}" for s in stories)


def test_stories_whose_canonical_address_is_elsewhere_are_in_neither_sitemap(client, settings):
    settings.SITE_URL = "https://news.example.com"
    fresh = timezone.now() - datetime.timedelta(hours=1)
    own = StoryFactory(published_at=fresh)
    copy = StoryFactory(published_at=fresh, canonical_url="https://www.ft.com/content/0a1b2c")
    here = StoryFactory(
        published_at=fresh, canonical_url=f"https://news.example.com/2026/01/01/{own.slug}/"
    )
    for story in (own, copy, here):
        BylineFactory(story=story, person=PersonFactory(slug=f"writer-{story.pk}"))
        CitationFactory(story=story)

    stories = locations(valid(client, "/sitemap-stories.xml", SITEMAP))
    news = locations(valid(client, "/news-sitemap.xml", NEWS))

    for listed in (stories, news):
        assert sorted(listed) == sorted(
            f"http://testserver{story.get_absolute_url()}" for story in (own, here)
        )
    # Its writer's page is this site's own: still listed.
    people = locations(valid(client, "/sitemap-people.xml", SITEMAP))
    assert f"http://testserver/people/writer-{copy.pk}/" in people
