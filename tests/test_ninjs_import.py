"""``manage.py import_ninjs``: a ninjs document becomes a draft, once, matched by its
uri; whatever is wrong with it is refused with a reason and nothing is saved."""

import copy
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from taggit.models import Tag

from articles.models import Person, Source, Story
from articles.ninjs import NinjsError, for_ninjs, ninjs_import, ninjs_parse, story_to_ninjs
from tests.factories import CitationFactory, PersonFactory, SourceFactory, StoryFactory
from tests.test_ninjs import SITE, full_story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.URI_AUTHORITY = "news.example.com"


def export(story) -> dict:
    return story_to_ninjs(for_ninjs(Story.objects.filter(pk=story.pk)).get())


def partner_document(**changes) -> dict:
    """A story from another newsroom, in its own words (IPTC's example, extended)."""
    document = {
        "uri": "http://ninjs.example.com/newsitems/20130709med123",
        "type": "text",
        "versioncreated": "2013-07-09T10:37:00Z",
        "pubstatus": "usable",
        "language": "en",
        "headlines": [
            {"role": "main", "value": "Captain of wrecked cruise ship on trial in Italy"}
        ],
        "descriptions": [{"role": "summary", "value": "The trial has begun in a theatre."}],
        "bodies": [
            {
                "role": "main",
                "contenttype": "text/html",
                "value": '<p onclick="steal()">The trial began.</p><script>alert(1)</script>',
            }
        ],
        "people": [
            {"name": "Frances d'Emilio", "rel": "author", "literal": "in Grosseto"},
            {
                "name": "F. Schettino",
                "rel": "about",
                "uri": "http://www.wikidata.org/entity/Q4421821",
            },
        ],
        "infosources": [
            {
                "name": "Costa Crociere SpA",
                "role": "http://cv.iptc.org/newscodes/infosourcerole/originfo",
                "literal": "said in a statement",
            }
        ],
        "subjects": [{"name": "Shipwrecks", "rel": "about"}],
        "places": [
            {
                "name": "Grosseto",
                "geojson": {"type": "Point", "coordinates": [11.11, 42.76]},
            }
        ],
    }
    document.update(changes)
    return document


def test_a_partner_document_becomes_a_draft_with_its_people_sources_and_tags():
    schettino = PersonFactory(
        name="Francesco Schettino", same_as="http://www.wikidata.org/entity/Q4421821"
    )
    result = ninjs_import(partner_document())
    story = result.story
    assert result.outcome == "created"
    assert story.status == Story.Status.DRAFT
    assert story.ninjs_uri == "http://ninjs.example.com/newsitems/20130709med123"
    assert story.headline == "Captain of wrecked cruise ship on trial in Italy"
    assert story.dek == "The trial has begun in a theatre."
    # Through the sanitiser every story's body goes through.
    assert story.body == "<p>The trial began.</p>"
    [byline] = story.bylines.all()
    assert (byline.person.name, byline.role) == ("Frances d'Emilio", "in Grosseto")
    assert list(story.people.all()) == [schettino]  # by the uri in his same_as, not the name
    [citation] = story.citations.all()
    assert (citation.source.name, citation.detail) == ("Costa Crociere SpA", "said in a statement")
    assert list(story.tags.names()) == ["Shipwrecks"]
    assert result.admin_url == f"{SITE}/admin/articles/story/{story.pk}/change/"


def test_people_sources_and_tags_are_matched_by_name_before_being_made():
    person = PersonFactory(name="Frances D'Emilio")
    source = SourceFactory(name="Costa Crociere SpA")
    tag = Tag.objects.create(name="shipwrecks", slug="shipwrecks")
    story = ninjs_import(partner_document()).story
    assert story.bylines.get().person == person
    assert story.citations.get().source == source
    assert list(story.tags.all()) == [tag]
    assert Person.objects.count() == 2 and Source.objects.count() == 1


def test_an_exported_story_imports_as_a_fresh_draft_with_the_same_content():
    publisher = SourceFactory(name="Financial Times", url="https://www.ft.com/")
    original = full_story(
        body="<p>The <em>first</em> round.</p><h2>Next</h2><p>More.</p>",
        seo_title="Talks in Riyadh",
        original_publisher=publisher,
        canonical_url="https://www.ft.com/content/1",
        story_type=Story.Type.ANALYSIS,
    )
    people, sources, tags = Person.objects.count(), Source.objects.count(), Tag.objects.count()

    result = ninjs_import(ninjs_parse(json.dumps(export(original)).encode()))

    copy_ = result.story
    assert result.outcome == "created"
    assert copy_.pk != original.pk and copy_.status == Story.Status.DRAFT
    for name in (
        "headline",
        "kicker",
        "dek",
        "body",
        "seo_title",
        "story_type",
        "section",
        "canonical_url",
        "original_publisher",
    ):
        assert getattr(copy_, name) == getattr(original, name), name

    def bylines(story):
        return [(b.person_id, b.role) for b in story.bylines.all()]

    def citations(story):
        return [(c.source_id, c.detail) for c in story.citations.all()]

    assert bylines(copy_) == bylines(original)
    assert set(copy_.people.all()) == set(original.people.all())
    assert citations(copy_) == citations(original)  # the anonymous source's too
    assert set(copy_.tags.all()) == set(original.tags.all())
    # Everything was found, nothing made again.
    assert (Person.objects.count(), Source.objects.count(), Tag.objects.count()) == (
        people,
        sources,
        tags,
    )


def test_importing_the_same_document_twice_changes_nothing_the_second_time():
    document = partner_document()
    first = ninjs_import(document).story
    stamp = Story.objects.get(pk=first.pk).updated_at
    again = ninjs_import(copy.deepcopy(document))
    assert again.outcome == "unchanged"
    assert again.story.pk == first.pk
    assert Story.objects.count() == 1
    assert Story.objects.get(pk=first.pk).updated_at == stamp
    assert Person.objects.count() == 2


def test_a_newer_version_updates_the_draft_and_an_older_one_is_left():
    story = ninjs_import(partner_document()).story
    newer = partner_document(
        versioncreated="2013-07-09T12:00:00Z",
        headlines=[{"role": "main", "value": "Cruise captain's trial adjourned"}],
        subjects=[{"name": "Courts", "rel": "about"}],
    )
    result = ninjs_import(newer)
    assert result.outcome == "updated" and result.story.pk == story.pk
    story.refresh_from_db()
    assert story.headline == "Cruise captain's trial adjourned"
    assert list(story.tags.names()) == ["Courts"]
    assert story.bylines.count() == 1

    older = partner_document(
        versioncreated="2013-07-09T11:00:00Z",
        headlines=[{"role": "main", "value": "An older headline"}],
    )
    assert ninjs_import(older).outcome == "unchanged"
    story.refresh_from_db()
    assert story.headline == "Cruise captain's trial adjourned"


def test_a_story_published_since_its_import_is_never_overwritten():
    story = ninjs_import(partner_document()).story
    story.status = Story.Status.PUBLISHED
    story.save()
    newer = partner_document(
        versioncreated="2013-07-10T00:00:00Z",
        headlines=[{"role": "main", "value": "Overwritten"}],
    )
    with pytest.raises(CommandError, match="has been published since: it is left as it is"):
        call_command("import_ninjs", "-", stdin=io.BytesIO(json.dumps(newer).encode()))
    story.refresh_from_db()
    assert story.headline == "Captain of wrecked cruise ship on trial in Italy"


def test_the_command_reads_a_file_and_prints_the_drafts_admin_address(tmp_path, capsys):
    path = tmp_path / "story.json"
    path.write_text(json.dumps(partner_document()))
    call_command("import_ninjs", str(path))
    story = Story.objects.get()
    out = capsys.readouterr().out
    assert f"Draft created: {SITE}/admin/articles/story/{story.pk}/change/" in out
    assert "New person: Frances d'Emilio." in out
    call_command("import_ninjs", str(path))
    assert f"Unchanged: {SITE}/admin/articles/story/{story.pk}/change/" in capsys.readouterr().out


def run(*argv) -> tuple[int, str]:
    """``manage.py import_ninjs`` as the shell sees it: the exit status and stderr
    (Django writes a CommandError there and exits with its return code)."""
    try:
        call_command("import_ninjs", *argv)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, ""


def test_a_document_that_fails_the_schema_is_refused_with_its_messages(tmp_path):
    document = partner_document(pubstatus="published", versioncreated="9 July 2013")
    del document["headlines"][0]["value"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    status, err = run(str(path))
    assert status == 1
    assert "This is not a valid ninjs 2.2 document:" in err
    assert "$.headlines[0]: 'value' is a required property" in err
    assert "$.pubstatus: 'published' is not one of ['usable', 'withheld', 'canceled']" in err
    assert "$.versioncreated: '9 July 2013' is not a 'date-time'" in err
    assert Story.objects.count() == 0 and Person.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"uri": "tag:a.example,2026:1", ', "This is not JSON"),
        (b"\xff\xfe\xfa", "This is not JSON"),
        (b'["a list"]', "$: ['a list'] is not of type 'object'"),
        (b'{"uri": "tag:a.example,2026:1"}', "The document has no headline"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    status, err = run(str(path))
    assert status == 1 and message in err
    assert Story.objects.count() == 0


def test_what_does_not_fit_a_story_is_refused_whole():
    document = partner_document(headlines=[{"role": "main", "value": "A very long headline " * 20}])
    with pytest.raises(NinjsError, match="headline: Ensure this value has at most 255"):
        ninjs_import(document)
    assert Story.objects.count() == 0 and Person.objects.count() == 0


def test_a_missing_file_and_a_too_large_one_are_refused(tmp_path, settings):
    status, err = run(str(tmp_path / "missing.json"))
    assert status == 1 and "cannot be read: No such file or directory" in err
    settings.NINJS_IMPORT_MAX_BYTES = 100
    path = tmp_path / "story.json"
    path.write_text(json.dumps(partner_document()))
    status, err = run(str(path))
    assert status == 1 and "larger than 100 bytes" in err
    assert Story.objects.count() == 0


class Partner(BaseHTTPRequestHandler):
    """A partner's server: a document, a redirect to it, a loop, an error, a huge answer."""

    requests: list = []
    document = b""

    def do_GET(self):
        Partner.requests.append(self.path)
        if self.path == "/story.json":
            self.answer(200, self.document)
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/story.json")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(301)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path == "/huge":
            self.send_response(200)
            self.end_headers()  # no length: read up to the cap
            self.wfile.write(b" " * 5000)
        else:
            self.answer(404, b"not here")

    def answer(self, status, content):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args):
        pass


@pytest.fixture
def partner():
    Partner.requests = []
    Partner.document = json.dumps(partner_document()).encode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Partner)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_address_on_a_private_network_is_refused_before_anything_is_asked(partner):
    status, err = run(f"{partner}/story.json")
    assert status == 1 and "resolves to 127.0.0.1, a loopback address" in err
    assert Partner.requests == []
    assert Story.objects.count() == 0


def test_a_partner_address_is_fetched_when_the_operator_allows_it(partner, settings, capsys):
    settings.NINJS_IMPORT_ALLOW_PRIVATE = True
    call_command("import_ninjs", f"{partner}/moved")
    assert Partner.requests == ["/moved", "/story.json"]
    assert "Draft created:" in capsys.readouterr().out
    assert Story.objects.get().headline == "Captain of wrecked cruise ship on trial in Italy"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "answered 404, not a document"),
        ("/loop", "more than 5 redirects"),
        ("/huge", "larger than 1,000 bytes"),
    ],
)
def test_a_bad_answer_is_refused(partner, settings, path, message):
    settings.NINJS_IMPORT_ALLOW_PRIVATE = True
    settings.NINJS_IMPORT_MAX_BYTES = 1000
    status, err = run(f"{partner}{path}")
    assert status == 1 and message in err
    assert Story.objects.count() == 0


def test_an_unreachable_address_is_refused(settings):
    settings.NINJS_IMPORT_ALLOW_PRIVATE = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Partner)
    port = server.server_address[1]
    server.server_close()  # nothing listens there any more
    status, err = run(f"http://127.0.0.1:{port}/story.json")
    assert status == 1 and "could not be reached" in err
    status, err = run("ftp://example.com/story.json")
    assert status == 1 and "cannot be read" in err
    assert Story.objects.count() == 0


def test_an_anonymous_source_keeps_its_description_and_detail_across_newsrooms():
    insider = SourceFactory(name="A western official", kind="anonymous")
    original = StoryFactory()
    CitationFactory(story=original, source=insider, detail="in response to the statement")
    document = export(original)
    copy_ = ninjs_import(document).story
    citation = copy_.citations.get()
    assert (citation.source, citation.detail) == (insider, "in response to the statement")
    # Elsewhere, where the source is not known: one anonymous source, described as sent.
    insider.citations.all().delete()
    insider.delete()
    other = ninjs_import(document | {"uri": "tag:other.example,2026:1"}).story
    source = other.citations.get().source
    assert source.kind == Source.Kind.ANONYMOUS
    assert source.name == "A western official, in response to the statement"


def test_an_https_address_on_a_private_network_is_refused_too(partner, settings):
    address = partner.replace("http://", "https://")
    status, err = run(f"{address}/story.json")
    assert status == 1 and "resolves to 127.0.0.1, a loopback address" in err
    settings.NINJS_IMPORT_ALLOW_PRIVATE = True
    # Allowed, it is reached, and its answer (plain HTTP) fails the TLS handshake.
    status, err = run(f"{address}/story.json")
    assert status == 1 and "could not be reached" in err
    assert Partner.requests == [] and Story.objects.count() == 0
