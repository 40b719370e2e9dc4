import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Story
from tests.factories import CorrectionFactory, StoryFactory

pytestmark = pytest.mark.django_db


def test_manager_published_shows_only_past_published_stories():
    past = StoryFactory()
    StoryFactory(scheduled=True)
    StoryFactory(draft=True)
    StoryFactory(in_review=True)
    StoryFactory(withdrawn=True)

    assert list(Story.objects.published()) == [past]


def test_scheduled_story_becomes_published_at_its_time_and_not_a_second_before():
    at = timezone.now() + datetime.timedelta(hours=3)
    story = StoryFactory(published_at=at)

    with time_machine.travel(at - datetime.timedelta(seconds=1)):
        assert not Story.objects.published().filter(pk=story.pk).exists()
        assert not story.is_published()
        assert story.is_scheduled()
    with time_machine.travel(at):
        assert Story.objects.published().filter(pk=story.pk).exists()
        assert story.is_published()


def test_publishing_sets_published_at_once():
    story = StoryFactory(draft=True)
    assert story.published_at is None

    story.status = Story.Status.PUBLISHED
    story.save()
    first = story.published_at
    assert first is not None

    story.headline = "A new headline"
    story.save()
    story.refresh_from_db()
    assert story.published_at == first


def test_database_refuses_a_published_story_without_published_at():
    story = StoryFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.filter(pk=story.pk).update(published_at=None)


def test_body_is_sanitised_on_save():
    story = StoryFactory(
        body=(
            '<p onclick="steal()">Text <img src=x onerror=alert(1)></p>'
            "<script>alert('x')</script>"
            '<a href="javascript:alert(1)">bad link</a>'
            '<a href="https://example.com/">good link</a>'
            "<h2>Subhead</h2><blockquote>Quote</blockquote><ul><li><em>item</em></li></ul>"
        )
    )
    story.refresh_from_db()

    assert "<script" not in story.body
    assert "alert" not in story.body
    assert "onclick" not in story.body
    assert "onerror" not in story.body
    assert "javascript:" not in story.body
    assert '<a href="https://example.com/" rel="noopener noreferrer">good link</a>' in story.body
    assert "<h2>Subhead</h2><blockquote>Quote</blockquote><ul><li><em>item</em></li></ul>" in (
        story.body
    )


def test_correction_bumps_the_story_updated_time():
    story = StoryFactory(published_at=timezone.now() - datetime.timedelta(days=3))
    Story.objects.filter(pk=story.pk).update(updated_at=story.published_at)
    story.refresh_from_db()
    assert not story.was_updated()

    correction = CorrectionFactory(story=story)
    story.refresh_from_db()

    assert story.updated_at == correction.created_at
    assert story.was_updated()


def test_story_url_uses_the_date_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    # 02:00 UTC on 13 February is still 12 February in New York.
    story = StoryFactory(
        slug="late-night", published_at=datetime.datetime(2025, 2, 13, 2, 0, tzinfo=datetime.UTC)
    )
    assert story.get_absolute_url() == "/2025/02/12/late-night/"


def test_draft_has_no_public_url():
    assert StoryFactory(draft=True).get_absolute_url() is None


def test_database_refuses_a_second_public_story_with_the_slug_on_the_same_day():
    first = StoryFactory(slug="the-call")
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.create(
            headline="Again",
            slug="the-call",
            status=Story.Status.PUBLISHED,
            published_at=first.published_at + datetime.timedelta(minutes=1),
        )
    # Another day, a draft, or a story taken off the site may carry it.
    StoryFactory(slug="the-call", published_at=first.published_at - datetime.timedelta(days=1))
    StoryFactory(slug="the-call", draft=True)
    StoryFactory(slug="the-call", status=Story.Status.DRAFT, published_at=first.published_at)
    assert Story.objects.filter(slug="the-call").count() == 4
