"""Who may change what readers see: people, sources and pictures, and colleagues' drafts."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from taggit.models import Tag

from articles.models import Image, Person, Source, Story
from tests.factories import (
    BylineFactory,
    CitationFactory,
    PersonFactory,
    SourceFactory,
    StoryFactory,
)
from tests.forms import form_values
from tests.pictures import photo

pytestmark = pytest.mark.django_db

NOTICE = "so only an editor can change it"


@pytest.fixture
def editor_browser(editor):
    """A browser of its own: ``editor_client`` and ``reporter_client`` share one."""
    browser = Client()
    browser.force_login(editor)
    return browser


def picture(alt_text="Delegates at the table"):
    name = default_storage.save("originals/talks.jpg", ContentFile(photo((400, 300))))
    return Image.objects.create(file=name, alt_text=alt_text, credit="Jane Doe/Agency")


def admin_url(obj, view="change"):
    return f"/admin/articles/{obj._meta.model_name}/{obj.pk}/{view}/"


def filled_form(client, obj):
    """What an editor's browser would send for the object's change form, as it stands."""
    html = client.get(admin_url(obj)).content.decode()
    return form_values(html, f"{obj._meta.model_name}_form")


def post_change(client, editor_browser, obj, field, value):
    """The change form as an editor sees it, with one field changed, sent by ``client``."""
    return client.post(admin_url(obj), {**filled_form(editor_browser, obj), field: value})


def person_by_byline():
    person = PersonFactory(name="Ada Byline")
    BylineFactory(story=StoryFactory(), person=person)
    return person


def person_as_subject(**story):
    person = PersonFactory(name="Donald Trump")
    StoryFactory(**story).people.add(person)
    return person


def person_behind_a_cited_source():
    person = PersonFactory(name="Dmitry Peskov")
    CitationFactory(story=StoryFactory(), source=SourceFactory(person=person))
    return person


def person_behind_the_original_publisher():
    person = PersonFactory(name="Publisher Person")
    StoryFactory(original_publisher=SourceFactory(person=person))
    return person


def cited_source():
    return CitationFactory(story=StoryFactory()).source


def original_publisher():
    return StoryFactory(original_publisher=SourceFactory()).original_publisher


def lead_image():
    return StoryFactory(lead_image=picture()).lead_image


def picture_in_a_body(**story):
    image = picture()
    body = f'<p>Text.</p><figure class="library-image" data-image-id="{image.pk}"></figure>'
    StoryFactory(body=body, **story)
    return image


def photo_of_a_person_in_the_news():
    person = person_as_subject()
    person.photo = picture()
    person.save()
    return person.photo


SHOWN = {
    "byline": (person_by_byline, "name"),
    "subject": (person_as_subject, "name"),
    "subject of a scheduled story": (lambda: person_as_subject(scheduled=True), "name"),
    "cited source's person": (person_behind_a_cited_source, "name"),
    "original publisher's person": (person_behind_the_original_publisher, "name"),
    "cited source": (cited_source, "name"),
    "original publisher": (original_publisher, "name"),
    "lead image": (lead_image, "alt_text"),
    "picture in a body": (picture_in_a_body, "alt_text"),
    "photo of a person in the news": (photo_of_a_person_in_the_news, "alt_text"),
}


@pytest.mark.parametrize("make, field", SHOWN.values(), ids=SHOWN.keys())
def test_reporter_sees_what_a_published_story_shows_read_only_and_cannot_change_it(
    reporter_client, editor_browser, make, field
):
    obj = make()
    before = getattr(obj, field)

    page = reporter_client.get(admin_url(obj))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert NOTICE in page.text

    response = post_change(reporter_client, editor_browser, obj, field, "Changed by a reporter")

    assert response.status_code == 403
    obj.refresh_from_db()
    assert getattr(obj, field) == before


@pytest.mark.parametrize("make, field", SHOWN.values(), ids=SHOWN.keys())
def test_editor_changes_what_a_published_story_shows(editor_browser, make, field):
    obj = make()

    response = post_change(editor_browser, editor_browser, obj, field, "Changed by an editor")

    assert response.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == "Changed by an editor"


def unused_person():
    return PersonFactory(name="Nobody Yet")


def person_in_a_draft():
    person = PersonFactory(name="Draft Subject")
    StoryFactory(draft=True).people.add(person)
    return person


def person_in_a_withdrawn_story():
    person = PersonFactory(name="Withdrawn Subject")
    StoryFactory(withdrawn=True).people.add(person)
    return person


def source_cited_in_review():
    return CitationFactory(story=StoryFactory(in_review=True)).source


def lead_image_of_a_draft():
    return StoryFactory(draft=True, lead_image=picture()).lead_image


NOT_SHOWN = {
    "unused person": (unused_person, "name"),
    "person in a draft": (person_in_a_draft, "name"),
    "person in a withdrawn story": (person_in_a_withdrawn_story, "name"),
    "source cited in review": (source_cited_in_review, "name"),
    "unused picture": (picture, "alt_text"),
    "lead image of a draft": (lead_image_of_a_draft, "alt_text"),
    "picture in a draft's body": (lambda: picture_in_a_body(draft=True), "alt_text"),
}


@pytest.mark.parametrize("make, field", NOT_SHOWN.values(), ids=NOT_SHOWN.keys())
def test_reporter_changes_what_no_published_story_shows(
    reporter_client, editor_browser, make, field
):
    obj = make()

    page = reporter_client.get(admin_url(obj))
    assert 'name="_save"' in page.text and NOTICE not in page.text
    response = post_change(reporter_client, editor_browser, obj, field, "Changed by a reporter")
    assert response.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == "Changed by a reporter"


def test_reporter_adds_people_and_sources(reporter_client):
    person = {"name": "New Person", "slug": "new-person", "title": "", "bio": "", "same_as": ""}
    assert reporter_client.post("/admin/articles/person/add/", person).status_code == 302
    source = {"name": "New Source", "slug": "new-source", "kind": "agency"}
    assert reporter_client.post("/admin/articles/source/add/", source).status_code == 302
    assert Person.objects.filter(slug="new-person").exists()
    assert Source.objects.filter(slug="new-source").exists()


def test_the_change_popup_of_the_story_form_is_no_way_round(reporter_client, editor_browser):
    person = person_as_subject()
    data = {**filled_form(editor_browser, person), "name": "Renamed", "_popup": "1"}

    response = reporter_client.post(admin_url(person) + "?_popup=1", data)

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name == "Donald Trump"


def test_even_with_delete_rights_a_reporter_cannot_delete_what_readers_see(reporter_client):
    reporters = Group.objects.get(name="Reporter")
    reporters.permissions.add(*Permission.objects.filter(codename__in=["delete_image"]))
    shown, unused = lead_image(), picture("Not used anywhere")

    assert reporter_client.get(admin_url(shown, "delete")).status_code == 403
    assert reporter_client.post(admin_url(shown, "delete"), {"post": "yes"}).status_code == 403
    assert Image.objects.filter(pk=shown.pk).exists()
    changelist = reporter_client.post(
        "/admin/articles/image/",
        {"action": "delete_selected", "_selected_action": [shown.pk], "post": "yes"},
    )
    assert changelist.status_code == 403
    assert Image.objects.filter(pk=shown.pk).exists()

    assert reporter_client.post(admin_url(unused, "delete"), {"post": "yes"}).status_code == 302
    assert not Image.objects.filter(pk=unused.pk).exists()


def test_reporter_cannot_rename_a_tag(reporter_client):
    story = StoryFactory()
    story.tags.add("Ukraine")
    tag = Tag.objects.get(name="Ukraine")

    response = reporter_client.post(
        f"/admin/taggit/tag/{tag.pk}/change/", {"name": "Renamed", "slug": "ukraine"}
    )

    assert response.status_code == 403
    tag.refresh_from_db()
    assert tag.name == "Ukraine"


def test_reporter_cannot_take_over_a_colleagues_draft_through_their_person(
    reporter_client, reporter, other_reporter, editor_browser
):
    draft = StoryFactory(draft=True, created_by=other_reporter, headline="Oscar's scoop")
    BylineFactory(story=draft, person=other_reporter.person)
    Person.objects.filter(user=reporter).update(user=None)
    data = {**filled_form(editor_browser, other_reporter.person), "user": str(reporter.pk)}

    reporter_client.post(admin_url(other_reporter.person), data)

    assert Person.objects.get(pk=other_reporter.person.pk).user == other_reporter
    hijack = reporter_client.post(admin_url(draft), {"headline": "Hijacked", "slug": "x"})
    assert hijack.status_code == 403
    assert Story.objects.get(pk=draft.pk).headline == "Oscar's scoop"


def test_reporter_reads_a_colleagues_draft_but_gets_no_preview_link_to_share(
    reporter_client, other_reporter
):
    draft = StoryFactory(draft=True, created_by=other_reporter, headline="Oscar's scoop")
    BylineFactory(story=draft, person=other_reporter.person)

    assert "Oscar&#x27;s scoop" in reporter_client.get("/admin/articles/story/").text
    page = reporter_client.get(admin_url(draft))

    assert page.status_code == 200
    assert "Oscar&#x27;s scoop" in page.text
    assert 'name="_save"' not in page.text
    assert "/preview/" not in page.text
    assert "Revoke preview links" not in page.text


def test_change_views_stay_cheap_for_reporters(
    reporter_client, django_assert_max_num_queries, editor_browser
):
    person = person_as_subject()
    data = {**filled_form(editor_browser, person), "name": "Renamed"}
    with django_assert_max_num_queries(8):
        reporter_client.get(admin_url(person))
    # Sign-in, the person, the permissions, one look at what shows it (and savepoints).
    with django_assert_max_num_queries(9):
        assert reporter_client.post(admin_url(person), data).status_code == 403
