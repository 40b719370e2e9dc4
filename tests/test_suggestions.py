"""Related stories on a story page: the editors' choice, then suggestions, up
to date as stories are published, changed, withdrawn and deleted."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from articles import story_page
from articles.models import Story
from tests.factories import PersonFactory, StoryFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def related_headlines(client, story) -> list[str]:
    html = client.get(story.get_absolute_url()).text
    if 'id="related-title"' not in html:
        return []
    part = html.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    return [line.split("</a>")[0].rsplit(">", 1)[1] for line in part.split("<li>")[1:]]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit, as a real request's transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def tagged(headline, *tags, **fields):
    story = StoryFactory(headline=headline, **fields)
    story.tags.add(*tags)
    return story


def test_a_new_story_appears_under_the_older_stories_it_shares_tags_with(client, committed):
    with committed():
        older = tagged("Older", "Harvest", published_at=timezone.now() - 3 * DAY)
        tagged("Unrelated", "Elections", published_at=timezone.now() - 2 * DAY)
    assert related_headlines(client, older) == []

    with committed():
        tagged("Newer", "Harvest")

    assert related_headlines(client, older) == ["Newer"]


def test_more_shared_people_and_tags_come_first_then_the_newest(client, committed):
    putin = PersonFactory()
    with committed():
        main = tagged("Main", "Russia", "Diplomacy")
        main.people.add(putin)
        tagged("One, old", "Russia", published_at=timezone.now() - 5 * DAY)
        tagged("One, new", "Diplomacy", published_at=timezone.now() - 2 * DAY)
        two = tagged("Two", "Russia")
        two.people.add(putin)

    assert related_headlines(client, main) == ["Two", "One, new", "One, old"]


def test_a_story_that_loses_the_shared_tag_leaves_its_neighbours_lists(client, committed):
    with committed():
        main = tagged("Main", "Harvest")
        other = tagged("Other", "Harvest")
    assert related_headlines(client, main) == ["Other"]

    with committed():
        other.tags.remove("Harvest")

    assert related_headlines(client, main) == []


def test_withdrawn_and_deleted_stories_make_way_for_the_next(client, committed):
    with committed():
        main = tagged("Main", "Harvest", "Rain")
        best = tagged("Shares two", "Harvest", "Rain")
        gone = tagged("Also two", "Harvest", "Rain")
        tagged("Shares one", "Harvest")
    assert related_headlines(client, main)[:2] == ["Also two", "Shares two"]

    with committed():
        best.status = Story.Status.WITHDRAWN
        best.save()
        gone.delete()

    assert related_headlines(client, main) == ["Shares one"]


def test_a_scheduled_story_is_suggested_once_it_is_public(client, committed):
    at = timezone.now() + 2 * DAY
    with committed():
        main = tagged("Main", "Harvest")
        tagged("Scheduled", "Harvest", published_at=at)

    assert related_headlines(client, main) == []
    with time_machine.travel(at + datetime.timedelta(seconds=1)):
        assert related_headlines(client, main) == ["Scheduled"]


def test_the_newest_stories_keep_public_suggestions_beside_many_scheduled(client, committed):
    with committed():
        tagged("Older", "Harvest", published_at=timezone.now() - 2 * DAY)
        main = tagged("Main", "Harvest")
        for hours in range(1, 12):
            tagged(f"Scheduled {hours}", "Harvest", published_at=timezone.now() + hours * DAY)

    assert related_headlines(client, main) == ["Older"]
    with time_machine.travel(timezone.now() + 2 * DAY + datetime.timedelta(hours=1)):
        assert related_headlines(client, main) == ["Scheduled 2", "Scheduled 1", "Older"]


def test_suggestions_come_from_the_stories_published_around_the_story(client, monkeypatch):
    monkeypatch.setattr(story_page, "NEIGHBOURS", 2)
    now = timezone.now()
    far = tagged("Far", "Harvest", published_at=now - 10 * DAY)
    for n in range(3, 5):
        tagged(f"Between {n}", "Rain", published_at=now - n * DAY)
    main = tagged("Main", "Harvest", published_at=now - 2 * DAY)
    tagged("Near", "Harvest", published_at=now - DAY)

    assert related_headlines(client, main) == ["Near"]
    # The editors' choice is shown first, however far and whatever it shares.
    main.related.add(far)
    assert related_headlines(client, main) == ["Far", "Near"]


def test_a_withdrawn_choice_of_the_editors_is_not_shown(client):
    main, other = tagged("Main"), tagged("Chosen")
    main.related.add(other)
    assert related_headlines(client, main) == ["Chosen"]

    Story.objects.filter(pk=other.pk).update(status=Story.Status.WITHDRAWN)

    assert related_headlines(client, main) == []
