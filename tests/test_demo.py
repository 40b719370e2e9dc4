import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from articles.cache import content_state
from articles.images import WIDTHS
from articles.models import Citation, Image, Person, Source, Story
from tests.test_ingest import CLEAN, body_paragraphs, paragraphs

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
    assert demo.body.count("<p>") == 17 + 1  # and the pull quote's


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


def meta(html: str, name: str) -> str:
    return re.search(rf'<meta (?:property|name)="{name}" content="([^"]*)">', html)[1]


def test_load_demo_gives_the_story_a_ready_illustration_as_its_lead_picture(demo):
    image = demo.lead_image
    assert image.ready
    assert (image.width, image.height) == (1800, 1200)
    assert [width for width, _, _ in image.renditions["webp"]] == list(WIDTHS)
    assert image.renditions["share"]
    assert image.alt_text.startswith("Illustration")
    assert all(place in image.alt_text for place in ("Washington", "Moscow", "Kyiv"))
    assert image.caption.startswith("An illustration of the call")
    assert image.credit == "Illustration: Newsroom demo (CC0)"
    assert "CC0" in image.copyright


def test_the_demo_story_page_shows_the_illustration_in_every_width(client, demo):
    image = demo.lead_image
    html = client.get(DEMO_URL).text

    assert html.count("<picture") == 1
    for width in WIDTHS:
        assert re.search(rf"/media/renditions/{image.pk}/\w+-{width}\.webp {width}w", html)
        assert re.search(rf"/media/renditions/{image.pk}/\w+-{width}\.jpg {width}w", html)
    assert 'width="1800" height="1200"' in html
    assert f'alt="{image.alt_text}"' in html
    assert image.caption in html
    assert '<span class="credit">Illustration: Newsroom demo (CC0)</span>' in html
    assert "originals/" not in html


def test_the_illustration_is_what_the_demo_story_is_shared_with(client, demo):
    image = demo.lead_image
    html = client.get(DEMO_URL).text

    shared = meta(html, "og:image")
    assert shared == f"http://testserver{image.share_url}"
    assert meta(html, "twitter:image") == shared
    assert meta(html, "og:image:alt") == image.alt_text
    response = client.get(shared.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_the_front_page_leads_with_the_illustrated_demo_story(client, demo):
    html = client.get("/").text

    lead = html.split('class="front-lead"', 1)[1].split("</section>", 1)[0]
    assert demo.headline in lead
    assert f"/media/renditions/{demo.lead_image.pk}/" in lead


def test_the_pull_quote_follows_the_paragraph_it_quotes_once(client, demo):
    quote = '<blockquote class="pull-quote"><p>“Cash and boots would be European.”</p></blockquote>'
    paragraph = "in response to Trump’s statement. “Cash and boots would be European.”</p>"
    assert demo.body.count(quote) == 1
    assert demo.body.split(paragraph)[1].lstrip().startswith(quote)
    # Otherwise the text as it was cleaned by hand, word for word.
    assert body_paragraphs(demo.body.replace(quote, "")) == paragraphs(CLEAN.read_text())

    html = client.get(DEMO_URL).text

    assert html.count('class="pull-quote"') == 1
    assert html.count(quote) == 1


def test_load_demo_twice_keeps_one_picture(demo):
    image = demo.lead_image

    call_command("load_demo", stdout=io.StringIO())

    demo.refresh_from_db()
    assert demo.lead_image == image
    assert Image.objects.count() == 1


def test_a_demo_loaded_before_it_had_a_picture_gets_it_on_the_next_run(demo):
    updated_at = demo.updated_at
    demo.lead_image.delete()  # as the demo was before it had one
    demo.refresh_from_db()
    assert demo.lead_image is None

    out = io.StringIO()
    call_command("load_demo", stdout=out)

    demo.refresh_from_db()
    assert "Gave the demo story its lead picture." in out.getvalue()
    assert demo.lead_image.ready
    assert Image.objects.count() == 1
    assert demo.updated_at == updated_at  # a picture is not a change to the report


def test_a_picture_the_desk_took_off_the_demo_story_stays_off(demo):
    Story.objects.filter(pk=demo.pk).update(lead_image=None)

    call_command("load_demo", stdout=io.StringIO())

    demo.refresh_from_db()
    assert demo.lead_image is None
    assert Image.objects.count() == 1


def test_the_demo_story_page_costs_a_fixed_number_of_queries(
    client, demo, django_assert_num_queries
):
    content_state()  # read by the first request after a change: see test_views
    with django_assert_num_queries(9):
        assert client.get(DEMO_URL).status_code == 200
