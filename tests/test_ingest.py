"""Ingest end to end: a page, a text, a wire item or an address becomes one draft with
its origin and suggested attribution, from the admin and from ``manage.py ingest``;
bad input is refused with a message and nothing, not half a draft, is saved."""

import html
import io
import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Citation, Person, Source, Story
from ingest.models import Origin, Suggestion
from newsroom import outbound
from tests.factories import PersonFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parent.parent / "articles" / "demo"
SEED = DEMO / "trump-putin-call.scraped.txt"
CLEAN = DEMO / "trump-putin-call.txt"
JUNK = [
    "Contact Information",
    "Westminster Buildings",
    "Call Now",
    "newsletter",
    "Source link",
    "administrator",
    "Leave a Reply",
    "Required fields",
]
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour bridge to close for repairs | The Coast Gazette</title>
<meta property="og:title" content="Harbour bridge to close for repairs">
<meta property="og:description" content="The crossing shuts for six weeks from March.">
<meta property="og:site_name" content="The Coast Gazette">
<link rel="canonical" href="https://gazette.example/2026/harbour-bridge">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Harbour bridge to close for repairs", "datePublished": "2026-11-30T08:15:00+00:00",
 "author": {"@type": "Person", "name": "Ana Lopes"}}</script>
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harbour bridge to close for repairs</h1>
<p>The harbour bridge will close for six weeks from March while engineers replace its
worn bearings, the city council said on Monday.</p>
<p>“We know this is a hard time for commuters,” said Maria Okafor, the council’s head of
transport. “The bearings are forty years old and cannot wait.”</p>
<p>A ferry will run every 20 minutes while the bridge is shut, according to the port
authority.</p>
<p>Sign up to our newsletter for the latest local news.</p>
</article><footer>Share this article</footer></body></html>"""


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def body_paragraphs(body: str) -> list[str]:
    return [" ".join(html.unescape(p).split()) for p in re.findall(r"<p>(.*?)</p>", body, re.S)]


def run(*args, stdin=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest", *args, stdout=out, stderr=err, stdin=stdin)
    except CommandError as error:
        return 1, out.getvalue(), str(error)
    return 0, out.getvalue(), err.getvalue()


def nothing_saved():
    return (
        Story.objects.count(),
        Origin.objects.count(),
        Suggestion.objects.count(),
        Person.objects.filter(user=None).count(),
        Source.objects.count(),
    ) == (0, 0, 0, 0, 0)


def test_the_seed_becomes_a_clean_draft_with_suggestions_and_nothing_attached():
    status, out, _ = run(str(SEED), "--json")
    assert status == 0
    found = json.loads(out)
    story = Story.objects.get(pk=found["story"])
    assert story.status == Story.Status.DRAFT and story.published_at is None
    assert found["admin_url"].endswith(reverse("admin:articles_story_change", args=[story.pk]))
    # Every paragraph of the news text, word for word, and none of the junk.
    assert body_paragraphs(story.body) == paragraphs(CLEAN.read_text())
    text = story.body
    for junk in JUNK:
        assert junk not in text
    names = {person["name"] for person in found["people"]}
    assert {"Donald Trump", "Vladimir Putin", "Marco Rubio", "Alexander Vinnik"} <= names
    assert len(found["sources"]) >= 7
    anonymous = [s for s in found["sources"] if s["anonymous"]]
    assert len(anonymous) == 3
    for suggestion in found["people"] + found["sources"]:
        assert suggestion["evidence"] and " ".join(suggestion["evidence"].split()) in " ".join(
            CLEAN.read_text().split()
        )
    # Suggested, not attached: the editor decides.
    assert not story.people.exists() and not story.citations.exists()
    assert story.origin.kind == "text" and story.origin.removed
    assert Suggestion.objects.filter(story=story, state="pending").count() == len(
        found["people"]
    ) + len(found["sources"]) + len(found["tags"]) + (1 if found["section"] else 0)


def test_a_page_pasted_in_the_admin_becomes_a_draft_with_its_metadata(editor_client):
    response = editor_client.post(reverse("admin:ingest_import"), {"text": PAGE})
    story = Story.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_story_change", args=[story.pk])
    assert story.headline == "Harbour bridge to close for repairs"
    assert story.dek == "The crossing shuts for six weeks from March."
    assert story.canonical_url == "https://gazette.example/2026/harbour-bridge"
    assert story.status == Story.Status.DRAFT
    origin = story.origin
    assert (origin.kind, origin.publisher, origin.authors) == (
        "html",
        "The Coast Gazette",
        "Ana Lopes",
    )
    assert origin.published_at.isoformat() == "2026-11-30T08:15:00+00:00"
    assert "newsletter" not in story.body and "Share this article" not in story.body
    assert "worn bearings" in story.body
    # No record of the publisher yet: the editor is told, nothing is made up.
    assert story.original_publisher is None
    page = editor_client.get(response["Location"]).content.decode()
    assert "Maria Okafor" in page and 'class="evidence"' in page


def test_the_import_page_offers_paste_upload_and_address(editor_client):
    page = editor_client.get(reverse("admin:ingest_import")).content.decode()
    for field in ('name="text"', 'name="file"', 'name="url"', 'name="section"'):
        assert field in page
    changelist = editor_client.get(reverse("admin:articles_story_changelist")).content.decode()
    assert reverse("admin:ingest_import") in changelist


def test_reporters_import_and_visitors_cannot(reporter_client, client):
    response = reporter_client.post(
        reverse("admin:ingest_import"), {"file": io.BytesIO(SEED.read_bytes())}
    )
    assert response.status_code == 200  # no file name: a form error, not a 500
    upload = io.BytesIO(SEED.read_bytes())
    upload.name = "seed.txt"
    response = reporter_client.post(reverse("admin:ingest_import"), {"file": upload})
    assert response.status_code == 302
    assert Story.objects.get().created_by.username == "rita"
    client.logout()
    assert client.get(reverse("admin:ingest_import")).status_code == 302  # to sign in


def decide(client, story, decisions: dict, **changes):
    """Submit the draft's form with a decision per suggestion, named "kind:name"."""
    from tests.forms import story_form

    url = reverse("admin:articles_story_change", args=[story.pk])
    data = story_form(client, url)
    total = int(data["suggestions-TOTAL_FORMS"])
    for index in range(total):
        pk = int(data[f"suggestions-{index}-id"])
        suggestion = Suggestion.objects.get(pk=pk)
        name = f"{suggestion.kind}:{suggestion.name}"
        if name in decisions:
            data[f"suggestions-{index}-state"] = decisions[name]
        for field, value in changes.get(name, {}).items():
            data[f"suggestions-{index}-{field}"] = value
    data["headline"] = data.get("headline") or "A headline the editor wrote"
    data["slug"] = "a-headline"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_the_editor_accepts_changes_and_rejects_suggestions(editor_client):
    rubio = PersonFactory(name="Marco Rubio", title="US secretary of state")
    status, out, _ = run(str(SEED), "--json")
    story = Story.objects.get()
    found = json.loads(out)
    assert next(p for p in found["people"] if p["name"] == "Marco Rubio")["person"] == rubio.pk
    decide(
        editor_client,
        story,
        {
            "person:Marco Rubio": "accepted",
            "person:Pete Hegseth": "accepted",
            "person:Vladimir Putin": "rejected",
            "source:A western official": "accepted",
        },
        **{"source:A western official": {"detail": "reacting to the call"}},
    )
    story.refresh_from_db()
    people = set(story.people.values_list("name", flat=True))
    assert people == {"Marco Rubio", "Pete Hegseth"}
    assert story.people.get(name="Marco Rubio") == rubio  # the record, not a copy
    assert Person.objects.get(name="Pete Hegseth").title  # a new person, with the text's title
    citation = Citation.objects.get(story=story)
    assert (citation.source.name, citation.source.kind, citation.detail) == (
        "A western official",
        Source.Kind.ANONYMOUS,
        "reacting to the call",
    )
    assert citation.source.person is None
    states = dict(
        Suggestion.objects.filter(story=story, kind="person").values_list("name", "state")
    )
    assert states["Vladimir Putin"] == "rejected" and states["Marco Rubio"] == "accepted"
    assert states["Donald Trump"] == "pending"
    # Decided ones leave the checklist; the rest wait.
    page = editor_client.get(reverse("admin:articles_story_change", args=[story.pk]))
    checklist = page.content.decode()
    assert "Donald Trump" in checklist and "suggestions-TOTAL_FORMS" in checklist
    from tests.forms import form_values

    data = form_values(checklist, "story_form")
    listed = {int(data[f"suggestions-{i}-id"]) for i in range(int(data["suggestions-TOTAL_FORMS"]))}
    assert listed == set(
        Suggestion.objects.filter(story=story, state="pending").values_list("pk", flat=True)
    )
    assert Suggestion.objects.get(kind="person", name="Vladimir Putin").pk not in listed


def test_a_reporter_cannot_accept_a_new_tag(reporter_client, reporter):
    Story.objects.all().delete()
    upload = io.BytesIO(PAGE.encode())
    upload.name = "page.html"
    reporter_client.post(reverse("admin:ingest_import"), {"file": upload})
    story = Story.objects.get()
    Suggestion.objects.create(story=story, kind="tag", name="Bridges")
    from tests.forms import story_form

    url = reverse("admin:articles_story_change", args=[story.pk])
    data = story_form(reporter_client, url)
    index = next(
        i
        for i in range(int(data["suggestions-TOTAL_FORMS"]))
        if Suggestion.objects.get(pk=data[f"suggestions-{i}-id"]).name == "Bridges"
    )
    data[f"suggestions-{index}-state"] = "accepted"
    response = reporter_client.post(url, data)
    assert response.status_code == 200
    assert "only editors add tags" in response.content.decode()
    assert not story.tags.exists()


def test_a_section_is_given_by_slug_and_an_unknown_one_is_refused():
    world = SectionFactory(name="World", slug="world")
    status, out, _ = run(str(SEED), "--section", "world", "--json")
    assert status == 0 and json.loads(out)["section"] == "World"
    assert Story.objects.get().section == world
    status, _, err = run(str(SEED), "--section", "sport")
    assert status == 1 and "There is no section “sport”" in err
    assert Story.objects.count() == 1


def test_standard_input_and_the_plain_output():
    status, out, _ = run("-", stdin=io.BytesIO(PAGE.encode()))
    assert status == 0
    story = Story.objects.get()
    assert out.strip().endswith(reverse("admin:articles_story_change", args=[story.pk]))
    assert "suggestions to decide" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b'{"uri": "x", "type": "text"}', "ninjs"),
        (b"<rss><channel><title>x</title></channel>", "feed"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(tmp_path, content, message):
    path = tmp_path / "input"
    path.write_bytes(content)
    status, _, err = run(str(path))
    assert status == 1
    assert message.lower() in err.lower()
    assert nothing_saved()


def test_a_file_over_the_cap_is_refused_before_it_is_read_whole(tmp_path, settings, editor_client):
    settings.INGEST_MAX_BYTES = 10_000
    path = tmp_path / "big.html"
    path.write_bytes(b"<p>" + b"word " * 5000 + b"</p>")
    status, _, err = run(str(path))
    assert status == 1 and "larger than 0.01 MB" in err
    with path.open("rb") as upload:
        response = editor_client.post(reverse("admin:ingest_import"), {"file": upload})
    assert response.status_code == 200 and "larger than 0.01 MB" in response.content.decode()
    response = editor_client.post(reverse("admin:ingest_import"), {"url": "", "text": ""})
    assert "one of them" in response.content.decode()
    assert nothing_saved()


def test_a_missing_file_is_refused():
    status, _, err = run("/no/such/file.html")
    assert status == 1 and "cannot be read" in err


class Site(BaseHTTPRequestHandler):
    """A site that serves a page, redirects inside the newsroom, fails and stalls."""

    inner = ""

    def do_GET(self):
        if self.path == "/page":
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/inside":
            self.send_response(302)
            self.send_header("Location", f"{Site.inner}/page")
            self.end_headers()
        elif self.path == "/broken":
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/stall":
            threading.Event().wait(3)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    """The site on 127.0.0.2, taken as public by the guard for these tests; 127.0.0.1
    stays what it is, an address inside the newsroom."""
    servers = []
    for host in ("127.0.0.2", "127.0.0.1"):
        server = ThreadingHTTPServer((host, 0), Site)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    public, inner = (f"http://{s.server_address[0]}:{s.server_address[1]}" for s in servers)
    Site.inner = inner
    yield public
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def public_test_address(monkeypatch):
    real = outbound.why_not_public
    monkeypatch.setattr(
        outbound,
        "why_not_public",
        lambda address: None if str(address) == "127.0.0.2" else real(address),
    )


def test_an_address_is_fetched_and_its_redirects_inside_the_newsroom_refused(
    site, public_test_address, settings
):
    settings.INGEST_FETCH_TIMEOUT = 1
    status, out, _ = run(f"{site}/page", "--json")
    assert status == 0
    assert Story.objects.get().origin.given_as == f"{site}/page"
    for path, message in [
        ("/inside", "127.0.0.1, a loopback address"),
        ("/broken", "answered 500"),
        ("/stall", "did not answer in time"),
    ]:
        status, _, err = run(f"{site}{path}")
        assert status == 1 and message in err, (path, err)
    status, _, err = run("http://127.0.0.1:9/page")
    assert status == 1 and "loopback" in err
    assert Story.objects.count() == 1


def test_an_unreachable_address_is_refused(public_test_address):
    with socket.socket() as probe:
        probe.bind(("127.0.0.2", 0))
        port = probe.getsockname()[1]
    status, _, err = run(f"http://127.0.0.2:{port}/page")
    assert status == 1 and "could not be reached" in err
    assert nothing_saved()


def test_a_known_publisher_is_credited(editor_client):
    gazette = SourceFactory(name="The Coast Gazette", kind=Source.Kind.PUBLICATION)
    editor_client.post(reverse("admin:ingest_import"), {"text": PAGE})
    assert Story.objects.get().original_publisher == gazette


WIRE = Path(__file__).resolve().parent / "data" / "ingest" / "wire"


def test_a_newsml_g2_item_becomes_a_draft_and_its_embargo_is_told():
    status, out, _ = run(str(WIRE / "newsml-text.xml"))
    assert status == 0
    assert "embargoed until 13 February 2025, 05:00 UTC" in out
    story = Story.objects.get()
    assert story.origin.kind == "newsml" and story.status == Story.Status.DRAFT
    assert story.headline and "<p>" in story.body
    status, _, err = run(str(WIRE / "newsml-canceled.xml"))
    assert status == 1 and "canceled" in err
    assert Story.objects.count() == 1


def test_a_ninjs_item_is_imported_and_its_text_suggests_attribution(tmp_path):
    document = {
        "uri": "tag:partner.example,2026:wire-1",
        "type": "text",
        "versioncreated": "2026-12-01T09:00:00Z",
        "headlines": [{"role": "main", "value": "Port strike ends after talks"}],
        "bodies": [
            {
                "role": "main",
                "contenttype": "text/html",
                "value": "<p>The strike at the port ended on Tuesday, union leader "
                "Grace Mensah told reporters.</p><p>“We have a deal,” Mensah said.</p>",
            }
        ],
    }
    path = tmp_path / "item.json"
    path.write_text(json.dumps(document))
    status, out, _ = run(str(path), "--json")
    assert status == 0
    found = json.loads(out)
    story = Story.objects.get(pk=found["story"])
    assert (story.headline, story.ninjs_uri) == (document["headlines"][0]["value"], document["uri"])
    assert story.origin.kind == "ninjs"
    assert "Grace Mensah" in {p["name"] for p in found["people"]}
    # The same item again changes nothing and adds no second draft.
    status, out, _ = run(str(path), "--json")
    assert status == 0 and json.loads(out)["story"] == story.pk
    assert Story.objects.count() == 1
    path.write_text(json.dumps({"uri": "x", "type": "text", "versioncreated": "yesterday"}))
    status, _, err = run(str(path))
    assert status == 1 and "not a valid ninjs" in err
    assert Story.objects.count() == 1


def test_the_same_address_imported_again_is_pointed_out():
    first = run("-", stdin=io.BytesIO(PAGE.encode()))
    status, out, _ = run("-", "--json", stdin=io.BytesIO(PAGE.encode()))
    assert first[0] == status == 0
    notes = json.loads(out)["notes"]
    earlier = Story.objects.order_by("pk").first()
    assert any(
        "https://gazette.example/2026/harbour-bridge was imported before" in note
        and reverse("admin:articles_story_change", args=[earlier.pk]) in note
        for note in notes
    )
    assert any("canonical URL" in note for note in notes)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"file": ("scan.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")}, "PDF"),
        ({"text": "Leave a Reply\n\nSource link\n\nShare this article"}, "boilerplate"),
        ({"url": "http://127.0.0.1:8000/admin/"}, "loopback"),
        ({"url": "http://10.0.0.5/story"}, "private"),
        ({"url": "not an address"}, "Enter a valid URL"),
    ],
)
def test_bad_input_in_the_admin_gets_a_message_and_saves_nothing(editor_client, data, message):
    if "file" in data:
        name, content = data["file"]
        upload = io.BytesIO(content)
        upload.name = name
        data = {"file": upload}
    response = editor_client.post(reverse("admin:ingest_import"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert nothing_saved()


def test_imported_stories_are_listed_with_where_they_came_from(editor_client):
    editor_client.post(reverse("admin:ingest_import"), {"text": PAGE})
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "Imported stories" in index
    add = editor_client.get(reverse("admin:ingest_origin_add"))
    assert add.status_code == 302 and add["Location"] == reverse("admin:ingest_import")
    listing = editor_client.get(reverse("admin:ingest_origin_changelist")).content.decode()
    assert "Harbour bridge to close for repairs" in listing
    assert "The Coast Gazette" in listing
    draft = editor_client.get(
        reverse("admin:articles_story_change", args=[Story.objects.get().pk])
    ).content.decode()
    assert "Original publisher:</strong> The Coast Gazette" in draft
    assert "https://gazette.example/2026/harbour-bridge" in draft


def test_a_name_corrected_to_a_record_the_newsroom_has_uses_that_record(editor_client):
    status, out, _ = run(str(SEED), "--json")
    story = Story.objects.get()
    # Recorded after the import: the suggestion names no record yet.
    putin = PersonFactory(name="Vladimir V. Putin", aliases="Vladimir Putin\nPutin")
    kremlin = SourceFactory(name="Kremlin", kind=Source.Kind.GOVERNMENT)
    decide(
        editor_client,
        story,
        {"person:Vladimir Putin": "accepted", "source:The Kremlin": "accepted"},
        **{"source:The Kremlin": {"name": "kremlin"}},
    )
    assert list(story.people.all()) == [putin]
    assert story.citations.get().source == kremlin
    assert Person.objects.filter(name__icontains="Putin").count() == 1
    assert Source.objects.filter(name__icontains="Kremlin").count() == 1


def test_the_original_byline_is_suggested_and_credited_when_accepted(editor_client):
    editor_client.post(reverse("admin:ingest_import"), {"text": PAGE})
    story = Story.objects.get()
    byline = Suggestion.objects.get(story=story, kind="byline")
    assert (byline.name, byline.person) == ("Ana Lopes", None)
    assert "Ana Lopes" in byline.evidence
    assert not story.bylines.exists()
    decide(
        editor_client,
        story,
        {"byline:Ana Lopes": "accepted"},
        **{"byline:Ana Lopes": {"detail": "for The Coast Gazette"}},
    )
    credited = story.bylines.get()
    assert (credited.person.name, credited.role) == ("Ana Lopes", "for The Coast Gazette")


def test_the_json_on_standard_output_is_the_only_thing_there(tmp_path):
    """Run as a wire desk's script runs it: logs go to standard error."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'desk.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, str(DEMO.parent.parent / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [*manage, "ingest", str(SEED), "--json"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)  # nothing but the object
    assert found["story"] and len(found["people"]) >= 12
    failed = subprocess.run(
        [*manage, "ingest", str(tmp_path / "missing.html"), "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert failed.returncode == 1 and failed.stdout == ""
    assert "cannot be read" in failed.stderr
