"""With a read replica, public pages read from it and everything else from the primary."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Section, Story

pytestmark = pytest.mark.django_db(databases=["default", "replica"])


def published(using, headline, slug):
    section, _ = Section.objects.using(using).get_or_create(
        slug="world", defaults={"name": "World"}
    )
    story = Story(
        headline=headline,
        slug=slug,
        status=Story.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(hours=1),
        section=section,
    )
    story.save(using=using)
    return story


@pytest.fixture
def replica_reads(settings):
    settings.REPLICA_READS = True


def test_public_pages_read_from_the_replica(replica_reads, client):
    published("replica", "Only on the replica", "replica-copy")
    published("default", "Only on the primary", "primary-copy")

    front = client.get("/").text

    assert "Only on the replica" in front
    assert "Only on the primary" not in front


def test_the_admin_reads_and_writes_the_primary(replica_reads, admin_user):
    published("replica", "Only on the replica", "replica-copy")
    published("default", "Only on the primary", "primary-copy")
    editor = Client()
    editor.force_login(admin_user)

    listing = editor.get("/admin/articles/story/").text

    assert "Only on the primary" in listing
    assert "Only on the replica" not in listing


def test_without_a_replica_everything_reads_the_primary(client, settings):
    settings.REPLICA_READS = False
    published("default", "Only on the primary", "primary-copy")
    assert "Only on the primary" in client.get("/").text
