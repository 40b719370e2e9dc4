"""The oEmbed provider at /api/oembed: how other sites and chat apps unfurl a story."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from tests.api import picture_with_renditions
from tests.factories import BylineFactory, StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def oembed(client, url, **params):
    return client.get("/api/oembed", {"url": url, **params})


def test_a_story_page_names_its_oembed_address(client):
    story = StoryFactory()

    page = client.get(story.get_absolute_url()).text

    [link] = re.findall(r'<link rel="alternate" type="application/json\+oembed"[^>]*>', page)
    href = html.unescape(re.search(r'href="([^"]+)"', link)[1])
    assert href.startswith("http://testserver/api/oembed?")
    query = parse_qs(urlsplit(href).query)
    assert query == {"url": [f"http://testserver{story.get_absolute_url()}"], "format": ["json"]}
    assert client.get(href).status_code == 200


def test_oembed_of_a_story_gives_its_title_byline_provider_and_thumbnail(client):
    story = BylineFactory(person__name="Max Seddon").story
    story.lead_image = picture_with_renditions()
    story.save()

    response = oembed(client, f"http://testserver{story.get_absolute_url()}", maxwidth=600)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["version"] == "1.0"
    assert data["type"] == "link"
    assert data["title"] == story.headline
    assert data["author_name"] == "Max Seddon"
    assert data["author_url"].startswith("http://testserver/people/")
    assert data["provider_name"] == "Newsroom"
    assert data["provider_url"] == "http://testserver/"
    assert data["cache_age"] == 3600
    # The largest rendition within maxwidth.
    assert data["thumbnail_url"] == "http://testserver/media/renditions/lead-320.jpg"
    assert (data["thumbnail_width"], data["thumbnail_height"]) == (320, 213)
    assert (
        oembed(client, f"http://testserver{story.get_absolute_url()}").json()["thumbnail_width"]
        == 960
    )
    assert (
        "thumbnail_url"
        not in oembed(client, f"http://testserver{story.get_absolute_url()}", maxwidth=100).json()
    )


def test_oembed_is_cached_like_the_story(client):
    story = StoryFactory()

    response = oembed(client, f"http://testserver{story.get_absolute_url()}")

    assert response["Cache-Control"].startswith("public")
    assert f"story-{story.pk}" in response["Surrogate-Key"].split()


@pytest.mark.parametrize(
    "address",
    [
        "http://testserver/sections/world/",
        "http://testserver/2026/01/01/no-such-story/",
        "http://elsewhere.example/2026/01/01/story/",
        "javascript:alert(1)",
    ],
)
def test_oembed_of_what_is_not_a_public_story_is_404(client, address):
    response = oembed(client, address)

    assert response.status_code == 404
    assert "detail" in response.json()


def test_oembed_of_a_draft_or_withdrawn_story_is_404(client):
    for story in [StoryFactory(withdrawn=True), StoryFactory(scheduled=True)]:
        url = f"http://testserver{story.get_absolute_url()}"
        assert oembed(client, url).status_code == 404


def test_oembed_in_xml_is_501_and_bad_parameters_400(client):
    story = StoryFactory()
    url = f"http://testserver{story.get_absolute_url()}"

    assert oembed(client, url, format="xml").status_code == 501
    assert client.get("/api/oembed").status_code == 400
    assert oembed(client, url, maxwidth="wide").status_code == 400
    assert oembed(client, url, maxwidth="0").status_code == 400
