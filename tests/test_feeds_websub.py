"""WebSub: the hub is told which feeds a change touches (``newsroom.frontcache``
WebSubBackend, ``articles.feeds.feed_paths_for_keys``), seen by a local server."""

import datetime
import urllib.parse

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import timezone

from articles import purge
from articles.feeds import feed_paths_for_keys
from articles.models import PendingPurge, Story
from newsroom import frontcache
from newsroom.frontcache import PurgeFailed
from newsroom.settings import purge_backends
from tests.factories import (
    BylineFactory,
    CitationFactory,
    CorrectionFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
)
from tests.test_frontcache import answer, start_recorder

SITE = "https://news.example.com"


@pytest.fixture
def hub():
    """A local WebSub hub keeping every ping (``tests.test_frontcache.Recorder``)."""
    server = start_recorder()
    yield server
    server.shutdown()
    server.server_close()


def websub(hub_url):
    return {"websub": {"BACKEND": "newsroom.frontcache.WebSubBackend", "HUB_URL": hub_url}}


def pings(hub) -> list[dict]:
    assert all(seen.method == "POST" for seen in hub.seen)
    assert all(
        seen.headers["Content-Type"] == "application/x-www-form-urlencoded" for seen in hub.seen
    )
    return [dict(urllib.parse.parse_qsl(seen.body.decode())) for seen in hub.seen]


@pytest.fixture
def covered(db):
    """A public story in every kind of listing, corrected and covered live."""
    story = StoryFactory(
        section=SectionFactory(slug="world"),
        slug="talks",
        original_publisher=SourceFactory(slug="ft", kind="publication"),
        live_from=timezone.now() - datetime.timedelta(hours=1),
    )
    BylineFactory(story=story, person=PersonFactory(slug="ada"))
    story.people.add(PersonFactory(slug="sam"))
    CitationFactory(story=story, source=SourceFactory(slug="wire"))
    story.tags.add("Diplomacy")
    CorrectionFactory(story=story)
    return story


def test_the_hub_gets_a_publish_ping_for_each_feed_the_keys_name(hub, settings, db):
    settings.SITE_URL = SITE
    with override_settings(PURGE_BACKENDS=websub(f"{hub.url}/hub")):
        frontcache.purge(["feed", "corrections", "front", "sitemap"])

    assert [seen.path for seen in hub.seen] == ["/hub"] * 4
    assert pings(hub) == [
        {"hub.mode": "publish", "hub.url": f"{SITE}{path}"}
        for path in ["/corrections/feed/", "/corrections/feed/atom/", "/feed/", "/feed/atom/"]
    ]


def test_a_storys_key_names_every_feed_it_is_in(covered):
    assert feed_paths_for_keys([f"story-{covered.pk}"]) == sorted(
        [
            "/feed/",
            "/feed/atom/",
            "/corrections/feed/",
            "/corrections/feed/atom/",
            "/sections/world/feed/",
            "/tags/diplomacy/feed/",
            "/people/ada/feed/",
            "/people/sam/feed/",
            "/sources/wire/feed/",
            "/sources/ft/feed/",
            covered.get_live_feed_url(),
        ]
    )


def test_a_withdrawn_story_still_names_the_feeds_it_left(covered):
    Story.objects.filter(pk=covered.pk).update(status=Story.Status.WITHDRAWN)

    assert "/tags/diplomacy/feed/" in feed_paths_for_keys([f"story-{covered.pk}"])


def test_listing_tag_and_site_wide_keys_name_their_feeds(covered):
    tag = covered.tags.get()
    person = covered.people.get()

    assert feed_paths_for_keys([f"list-tag-{tag.pk}"]) == ["/tags/diplomacy/feed/"]
    # A renamed person: their feed, and the feeds of the stories showing them.
    assert "/people/sam/feed/" in feed_paths_for_keys([f"person-{person.pk}"])
    assert "/sections/world/feed/" in feed_paths_for_keys([f"person-{person.pk}"])
    assert feed_paths_for_keys(["all"]) == [
        "/corrections/feed/",
        "/corrections/feed/atom/",
        "/feed/",
        "/feed/atom/",
    ]
    assert feed_paths_for_keys(["front", "archive", "search", "sitemap", "not-found"]) == []


def test_a_story_never_published_names_no_feed_and_a_deleted_one_the_sites(db):
    draft = StoryFactory(draft=True)
    assert feed_paths_for_keys([f"story-{draft.pk}"]) == []
    assert feed_paths_for_keys(["story-999999"]) == ["/feed/", "/feed/atom/"]


def test_feed_paths_take_a_fixed_number_of_queries(django_assert_max_num_queries, covered):
    for _ in range(5):
        story = StoryFactory(section=covered.section)
        story.tags.add("Diplomacy", "Riyadh")
        BylineFactory(story=story)
    keys = [f"story-{pk}" for pk in Story.objects.values_list("pk", flat=True)]

    with django_assert_max_num_queries(10):
        feed_paths_for_keys(keys)


def test_a_change_pings_the_hub_for_its_feeds_when_purges_are_sent(hub, settings, covered):
    settings.SITE_URL = SITE
    PendingPurge.objects.all().delete()
    with override_settings(PURGE_BACKENDS=websub(hub.url)):
        covered.corrections.create(text="The date was wrong.")
        purge.purge_due()

    topics = {ping["hub.url"] for ping in pings(hub)}
    assert {f"{SITE}/corrections/feed/", f"{SITE}/feed/", f"{SITE}/tags/diplomacy/feed/"} <= topics
    assert not PendingPurge.objects.filter(due_at__lte=timezone.now()).exists()


def test_a_hub_refusing_a_ping_is_a_failure_and_the_other_feeds_are_pinged(hub, settings, db):
    settings.SITE_URL = SITE
    hub.answers = [answer(500, "down"), (204, {}, b"")]
    with (
        override_settings(PURGE_BACKENDS=websub(hub.url)),
        pytest.raises(PurgeFailed) as failure,
    ):
        frontcache.purge(["feed"])

    assert len(hub.seen) == 2
    assert str(failure.value).startswith("websub: /feed/: ")
    assert "500" in str(failure.value)


def test_a_hub_that_is_down_is_a_failure_that_never_shows_its_token(hub, db):
    address = f"{hub.url}/?token=s3cret-hub-token"
    hub.shutdown()
    hub.server_close()
    with (
        override_settings(PURGE_BACKENDS=websub(address)),
        pytest.raises(PurgeFailed, match="could not be reached") as failure,
    ):
        frontcache.purge(["feed"])
    assert "s3cret-hub-token" not in str(failure.value)


def test_a_hub_is_not_a_cache_shared_caches_keep_pages_briefly(hub):
    with override_settings(PURGE_BACKENDS=websub(hub.url)):
        assert not frontcache.configured()
    varnish = {"BACKEND": "newsroom.frontcache.VarnishBackend", "LOCATIONS": [hub.url]}
    with override_settings(PURGE_BACKENDS={"varnish": varnish, **websub(hub.url)}):
        assert frontcache.configured()


def test_the_environment_configures_the_hub():
    assert "websub" not in purge_backends({})
    assert purge_backends({"WEBSUB_HUB_URL": " https://hub.example.net/ "}) == websub(
        "https://hub.example.net/"
    )
    with (
        override_settings(PURGE_BACKENDS=websub("ftp://hub.example.net/")),
        pytest.raises(ImproperlyConfigured, match="not an http"),
    ):
        frontcache.backends()
