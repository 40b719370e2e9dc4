"""Purging shared caches by key: the keys public responses carry, what the database
writes down to purge when content changes, and the job that sends it."""

import datetime
import logging

import pytest
from django.test import override_settings
from django.utils import timezone

from articles import purge
from articles.models import Correction, PendingPurge, Person, Section, Story
from newsroom import frontcache
from tests.factories import (
    BylineFactory,
    CitationFactory,
    LivePostFactory,
    PersonFactory,
    SectionFactory,
    StoryFactory,
    story_with_everything,
)
from tests.forms import edit

SENT: list[list[str]] = []


class RecordingBackend(frontcache.PurgeBackend):
    """A purge backend that keeps what it is asked to purge, or fails when told to."""

    def purge(self, keys):
        if self.options.get("FAIL"):
            raise frontcache.PurgeFailed(f"{self.name}: refused")
        SENT.append(list(keys))


BACKEND = {"test": {"BACKEND": "tests.test_purge.RecordingBackend"}}
FAILING = {"test": {"BACKEND": "tests.test_purge.RecordingBackend", "FAIL": True}}


@pytest.fixture
def sent():
    SENT.clear()
    with override_settings(PURGE_BACKENDS=BACKEND):
        yield SENT


def keys_of(response) -> list[str]:
    return response["Surrogate-Key"].split()


def pending(due_by=None) -> set[str]:
    rows = PendingPurge.objects.all()
    if due_by is not None:
        rows = rows.filter(due_at__lte=due_by)
    return set(rows.values_list("key", flat=True))


def fresh_start():
    PendingPurge.objects.all().delete()


# --- What responses carry -------------------------------------------------------


@pytest.mark.django_db
def test_a_story_page_names_the_story_and_everything_of_others_it_shows(client):
    story = story_with_everything(n_people=2, n_sources=1, n_tags=2)
    other = StoryFactory(headline="Chosen by the editors")
    story.related.add(other)
    byline = story.bylines.get()
    citation = story.citations.select_related("source").get()
    tags = list(story.tags.all())

    response = client.get(story.get_absolute_url())

    keys = keys_of(response)
    assert keys[0] == f"story-{story.pk}"
    expected = {
        "all",
        f"section-{story.section_id}",
        f"person-{byline.person_id}",
        *(f"person-{person.pk}" for person in story.people.all()),
        f"source-{citation.source_id}",
        *(f"tag-{tag.pk}" for tag in tags),
        f"story-{other.pk}",
    }
    assert expected <= set(keys)
    # The same keys for Varnish, and comma-separated for Cloudflare.
    assert response["xkey"] == response["Surrogate-Key"]
    assert response["Cache-Tag"] == ",".join(keys)
    # Not what it does not show: its listings are other pages.
    assert "front" not in keys and f"list-section-{story.section_id}" not in keys


@pytest.mark.django_db
def test_keys_are_kept_with_the_page_and_its_parts_in_the_cache(client):
    story = story_with_everything()
    first = client.get(story.get_absolute_url())
    again = client.get(story.get_absolute_url())
    assert again["X-Page-Cache"] == "hit"
    assert keys_of(again) == keys_of(first)
    # A reader whose copy the page cache does not keep (no gzip) gets the same keys
    # from the story's kept fragment.
    plain = client.get(story.get_absolute_url(), HTTP_ACCEPT_ENCODING="identity")
    assert set(keys_of(plain)) == set(keys_of(first))


@pytest.mark.django_db
def test_listings_name_their_listing_and_every_story_on_the_page(client):
    world = SectionFactory(name="Europe", slug="europe")
    stories = StoryFactory.create_batch(3, section=world)
    BylineFactory(story=stories[0])
    stories[1].tags.add("Ukraine")
    tag = stories[1].tags.get()

    front = keys_of(client.get("/"))
    assert "front" in front
    assert {f"story-{story.pk}" for story in stories} <= set(front)
    assert f"person-{stories[0].bylines.get().person_id}" in front

    section = keys_of(client.get("/sections/europe/"))
    assert {f"section-{world.pk}", f"list-section-{world.pk}"} <= set(section)
    assert {f"story-{story.pk}" for story in stories} <= set(section)

    tagged = keys_of(client.get(f"/tags/{tag.slug}/"))
    assert {f"tag-{tag.pk}", f"list-tag-{tag.pk}", f"story-{stories[1].pk}"} <= set(tagged)
    assert f"story-{stories[0].pk}" not in tagged

    feed = keys_of(client.get("/tags/ukraine/feed/"))
    assert {f"list-tag-{tag.pk}", f"story-{stories[1].pk}"} <= set(feed)
    site_feed = keys_of(client.get("/feed/"))
    assert "feed" in site_feed and f"story-{stories[2].pk}" in site_feed

    year = stories[0].published_at.year
    assert "archive" in keys_of(client.get(f"/{year}/"))
    assert "sitemap" in keys_of(client.get("/sitemap.xml"))
    assert "sitemap" in keys_of(client.get("/news-sitemap.xml"))
    assert "search" in keys_of(client.get("/search/?q=headline"))


@pytest.mark.django_db
def test_missing_withdrawn_and_moved_pages_carry_keys_that_a_publication_purges(client):
    assert set(keys_of(client.get("/2025/01/01/not-yet/"))) == {"all", "not-found"}

    gone = StoryFactory(status=Story.Status.WITHDRAWN)
    response = client.get(gone.get_absolute_url())
    assert response.status_code == 410
    assert f"story-{gone.pk}" in keys_of(response)

    story = StoryFactory(slug="first-slug")
    old_address = story.get_absolute_url()
    story.slug = "second-slug"
    story.save()
    moved = client.get(old_address)
    assert moved.status_code == 301
    assert f"story-{story.pk}" in keys_of(moved)


@pytest.mark.django_db
def test_public_pages_are_kept_a_day_by_shared_caches_when_a_purge_backend_drops_them(client, sent):
    StoryFactory(scheduled=True)  # in two hours
    response = client.get("/")
    shared = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    # Purged at the scheduled moment, the copies need not expire then.
    assert shared > 2 * 3600


@pytest.mark.django_db
def test_without_a_purge_backend_no_shared_copy_outlives_a_scheduled_story(client):
    StoryFactory(scheduled=True)
    response = client.get("/")
    shared = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert 0 < shared <= 30


# --- What the database writes down ----------------------------------------------


@pytest.mark.django_db
def test_publishing_purges_the_story_its_listings_the_front_page_and_old_404s():
    section = SectionFactory(name="Europe", slug="europe")
    author = PersonFactory()
    story = StoryFactory(draft=True, section=section)
    BylineFactory(story=story, person=author)
    story.tags.add("Kremlin")
    tag = story.tags.get()
    CitationFactory(story=story)
    source_id = story.citations.get().source_id
    fresh_start()

    story.status = Story.Status.PUBLISHED
    story.published_at = timezone.now()
    story.save()

    assert pending(due_by=timezone.now()) >= {
        f"story-{story.pk}",
        f"list-section-{section.pk}",
        f"list-person-{author.pk}",
        f"list-tag-{tag.pk}",
        f"list-source-{source_id}",
        "front",
        "feed",
        "archive",
        "sitemap",
        "search",
        "not-found",
    }


@pytest.mark.django_db
def test_editing_a_public_story_purges_its_own_pages_not_its_listings():
    story = StoryFactory()
    fresh_start()
    Story.objects.filter(pk=story.pk).update(headline="A corrected headline")
    assert pending() == {f"story-{story.pk}", "sitemap"}


@pytest.mark.django_db
def test_drafts_purge_nothing_until_they_are_public():
    story = StoryFactory(draft=True)
    fresh_start()
    story.headline = "Still a draft"
    story.save()
    BylineFactory(story=story)
    story.tags.add("Unannounced")
    assert pending() == set()


@pytest.mark.django_db
def test_a_scheduled_story_purges_its_listings_at_its_moment():
    section = SectionFactory(name="Europe", slug="europe")
    story = StoryFactory(draft=True, section=section)
    story.tags.add("Embargoed")
    tag = story.tags.get()
    fresh_start()
    moment = timezone.now() + datetime.timedelta(hours=2)

    Story.objects.filter(pk=story.pk).update(status=Story.Status.PUBLISHED, published_at=moment)

    assert not {"front", f"list-section-{section.pk}", f"list-tag-{tag.pk}"} & pending(
        due_by=timezone.now()
    )
    assert {"front", "not-found", f"list-section-{section.pk}", f"list-tag-{tag.pk}"} <= pending(
        due_by=moment
    )


@pytest.mark.django_db
def test_withdrawing_purges_the_story_and_every_listing_at_once():
    section = SectionFactory(name="Europe", slug="europe")
    story = StoryFactory(section=section)
    story.tags.add("Kremlin")
    tag = story.tags.get()
    fresh_start()
    story.status = Story.Status.WITHDRAWN
    story.save()
    assert {
        f"story-{story.pk}",
        f"list-section-{section.pk}",
        f"list-tag-{tag.pk}",
        "front",
        "feed",
    } <= pending(due_by=timezone.now())


@pytest.mark.django_db
def test_renaming_people_tags_and_sources_purges_what_shows_them():
    story = story_with_everything()
    person = story.bylines.get().person
    source = story.citations.get().source
    tag = story.tags.get()
    fresh_start()
    Person.objects.filter(pk=person.pk).update(name="A new name")
    type(source).objects.filter(pk=source.pk).update(name="A new agency")
    type(tag).objects.filter(pk=tag.pk).update(name="New topic")
    # (PostgreSQL also indexes the story again for search: its own key comes too.)
    assert {f"person-{person.pk}", f"source-{source.pk}", f"tag-{tag.pk}"} <= pending()
    assert "front" not in pending()


@pytest.mark.django_db
def test_a_correction_purges_the_story_and_the_corrections_page():
    story = StoryFactory()
    fresh_start()
    Correction.objects.create(story=story, text="An earlier version misnamed the minister.")
    assert {f"story-{story.pk}", "corrections"} <= pending()
    assert "front" not in pending()


@pytest.mark.django_db
def test_a_new_section_purges_every_page_whose_navigation_shows_it():
    fresh_start()
    Section.objects.create(name="Climate", slug="climate")
    assert pending() == {"all"}


# --- Sending ----------------------------------------------------------------------


@pytest.mark.django_db
def test_due_keys_are_sent_once_each_and_leave_the_outbox(sent):
    story = StoryFactory()
    fresh_start()
    Story.objects.filter(pk=story.pk).update(headline="Once")
    Story.objects.filter(pk=story.pk).update(headline="Twice")
    later = timezone.now() + datetime.timedelta(hours=1)
    PendingPurge.objects.create(key="front", due_at=later)

    assert purge.purge_due() == 2

    assert sent == [sorted([f"story-{story.pk}", "sitemap"])]
    # Not yet due: stays. Sent: goes out once more shortly, then not again.
    left = PendingPurge.objects.order_by("key")
    assert [(row.key, row.again) for row in left] == [
        ("front", True),
        ("sitemap", False),
        (f"story-{story.pk}", False),
    ]
    assert purge.purge_due(now=later) == 3
    assert list(PendingPurge.objects.values_list("key", "again")) == [("front", False)]
    assert purge.purge_due(now=later + datetime.timedelta(seconds=10)) == 1
    assert not PendingPurge.objects.exists()


@pytest.mark.django_db
def test_a_failing_backend_keeps_the_keys_for_later_with_backoff_and_logs_it(caplog):
    PendingPurge.objects.create(key="front", due_at=timezone.now())
    now = timezone.now()
    with override_settings(PURGE_BACKENDS=FAILING), caplog.at_level(logging.WARNING):
        assert purge.purge_due(now=now) == 0
        row = PendingPurge.objects.get()
        assert (row.key, row.attempts) == ("front", 1)
        assert row.due_at == now + datetime.timedelta(seconds=2)
        purge.purge_due(now=row.due_at)
    row.refresh_from_db()
    assert row.attempts == 2 and row.due_at > now + datetime.timedelta(seconds=5)
    assert "Purging 1 keys failed (attempt 1)" in caplog.text and "refused" in caplog.text

    SENT.clear()
    with override_settings(PURGE_BACKENDS=BACKEND):
        assert purge.purge_due(now=row.due_at) == 1
    assert SENT == [["front"]]


@pytest.mark.django_db
def test_purges_failing_for_a_day_are_given_up_with_an_error(caplog):
    now = timezone.now()
    PendingPurge.objects.create(key="front", due_at=now, attempts=purge.MAX_ATTEMPTS - 2)
    with override_settings(PURGE_BACKENDS=FAILING):
        purge.purge_due(now=now)
        assert PendingPurge.objects.get().attempts == purge.MAX_ATTEMPTS - 1
        purge.purge_due(now=now + datetime.timedelta(minutes=5))
    assert not PendingPurge.objects.exists()
    assert "Gave up purging 1 keys" in caplog.text


@pytest.mark.django_db
def test_without_a_purge_backend_the_outbox_is_emptied_all_the_same():
    PendingPurge.objects.create(key="front", due_at=timezone.now())
    purge.purge_due()
    assert not PendingPurge.objects.exists()


@pytest.mark.django_db
def test_an_editors_save_purges_as_it_commits_and_a_failing_backend_never_blocks_it(
    editor_client, django_capture_on_commit_callbacks, sent
):
    story = StoryFactory()
    fresh_start()
    with django_capture_on_commit_callbacks(execute=True):
        edit(editor_client, story, headline="Corrected in the admin")
    assert any(f"story-{story.pk}" in keys for keys in sent)
    assert not PendingPurge.objects.filter(again=True).exists()

    with (
        override_settings(PURGE_BACKENDS=FAILING),
        django_capture_on_commit_callbacks(execute=True),
    ):
        story = edit(editor_client, story, headline="Corrected again")
    assert story.headline == "Corrected again"
    assert PendingPurge.objects.filter(key=f"story-{story.pk}", attempts=1).exists()


# --- Live coverage ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_live_post_purges_its_story_and_the_address_open_pages_poll(client):
    post = LivePostFactory()
    story = post.story
    for path in (story.get_absolute_url(), f"{story.get_absolute_url()}live/"):
        keys = keys_of(client.get(path))
        assert {f"story-{story.pk}", f"person-{post.author_id}"} <= set(keys), path
    assert f"story-{story.pk}" in keys_of(client.get(f"{story.get_absolute_url()}live/feed/"))

    fresh_start()
    LivePostFactory(story=story, author=post.author)
    assert f"story-{story.pk}" in pending(due_by=timezone.now())
    assert "front" not in pending()


def test_a_change_to_a_storys_many_to_many_hurries_the_purge_and_a_roles_does_not(
    db, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group, Permission

    from articles import purge

    story = StoryFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        story.people.add(PersonFactory())
    assert purge.queue in callbacks
    with django_capture_on_commit_callbacks() as callbacks:
        story.tags.add("Kremlin")
    assert purge.queue in callbacks
    with django_capture_on_commit_callbacks() as callbacks:
        Group.objects.create(name="Night desk").permissions.add(Permission.objects.first())
    assert purge.queue not in callbacks
