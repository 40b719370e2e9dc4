"""Whoever stands behind an anonymous source is never published."""

import pytest
from django.core.exceptions import ValidationError

from articles.models import Source
from tests.factories import CitationFactory, PersonFactory, SourceFactory, StoryFactory

pytestmark = pytest.mark.django_db


def test_an_anonymous_source_cannot_name_a_person():
    source = SourceFactory.build(kind=Source.Kind.ANONYMOUS, person=PersonFactory())
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert "leave its person empty" in str(refused.value.message_dict["person"])


def test_the_admin_refuses_a_person_on_an_anonymous_source(admin_client):
    person = PersonFactory(name="Jane Insider")
    response = admin_client.post(
        "/admin/articles/source/add/",
        {
            "name": "a senior official",
            "slug": "a-senior-official",
            "kind": "anonymous",
            "person": person.pk,
            "url": "",
            "description": "",
        },
    )
    assert response.status_code == 200
    assert "An anonymous source names no one" in response.content.decode()
    assert not Source.objects.filter(slug="a-senior-official").exists()


def test_a_person_linked_to_an_anonymous_source_before_the_rule_stays_unpublished(client):
    """Rows from before the rule (or a shell): citing the source publishes no one."""
    insider = PersonFactory(name="Jane Insider", slug="jane-insider")
    source = SourceFactory(name="a senior official", slug="senior", kind=Source.Kind.ANONYMOUS)
    Source.objects.filter(pk=source.pk).update(person=insider)
    story = StoryFactory()
    CitationFactory(story=story, source=source, detail="told reporters")

    assert client.get("/people/jane-insider/").status_code == 404
    source_page = client.get("/sources/senior/").content.decode()
    assert "a senior official" in source_page and "Jane Insider" not in source_page
    assert "Jane Insider" not in client.get(story.get_absolute_url()).content.decode()
    people = client.get("/api/v1/people/").json()
    assert "Jane Insider" not in str(people)

    # Named sources still publish their person, as before.
    spokesman = PersonFactory(name="Dmitry Peskov", slug="dmitry-peskov")
    kremlin = SourceFactory(name="Kremlin", slug="kremlin", kind=Source.Kind.OFFICIAL)
    Source.objects.filter(pk=kremlin.pk).update(person=spokesman)
    CitationFactory(story=story, source=kremlin)
    assert client.get("/people/dmitry-peskov/").status_code == 200
