"""The read API at /api/v1/: what partners get, what they are refused, how it is cached."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import PendingPurge, Source, Story, StoryRedirect
from tests.api import ids, picture_with_renditions
from tests.factories import (
    BylineFactory,
    CitationFactory,
    CorrectionFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
    story_with_everything,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    # Rate limits are counted in the cache.
    cache.clear()


# --- Stories ----------------------------------------------------------------------


def test_anonymous_callers_get_published_stories_only_newest_first(client):
    older = StoryFactory(published_at=timezone.now() - datetime.timedelta(days=2))
    newer = StoryFactory()
    StoryFactory(draft=True)
    StoryFactory(in_review=True)
    StoryFactory(scheduled=True)
    StoryFactory(withdrawn=True)

    response = client.get("/api/v1/stories/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert ids(response) == [newer.pk, older.pk]


def test_a_story_carries_everything_its_page_shows(client):
    story = story_with_everything(canonical_url="https://www.ft.com/content/abc")
    story.lead_image = picture_with_renditions()
    story.original_publisher = SourceFactory(name="Financial Times", kind=Source.Kind.PUBLICATION)
    story.body = (
        '<p>Said on the phone.</p><aside class="editors-note"><p>Check the quote</p></aside>'
    )
    story.save()
    anonymous = SourceFactory(
        name="a senior member of the Ukrainian president's team",
        kind=Source.Kind.ANONYMOUS,
        url="https://example.org/who-it-is",
        person=PersonFactory(name="Named Insider"),
    )
    CitationFactory(story=story, source=anonymous, detail="said", order=5)

    data = client.get(f"/api/v1/stories/{story.pk}/").json()

    assert data["id"] == story.pk
    assert data["uri"] == story.uri
    assert data["url"] == f"http://testserver{story.get_absolute_url()}"
    assert data["headline"] == story.headline
    assert data["type"] == "news"
    assert data["section"]["slug"] == "world"
    assert "Said on the phone." in data["body"]
    assert "Check the quote" not in data["body"]
    [byline] = data["bylines"]
    assert byline["role"] == "in London"
    assert byline["person"]["name"] == story.bylines.get().person.name
    assert [p["id"] for p in data["people"]] == [p.pk for p in story.people.all()]
    cited = {c["source"]["name"]: c for c in data["sources"]}
    assert cited[anonymous.name]["source"]["anonymous"] is True
    assert cited[anonymous.name]["source"]["website"] == ""
    assert cited[anonymous.name]["source"]["person"] is None
    assert cited[anonymous.name]["detail"] == "said"
    assert [t["name"] for t in data["tags"]] == [t.name for t in story.tags.all()]
    image = data["lead_image"]
    assert image["alt"] == "Two leaders on a call"
    assert image["credit"] == "Agency/Photographer"
    assert image["copyright"] == "© Agency 2026"
    widths = [(r["width"], r["type"]) for r in image["renditions"]]
    assert widths == [(320, "image/jpeg"), (960, "image/jpeg"), (320, "image/webp")]
    assert image["renditions"][0]["url"].startswith("http://testserver/")
    assert [c["text"] for c in data["corrections"]] == [story.corrections.get().text]
    assert data["canonical_url"] == "https://www.ft.com/content/abc"
    assert data["original_publisher"]["name"] == "Financial Times"
    assert data["embargoed"] is None
    assert data["published_at"].startswith(f"{story.published_at:%Y-%m-%dT%H:%M}")


@pytest.mark.parametrize("story_kind", ["draft", "in_review", "scheduled"])
def test_stories_readers_cannot_see_are_404_as_json(client, story_kind):
    story = StoryFactory(**{story_kind: True})

    response = client.get(f"/api/v1/stories/{story.pk}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No such story."}
    # Purged with every 404 when a story goes out (a scheduled one at its moment).
    assert "not-found" in response["Surrogate-Key"].split()


def test_unknown_ids_and_addresses_under_the_api_are_404_as_json(client):
    for path in [
        "/api/v1/stories/999999/",
        "/api/v1/stories/abc/",
        "/api/v1/nothing/",
        "/api/v1/tags/%0A/",
    ]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "detail" in response.json()


def test_an_address_missing_its_final_slash_is_redirected_with_its_query(client):
    response = client.get("/api/v1/stories", {"section": "world"})

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/stories/?section=world"
    assert client.get("/api/v1/nothing").status_code == 404


def test_a_withdrawn_story_answers_410_with_a_short_notice(client):
    story = StoryFactory(withdrawn=True)
    Story.objects.filter(pk=story.pk).update(withdrawal_reason="It was wrong.")

    response = client.get(f"/api/v1/stories/{story.pk}/")

    assert response.status_code == 410
    assert response.json() == {
        "detail": "This story has been withdrawn.",
        "id": story.pk,
        "uri": story.uri,
        "reason": "It was wrong.",
    }


def test_stories_are_filtered_by_section_tag_person_and_source(client):
    politics = SectionFactory(name="Politics", slug="politics")
    in_section = StoryFactory(section=politics)
    tagged = StoryFactory()
    tagged.tags.add("Ukraine")
    by_her = BylineFactory().story
    about_her = StoryFactory()
    about_her.people.add(by_her.bylines.get().person)
    cited = CitationFactory().story
    republished = StoryFactory(original_publisher=cited.citations.get().source)
    person = by_her.bylines.get().person.slug
    source = cited.citations.get().source.slug

    assert ids(client.get("/api/v1/stories/", {"section": "politics"})) == [in_section.pk]
    assert ids(client.get("/api/v1/stories/", {"tag": "ukraine"})) == [tagged.pk]
    assert set(ids(client.get("/api/v1/stories/", {"person": person}))) == {
        by_her.pk,
        about_her.pk,
    }
    assert set(ids(client.get("/api/v1/stories/", {"source": source}))) == {
        cited.pk,
        republished.pk,
    }


def test_updated_since_gives_stories_changed_or_corrected_since(client):
    old = StoryFactory()
    corrected = StoryFactory()
    since = timezone.now() + datetime.timedelta(minutes=5)
    Story.objects.filter(pk__in=[old.pk, corrected.pk]).update(
        updated_at=since - datetime.timedelta(hours=1)
    )
    CorrectionFactory(story=corrected, created_at=since + datetime.timedelta(minutes=1))

    response = client.get("/api/v1/stories/", {"updated_since": since.isoformat()})

    assert ids(response) == [corrected.pk]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"updated_since": "yesterday"}, "updated_since: Datetime has wrong format."),
        ({"section": "no-such-section"}, "section: There is no section “no-such-section”."),
        ({"tag": "a tag with spaces"}, 'tag: Enter a valid "slug"'),
        ({"cursor": "not-a-cursor"}, "The cursor is not valid"),
    ],
)
def test_a_bad_filter_date_or_cursor_is_400_with_a_message(client, query, message):
    StoryFactory()

    response = client.get("/api/v1/stories/", query)

    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_a_tag_only_a_draft_has_is_unknown_to_the_api(client):
    StoryFactory(draft=True).tags.add("Secret merger")

    response = client.get("/api/v1/stories/", {"tag": "secret-merger"})

    assert response.status_code == 400
    assert client.get("/api/v1/tags/").json()["results"] == []


def test_cursor_pagination_walks_every_story_once(client):
    start = timezone.now() - datetime.timedelta(days=3)
    stories = [StoryFactory(published_at=start + datetime.timedelta(minutes=n)) for n in range(25)]
    # Two stories published at the same moment stay apart.
    StoryFactory(published_at=stories[10].published_at)

    first = client.get("/api/v1/stories/").json()
    second = client.get(first["next"]).json()

    assert len(first["results"]) == 20
    assert second["next"] is None
    seen = [s["id"] for s in first["results"] + second["results"]]
    assert sorted(seen) == sorted(Story.objects.values_list("pk", flat=True))
    assert len(client.get("/api/v1/stories/", {"page_size": 5}).json()["results"]) == 5


# --- By path ------------------------------------------------------------------------


def test_a_story_is_found_by_its_address_and_by_an_old_one(client):
    story = StoryFactory()
    old_path = story.get_absolute_url()
    story.slug = "a-better-slug"
    story.save()
    assert StoryRedirect.objects.filter(old_path=old_path).exists()

    for address in [story.get_absolute_url(), old_path, f"https://example.com{old_path}"]:
        response = client.get("/api/v1/stories/by-path/", {"path": address})
        assert response.status_code == 200, address
        assert response.json()["id"] == story.pk


def test_by_path_refuses_what_is_not_a_public_story(client):
    draft = StoryFactory(draft=True, published_at=timezone.now() - datetime.timedelta(days=1))
    withdrawn = StoryFactory(withdrawn=True)

    assert client.get("/api/v1/stories/by-path/").status_code == 400
    for path in ["/2026/13/45/nothing/", "/sections/world/", draft.get_absolute_url()]:
        assert client.get("/api/v1/stories/by-path/", {"path": path}).status_code == 404
    gone = client.get("/api/v1/stories/by-path/", {"path": withdrawn.get_absolute_url()})
    assert gone.status_code == 410


# --- People, sources, sections, tags, corrections ------------------------------------


def test_people_and_sources_are_those_public_stories_show(client):
    shown = BylineFactory().person
    hidden = BylineFactory(story=StoryFactory(draft=True)).person
    anonymous = SourceFactory(name="a Kremlin insider", kind=Source.Kind.ANONYMOUS)
    CitationFactory(source=anonymous)
    CitationFactory(story=StoryFactory(scheduled=True))

    people = client.get("/api/v1/people/").json()["results"]
    sources = client.get("/api/v1/sources/").json()["results"]

    assert [p["id"] for p in people] == [shown.pk]
    assert client.get(f"/api/v1/people/{shown.pk}/").json()["name"] == shown.name
    assert client.get(f"/api/v1/people/{hidden.pk}/").status_code == 404
    assert [s["name"] for s in sources] == ["a Kremlin insider"]
    assert sources[0]["anonymous"] is True


def test_sections_tags_and_corrections_are_listed(client):
    story = StoryFactory()
    story.tags.add("NATO")
    correction = CorrectionFactory(story=story)
    CorrectionFactory(story=StoryFactory(draft=True))

    assert [s["slug"] for s in client.get("/api/v1/sections/").json()["results"]] == ["world"]
    assert [t["name"] for t in client.get("/api/v1/tags/").json()["results"]] == ["NATO"]
    [listed] = client.get("/api/v1/corrections/").json()["results"]
    assert listed["id"] == correction.pk
    assert listed["story"]["uri"] == story.uri
    assert client.get(f"/api/v1/corrections/{correction.pk}/").status_code == 200


# --- ninjs --------------------------------------------------------------------------


def test_ninjs_at_its_own_address_and_by_accept(client):
    from articles.ninjs import for_ninjs, story_to_ninjs

    story = story_with_everything()
    expected = story_to_ninjs(for_ninjs(Story.objects.filter(pk=story.pk)).get())

    own = client.get(f"/api/v1/stories/{story.pk}.ninjs.json", HTTP_ACCEPT="text/html")
    negotiated = client.get(f"/api/v1/stories/{story.pk}/", HTTP_ACCEPT="application/ninjs+json")
    by_format = client.get(f"/api/v1/stories/{story.pk}/", {"format": "ninjs"})
    plain = client.get(f"/api/v1/stories/{story.pk}/")

    for response in (own, negotiated, by_format):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/ninjs+json"
        assert response.json() == expected
    assert "Accept" in negotiated["Vary"]
    assert plain["Content-Type"] == "application/json"
    assert plain.json()["id"] == story.pk
    assert plain["ETag"] != negotiated["ETag"]


def test_a_withdrawn_story_in_ninjs_is_410_and_withheld(client):
    from articles.ninjs import for_ninjs, story_to_ninjs

    story = StoryFactory(withdrawn=True)

    response = client.get(f"/api/v1/stories/{story.pk}.ninjs.json")

    assert response.status_code == 410
    assert response["Content-Type"] == "application/ninjs+json"
    assert response.json() == story_to_ninjs(
        for_ninjs(Story.objects.filter(pk=story.pk)).get(), pubstatus="withheld"
    )


def test_ninjs_of_a_draft_is_a_json_404(client):
    story = StoryFactory(draft=True)

    response = client.get(f"/api/v1/stories/{story.pk}.ninjs.json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# --- Caching ------------------------------------------------------------------------


def test_anonymous_answers_are_public_with_an_etag_and_surrogate_keys(client):
    story = story_with_everything()

    response = client.get(f"/api/v1/stories/{story.pk}/")

    assert response["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    keys = response["Surrogate-Key"].split()
    assert {"all", "api", f"story-{story.pk}", f"section-{story.section_id}"} <= set(keys)
    assert response["xkey"] == response["Surrogate-Key"]
    assert {"Accept", "Authorization", "X-Api-Key"} <= {
        v.strip() for v in response["Vary"].split(",")
    }
    again = client.get(f"/api/v1/stories/{story.pk}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_an_edit_purges_a_key_the_api_answer_carries(client):
    story = StoryFactory()
    keys = client.get("/api/v1/stories/").headers["Surrogate-Key"].split()
    PendingPurge.objects.all().delete()

    Story.objects.filter(pk=story.pk).update(headline="A new headline")

    assert set(PendingPurge.objects.values_list("key", flat=True)) & set(keys)


def test_a_scheduled_story_is_not_kept_by_shared_caches_past_its_moment(client):
    StoryFactory()
    StoryFactory(published_at=timezone.now() + datetime.timedelta(seconds=12))

    response = client.get("/api/v1/stories/")

    max_age = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert max_age <= 12


def test_answers_with_different_queries_never_share_a_cached_copy(client):
    SectionFactory(name="Politics", slug="politics")
    world = StoryFactory()
    politics = StoryFactory(section__slug="politics")

    assert ids(client.get("/api/v1/stories/", {"section": "world"})) == [world.pk]
    assert ids(client.get("/api/v1/stories/", {"section": "politics"})) == [politics.pk]
    plain = client.get(f"/api/v1/stories/{world.pk}/")
    ninjs = client.get(f"/api/v1/stories/{world.pk}/", HTTP_ACCEPT="application/ninjs+json")
    assert plain["Content-Type"] != ninjs["Content-Type"]


# --- Schema and docs ----------------------------------------------------------------


def test_the_schema_is_valid_openapi_without_a_warning(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "api.yaml")


def test_the_schema_and_the_docs_are_served_from_the_site(client):
    schema = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs/")

    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert {"/api/v1/stories/", "/api/v1/stories/{id}.ninjs.json", "/api/oembed"} <= set(
        schema.json()["paths"]
    )
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.text
    assert "https://" not in docs.text and "<style" not in docs.text
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
