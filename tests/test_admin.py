import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Story
from tests.factories import (
    BylineFactory,
    CorrectionFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
)
from tests.forms import story_form

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/story/add/"


def change_url(story):
    return f"/admin/articles/story/{story.pk}/change/"


def test_editor_adds_a_story_with_bylines_citations_and_tags_and_publishes_it(editor_client):
    section = SectionFactory(name="World", slug="world")
    first = PersonFactory(name="Ada Reporter")
    second = PersonFactory(name="Ben Writer")
    subject = PersonFactory(name="Sam Subject")
    agency = SourceFactory(name="Wire Agency")

    data = story_form(editor_client, ADD_URL)
    data.update(
        {
            "headline": "Ceasefire talks open in Geneva",
            "slug": "ceasefire-talks-open-in-geneva",
            "kicker": "Diplomacy",
            "dek": "Delegations met for the first time in three years.",
            "body": "<p>Delegations met in Geneva.</p><script>alert(1)</script>",
            "section": str(section.pk),
            "tags": ["Diplomacy", "Geneva talks"],
            "people": [str(subject.pk)],
            "bylines-0-person": str(second.pk),
            "bylines-0-role": "in Geneva",
            "bylines-0-order": "2",
            "bylines-TOTAL_FORMS": "2",
            "bylines-1-person": str(first.pk),
            "bylines-1-role": "in London",
            "bylines-1-order": "1",
            "citations-0-source": str(agency.pk),
            "citations-0-detail": "reported",
        }
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].errors

    story = Story.objects.get(slug="ceasefire-talks-open-in-geneva")
    assert story.status == Story.Status.DRAFT
    assert [b.person.name for b in story.bylines.all()] == ["Ada Reporter", "Ben Writer"]
    assert story.citations.get().detail == "reported"
    assert set(story.tags.names()) == {"Diplomacy", "Geneva talks"}
    assert "<script>" not in story.body
    assert "Ceasefire talks open in Geneva" not in editor_client.get("/").text

    confirm = f"/admin/articles/story/{story.pk}/transition/publish/"
    data = story_form(editor_client, change_url(story))
    response = editor_client.post(change_url(story), {**data, "_transition": "publish"})
    assert response["Location"] == confirm
    page = editor_client.get(confirm)
    assert "appear on the public site at once" in page.text
    token = page.context["form"]["edit_token"].value()
    response = editor_client.post(confirm, {"edit_token": token})
    assert response.status_code == 302

    story.refresh_from_db()
    assert story.is_published()
    front = editor_client.get("/").text
    assert "Ceasefire talks open in Geneva" in front
    assert "Ada Reporter</a> in London and" in front
    page = editor_client.get(story.get_absolute_url())
    assert page.status_code == 200
    assert "Sam Subject" in page.text
    assert "Wire Agency" in page.text


def test_a_new_draft_may_reuse_a_published_story_slug(editor_client):
    # A draft has no address yet: the slug is checked for its day when it goes out.
    StoryFactory(slug="taken")
    data = story_form(editor_client, ADD_URL)
    data.update(headline="Another story", slug="taken")

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 302
    assert Story.objects.filter(slug="taken", status=Story.Status.DRAFT).exists()


def test_add_form_refuses_a_bad_canonical_url(editor_client):
    data = story_form(editor_client, ADD_URL)
    data.update(headline="A story", slug="a-story", canonical_url="javascript:alert(1)")

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
    assert not Story.objects.exists()


def test_story_list_shows_columns_and_filters(editor_client):
    world = SectionFactory(name="World", slug="world")
    business = SectionFactory(name="Business", slug="business")
    story = StoryFactory(headline="Markets rally", section=business)
    BylineFactory(story=story, person=PersonFactory(name="Ada Reporter"))
    story.tags.add("Markets")
    StoryFactory(headline="Summit ends", section=world, in_review=True)

    page = editor_client.get("/admin/articles/story/").text
    for text in ["Markets rally", "Summit ends", "Ada Reporter", "Business", "In review"]:
        assert text in page

    by_status = editor_client.get("/admin/articles/story/?status__exact=review").text
    assert "Summit ends" in by_status and "Markets rally" not in by_status
    by_section = editor_client.get(f"/admin/articles/story/?section__id__exact={business.pk}").text
    assert "Markets rally" in by_section and "Summit ends" not in by_section
    tag = story.tags.get()
    by_tag = editor_client.get(f"/admin/articles/story/?tag={tag.slug}").text
    assert "Markets rally" in by_tag and "Summit ends" not in by_tag
    start = timezone.localtime(story.published_at).replace(hour=0, minute=0, second=0)
    end = start + datetime.timedelta(days=1)
    dates = {"published_at__gte": start.isoformat(), "published_at__lt": end.isoformat()}
    by_date = editor_client.get("/admin/articles/story/", dates).text
    assert "Markets rally" in by_date


def test_story_list_searches_headline_dek_and_body(editor_client):
    StoryFactory(headline="Alpha", dek="Plain", body="<p>Mentions Peskov here.</p>")
    StoryFactory(headline="Beta", dek="Nothing")

    page = editor_client.get("/admin/articles/story/?q=Peskov").text

    assert "Alpha" in page
    assert ">Beta<" not in page


def test_view_on_site_is_offered_only_for_public_stories(editor_client):
    public = StoryFactory()
    draft = StoryFactory(draft=True)

    assert "View on site" in editor_client.get(change_url(public)).text
    assert "View on site" not in editor_client.get(change_url(draft)).text


def test_person_admin_shows_stories_written_and_appeared_in(editor_client):
    person = PersonFactory(name="Ada Reporter")
    written = StoryFactory(headline="Ada wrote this")
    BylineFactory(story=written, person=person)
    about = StoryFactory(headline="This is about Ada", draft=True)
    about.people.add(person)

    page = editor_client.get(f"/admin/articles/person/{person.pk}/change/").text

    assert "Stories written" in page
    assert "Ada wrote this" in page
    assert "Stories they appear in" in page
    assert "This is about Ada" in page


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/articles/story/",
        "/admin/articles/story/add/",
        "/admin/articles/person/",
        "/admin/articles/source/",
        "/admin/articles/section/",
        "/admin/articles/image/",
        "/admin/taggit/tag/",
    ],
)
def test_admin_pages_open_for_superusers(admin_client, url):
    StoryFactory()
    assert admin_client.get(url).status_code == 200


def test_autocomplete_finds_people_for_the_story_form(editor_client):
    PersonFactory(name="Dmitry Peskov")
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "Pesk", "app_label": "articles", "model_name": "story", "field_name": "people"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Dmitry Peskov"]


def test_story_form_has_a_rich_text_editor_shipped_with_the_project(editor_client):
    html = editor_client.get(ADD_URL).text
    assert "django_prose_editor/editor.js" in html
    assert "articles/admin/story_form.js" in html
    assert "https://" not in html.split("<body")[0].replace("https://docs.djangoproject", "")


def test_editor_output_is_sanitised_but_keeps_newsroom_markup(editor_client):
    body = (
        "<h2>Subhead</h2><h3>Smaller</h3><p><strong>Bold</strong> <em>italic</em> "
        '<a href="https://example.com/">link</a></p><ul><li>one</li></ul><ol><li>two</li></ol>'
        "<blockquote><p>Quote</p></blockquote>"
        '<blockquote class="pull-quote"><p>Pull quote</p></blockquote>'
        '<p style="color:red" class="evil" onmouseover="x()">styled</p>'
        '<a href="javascript:alert(1)">js</a><img src=x onerror=alert(1)><script>x()</script>'
    )
    data = story_form(editor_client, ADD_URL)
    data.update(headline="Markup", slug="markup", body=body)
    assert editor_client.post(ADD_URL, data).status_code == 302

    stored = Story.objects.get(slug="markup").body
    for kept in [
        "<h2>Subhead</h2>",
        "<h3>Smaller</h3>",
        "<strong>Bold</strong>",
        "<em>italic</em>",
        '<a href="https://example.com/" rel="noopener noreferrer">link</a>',
        "<ul><li>one</li></ul>",
        "<ol><li>two</li></ol>",
        "<blockquote><p>Quote</p></blockquote>",
        '<blockquote class="pull-quote"><p>Pull quote</p></blockquote>',
        "<p>styled</p>",
    ]:
        assert kept in stored
    for removed in ["style=", "evil", "onmouseover", "javascript:", "onerror", "<script", "<img"]:
        assert removed not in stored


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row estimate")
def test_unfiltered_story_list_uses_the_row_estimate_not_a_full_count(editor_client, monkeypatch):
    from articles.pagination import EstimatedCountPaginator

    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 0)
    StoryFactory.create_batch(30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_story")

    with CaptureQueriesContext(connection) as queries:
        page = editor_client.get("/admin/articles/story/")
    filtered = editor_client.get("/admin/articles/story/?status__exact=published")

    assert page.status_code == 200
    assert "30 stories" in page.text
    assert not [q for q in queries if 'COUNT(*) AS "__count" FROM "articles_story"' in q["sql"]]
    assert "30 stories" in filtered.text


def test_story_list_opens_with_a_fixed_number_of_queries(editor_client):
    StoryFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        editor_client.get("/admin/articles/story/")
    for _ in range(20):
        BylineFactory(story=StoryFactory())
    with CaptureQueriesContext(connection) as many:
        editor_client.get("/admin/articles/story/")
    assert len(many) == len(few)


def test_the_site_s_icon_is_named_on_admin_pages_and_answers_at_favicon_ico(editor_client):
    page = editor_client.get("/admin/").text
    assert '<link rel="icon" href="/static/img/favicon.svg"' in page

    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"


def test_the_schedule_page_loads_the_calendar_s_catalogue_and_names_the_time_zone(editor_client):
    story = StoryFactory(draft=True)
    page = editor_client.get(f"/admin/articles/story/{story.pk}/transition/schedule/").text
    assert '<script src="/admin/jsi18n/"></script>' in page
    assert "In the newsroom’s time zone: " in page
    assert '<label for="id_publish_at_1">Time:</label>' in page


@pytest.mark.parametrize(
    ("field", "make", "term", "first"),
    [
        ("person", "person", "Putin", "Vladimir Putin"),
        ("source", "source", "Kremlin", "Kremlin"),
    ],
)
def test_pickers_offer_a_name_match_before_a_match_elsewhere(
    editor_client, field, make, term, first
):
    if make == "person":
        PersonFactory(name="Dmitry Peskov", title="Spokesman for President Putin")
        PersonFactory(name="Vladimir Putin", title="President of Russia")
        model = "byline"
    else:
        SourceFactory(name="Interfax", description="Reports the Kremlin's briefings")
        SourceFactory(name="Kremlin", description="The Russian presidency")
        model = "citation"
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": "articles", "model_name": model, "field_name": field},
    )

    assert response.status_code == 200
    names = [result["text"] for result in response.json()["results"]]
    assert names[0] == first and len(names) == 2


def test_the_admin_names_apps_for_the_desk_and_shows_reporters_no_empty_sections(
    editor_client, reporter_client, reporter
):
    assert "Taggit" not in editor_client.get("/admin/").text
    assert ">Tags<" in editor_client.get("/admin/").text

    draft = StoryFactory(draft=True, created_by=reporter)
    form = reporter_client.get(f"/admin/articles/story/{draft.pk}/change/").text
    assert 'id="corrections-group"' not in form

    CorrectionFactory(story=draft, text="A fix the desk made.")
    form = reporter_client.get(f"/admin/articles/story/{draft.pk}/change/").text
    assert 'id="corrections-group"' in form and "A fix the desk made." in form


def test_the_admin_reads_times_on_the_24_hour_clock_as_the_site_does(editor_client):
    morning = timezone.make_aware(datetime.datetime(2025, 2, 12, 5, 28))
    StoryFactory(headline="Early story", published_at=morning)

    page = editor_client.get("/admin/articles/story/").text

    assert "05:28" in page
    assert "a.m." not in page


def test_the_story_list_filters_by_the_most_used_tags_not_every_tag(editor_client):
    from django.core.cache import cache

    cache.clear()
    for number in range(20):
        for story in StoryFactory.create_batch(20 - number):
            story.tags.add(f"Topic {number:02d}")
    rare = StoryFactory(headline="The one rare story")
    rare.tags.add("Rare topic")

    page = editor_client.get("/admin/articles/story/").text
    tag_filter = page.split("By tag", 1)[1].split("</ul>", 1)[0]
    assert "Topic 00" in tag_filter and "Topic 14" in tag_filter
    assert "Topic 15" not in tag_filter and "Rare topic" not in tag_filter

    chosen = editor_client.get("/admin/articles/story/", {"tag": "rare-topic"}).text
    assert "The one rare story" in chosen
    assert "Rare topic" in chosen.split("By tag", 1)[1].split("</ul>", 1)[0]
    assert "1 story" in chosen
