"""Every API endpoint reads the same number of queries for 1 story as for 20."""

import pytest
from django.core.cache import cache

from articles.models import Story
from tests.api import bearer, partner_key, picture_with_renditions
from tests.factories import story_with_everything

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def stories(count: int) -> list[Story]:
    picture = picture_with_renditions()
    made = [story_with_everything(n_people=2, n_sources=2, n_tags=2) for _ in range(count)]
    Story.objects.filter(pk__in=[s.pk for s in made]).update(lead_image=picture)
    return made


def queries_of(client, django_assert_max_num_queries, path, count, **headers):
    """The queries ``path`` reads with ``count`` stories in the archive."""
    made = stories(count)
    first = made[0]
    tag = first.tags.first()
    path = path.format(
        story=first.pk,
        person=first.bylines.first().person_id,
        source=first.citations.first().source_id,
        tag=tag.pk,
        tag_slug=tag.slug,
        person_slug=first.bylines.first().person.slug,
        correction=first.corrections.first().pk,
        path=first.get_absolute_url(),
    )
    client.get(path, **headers)  # the content's publication moments, read once per change
    with django_assert_max_num_queries(100) as captured:
        response = client.get(path, **headers)
    assert response.status_code == 200, response.content
    return len(captured)


ENDPOINTS = [
    ("/api/v1/stories/", 7),
    ("/api/v1/stories/{story}/", 7),
    # What ninjs reads is for_ninjs()'s to say: the same for any number of stories.
    ("/api/v1/stories/{story}.ninjs.json", None),
    ("/api/v1/stories/by-path/?path={path}", 9),
    ("/api/v1/people/", 2),
    ("/api/v1/people/{person}/", 2),
    ("/api/v1/sources/", 2),
    ("/api/v1/sources/{source}/", 2),
    ("/api/v1/sections/", 2),
    ("/api/v1/tags/", 2),
    ("/api/v1/tags/{tag}/", 2),
    ("/api/v1/corrections/", 2),
    ("/api/v1/corrections/{correction}/", 2),
    ("/api/v1/stories/?section=world&tag={tag_slug}&person={person_slug}", 10),
]


@pytest.mark.parametrize("path, expected", ENDPOINTS)
def test_queries_do_not_grow_with_the_stories(
    client, django_assert_max_num_queries, path, expected
):
    one = queries_of(client, django_assert_max_num_queries, path, 1)
    Story.objects.all().delete()
    twenty = queries_of(client, django_assert_max_num_queries, path, 20)

    assert one == twenty
    assert expected is None or one == expected


def test_a_partners_call_reads_its_key_in_place_of_the_content_state(
    client, django_assert_max_num_queries
):
    _, secret = partner_key(can_read_embargoed=True)
    anonymous = queries_of(client, django_assert_max_num_queries, "/api/v1/stories/", 20)
    keyed = queries_of(
        client, django_assert_max_num_queries, "/api/v1/stories/", 20, **bearer(secret)
    )

    # Private answers carry no shared lifetime, so the content state is not read.
    assert keyed == anonymous
