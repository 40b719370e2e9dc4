"""Stories as IPTC ninjs 2.2: every shape of story gives a document IPTC's schema
accepts, and says what partners need (ids, status, people, sources, pictures)."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from PIL import Image as PILImage
from referencing import Registry, Resource

from articles.models import Image, Person, Source, Story
from articles.ninjs import FORMATS, for_ninjs, ninjs_documents, ninjs_errors, story_to_ninjs
from tests.factories import (
    BylineFactory,
    CitationFactory,
    CorrectionFactory,
    LivePostFactory,
    PersonFactory,
    SourceFactory,
    StoryFactory,
)

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parent.parent / "articles" / "schemas"
SITE = "https://news.example.com"


def iptc_validator():
    """IPTC's published ninjs 2.2 schema, the file the package ships."""
    schema = json.loads((SCHEMAS / "ninjs-schema_2.2.json").read_text())
    geojson = Resource.from_contents(json.loads((SCHEMAS / "GeoJSON.json").read_text()))
    registry = Registry().with_resource("https://geojson.org/schema/GeoJSON.json", geojson)
    return Draft202012Validator(schema, registry=registry, format_checker=FORMATS)


VALIDATOR = iptc_validator()


def assert_valid(document):
    errors = [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(document)]
    assert errors == []
    # What partners receive is JSON: it survives the trip.
    assert json.loads(json.dumps(document)) == document


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.URI_AUTHORITY = "news.example.com"
    settings.LANGUAGE_CODE = "en-gb"


def lead_picture(**fields):
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 450), "navy").save(buffer, "PNG")
    with TestCase.captureOnCommitCallbacks(execute=True):  # renditions are made on commit
        image = Image.objects.create(
            file=ContentFile(buffer.getvalue(), name="lead.png"),
            alt_text="Delegates at the table",
            **fields,
        )
    image.refresh_from_db()
    return image


def full_story(**fields):
    """A story with a byline, a subject, named and anonymous sources and tags (the
    people and sources shared by every story made here)."""
    story = StoryFactory(headline="Talks begin in Riyadh", kicker="Ukraine war", **fields)
    reporter, _ = Person.objects.get_or_create(slug="ada-reporter", name="Ada Reporter")
    BylineFactory(story=story, person=reporter, role="in Riyadh", order=1)
    putin, _ = Person.objects.get_or_create(
        slug="vladimir-putin",
        name="Vladimir Putin",
        same_as="https://www.wikidata.org/wiki/Q7747",
    )
    story.people.add(putin)
    kremlin, _ = Source.objects.get_or_create(
        slug="kremlin", name="The Kremlin", kind=Source.Kind.GOVERNMENT, url="http://kremlin.ru/"
    )
    CitationFactory(story=story, source=kremlin, detail="said in a statement", order=1)
    insider, _ = Source.objects.get_or_create(
        slug="senior-member",
        name="A senior member of the Ukrainian president’s team",
        kind=Source.Kind.ANONYMOUS,
    )
    CitationFactory(story=story, source=insider, detail="told the Financial Times", order=2)
    story.tags.add("Diplomacy", "Saudi Arabia")
    return Story.objects.get(pk=story.pk)


def document_of(story, **options):
    return story_to_ninjs(for_ninjs(Story.objects.filter(pk=story.pk)).get(), **options)


def test_a_published_story_is_usable_with_its_uri_times_text_and_language():
    story = full_story(body="<p>The <strong>first</strong> round ended late.</p>")
    document = document_of(story)
    assert_valid(document)
    assert document["uri"] == story.uri
    assert document["uri"].startswith("tag:news.example.com,")
    assert document["type"] == "text"
    assert document["pubstatus"] == "usable"
    assert "embargoed" not in document
    assert document["language"] == "en-GB"
    assert document["firstcreated"] == story.created_at.isoformat().replace("+00:00", "Z")
    assert document["versioncreated"] == story.updated_at.isoformat().replace("+00:00", "Z")
    assert {"role": "main", "contenttype": "text/plain", "value": "Talks begin in Riyadh"} in (
        document["headlines"]
    )
    assert {"role": "kicker", "contenttype": "text/plain", "value": "Ukraine war"} in (
        document["headlines"]
    )
    assert document["descriptions"][0] == {
        "role": "summary",
        "contenttype": "text/plain",
        "value": "What happened, in one sentence.",
    }
    [main] = document["bodies"]
    assert main["contenttype"] == "text/html"
    assert main["value"] == "<p>The <strong>first</strong> round ended late.</p>"
    assert {"role": "url", "value": SITE + story.get_absolute_url()} in document["altids"]
    assert document["genres"] == [{"name": "News", "literal": "news"}]


def test_the_uri_stays_when_the_slug_and_date_change():
    story = full_story()
    before = document_of(story)["uri"]
    story.slug = "a-new-slug"
    story.published_at -= datetime.timedelta(days=3)
    story.save()
    assert document_of(story)["uri"] == before


def test_bylines_people_organisations_and_tags_carry_their_pages_on_the_site():
    document = document_of(full_story())
    assert document["by"] == "Ada Reporter in Riyadh"
    assert document["people"] == [
        {
            "name": "Ada Reporter",
            "rel": "author",
            "uri": f"{SITE}/people/ada-reporter/",
            "literal": "in Riyadh",
        },
        {
            "name": "Vladimir Putin",
            "rel": "about",
            "uri": f"{SITE}/people/vladimir-putin/",
            "contactinfo": [
                {"type": "web", "role": "sameAs", "value": "https://www.wikidata.org/wiki/Q7747"}
            ],
        },
    ]
    assert document["organisations"] == [
        {
            "name": "The Kremlin",
            "rel": "source",
            "uri": f"{SITE}/sources/kremlin/",
            "contactinfo": [{"type": "web", "role": "website", "value": "http://kremlin.ru/"}],
        }
    ]
    assert {"name": "Diplomacy", "rel": "about", "uri": f"{SITE}/tags/diplomacy/"} in (
        document["subjects"]
    )
    assert {"name": "World", "rel": "section", "uri": f"{SITE}/sections/world/"} in (
        document["subjects"]
    )


def test_sources_are_infosources_with_their_detail_and_anonymous_ones_have_no_name():
    document = document_of(full_story())
    assert_valid(document)
    named, anonymous = document["infosources"]
    assert named == {
        "name": "The Kremlin",
        "role": "http://cv.iptc.org/newscodes/infosourcerole/originfo",
        "uri": f"{SITE}/sources/kremlin/",
        "literal": "said in a statement",
        "contactinfo": [{"type": "web", "role": "website", "value": "http://kremlin.ru/"}],
    }
    assert anonymous == {
        "role": "http://cv.iptc.org/newscodes/infosourcerole/originfo",
        "literal": "A senior member of the Ukrainian president’s team, told the Financial Times",
    }
    assert "senior-member" not in json.dumps(document)


def test_a_scheduled_story_is_embargoed_until_its_publication_time():
    story = full_story(scheduled=True)
    document = document_of(story)
    assert_valid(document)
    assert document["pubstatus"] == "usable"
    assert document["embargoed"] == story.published_at.isoformat().replace("+00:00", "Z")


def test_a_withdrawn_story_is_withheld_with_its_reason_and_without_its_text():
    story = full_story(withdrawn=True, body="<p>What was wrong.</p>", lead_image=lead_picture())
    Story.objects.filter(pk=story.pk).update(withdrawal_reason="Legal advice.")
    document = document_of(story)
    assert_valid(document)
    assert document["pubstatus"] == "withheld"
    assert document["ednote"] == "Legal advice."
    assert "bodies" not in document
    assert "associations" not in document


def test_a_canceled_story_says_so_when_asked():
    document = document_of(full_story(), pubstatus="canceled")
    assert_valid(document)
    assert document["pubstatus"] == "canceled"
    assert "bodies" not in document


def test_a_draft_is_withheld():
    document = document_of(StoryFactory(draft=True))
    assert_valid(document)
    assert document["pubstatus"] == "withheld"
    assert not any(altid["role"] == "url" for altid in document.get("altids", []))


def test_corrections_are_descriptions_of_their_own_role_newest_first():
    story = full_story()
    CorrectionFactory(
        story=story, text="First fix.", created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    CorrectionFactory(story=story, text="Second fix.", created_at=timezone.now())
    document = document_of(story)
    assert_valid(document)
    corrections = [d["value"] for d in document["descriptions"] if d["role"] == "correction"]
    assert corrections == ["Second fix.", "First fix."]


def test_the_lead_picture_comes_with_absolute_renditions_credit_and_copyright():
    picture = lead_picture(
        caption="The first round", credit="Jane Doe/Agency", copyright="© Agency"
    )
    document = document_of(full_story(lead_image=picture))
    assert_valid(document)
    [association] = document["associations"]
    assert association["type"] == "picture"
    assert association["by"] == "Jane Doe/Agency"
    assert association["copyrightnotice"] == "© Agency"
    assert {"role": "alt", "contenttype": "text/plain", "value": "Delegates at the table"} in (
        association["descriptions"]
    )
    assert {"role": "caption", "contenttype": "text/plain", "value": "The first round"} in (
        association["descriptions"]
    )
    renditions = association["renditions"]
    assert {r["contenttype"] for r in renditions} == {"image/jpeg", "image/webp"}
    assert {"crop-16x9", "crop-4x3", "crop-1x1"} <= {r["name"] for r in renditions}
    for rendition in renditions:
        assert rendition["href"].startswith(f"{SITE}/media/renditions/")
        assert rendition["width"] > 0 and rendition["height"] > 0
    # Readers' sizes never enlarge the picture; the structured-data crops are 1,200 wide.
    widest = max(
        (r for r in renditions if not r["name"].startswith("crop-")), key=lambda r: r["width"]
    )
    assert (widest["width"], widest["height"]) == (800, 450)
    assert {r["width"] for r in renditions if r["name"].startswith("crop-")} == {1200}


def test_a_republished_story_names_its_original_publisher_and_address():
    publisher = SourceFactory(
        name="Financial Times", slug="ft", kind=Source.Kind.PUBLICATION, url="https://www.ft.com/"
    )
    story = full_story(original_publisher=publisher, canonical_url="https://www.ft.com/content/1")
    document = document_of(story)
    assert_valid(document)
    assert document["infosources"][-1] == {
        "name": "Financial Times",
        "role": "https://schema.org/publisher",
        "uri": f"{SITE}/sources/ft/",
        "contactinfo": [{"type": "web", "role": "website", "value": "https://www.ft.com/"}],
    }
    assert {"role": "canonical", "value": "https://www.ft.com/content/1"} in document["altids"]


def test_a_story_covered_live_carries_its_posts_newest_first():
    story = full_story(live_from=timezone.now() - datetime.timedelta(hours=3))
    author = PersonFactory(name="Ben Live", slug="ben-live")
    old = LivePostFactory(story=story, author=author, body="<p>Doors open.</p>", headline="Start")
    new = LivePostFactory(
        story=story, author=author, body="<p>Talks end.</p>", published_at=timezone.now()
    )
    document = document_of(story)
    assert_valid(document)
    posts = document["associations"]
    assert [p["uri"] for p in posts] == [f"{story.uri}:post-{new.pk}", f"{story.uri}:post-{old.pk}"]
    assert posts[1]["headlines"][0]["value"] == "Start"
    assert posts[0]["bodies"][0]["value"] == "<p>Talks end.</p>"
    assert posts[0]["people"][0]["name"] == "Ben Live"


def test_editors_notes_never_reach_partners():
    story = full_story(
        body='<p>Public.</p><aside class="editors-note"><p>Check the spelling.</p></aside>'
    )
    document = document_of(story)
    assert "Check the spelling" not in json.dumps(document)
    assert document["bodies"][0]["value"] == "<p>Public.</p>"


@pytest.mark.parametrize(
    ("story_type", "genre"),
    [
        (
            "analysis",
            {
                "name": "Analysis",
                "literal": "analysis",
                "uri": "http://cv.iptc.org/newscodes/genre/Analysis",
            },
        ),
        ("fact-check", {"name": "Fact check", "literal": "fact-check"}),
    ],
)
def test_the_genre_comes_from_the_story_type(story_type, genre):
    document = document_of(StoryFactory(story_type=story_type))
    assert_valid(document)
    assert document["genres"] == [genre]


def test_unicode_everywhere_is_carried_as_it_is():
    story = StoryFactory(
        headline="Zürich, Київ and القاهرة 🕊️",
        dek="Ελληνικά — “quoted”",
        body="<p>日本語の本文</p>",
        slug="zurich-kyiv-cairo",
    )
    BylineFactory(story=story, person=PersonFactory(name="Zoë Ørsted", slug="zoe"))
    story.tags.add("Straße", "Україна")
    document = document_of(story)
    assert_valid(document)
    assert document["headlines"][0]["value"] == "Zürich, Київ and القاهرة 🕊️"
    assert document["people"][0]["name"] == "Zoë Ørsted"
    assert {s["name"] for s in document["subjects"]} >= {"Straße", "Україна"}


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)


@pytest.fixture
def prefetched():
    story = full_story()
    return for_ninjs(Story.objects.filter(pk=story.pk)).get()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(headline=text.filter(str.strip), kicker=text, dek=text, body=text, detail=text)
def test_any_text_the_desk_can_type_gives_a_valid_document(
    prefetched, headline, kicker, dek, body, detail
):
    story = prefetched
    story.headline, story.kicker, story.dek = headline, kicker, dek
    story.body = f"<p>{body}</p>"
    story.citations.all()[0].detail = detail
    assert ninjs_errors(story_to_ninjs(story)) == []


def test_a_list_of_stories_costs_the_same_queries_however_many(django_assert_num_queries):
    picture = lead_picture()
    for n in range(2):
        story = full_story(lead_image=picture, slug=f"story-{n}")
        CorrectionFactory(story=story)
    with django_assert_num_queries(7):
        documents = ninjs_documents(Story.objects.all())
    assert len(documents) == 2
    for n in range(3):
        story = full_story(slug=f"more-{n}", live_from=timezone.now() - datetime.timedelta(hours=1))
        LivePostFactory(story=story)
        story.body = f'<figure class="library-image" data-image-id="{picture.pk}"></figure>'
        story.save()
    with django_assert_num_queries(8):  # and one for the pictures all the bodies show
        documents = ninjs_documents(Story.objects.all())
    assert len(documents) == 5
    for document in documents:
        assert_valid(document)


def test_the_schema_refuses_what_it_should():
    assert VALIDATOR.is_valid({"uri": "tag:example.com,2026:1", "pubstatus": "usable"})
    for wrong in (
        {"headline": "no uri"},
        {"uri": "tag:example.com,2026:1", "pubstatus": "published"},
        {"uri": "tag:example.com,2026:1", "versioncreated": "yesterday"},
        {"uri": "not a uri"},
        {"uri": "tag:example.com,2026:1", "headlines": [{"role": "main"}]},
    ):
        assert not VALIDATOR.is_valid(wrong), wrong


def test_the_demo_story_is_a_valid_document_fully_attributed():
    call_command("load_demo", stdout=io.StringIO())
    [document] = ninjs_documents(Story.objects.all())
    assert_valid(document)
    assert document["infosources"][-1]["name"] == "Financial Times"
    anonymous = [s for s in document["infosources"] if "name" not in s]
    assert [s["literal"] for s in anonymous] == [
        "A senior member of the Ukrainian president’s team, told the Financial Times",
        "People involved in the EU’s lobbying efforts, told the FT",
        "A western official, in response to Trump’s statement",
    ]
    assert {"Vladimir Putin", "Donald Trump"} <= {p["name"] for p in document["people"]}
