import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from articles import sitemaps
from tests.factories import (
    BylineFactory,
    CitationFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
    story_with_everything,
)
from tests.test_views import count_queries

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def sitemap_index(client):
    root = xml(client, "/sitemap.xml")
    assert root.tag == f"{SM}sitemapindex"
    return {
        entry.findtext(f"{SM}loc"): entry.findtext(f"{SM}lastmod")
        for entry in root.findall(f"{SM}sitemap")
    }


def urlset(client, url):
    root = xml(client, url)
    assert root.tag == f"{SM}urlset"
    for entry in root.findall(f"{SM}url"):
        # The schema's order: loc first, then lastmod.
        assert [child.tag for child in entry][:1] == [f"{SM}loc"]
    return {entry.findtext(f"{SM}loc"): entry for entry in root.findall(f"{SM}url")}


def parse_time(text):
    return datetime.datetime.fromisoformat(text)


@pytest.fixture
def site():
    world = SectionFactory(name="World", slug="world")
    SectionFactory(name="Empty", slug="empty")
    author = PersonFactory(name="Ada Reporter", slug="ada")
    subject = PersonFactory(name="Sam Subject", slug="sam")
    PersonFactory(name="Nobody", slug="nobody")
    source = SourceFactory(name="Wire", slug="wire")
    story = StoryFactory(section=world, slug="talks")
    BylineFactory(story=story, person=author)
    story.people.add(subject)
    story.tags.add("Diplomacy")
    CitationFactory(story=story, source=source)
    draft = StoryFactory(section=world, slug="secret", draft=True)
    draft.tags.add("Hidden topic")
    # Named only in a draft: their pages must not be announced.
    BylineFactory(story=draft, person=PersonFactory(slug="ghost-writer"))
    draft.people.add(PersonFactory(slug="embargoed-subject"))
    CitationFactory(story=draft, source=SourceFactory(slug="secret-source"))
    return story


def test_index_lists_a_sitemap_per_kind_with_the_newest_change(client, site):
    index = sitemap_index(client)

    assert set(index) == {
        *(
            f"http://testserver/sitemap-{kind}.xml"
            for kind in ["stories", "sections", "tags", "people", "sources"]
        ),
        "http://testserver/news-sitemap.xml",
    }
    for kind in ["stories", "sections"]:
        assert parse_time(index[f"http://testserver/sitemap-{kind}.xml"]) == site.updated_at
    # Finding every tag's, person's and source's newest story would cost time in
    # proportion to the archive: those sitemaps carry no times.
    for kind in ["tags", "people", "sources"]:
        assert index[f"http://testserver/sitemap-{kind}.xml"] is None
    # The news sitemap changed when its newest story did.
    assert parse_time(index["http://testserver/news-sitemap.xml"]) == site.updated_at


def test_sitemaps_list_every_public_page_and_nothing_else(client, site):
    base = "http://testserver"
    assert set(urlset(client, "/sitemap-stories.xml")) == {base + site.get_absolute_url()}
    assert set(urlset(client, "/sitemap-sections.xml")) == {f"{base}/sections/world/"}
    assert set(urlset(client, "/sitemap-tags.xml")) == {f"{base}/tags/diplomacy/"}
    assert set(urlset(client, "/sitemap-people.xml")) == {
        f"{base}/people/ada/",
        f"{base}/people/sam/",
    }
    assert set(urlset(client, "/sitemap-sources.xml")) == {f"{base}/sources/wire/"}


def test_a_correction_moves_lastmod_of_the_story_and_its_listings(client, site):
    later = timezone.now() + datetime.timedelta(minutes=5)
    site.corrections.create(text="A date was wrong.", created_at=later)

    [story] = urlset(client, "/sitemap-stories.xml").values()
    [section] = urlset(client, "/sitemap-sections.xml").values()

    assert parse_time(story.findtext(f"{SM}lastmod")) == later
    assert parse_time(section.findtext(f"{SM}lastmod")) == later
    assert {parse_time(lastmod) for lastmod in sitemap_index(client).values() if lastmod} == {later}


def test_large_sitemaps_are_split_into_files_by_blocks_of_ids(client, site, monkeypatch):
    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 2)
    stories = [site, *StoryFactory.create_batch(4)]

    def files():
        index = sitemap_index(client)
        return sorted((url for url in index if "sitemap-stories" in url), key=lambda url: len(url))

    listed = files()
    # The site fixture's draft story holds an id in the first blocks too.
    assert listed[0] == "http://testserver/sitemap-stories.xml"
    assert listed[1:] == [
        f"http://testserver/sitemap-stories.xml?p={page}" for page in range(2, len(listed) + 1)
    ]
    contents = [set(urlset(client, url.removeprefix("http://testserver"))) for url in listed]
    shown = [url for content in contents for url in content]
    # Every public story in exactly one file, at most two a file.
    assert sorted(shown) == sorted(f"http://testserver{s.get_absolute_url()}" for s in stories)
    assert all(len(content) <= 2 for content in contents)
    assert client.get(f"/sitemap-stories.xml?p={len(listed) + 1}").status_code == 404
    assert client.get("/sitemap-stories.xml?p=abc").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404

    # A new story lands in the last file (or a new one); the others keep their addresses.
    newest = StoryFactory()
    after = [set(urlset(client, url.removeprefix("http://testserver"))) for url in files()]
    assert after[: len(contents) - 1] == contents[:-1]
    assert f"http://testserver{newest.get_absolute_url()}" in set().union(*after[-2:])


def test_news_sitemap_has_the_last_two_days_with_publication_date_and_title(client, settings):
    settings.NEWS_PUBLICATION_NAME = "The Daily Example"
    settings.NEWS_PUBLICATION_LANGUAGE = "en"
    now = timezone.now()
    fresh = StoryFactory(headline="Fresh & new", published_at=now - datetime.timedelta(hours=3))
    StoryFactory(headline="Old news", published_at=now - datetime.timedelta(days=3))
    StoryFactory(headline="Not yet", scheduled=True)
    StoryFactory(headline="Draft", draft=True)

    entries = urlset(client, "/news-sitemap.xml")

    assert list(entries) == [f"http://testserver{fresh.get_absolute_url()}"]
    [entry] = entries.values()
    news = entry.find(f"{NEWS}news")
    assert [child.tag for child in news] == [
        f"{NEWS}publication",
        f"{NEWS}publication_date",
        f"{NEWS}title",
    ]
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "The Daily Example"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert parse_time(news.findtext(f"{NEWS}publication_date")) == fresh.published_at
    assert news.findtext(f"{NEWS}title") == "Fresh & new"


def test_news_sitemap_holds_at_most_a_thousand_stories_a_file(client, monkeypatch):
    assert sitemaps.NewsSitemap.limit == 1000
    monkeypatch.setattr(sitemaps.NewsSitemap, "limit", 3)
    StoryFactory.create_batch(5, published_at=timezone.now() - datetime.timedelta(hours=1))

    assert len(urlset(client, "/news-sitemap.xml")) == 3
    assert len(urlset(client, "/news-sitemap.xml?p=2")) == 2


def test_news_publication_language_defaults_to_the_sites_language():
    from django.conf import settings

    assert settings.LANGUAGE_CODE.split("-")[0] == settings.NEWS_PUBLICATION_LANGUAGE
    assert settings.NEWS_PUBLICATION_NAME == settings.SITE_NAME


def test_robots_txt_names_the_sitemaps_and_keeps_crawlers_out_of_admin_and_previews(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /preview/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines


SITEMAP_URLS = [
    "/sitemap.xml",
    *(f"/sitemap-{kind}.xml" for kind in sitemaps.SITEMAPS),
    "/news-sitemap.xml",
    "/robots.txt",
]


def test_sitemap_query_counts_do_not_grow_with_stories_or_relations(client):
    story_with_everything()
    small = [count_queries(client, url) for url in SITEMAP_URLS]
    for _ in range(20):
        story_with_everything(n_authors=3, n_people=3, n_tags=3, n_sources=3)
    big = [count_queries(client, url) for url in SITEMAP_URLS]

    assert big == small
    assert max(big) <= 2 * len(sitemaps.SITEMAPS)
