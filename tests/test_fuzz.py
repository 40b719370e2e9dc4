"""Generated text against the admin's story form and the public addresses: control
characters, lone surrogates, bidirectional marks, markup and very long strings never
give a 500, and every feed and sitemap stays XML that lxml parses.

FUZZ_EXAMPLES in the environment runs more examples than the suite's quick default.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from articles.models import Story
from articles.workflow import story_transition
from tests.factories import PersonFactory, SectionFactory, SourceFactory, StoryFactory
from tests.forms import story_form

pytestmark = pytest.mark.django_db

# Hypothesis keeps caches of its own (read when a test first runs): out of the repository.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "newsroom-hypothesis")
)

ADD_URL = "/admin/articles/story/add/"

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    # Nothing written into the repository; a failure prints its example to reproduce.
    database=None,
    # Explaining a failure replays it hundreds of times: minutes with these forms.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# What pasted copy, wire feeds and attackers bring besides ordinary letters.
ODD = [
    *map(chr, range(0x20)),
    *["\x7f", "\x85", "\xa0", "\ufeff", "\ufffd", "\ufffe", "\uffff", "\U0001f5de"],
    *["\ud800", "\udbff", "\udc00", "\udfff"],  # lone surrogates
    *["\u200e", "\u200f", "\u202a", "\u202b", "\u202d", "\u202e", "\u2066", "\u2069"],
    *["\u061c", "\u2028", "\u2029", "\u0301"],
]
LONG = 20_000
MARKUP = ["<", ">", "&", '"', "'", "<b>", "</p>", "<script>", "&#11;", "&#xFFFF;", "]]>", "\r\n"]

characters = st.one_of(st.characters(), st.sampled_from(ODD))
piece = st.one_of(st.text(characters, min_size=1, max_size=12), st.sampled_from(MARKUP))
# At most 60 characters: most forms pass the fields' length limits and are saved.
short_text = st.lists(piece, max_size=5).map("".join)
some_text = st.lists(piece, min_size=1, max_size=5).map("".join)
# Long, but the whole form stays under Django's 2.5 MB request limit (past it: a 400).
long_text = st.builds(lambda text, times: (text * times)[:LONG], some_text, st.integers(10, LONG))

STORY_FIELDS = [
    *["headline", "kicker", "dek", "body", "seo_title", "seo_description", "tags"],
    *["bylines-0-role", "citations-0-detail", "corrections-0-text"],
]


def as_form_body(data: dict) -> str:
    """Form data as a browser sends it; lone surrogates go out as the bytes a broken
    client would send (the test client's own encoder refuses them)."""
    return urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass")


def assert_parses(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return etree.fromstring(response.content)  # raises on anything XML 1.0 forbids


def feeds_and_sitemaps(client, story) -> list[str]:
    index = assert_parses(client, "/sitemap.xml")
    files = [loc.text.removeprefix("http://testserver") for loc in index.iter("{*}loc")]
    listings = [
        f"/sections/{story.section.slug}/feed/",
        *(f"/tags/{tag.slug}/feed/" for tag in story.tags.all()),
        *(f"/people/{byline.person.slug}/feed/" for byline in story.bylines.all()),
        *(f"/sources/{citation.source.slug}/feed/" for citation in story.citations.all()),
    ]
    return ["/feed/", "/feed/atom/", "/news-sitemap.xml", *files, *listings]


@pytest.fixture
def newsroom():
    """A section, an author and a source to fill in, and a public story to find."""
    section = SectionFactory(name="World", slug="world")
    StoryFactory(section=section).tags.add("Diplomacy")
    return {
        "section": section,
        "person": PersonFactory(name="Ada Reporter", slug="ada"),
        "source": SourceFactory(name="Wire", slug="wire"),
    }


@FUZZ
@given(
    fields=st.fixed_dictionaries(dict.fromkeys(STORY_FIELDS, short_text)),
    # Mostly a long body or none: the other fields' length limits refuse long text.
    long_field=st.sampled_from([None, None, "body", "body", *STORY_FIELDS]),
    long_value=long_text,
)
def test_story_form_with_generated_text_never_fails_and_feeds_and_sitemaps_stay_xml(
    editor_client, editor, newsroom, fields, long_field, long_value
):
    if long_field:
        fields[long_field] = long_value
    with transaction.atomic():
        data = story_form(editor_client, ADD_URL)
        data.update(fields)
        data.update(
            {
                "slug": "fuzzed",
                "section": str(newsroom["section"].pk),
                "bylines-0-person": str(newsroom["person"].pk),
                "citations-0-source": str(newsroom["source"].pk),
                "corrections-TOTAL_FORMS": "1",
            }
        )

        response = editor_client.post(
            ADD_URL, as_form_body(data), content_type="application/x-www-form-urlencoded"
        )

        assert response.status_code in {200, 302}
        story = Story.objects.filter(slug="fuzzed").first()
        assert (story is not None) == (response.status_code == 302)
        event("saved and published" if story else "refused with a message")
        if story is not None:
            story = story_transition(story=story, user=editor, name="publish")
            assert editor_client.get(story.get_absolute_url()).status_code == 200
            for url in feeds_and_sitemaps(editor_client, story):
                assert_parses(editor_client, url)
        transaction.set_rollback(True)


def test_a_tag_with_no_letter_or_digit_is_refused_with_a_message(editor_client):
    # Found by the test above: its page would have no address, and the story's page failed.
    data = story_form(editor_client, ADD_URL)
    data.update(headline="Tagged", slug="tagged", tags=["Geneva", "::", "?"])

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "A tag needs a letter or a digit: “::”, “?” cannot be one." in response.text
    assert not Story.objects.exists()


PUBLIC_URLS = [
    "/?page={q}",
    "/search/?q={q}",
    "/search/?q={q}&page={q}",
    "/corrections/?page={q}",
    "/sections/{s}/",
    "/sections/world/?page={q}",
    "/tags/{s}/",
    "/tags/{s}/feed/",
    "/people/{s}/",
    "/sources/{s}/feed/",
    "/2025/02/18/{s}/",
    "/{s}/",
    "/preview/{s}/",
    "/api/oembed?url={q}",
]


@FUZZ
@given(
    template=st.sampled_from(PUBLIC_URLS),
    value=st.one_of(some_text, long_text),
)
def test_public_urls_with_generated_segments_and_queries_never_fail(
    client, newsroom, template, value
):
    segment = quote(value, safe="", errors="surrogatepass")
    query = quote_plus(value, errors="surrogatepass")

    response = client.get(template.format(s=segment, q=query))

    assert response.status_code < 500


def test_a_tag_longer_than_a_tag_can_be_is_refused_with_a_message(editor_client):
    # Found by the test above: on SQLite the tag's lookup failed (a 500) past 50,000 bytes.
    data = story_form(editor_client, ADD_URL)
    data.update(headline="Tagged", slug="tagged", tags="Geneva, " + "talks" * 12_000)

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "A tag is at most 100 characters long; 1 of these are longer." in response.text
    assert not Story.objects.filter(slug="tagged").exists()
