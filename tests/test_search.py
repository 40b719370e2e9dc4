import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Person, Story
from tests.factories import (
    BylineFactory,
    CitationFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
    story_with_everything,
)
from tests.forms import story_form
from tests.pages import card_headlines
from tests.test_views import count_queries

pytestmark = pytest.mark.django_db

DEMO_HEADLINE = "Trump says US and Russia will begin Ukraine peace negotiations"


def search(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200, query
    return response


def found(client, query):
    return card_headlines(search(client, query))


@pytest.mark.parametrize("query", ["Peskov", "peace talks", "Zelenskyy Ukraine", "kremlin"])
def test_reader_finds_the_demo_story(client, query):
    call_command("load_demo", stdout=io.StringIO())

    response = search(client, query)

    assert DEMO_HEADLINE in response.text
    assert "<mark>" in response.text.split('class="snippet"', 1)[1]


def quiet_story(**kwargs):
    return StoryFactory(
        headline="Markets steady",
        dek="A calm day.",
        body="<p>Nothing much happened.</p>",
        **kwargs,
    )


def test_search_finds_stories_by_people_sources_tags_and_authors(client):
    story = quiet_story()
    story.people.add(PersonFactory(name="Kaja Kallas"))
    CitationFactory(story=story, source=SourceFactory(name="Interfax"))
    BylineFactory(story=story, person=PersonFactory(name="Henry Foy"))
    story.tags.add("Baltic states")

    for query in ["Kallas", "Interfax", "Foy", "Baltic"]:
        assert found(client, query) == ["Markets steady"], query


def test_search_follows_renamed_and_removed_relations(client):
    story = quiet_story()
    person = PersonFactory(name="Kaja Kallas")
    story.people.add(person)
    story.tags.add("Baltic states")

    person.name = "Kaja Kallas-Ilves"
    person.save()
    story.tags.clear()

    assert found(client, "Ilves") == ["Markets steady"]
    assert found(client, "Baltic") == []


def test_search_follows_a_renamed_tag(client):
    story = quiet_story()
    story.tags.add("Baltic states")

    tag = story.tags.get()
    tag.name = "Nordic and Baltic states"
    tag.save()

    assert found(client, "Nordic") == ["Markets steady"]


def test_search_shows_only_published_stories(client):
    for state in ["draft", "in_review", "scheduled", "withdrawn"]:
        StoryFactory(headline=f"Embargoed {state} copy", **{state: True})
    StoryFactory(headline="Embargoed no more")

    assert found(client, "embargoed") == ["Embargoed no more"]


def test_headline_matches_rank_above_body_matches(client):
    StoryFactory(headline="Budget day", body="<p>The chancellor spoke about tariffs.</p>")
    StoryFactory(headline="Tariffs rise again", body="<p>Importers pay more.</p>")

    assert found(client, "tariffs") == ["Tariffs rise again", "Budget day"]


def test_snippet_highlights_matches_and_keeps_the_text_escaped(client):
    StoryFactory(headline="Seaside", body="<p>They sold fish &amp; chips &lt;hot&gt; all day.</p>")

    html = search(client, "chips").text

    snippet = html.split('class="snippet">', 1)[1].split("</p>", 1)[0]
    assert "fish &amp; <mark>chips</mark> &lt;hot&gt; all day." in snippet


def test_results_are_paginated_and_keep_the_query(client):
    StoryFactory.create_batch(25, headline="Flood warning")

    first = search(client, "flood")
    second = search(client, "flood", page=2)

    assert first.text.count('class="story-card ') == 20
    assert 'href="?q=flood&amp;page=2" rel="next"' in first.text
    assert second.text.count('class="story-card ') == 5


def test_an_empty_search_shows_the_form(client):
    StoryFactory()
    response = search(client, "")
    assert 'name="q"' in response.text
    assert "Type a name" in response.text
    assert 'class="story-card ' not in response.text


@pytest.mark.parametrize(
    "query",
    [
        "\x00",
        "Pesk\x00ov",
        "a" * 5000,
        "peace " * 1000,
        "<script>alert(1)</script>",
        '"peace',
        "'; DROP TABLE articles_story; --",
        "!!! ??? ...",
        "&&& | !",
        "-",
        "Zelenskyy OR",
        "ü ß 東京",
    ],
)
def test_odd_queries_answer_a_normal_page(client, query):
    StoryFactory(headline="Peace talks", body="<p>Peace.</p>")
    response = search(client, query)
    assert "<script>alert" not in response.text
    assert Story.objects.count() == 1


def test_percent_encoded_nul_in_the_address_answers_a_normal_page(client):
    assert client.get("/search/?q=%00").status_code == 200
    assert client.get("/search/?q=peace%00talks").status_code == 200


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99", "1.5"])
def test_bad_page_numbers_answer_404(client, page):
    StoryFactory(headline="Peace talks")
    assert client.get("/search/", {"q": "peace", "page": page}).status_code == 404


def test_editor_tags_a_story_in_the_admin_and_readers_find_it_by_those_names(editor_client):
    SectionFactory(name="World", slug="world")
    subject = PersonFactory(name="Kaja Kallas")
    source = SourceFactory(name="Interfax")
    author = Person.objects.get(user__username="eddie")
    add_url = "/admin/articles/story/add/"
    data = story_form(editor_client, add_url)
    data.update(
        {
            "headline": "Markets steady",
            "slug": "markets-steady",
            "body": "<p>Nothing much happened.</p>",
            "tags": "Baltic states",
            "people": [str(subject.pk)],
            "bylines-0-person": str(author.pk),
            "citations-0-source": str(source.pk),
            "_transition": "publish",
        }
    )
    response = editor_client.post(add_url, data)
    confirm = response["Location"]
    token = editor_client.get(confirm).context["form"]["edit_token"].value()
    editor_client.post(confirm, {"edit_token": token})
    assert Story.objects.get(slug="markets-steady").is_published()

    for query in ["Kallas", "Interfax", "Eddie", "Baltic"]:
        assert found(editor_client, query) == ["Markets steady"], query


def test_search_query_count_does_not_grow_with_results_or_relations(client):
    story_with_everything(headline="Shared words here", n_authors=1, n_tags=1)
    small = count_queries(client, "/search/?q=shared")
    for _ in range(15):
        story_with_everything(headline="Shared words again", n_authors=4, n_tags=4, n_people=4)
    # The page cache's state, the results, their cards and bylines, the sections and
    # the site's own pages (one query), and on PostgreSQL the search's plan setting.
    assert count_queries(client, "/search/?q=shared") == small <= 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_common_words_rank_only_the_most_recent_matches(client, monkeypatch):
    from articles import search

    monkeypatch.setattr(search, "SEARCH_WINDOW", 3)
    now = timezone.now()
    for age in range(5):
        StoryFactory(
            headline=f"Harvest report number {age}",
            published_at=now - datetime.timedelta(days=age + 1),
        )

    html = client.get("/search/", {"q": "harvest"}).text

    assert html.count('class="story-card ') == 3
    assert "number 0" in html and "number 2" in html and "number 4" not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_searches_are_planned_for_their_words_not_prepared_once_for_all(client, settings):
    settings.PAGE_CACHE = False  # every request runs its search
    StoryFactory(headline="Harbour strike ends")
    for word in ["harbour", "strike", "ends", "nothing"] * 3:
        assert client.get(f"/search/?q={word}").status_code == 200

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans), 0) FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ["%websearch_to_tsquery%"],
        )
        assert cursor.fetchone()[0] == 0
    # Still counted with the page's queries (the plan setting is one of them).
    assert count_queries(client, "/search/?q=harbour") == 5


def test_a_snippet_ends_a_heading_before_the_next_sentence():
    from articles.search import snippet

    text = "<p>The talks expired.</p><h2>What happens next</h2><p>Slovakia will vote.</p>"
    assert "What happens next. <mark>Slovakia</mark> will vote." in str(snippet(text, "Slovakia"))
    # A heading that has its own punctuation keeps it.
    text = "<h2>Who pays?</h2><p>Slovakia will vote.</p>"
    assert "Who pays? <mark>Slovakia</mark>" in str(snippet(text, "Slovakia"))
