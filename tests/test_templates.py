"""The readers' template environment (newsroom/jinja2.py): Django's date filter
and reverse(), in the site's time zone."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db


def test_pages_show_times_and_addresses_in_the_sites_time_zone(client, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    moment = datetime.datetime(2025, 2, 12, 23, 30, tzinfo=datetime.UTC)
    with timezone.override("Europe/Berlin"):
        story = StoryFactory(headline="Late news", slug="late-news", published_at=moment)

        front = client.get("/").text
        page = client.get("/2025/02/13/late-news/").text

    # 23:30 UTC is half past midnight the next day in Berlin.
    assert story.get_absolute_url() == "/2025/02/13/late-news/"
    assert 'href="/2025/02/13/late-news/"' in front
    assert '<time datetime="2025-02-13T00:30:00+01:00">13 February 2025, 00:30</time>' in front
    assert "13 February 2025, 00:30 CET" in page
