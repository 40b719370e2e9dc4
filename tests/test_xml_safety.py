"""Feeds and sitemaps stay well-formed XML, whatever text editors paste or rows hold;
feeds escape each text once; story bodies and feed entries have a size limit."""

import html
import re

import feedparser
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from lxml import etree
from taggit.models import Tag

from articles import feeds
from articles.models import Byline, Citation, Image, Person, Section, Source, Story
from articles.sanitize import sanitize_html
from articles.text import XmlTextAdminMixin, xml_text
from tests.factories import (
    BylineFactory,
    CitationFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
)
from tests.forms import form_values, story_form
from tests.pictures import upload, wire_photo

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/story/add/"
# What XML 1.0 cannot carry, as Word and wire copy bring it.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FEEDS = ["/feed/", "/feed/atom/"]
LISTING_FEEDS = [
    "/sections/world/feed/",
    "/tags/diplomacy/feed/",
    "/people/ada/feed/",
    "/sources/wire/feed/",
]


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    # lxml refuses what XML 1.0 forbids, as feed readers and crawlers do.
    return etree.fromstring(response.content)


def sitemap_urls(client):
    index = xml(client, "/sitemap.xml")
    files = [loc.text for loc in index.iter("{*}loc")]
    return ["/sitemap.xml", "/news-sitemap.xml"] + [
        f.removeprefix("http://testserver") for f in files
    ]


@pytest.fixture
def story():
    story = StoryFactory(
        headline="Talks begin", slug="talks", section=SectionFactory(name="World", slug="world")
    )
    BylineFactory(story=story, person=PersonFactory(name="Ada Reporter", slug="ada"))
    CitationFactory(story=story, source=SourceFactory(name="Wire", slug="wire"))
    story.tags.add("Diplomacy")
    return story


# 1. XML-illegal characters


def test_story_form_turns_word_line_breaks_into_spaces_or_line_breaks_and_drops_controls(
    editor_client,
):
    person, source = PersonFactory(), SourceFactory()
    data = story_form(editor_client, ADD_URL)
    data.update(
        {
            "headline": "Ceasefire\x0btalks\x01 open",
            "slug": "ceasefire",
            "kicker": "Dip\x02lomacy",
            "dek": "First line.\x0bSecond line.\x0cThird\ufffe.",
            "body": "<p>One\x0btwo&#11;three&#xFFFF;\x1f</p>",
            "seo_title": "Talks\x0bopen",
            "seo_description": "In\x07 Geneva",
            "tags": ["Geneva\x0btalks", "\x01"],
            "bylines-0-person": str(person.pk),
            "bylines-0-role": "in\x0bGeneva",
            "citations-0-source": str(source.pk),
            "citations-0-detail": "told\x0creporters",
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-text": "A name\x0bwas misspelt.",
        }
    )

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 302, response.context["adminform"].errors
    story = Story.objects.get(slug="ceasefire")
    assert story.headline == "Ceasefire talks open"
    assert story.kicker == "Diplomacy"
    assert story.dek == "First line.\nSecond line.\nThird."
    assert story.body == "<p>One\ntwo\nthree</p>"
    assert (story.seo_title, story.seo_description) == ("Talks open", "In Geneva")
    assert list(story.tags.names()) == ["Geneva talks"]
    assert Byline.objects.get(story=story).role == "in Geneva"
    assert Citation.objects.get(story=story).detail == "told reporters"
    assert story.corrections.get().text == "A name\nwas misspelt."


def test_a_headline_of_nothing_but_control_characters_is_refused_as_empty(editor_client):
    data = story_form(editor_client, ADD_URL)
    data.update(headline="\x01\x02", slug="empty")

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    ("model", "fields", "expected"),
    [
        (
            Person,
            {"name": "Donald\x0bTrump", "slug": "trump", "title": "Pres\x01ident", "bio": "A\x0bB"},
            {"name": "Donald Trump", "title": "President", "bio": "A\nB"},
        ),
        (
            Source,
            {
                "name": "The\x0cKremlin",
                "slug": "kremlin",
                "kind": "official",
                "description": "C\x0bD",
            },
            {"name": "The Kremlin", "description": "C\nD"},
        ),
        (
            Section,
            {"name": "Wor\x08ld", "slug": "world", "position": "0", "description": "E\x0cF"},
            {"name": "World", "description": "E\nF"},
        ),
    ],
)
def test_people_sources_and_sections_are_saved_without_xml_illegal_characters(
    editor_client, model, fields, expected
):
    url = f"/admin/articles/{model._meta.model_name}/add/"
    data = form_values(editor_client.get(url).content.decode(), f"{model._meta.model_name}_form")
    data.update(fields)

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].errors
    saved = model.objects.get(slug=fields["slug"])
    assert {name: getattr(saved, name) for name in expected} == expected


@pytest.fixture
def media_folder(settings, tmp_path):
    """Uploads written to a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def test_pictures_are_saved_without_xml_illegal_characters(editor_client, media_folder):
    url = "/admin/articles/image/add/"
    data = form_values(editor_client.get(url).content.decode(), "image_form")
    data.update(
        alt_text="Delegates\x0bat the table",
        caption="Line one\x0bline two",
        credit="Jane\x01 Doe",
        file=upload(wire_photo(), "photo.jpg", "image/jpeg"),
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].errors
    image = Image.objects.get()
    assert (image.alt_text, image.caption, image.credit) == (
        "Delegates at the table",
        "Line one\nline two",
        "Jane Doe",
    )


def test_wire_photo_captions_and_credits_are_saved_without_xml_illegal_characters(
    editor_client, media_folder
):
    url = "/admin/articles/image/add/"
    data = form_values(editor_client.get(url).content.decode(), "image_form")
    photo = wire_photo(caption="Delegates\x0bmeet", credit="Agency\x01", copyright_="\x0c2025")
    data.update(alt_text="Delegates", file=upload(photo, "photo.jpg", "image/jpeg"))

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].errors
    image = Image.objects.get()
    assert (image.caption, image.credit, image.copyright) == ("Delegates meet", "Agency", "2025")


def test_every_articles_admin_and_inline_cleans_its_text_fields():
    admins = [
        admin.site.get_model_admin(model)
        for model in apps.get_app_config("articles").get_models()
        if admin.site.is_registered(model)
    ]
    assert admins
    for model_admin in admins:
        assert isinstance(model_admin, XmlTextAdminMixin), model_admin
        for inline in model_admin.inlines:
            assert issubclass(inline, InlineModelAdmin)
            assert issubclass(inline, XmlTextAdminMixin), inline


def test_xml_text_keeps_tabs_newlines_and_every_script_and_drops_the_rest():
    text = "Tab\there,\r\nnew line, \u200fعربي, 中文, 🗞️, \u0085"
    assert xml_text(text) == text
    assert xml_text("a\x0bb\x0cc", multiline=True) == "a\nb\nc"
    assert xml_text("a\x0bb\x00c\ud800d\ufffee\uffff") == "a bcde"


def test_the_sanitiser_drops_xml_illegal_characters_and_character_references_to_them():
    cleaned = sanitize_html("<p>a\x0bb&#11;c&#1;d&#xFFFE;e\ud83d</p><pre>x\x0cy</pre>")
    assert cleaned == "<p>a\nb\ncde</p><pre>x\ny</pre>"


def test_feeds_and_sitemaps_stay_well_formed_with_illegal_characters_already_stored(client, story):
    # As saved before the admin cleaned text, or by QuerySet.update().
    dirty = "Cease\x0bfire\x01 \ufffetalks\x1f"
    Story.objects.update(headline=dirty, dek=dirty, seo_title=dirty, body=f"<p>{dirty}</p>")
    Person.objects.update(name=dirty)
    Source.objects.update(name=dirty)
    Section.objects.update(name=dirty)
    Tag.objects.update(name=dirty)
    Byline.objects.update(role=dirty)

    for url in FEEDS + LISTING_FEEDS:
        root = xml(client, url)
        texts = "".join(root.itertext())
        assert "Cease fire talks" in texts, url
        assert not ILLEGAL.search(texts), url
    for url in sitemap_urls(client):
        xml(client, url)
    news = xml(client, "/news-sitemap.xml")
    assert [title.text for title in news.iter("{*}title")] == ["Cease fire talks"]


# 4. Feed escaping: each text once


def test_feeds_give_readers_titles_and_descriptions_exactly_as_stored(client, story):
    headline = """Q&A: "Peace" <now> & 'then'"""
    name = 'X1"><svg onload=alert(1)>'
    Story.objects.update(headline=headline)
    Tag.objects.update(name=name)

    rss = xml(client, "/tags/diplomacy/feed/")
    channel_title = f"{name} · Newsroom"
    about = f"The latest stories from Newsroom: {name}."
    assert rss.findtext("channel/title") == channel_title
    assert rss.findtext("channel/item/title") == headline
    # RSS readers read a channel's description as HTML: it is the text made HTML.
    description = rss.findtext("channel/description")
    assert "<svg" not in description
    assert html.unescape(description) == about
    assert rss.findtext("channel/item/category") == name

    feed = feedparser.parse(client.get("/tags/diplomacy/feed/").content)
    assert feed.feed.title == channel_title
    assert feed.feed.subtitle_detail.type == "text/html"
    assert html.unescape(feed.feed.subtitle) == about
    assert feed.entries[0].title == headline

    for url in FEEDS:
        feed = feedparser.parse(client.get(url).content)
        assert not feed.bozo, url
        assert feed.entries[0].title == headline, url
        assert feed.entries[0].title_detail.type == "text/plain", url

    atom = xml(client, "/feed/atom/")
    assert atom.findtext("{*}entry/{*}title") == headline
    assert atom.findtext("{*}subtitle") == "The latest stories from Newsroom."


# 10. Body size


def test_a_megabyte_of_unclosed_tags_is_refused_with_a_message(editor_client):
    data = story_form(editor_client, ADD_URL)
    data.update(headline="Bomb", slug="bomb", body="<b>" * 250_000)

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "The body is too long" in response.text
    assert "a story holds at most 500 kB" in response.text
    assert not Story.objects.exists()


def test_a_long_read_of_fifty_thousand_words_is_saved(editor_client):
    paragraph = "<p>" + " ".join(["word"] * 100) + "</p>"
    data = story_form(editor_client, ADD_URL)
    data.update(headline="Long read", slug="long-read", body=paragraph * 500)

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 302, response.context["adminform"].errors
    assert len(Story.objects.get().body) > 250_000


def test_the_body_limit_is_a_setting(editor_client, settings):
    settings.STORY_BODY_MAX_BYTES = 1_000
    data = story_form(editor_client, ADD_URL)
    data.update(headline="Short", slug="short", body="<p>" + "x" * 2_000 + "</p>")

    response = editor_client.post(ADD_URL, data)

    assert "a story holds at most 1 kB" in response.text
    assert not Story.objects.exists()


def test_a_feed_entry_carries_a_huge_body_as_its_standfirst_and_a_link(client):
    small = StoryFactory(headline="Small", body="<p>Short and whole.</p>")
    huge = StoryFactory.create_batch(3, dek="What happened & why.")
    # Stored before the limit, or by update(): 4 MB of nested tags each.
    Story.objects.filter(pk__in=[s.pk for s in huge]).update(body="<b>" * 1_000_000)

    for url in FEEDS:
        response = client.get(url)
        assert len(response.content) < 100_000, url
        feed = feedparser.parse(response.content)
        contents = {entry.title: entry.content[0].value for entry in feed.entries}
        assert contents["Small"] == small.body
        for story in huge:
            link = f"http://testserver{story.get_absolute_url()}"
            assert contents[story.headline] == (
                f'<p>What happened &amp; why.</p><p><a href="{link}">Read the whole story</a></p>'
            )


def test_feed_entry_limit_lets_a_long_read_through_whole(client):
    body = "<p>" + "word " * (feeds.FEED_ITEM_MAX_BYTES // 6) + "</p>"
    StoryFactory(headline="Long read", body=body)
    feed = feedparser.parse(client.get("/feed/").content)
    assert feed.entries[0].content[0].value == body
