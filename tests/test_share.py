"""Share links on a story: each network's own share page, no third party's script."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db

NETWORKS = {
    "E-mail": "mailto:",
    "X": "https://x.com/intent/post",
    "Bluesky": "https://bsky.app/intent/compose",
    "Facebook": "https://www.facebook.com/sharer/sharer.php",
    "LinkedIn": "https://www.linkedin.com/sharing/share-offsite/",
    "WhatsApp": "https://wa.me/",
}


def share_links(html: str) -> dict[str, str]:
    section = re.search(r'<section class="share".*?</section>', html, re.S)
    assert section, "no share links"
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', section.group())
    return {text: href.replace("&amp;", "&") for href, text in links}


def test_a_story_is_shared_by_its_address_and_headline_on_every_network(client):
    story = StoryFactory(headline="Talks & tariffs: what “reset” means")
    html = client.get(story.get_absolute_url()).text
    address = f"http://testserver{story.get_absolute_url()}"
    links = share_links(html)
    assert set(links) == set(NETWORKS)
    for name, start in NETWORKS.items():
        assert links[name].startswith(start), name
        values = " ".join(v for vs in parse_qs(urlsplit(links[name]).query).values() for v in vs)
        assert address in values, name
        assert story.headline in values or name in ("Facebook", "LinkedIn"), name
    # The browser's share sheet is offered by the site's own script, hidden until it works.
    assert re.search(r'<li class="share-native" hidden><button type="button"', html)
    assert not re.search(r'<script[^>]+src="https?://', html)


def test_the_address_is_the_one_the_reader_used(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "news.example.com"]
    story = StoryFactory()
    client.get(story.get_absolute_url())  # the story's markup, kept for testserver
    html = client.get(story.get_absolute_url(), HTTP_HOST="news.example.com").text
    assert f"http%3A//news.example.com{story.get_absolute_url()}" in html
    assert "testserver" not in html


def test_drafts_in_preview_offer_no_share_links(editor_client):
    from tests.test_previews import preview_link

    story = StoryFactory(draft=True)
    response = editor_client.get(preview_link(editor_client, story))
    assert response.status_code == 200 and story.headline in response.text
    assert 'class="share"' not in response.text
