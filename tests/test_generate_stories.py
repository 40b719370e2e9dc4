import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from taggit.models import Tag

from articles.management.commands.generate_stories import GENERATOR_USERNAME, RARE_WORDS
from articles.models import PendingPurge, Person, Section, Source, Story
from articles.sanitize import sanitize_html
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db


def generate(*args):
    call_command("generate_stories", *args, stdout=io.StringIO(), stderr=io.StringIO())


def generated():
    return Story.objects.filter(created_by__username=GENERATOR_USERNAME)


@pytest.fixture
def archive():
    generate("--count", "200", "--seed", "3", "--batch-size", "70")
    return generated()


def test_every_story_has_three_ordered_bylines_four_people_two_sources_and_five_tags(archive):
    assert archive.count() == 200
    for story in archive.prefetch_related("bylines", "citations", "people", "tags"):
        bylines = list(story.bylines.all())
        assert [byline.order for byline in bylines] == [0, 1, 2]
        assert len({byline.person_id for byline in bylines}) == 3
        assert len(story.people.all()) == 4
        citations = list(story.citations.all())
        assert [citation.order for citation in citations] == [0, 1]
        assert all(citation.detail for citation in citations)
        assert len(story.tags.all()) == 5


def test_stories_read_like_news(archive):
    for story in archive:
        words = len(re.sub(r"<[^>]+>", " ", story.body).split())
        assert 600 <= words <= 1500
        assert story.body.startswith("<p>") and sanitize_html(story.body) == story.body
        assert story.headline and story.kicker and story.dek and story.section_id
    people = Person.objects.filter(bylines__story__in=archive).distinct()
    assert all(person.title for person in people)
    assert any(role.startswith("in ") for role in archive.values_list("bylines__role", flat=True))
    kinds = set(Source.objects.filter(citations__story__in=archive).values_list("kind", flat=True))
    assert {Source.Kind.AGENCY, Source.Kind.ANONYMOUS} <= kinds


def test_slugs_are_unique_and_times_are_in_order(archive):
    slugs = list(archive.values_list("slug", flat=True))
    assert len(set(slugs)) == len(slugs)
    for story in archive.published():
        assert story.created_at <= story.published_at <= story.updated_at


def test_most_stories_are_public_and_a_few_are_drafts_in_review_or_scheduled(archive):
    public = archive.published().count()
    hidden = archive.drafts().count() + archive.scheduled().count()
    assert public + hidden == 200
    assert public >= 180
    assert hidden >= 1
    years = {story.published_at.year for story in archive.published()}
    assert len(years) >= 8


def test_public_pages_of_generated_stories_render(archive, client):
    story = archive.published().first()
    person = story.people.first()
    tag = story.tags.first()
    pages = [
        "/",
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        f"/tags/{tag.slug}/",
        person.get_absolute_url(),
        "/feed/",
        "/sitemap.xml",
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    page = client.get(story.get_absolute_url()).content.decode()
    assert story.bylines.first().person.name.replace("'", "&#x27;") in page
    scheduled = archive.scheduled().first()
    if scheduled is not None:
        assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_search_finds_a_generated_story_by_a_rare_word(archive, client):
    story = next(s for s in archive.published() if any(w in s.body for w in RARE_WORDS))
    word = next(w for w in RARE_WORDS if w in story.body)

    page = client.get("/search/", {"q": word})

    assert story.headline.encode() in page.content.replace(b"&#x27;", b"'")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="search vectors are PostgreSQL's")
def test_search_vectors_are_what_the_triggers_would_compute(archive):
    # Positions follow string_agg's order, which may vary: compare lexemes and weights.
    signature = """(SELECT string_agg(lexeme || ':' || (SELECT string_agg(w::text, '' ORDER BY w)
        FROM unnest(weights) w), ' ' ORDER BY lexeme) FROM unnest({}))"""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*) FROM articles_story s WHERE s.search_vector IS NULL
            OR {signature.format("s.search_vector")}
            <> {signature.format("articles_story_search_document(s)")}"""
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'articles_story_search%%' "
            "AND tgenabled = 'D'"
        )
        assert cursor.fetchone()[0] == 0


def test_generated_stories_show_related_stories(archive, client):
    story = archive.published().order_by("-published_at").first()
    html = client.get(story.get_absolute_url()).text

    assert 'id="related-title"' in html
    related = html.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    assert related.count("<li>") == 4


def test_the_same_seed_gives_the_same_stories():
    generate("--count", "15", "--seed", "9")
    first = list(generated().order_by("pk").values_list("headline", "body"))
    generate("--clear", "--count", "15", "--seed", "9")
    assert list(generated().order_by("pk").values_list("headline", "body")) == first


def test_clear_removes_generated_content_and_keeps_the_newsroom_own(archive):
    own = StoryFactory(section=Section.objects.get(slug="world"))
    own.tags.add("Diplomacy")

    generate("--clear", "--count", "0")

    assert list(Story.objects.all()) == [own]
    assert list(Section.objects.values_list("slug", flat=True)) == ["world"]
    assert list(
        Tag.objects.annotate(n=Count("articles_taggedstory_items")).values("name", "n")
    ) == [{"name": "Diplomacy", "n": 1}]
    assert not Person.objects.exists() and not Source.objects.exists()


def test_a_bulk_load_purges_everything_once_instead_of_each_story(archive):
    assert list(PendingPurge.objects.values_list("key", flat=True)) == ["all"]
