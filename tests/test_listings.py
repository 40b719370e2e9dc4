"""Section, tag, person and source pages, in step with every change to a story
and to what links it to them."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from articles.models import Story
from tests.factories import (
    BylineFactory,
    CitationFactory,
    PersonFactory,
    SourceFactory,
    StoryFactory,
)
from tests.pages import card_headlines

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_a_story_leaves_its_listings_when_withdrawn_and_comes_back_when_published(client):
    story = StoryFactory(headline="Harvest report")
    story.tags.add("Harvest")
    assert card_headlines(client.get("/tags/harvest/")) == ["Harvest report"]

    story.status = Story.Status.WITHDRAWN
    story.save()
    assert card_headlines(client.get("/tags/harvest/")) == []

    story.status = Story.Status.PUBLISHED
    story.save()
    assert card_headlines(client.get("/tags/harvest/")) == ["Harvest report"]


def test_links_removed_and_added_move_the_story_between_listings(client):
    ada, bo = PersonFactory(slug="ada"), PersonFactory(slug="bo")
    source = SourceFactory(slug="wire")
    story = StoryFactory(headline="Moved")
    story.tags.add("Harvest")
    byline = BylineFactory(story=story, person=ada)
    citation = CitationFactory(story=story, source=source)

    story.tags.set(["Rain"])
    byline.delete()
    story.people.add(bo)
    citation.delete()

    assert card_headlines(client.get("/tags/harvest/")) == []
    assert card_headlines(client.get("/tags/rain/")) == ["Moved"]
    assert card_headlines(client.get("/people/ada/")) == []
    assert card_headlines(client.get("/people/bo/")) == ["Moved"]
    assert card_headlines(client.get("/sources/wire/")) == []


def test_someone_who_wrote_a_story_and_is_in_it_is_listed_once(client):
    ada = PersonFactory(slug="ada")
    story = StoryFactory(headline="Both")
    BylineFactory(story=story, person=ada)
    story.people.add(ada)

    assert card_headlines(client.get("/people/ada/")) == ["Both"]


def test_a_new_publication_time_reorders_and_a_scheduled_story_appears_at_its_time(client):
    now = timezone.now()
    older = StoryFactory(headline="Older", published_at=now - 2 * DAY)
    StoryFactory(headline="Newer", published_at=now - DAY)
    later = StoryFactory(headline="Later", published_at=now + DAY)
    for story in Story.objects.all():
        story.tags.add("Harvest")

    assert card_headlines(client.get("/tags/harvest/")) == ["Newer", "Older"]
    older.published_at = now - datetime.timedelta(hours=1)
    older.save()
    assert card_headlines(client.get("/tags/harvest/")) == ["Older", "Newer"]
    with time_machine.travel(later.published_at + datetime.timedelta(seconds=1)):
        assert card_headlines(client.get("/tags/harvest/"))[0] == "Later"


def test_deleting_a_story_person_or_tag_takes_it_off_the_listings(client):
    ada = PersonFactory(slug="ada")
    kept, gone = StoryFactory(headline="Kept"), StoryFactory(headline="Gone")
    for story in (kept, gone):
        story.tags.add("Harvest", "Rain")
        story.people.add(ada)

    gone.delete()
    kept.tags.remove("Rain")

    assert card_headlines(client.get("/tags/harvest/")) == ["Kept"]
    assert client.get("/tags/rain/").status_code == 404
    assert card_headlines(client.get("/people/ada/")) == ["Kept"]
    ada.delete()
    assert client.get("/people/ada/").status_code == 404


def test_page_two_of_a_tag_continues_where_page_one_stopped(client):
    now = timezone.now()
    for n in range(25):
        StoryFactory(headline=f"Story {n:02d}", published_at=now - n * DAY).tags.add("Harvest")

    first = card_headlines(client.get("/tags/harvest/"))
    second = card_headlines(client.get("/tags/harvest/?page=2"))

    assert first == [f"Story {n:02d}" for n in range(20)]
    assert second == [f"Story {n:02d}" for n in range(20, 25)]


def test_each_request_lists_at_its_own_moment(client):
    now = timezone.now()
    StoryFactory(headline="First", published_at=now - DAY).tags.add("Harvest")
    StoryFactory(headline="Elsewhere", published_at=now - DAY).tags.add("Rain")
    assert card_headlines(client.get("/tags/harvest/")) == ["First"]
    StoryFactory(headline="Second", published_at=now - datetime.timedelta(hours=1)).tags.add(
        "Harvest"
    )
    StoryFactory(headline="Not yet", published_at=now + DAY).tags.add("Harvest")

    assert card_headlines(client.get("/tags/harvest/")) == ["Second", "First"]
    assert card_headlines(client.get("/tags/rain/")) == ["Elsewhere"]
    with time_machine.travel(now + 2 * DAY):
        assert card_headlines(client.get("/tags/harvest/"))[0] == "Not yet"


def test_the_database_keeps_the_entries_that_writing_them_all_again_gives():
    """Whatever path writes stories and their links, the triggers leave the listing
    entries a full rebuild (the migration's SQL) would."""
    import importlib

    from django.db import connection

    from articles.models import ListingEntry, TaggedStory

    fill = importlib.import_module("articles.migrations.0017_listing_entries_by_triggers").FILL
    people = PersonFactory.create_batch(3)
    sources = SourceFactory.create_batch(2)
    stories = [StoryFactory(published_at=timezone.now() - n * DAY) for n in range(8)]
    StoryFactory(draft=True).tags.add("tag-0")
    for n, story in enumerate(stories):
        story.tags.add(f"tag-{n % 3}", f"tag-{n % 2}")
        BylineFactory(story=story, person=people[n % 3])
        story.people.add(people[(n + 1) % 3])
        CitationFactory(story=story, source=sources[n % 2])
    stories[2].tags.clear()
    people[0].stories_about.clear()
    Story.objects.filter(pk=stories[4].pk).update(status=Story.Status.DRAFT)
    Story.objects.filter(pk=stories[6].pk).update(published_at=timezone.now())
    TaggedStory.objects.filter(content_object=stories[7]).update(tag=stories[1].tags.first())
    stories[5].delete()

    def entries():
        return set(ListingEntry.objects.values_list("kind", "key", "story_id", "published_at"))

    kept = entries()
    with connection.cursor() as cursor:
        for statement in fill.strip().split(";\n"):
            cursor.execute(statement)

    assert entries() == kept
    assert len(kept) > 20
