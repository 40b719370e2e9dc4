import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from articles.models import Citation, Person, Source, Story

pytestmark = pytest.mark.django_db

DEMO_URL = "/2025/02/12/trump-putin-call-ukraine-negotiations/"

JUNK = [
    "Contact Information",
    "Westminster Buildings",
    "Theatre Square",
    "NG1 6LG",
    "We Are Available",
    "Call Now",
    "Unlock the White House Watch newsletter",
    "Source link",
    "administrator",
    "Leave a Reply",
    "Your email address will not be published",
    "Required fields are marked",
]

PEOPLE = {
    "Donald Trump": "President of the United States",
    "Vladimir Putin": "President of Russia",
    "Volodymyr Zelenskyy": "President of Ukraine",
    "Dmitry Peskov": "Spokesman for Vladimir Putin",
    "Marco Rubio": "US secretary of state",
    "John Ratcliffe": "CIA director",
    "Mike Waltz": "US national security adviser",
    "Steve Witkoff": "US special envoy",
    "Keith Kellogg": "US envoy for Ukraine",
    "Pete Hegseth": "US defence secretary",
    "Marc Fogel": "American teacher released from detention in Russia",
    "Alexander Vinnik": "Russian who operated the cryptocurrency platform BTC-e",
}


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    return Story.objects.get(slug="trump-putin-call-ukraine-negotiations")


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/"):
            self.links.append(href)


def crawl(client, start="/"):
    """Every public page reachable from the front page, as {url: html}."""
    pages, seen, queue = {}, set(), [start]
    while queue:
        url = queue.pop()
        if url in seen or url.startswith(("/admin/", "/static/", "/media/")):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith("text/html"):
            continue  # feeds
        pages[url] = response.text
        parser = LinkParser()
        parser.feed(response.text)
        queue.extend(link for link in parser.links if link not in seen)
    return pages


def test_demo_story_is_published_on_12_february_2025_in_world(client, demo):
    assert demo.is_published()
    assert demo.get_absolute_url() == DEMO_URL
    assert demo.section.name == "World"
    assert demo.original_publisher.name == "Financial Times"
    response = client.get(DEMO_URL)
    assert response.status_code == 200
    assert "Trump says US and Russia will begin Ukraine peace negotiations" in response.text
    assert "Originally published by" in response.text


def test_demo_story_names_its_people_with_their_titles(client, demo):
    html = client.get(DEMO_URL).text
    assert set(demo.people.values_list("name", flat=True)) == set(PEOPLE)
    for name, title in PEOPLE.items():
        person = Person.objects.get(name=name)
        assert person.title == title
        assert f'href="/people/{person.slug}/">{name}</a>' in html


def test_demo_story_cites_its_sources_with_their_details(client, demo):
    html = client.get(DEMO_URL).text
    cited = {c.source.name: c for c in Citation.objects.filter(story=demo).select_related("source")}
    assert cited["Truth Social"].detail == "Donald Trump’s post on Truth Social"
    assert cited["Dmitry Peskov"].detail == "told reporters"
    assert cited["Dmitry Peskov"].source.person.name == "Dmitry Peskov"
    assert "The Kremlin" in cited
    assert "The White House" in cited
    anonymous = {name for name, c in cited.items() if c.source.kind == Source.Kind.ANONYMOUS}
    assert anonymous == {
        "A senior member of the Ukrainian president’s team",
        "People involved in the EU’s lobbying efforts",
        "A western official",
    }
    assert cited["A senior member of the Ukrainian president’s team"].detail == (
        "told the Financial Times"
    )
    for citation in cited.values():
        assert f'href="/sources/{citation.source.slug}/"' in html


def test_demo_story_is_tagged(client, demo):
    html = client.get(DEMO_URL).text
    tags = set(demo.tags.names())
    assert {"Ukraine war", "Russia", "US foreign policy", "Diplomacy", "Nato"} <= tags
    assert "European Union" in tags
    for tag in demo.tags.all():
        assert f'href="/tags/{tag.slug}/" rel="tag">{tag.name}</a>' in html


def test_demo_story_keeps_the_whole_news_text_and_none_of_the_junk(client, demo):
    html = client.get(DEMO_URL).text
    assert "President Donald Trump has said the US and Moscow will begin negotiations" in html
    assert "accused of laundering billions of dollars’ worth of bitcoin." in html
    assert demo.body.count("<p>") == 17


def test_no_page_of_the_site_shows_the_seeds_junk(client, demo):
    pages = crawl(client)
    assert DEMO_URL in pages
    assert "/people/dmitry-peskov/" in pages
    assert "/sources/financial-times/" in pages
    for url, html in pages.items():
        for junk in JUNK:
            assert not re.search(re.escape(junk), html, re.IGNORECASE), (url, junk)


def test_load_demo_twice_duplicates_nothing_and_keeps_edits(demo):
    demo.headline = "Edited by the desk"
    demo.save()
    counts = [Story.objects.count(), Person.objects.count(), Source.objects.count()]

    call_command("load_demo", stdout=io.StringIO())

    assert [Story.objects.count(), Person.objects.count(), Source.objects.count()] == counts
    assert Citation.objects.filter(story=demo).count() == 7
    demo.refresh_from_db()
    assert demo.headline == "Edited by the desk"
