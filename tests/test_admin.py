import pytest
from django.utils import timezone

from articles.models import Story
from tests.factories import (
    BylineFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
)

pytestmark = pytest.mark.django_db


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def story_form_data(section, **fields):
    data = {
        "headline": "Ceasefire talks open in Geneva",
        "slug": "ceasefire-talks-open-in-geneva",
        "kicker": "Diplomacy",
        "dek": "Delegations met for the first time in three years.",
        "body": "<p>Delegations met in Geneva.</p><script>alert(1)</script>",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "section": str(section.pk),
        "tags": "Diplomacy, Geneva talks",
        "canonical_url": "",
        "seo_title": "",
        "seo_description": "",
        **inline_management("bylines"),
        **inline_management("citations"),
        **inline_management("corrections"),
    }
    data.update(fields)
    return data


def test_editor_adds_a_story_with_bylines_citations_and_tags_and_publishes_it(admin_client):
    section = SectionFactory(name="World", slug="world")
    first = PersonFactory(name="Ada Reporter")
    second = PersonFactory(name="Ben Writer")
    subject = PersonFactory(name="Sam Subject")
    agency = SourceFactory(name="Wire Agency")
    assert admin_client.get("/admin/articles/story/add/").status_code == 200

    data = story_form_data(
        section,
        people=[str(subject.pk)],
        **inline_management("bylines", total=2),
        **{
            "bylines-0-person": str(second.pk),
            "bylines-0-role": "in Geneva",
            "bylines-0-order": "2",
            "bylines-1-person": str(first.pk),
            "bylines-1-role": "in London",
            "bylines-1-order": "1",
        },
        **inline_management("citations", total=1),
        **{
            "citations-0-source": str(agency.pk),
            "citations-0-detail": "reported",
            "citations-0-order": "0",
        },
    )
    response = admin_client.post("/admin/articles/story/add/", data)
    assert response.status_code == 302, response.context["adminform"].errors

    story = Story.objects.get(slug="ceasefire-talks-open-in-geneva")
    assert story.status == Story.Status.DRAFT
    assert [b.person.name for b in story.bylines.all()] == ["Ada Reporter", "Ben Writer"]
    assert story.citations.get().detail == "reported"
    assert set(story.tags.names()) == {"Diplomacy", "Geneva talks"}
    assert "<script>" not in story.body
    assert "Ceasefire talks open in Geneva" not in admin_client.get("/").text

    bylines = list(story.bylines.all())
    publish = story_form_data(
        section,
        status="published",
        people=[str(subject.pk)],
        **inline_management("bylines", total=2, initial=2),
        **{
            "bylines-0-id": str(bylines[0].pk),
            "bylines-0-story": str(story.pk),
            "bylines-0-person": str(first.pk),
            "bylines-0-role": "in London",
            "bylines-0-order": "1",
            "bylines-1-id": str(bylines[1].pk),
            "bylines-1-story": str(story.pk),
            "bylines-1-person": str(second.pk),
            "bylines-1-role": "in Geneva",
            "bylines-1-order": "2",
        },
        **inline_management("citations", total=1, initial=1),
        **{
            "citations-0-id": str(story.citations.get().pk),
            "citations-0-story": str(story.pk),
            "citations-0-source": str(agency.pk),
            "citations-0-detail": "reported",
            "citations-0-order": "0",
        },
    )
    response = admin_client.post(f"/admin/articles/story/{story.pk}/change/", publish)
    assert response.status_code == 302, response.context["adminform"].errors

    story.refresh_from_db()
    assert story.is_published()
    front = admin_client.get("/").text
    assert "Ceasefire talks open in Geneva" in front
    assert "Ada Reporter</a> in London and" in front
    page = admin_client.get(story.get_absolute_url())
    assert page.status_code == 200
    assert "Sam Subject" in page.text
    assert "Wire Agency" in page.text


def test_add_form_refuses_a_duplicate_slug_with_a_message_and_saves_nothing(admin_client):
    section = SectionFactory()
    StoryFactory(slug="taken")
    count = Story.objects.count()

    response = admin_client.post(
        "/admin/articles/story/add/", story_form_data(section, slug="taken")
    )

    assert response.status_code == 200
    assert "Story with this Slug already exists." in response.text
    assert Story.objects.count() == count


def test_add_form_refuses_a_bad_canonical_url(admin_client):
    section = SectionFactory()
    response = admin_client.post(
        "/admin/articles/story/add/",
        story_form_data(section, canonical_url="javascript:alert(1)"),
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
    assert not Story.objects.exists()


def test_story_list_shows_columns_and_filters(admin_client):
    world = SectionFactory(name="World", slug="world")
    business = SectionFactory(name="Business", slug="business")
    story = StoryFactory(headline="Markets rally", section=business)
    BylineFactory(story=story, person=PersonFactory(name="Ada Reporter"))
    story.tags.add("Markets")
    StoryFactory(headline="Summit ends", section=world, draft=True)

    page = admin_client.get("/admin/articles/story/").text
    for text in ["Markets rally", "Summit ends", "Ada Reporter", "Business", "In review"]:
        assert text in page

    by_status = admin_client.get("/admin/articles/story/?status__exact=draft").text
    assert "Summit ends" in by_status and "Markets rally" not in by_status
    by_section = admin_client.get(f"/admin/articles/story/?section__id__exact={business.pk}").text
    assert "Markets rally" in by_section and "Summit ends" not in by_section
    tag = story.tags.get()
    by_tag = admin_client.get(f"/admin/articles/story/?tags__id__exact={tag.pk}").text
    assert "Markets rally" in by_tag and "Summit ends" not in by_tag
    year = timezone.localtime(story.published_at).year
    by_date = admin_client.get(f"/admin/articles/story/?published_at__year={year}").text
    assert "Markets rally" in by_date


def test_story_list_searches_headline_dek_and_body(admin_client):
    StoryFactory(headline="Alpha", dek="Plain", body="<p>Mentions Peskov here.</p>")
    StoryFactory(headline="Beta", dek="Nothing")

    page = admin_client.get("/admin/articles/story/?q=Peskov").text

    assert "Alpha" in page
    assert ">Beta<" not in page


def test_view_on_site_is_offered_only_for_public_stories(admin_client):
    public = StoryFactory()
    draft = StoryFactory(draft=True)

    assert "View on site" in admin_client.get(f"/admin/articles/story/{public.pk}/change/").text
    assert "View on site" not in admin_client.get(f"/admin/articles/story/{draft.pk}/change/").text


def test_person_admin_shows_stories_written_and_appeared_in(admin_client):
    person = PersonFactory(name="Ada Reporter")
    written = StoryFactory(headline="Ada wrote this")
    BylineFactory(story=written, person=person)
    about = StoryFactory(headline="This is about Ada", draft=True)
    about.people.add(person)

    page = admin_client.get(f"/admin/articles/person/{person.pk}/change/").text

    assert "Stories written" in page
    assert "Ada wrote this" in page
    assert "Stories they appear in" in page
    assert "This is about Ada" in page


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/story/",
        "/admin/articles/story/add/",
        "/admin/articles/person/",
        "/admin/articles/source/",
        "/admin/articles/section/",
        "/admin/articles/image/",
        "/admin/taggit/tag/",
    ],
)
def test_admin_pages_open(admin_client, url):
    StoryFactory()
    assert admin_client.get(url).status_code == 200


def test_autocomplete_finds_people_for_the_story_form(admin_client):
    PersonFactory(name="Dmitry Peskov")
    response = admin_client.get(
        "/admin/autocomplete/",
        {"term": "Pesk", "app_label": "articles", "model_name": "story", "field_name": "people"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Dmitry Peskov"]


def test_withdrawing_a_story_that_never_went_public_is_refused_with_a_message(admin_client):
    section = SectionFactory()
    story = StoryFactory(draft=True, section=section, slug="never-out")

    response = admin_client.post(
        f"/admin/articles/story/{story.pk}/change/",
        story_form_data(section, slug="never-out", status="withdrawn"),
    )

    assert response.status_code == 200
    assert "Only a story that has been published can be withdrawn." in response.text
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT
