"""Every public page is semantic HTML: language, landmarks, skip link, headings in order."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from tests.factories import StoryFactory, story_with_everything
from tests.test_demo import crawl

pytestmark = pytest.mark.django_db


class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang = None
        self.tags = []
        self.ids = set()
        self.headings = []
        self.links = []
        self.images_without_alt = 0
        self.times_without_datetime = 0
        self.nav_labels = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        if tag == "a":
            self.links.append(attrs.get("href", ""))
        if tag == "img" and "alt" not in attrs:
            self.images_without_alt += 1
        if tag == "time" and not attrs.get("datetime"):
            self.times_without_datetime += 1
        if tag == "nav":
            self.nav_labels.append(attrs.get("aria-label"))


@pytest.fixture
def site(db):
    call_command("load_demo", stdout=io.StringIO())
    story = story_with_everything(n_people=2, n_sources=2, n_tags=2, n_authors=2)
    StoryFactory.create_batch(22, section=story.section)


def test_every_public_page_has_language_landmarks_skip_link_and_ordered_headings(client, site):
    pages = crawl(client)
    assert len(pages) > 20
    pages["/404"] = client.get("/no/such/page/").text

    for url, html in pages.items():
        outline = Outline()
        outline.feed(html)
        assert outline.lang and outline.lang.startswith("en"), url
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in outline.tags, f"{url}: no <{landmark}>"
        assert outline.tags.count("main") == 1, url
        assert all(outline.nav_labels), f"{url}: every nav needs a label"
        assert outline.links[0] == "#main" and "main" in outline.ids, f"{url}: skip link"
        assert outline.headings.count(1) == 1, f"{url}: one h1"
        assert outline.headings[0] == 1, url
        for previous, current in zip(outline.headings, outline.headings[1:], strict=False):
            assert current <= previous + 1, f"{url}: heading h{previous} then h{current}"
        assert outline.images_without_alt == 0, url
        assert outline.times_without_datetime == 0, url


def test_stylesheet_ships_with_the_project_and_nothing_loads_from_elsewhere(client, site):
    pages = crawl(client)
    for url, html in pages.items():
        for needle in ('src="http', 'src="//', 'rel="stylesheet" href="http', "@import"):
            assert needle not in html, url
    css = client.get("/static/css/site.css")
    assert css.status_code == 200
    content = b"".join(css.streaming_content).decode()
    assert "@media" in content
    # Its only addresses are the fonts shipped beside it, and each is served.
    addresses = re.findall(r"url\(\"?([^\")]+)\"?\)", content)
    assert addresses and all(a.startswith("../fonts/") for a in addresses), addresses
    for address in addresses:
        font = client.get("/static/fonts/" + address.removeprefix("../fonts/"))
        assert font.status_code == 200 and font["Content-Type"] == "font/woff2", address
