"""The 404 page helps a reader on: a search with the address's words, the latest stories."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db


def test_a_broken_story_link_offers_a_search_for_its_words_and_the_latest_stories(client):
    old = StoryFactory(headline="Budget vote delayed")
    new = StoryFactory(
        headline="Harbour bridge reopens", published_at=timezone.now() - datetime.timedelta(hours=1)
    )
    StoryFactory(headline="A draft nobody may see", draft=True)
    StoryFactory(
        headline="Tomorrow's story", published_at=timezone.now() + datetime.timedelta(days=1)
    )
    response = client.get("/2025/02/12/trump-putin-call-ukrane/")
    assert response.status_code == 404
    html = response.text
    assert re.search(
        r'<input type="search" id="not-found-q" name="q" value="trump putin call ukrane"', html
    )
    latest = re.findall(r'<ul class="latest-stories">(.*?)</ul>', html, re.S)[0]
    assert re.findall(r'<a href="([^"]+)">', latest) == [
        new.get_absolute_url(),
        old.get_absolute_url(),
    ]
    assert "draft nobody" not in html and "Tomorrow" not in html
    assert '<meta name="robots" content="noindex">' in html


def test_an_address_without_words_leaves_the_search_empty(client):
    response = client.get("/2025/02/12/%00%00/")
    assert response.status_code == 404
    assert 'name="q" value=""' in response.text
    assert "Latest stories" not in response.text  # none published yet


def test_the_404_page_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    for number in range(8):
        StoryFactory(headline=f"Story {number}")
    # The content's state and its next scheduled change, the sections with the
    # site's own pages (the footer's, and whether the address is one of them), the latest.
    with django_assert_num_queries(4):
        client.get("/no-such-page/")
    # Then kept with the content's state: a flood of 404s costs one query each.
    with django_assert_num_queries(1):
        response = client.get("/another-missing-page/")
    assert response.status_code == 404 and response.text.count("<time") == 5
