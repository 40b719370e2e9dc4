"""The page cache: fast for readers, never stale for news."""

import datetime
import gzip
import threading

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import articles.cache
from articles.models import Person, Section, Story
from articles.views import StoryListView
from tests.factories import (
    BylineFactory,
    CitationFactory,
    CorrectionFactory,
    PersonFactory,
    SourceFactory,
    StoryFactory,
)
from tests.names import run_name

HOUR = datetime.timedelta(hours=1)

# Invalidation happens on commit, so these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache(settings):
    from django.contrib.contenttypes.models import ContentType

    # Committing tests empty the database between them; content type ids change.
    ContentType.objects.clear_cache()
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_second_visit_is_served_from_the_cache_with_shared_cache_headers(client):
    StoryFactory(headline="Cached headline")

    first = client.get("/")
    second = client.get("/")

    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    control = second["Cache-Control"]
    for part in ["public", "max-age=0", "s-maxage=30", "stale-while-revalidate=30"]:
        assert part in control
    assert "stale-if-error=86400" in control
    assert second["ETag"] and second["Last-Modified"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["X-Request-ID"] != first["X-Request-ID"]


def test_repeat_visits_get_304(client):
    StoryFactory()
    etag = client.get("/")["ETag"]
    response = client.get("/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_revalidations_follow_the_preconditions_on_kept_and_fresh_pages(client):
    StoryFactory()
    page = client.get("/")
    etag, modified = page["ETag"], page["Last-Modified"]
    earlier = "Mon, 01 Jan 2001 00:00:00 GMT"

    def status(method="get", **headers):
        return getattr(client, method)("/", headers=headers).status_code

    not_modified = client.get("/", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    # A 304 repeats what caches need to keep using their copy.
    assert not_modified["ETag"] == etag
    assert not_modified["Last-Modified"] == modified
    assert "s-maxage=" in not_modified["Cache-Control"]
    assert "Accept-Encoding" in not_modified["Vary"]

    assert status(**{"If-None-Match": f'"other", {etag}'}) == 304
    assert status(**{"If-None-Match": "*"}) == 304
    assert status("head", **{"If-None-Match": etag}) == 304
    assert status(**{"If-Modified-Since": modified}) == 304
    assert status(**{"If-Modified-Since": earlier}) == 200
    assert status(**{"If-Modified-Since": "not a date"}) == 200
    # If-None-Match decides when both are sent.
    assert status(**{"If-None-Match": '"other"', "If-Modified-Since": modified}) == 200
    assert status(**{"If-Match": '"other"'}) == 412
    assert status(**{"If-Match": etag}) == 200
    assert status(**{"If-Unmodified-Since": earlier}) == 412
    changed = client.get("/", headers={"If-None-Match": '"other"'})
    assert changed.status_code == 200 and changed.content == page.content

    # Rendered afresh, the page still answers its reader's revalidation.
    cache.clear()
    fresh = client.get("/", headers={"If-None-Match": etag})
    assert fresh.status_code == 304 and fresh["X-Request-ID"]
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_preconditions_leave_kept_missing_pages_alone(client):
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404
    for headers in [
        {"If-None-Match": missing["ETag"]},
        {"If-Modified-Since": missing["Last-Modified"]},
        {"If-Match": '"other"'},
    ]:
        again = client.get("/no/such/page/", headers=headers)
        assert again.status_code == 404, headers
        assert again["X-Page-Cache"] == "hit"


def test_readers_who_accept_gzip_get_the_page_compressed_once_when_kept(client):
    StoryFactory(headline="Compressed headline")
    gzip_ok = {"Accept-Encoding": "gzip, deflate, br"}

    plain = client.get("/")
    first = client.get("/", headers=gzip_ok)
    second = client.get("/", headers=gzip_ok)

    assert "Content-Encoding" not in plain
    assert first["X-Page-Cache"] == "hit" and second["X-Page-Cache"] == "hit"
    for response in (first, second):
        assert response["Content-Encoding"] == "gzip"
        assert int(response["Content-Length"]) == len(response.content)
        assert gzip.decompress(response.content) == plain.content
        assert len(response.content) < len(plain.content) / 2
    # Kept once, not compressed again for every reader.
    assert second.content == first.content
    for response in (plain, first):
        assert "Accept-Encoding" in response["Vary"]
    assert first["ETag"] == "W/" + plain["ETag"]
    assert int(plain["Content-Length"]) == len(plain.content)

    # The compressed copy revalidates too; a reader without gzip never gets it.
    again = client.get("/", headers={**gzip_ok, "If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert "Content-Encoding" not in client.get("/", headers={"Accept-Encoding": "identity"})


def test_feeds_sitemaps_and_uncached_pages_are_compressed_too(client, admin_client):
    StoryFactory()
    gzip_ok = {"Accept-Encoding": "gzip"}
    for url in ["/feed/", "/sitemap.xml"]:
        response = client.get(url, headers=gzip_ok)
        assert response["Content-Encoding"] == "gzip", url
        assert gzip.decompress(response.content) == client.get(url).content
    admin = admin_client.get("/admin/articles/story/", headers=gzip_ok)
    assert "X-Page-Cache" not in admin
    assert admin["Content-Encoding"] == "gzip"
    assert b"Select story to change" in gzip.decompress(admin.content)


def picture(request):
    return HttpResponse(PICTURE, content_type="image/png")


PICTURE = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000


def test_pictures_are_never_compressed_again(client, settings):
    from django.urls import include, path

    settings.ROOT_URLCONF = type(
        "PictureURLs",
        (),
        {
            "urlpatterns": [
                # One the page cache keeps, one it leaves to the next layer.
                path("pictures/dot.png", picture),
                path("media/dot.png", picture),
                path("", include("newsroom.urls")),
            ]
        },
    )
    for url in ["/pictures/dot.png", "/pictures/dot.png", "/media/dot.png"]:
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.content == PICTURE, url
        assert "Content-Encoding" not in response, url
    assert response.get("X-Page-Cache") is None
    assert client.get("/pictures/dot.png")["X-Page-Cache"] == "hit"


def test_signed_in_staff_admin_and_previews_are_never_cached(admin_client):
    client = Client()
    story = StoryFactory(draft=True)
    admin_client.get("/")
    staff_view = admin_client.get("/")
    assert "X-Page-Cache" not in staff_view
    assert "private" in staff_view["Cache-Control"]
    assert "X-Page-Cache" not in admin_client.get("/admin/")
    preview = client.get(story.get_preview_url())
    assert "X-Page-Cache" not in preview
    assert "no-cache" in preview["Cache-Control"]
    assert "X-Page-Cache" not in client.get("/healthz")


def test_withdrawn_and_missing_pages_are_cached_but_errors_are_not(client):
    assert client.get("/no/such/page/")["X-Page-Cache"] == "miss"
    assert client.get("/no/such/page/")["X-Page-Cache"] == "hit"
    withdrawn = StoryFactory(withdrawn=True)
    client.get(withdrawn.get_absolute_url())
    again = client.get(withdrawn.get_absolute_url())
    assert again.status_code == 410 and again["X-Page-Cache"] == "hit"


def test_publishing_through_the_admin_shows_the_story_on_cached_pages_at_once(editor_client):
    client = Client()
    story = StoryFactory(in_review=True, headline="Breaking: talks begin")
    assert "Breaking: talks begin" not in client.get("/").text
    assert client.get("/")["X-Page-Cache"] == "hit"

    page = editor_client.get(f"/admin/articles/story/{story.pk}/transition/publish/")
    token = page.context["form"]["edit_token"].value()
    url = f"/admin/articles/story/{story.pk}/transition/publish/"
    assert editor_client.post(url, {"edit_token": token}).status_code == 302

    assert "Breaking: talks begin" in client.get("/").text
    assert "Breaking: talks begin" in client.get("/sections/world/").text


def test_edits_corrections_and_withdrawals_reach_cached_pages_at_once(client):
    story = StoryFactory(headline="First version")
    url = story.get_absolute_url()
    client.get(url)

    story.headline = "Second version"
    story.save()
    assert "Second version" in client.get(url).text

    CorrectionFactory(story=story, text="A name was misspelt.")
    assert "A name was misspelt." in client.get(url).text

    story.status = Story.Status.WITHDRAWN
    story.save()
    assert client.get(url).status_code == 410
    assert "Second version" not in client.get("/").text


def test_tag_and_person_changes_reach_cached_pages(client):
    story = StoryFactory(headline="Tagged story")
    story.tags.add("Diplomacy")
    client.get("/tags/diplomacy/")
    story.tags.add("Summits")
    assert client.get("/tags/summits/").status_code == 200
    story.people.create(name="Ann Envoy", slug="ann-envoy")
    assert "Ann Envoy" in client.get(story.get_absolute_url()).text


def test_scheduled_story_appears_on_cached_pages_at_its_time(client):
    at = (timezone.now() + datetime.timedelta(minutes=10)).replace(microsecond=0)
    StoryFactory(headline="Embargoed until ten", published_at=at)

    before = client.get("/")
    assert "Embargoed until ten" not in before.text
    # Neither this app nor a shared cache may keep the page past the embargo.
    s_maxage = int(before["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert s_maxage <= 30
    with time_machine.travel(at - datetime.timedelta(seconds=1), tick=False):
        assert "Embargoed until ten" not in client.get("/").text
        remaining = client.get("/")["Cache-Control"]
        assert "s-maxage=0" in remaining or "s-maxage=1" in remaining
    with time_machine.travel(at, tick=False):
        assert "Embargoed until ten" in client.get("/").text


def test_stories_scheduled_before_the_last_edit_still_go_out_at_their_times(client):
    now = timezone.now().replace(microsecond=0)
    # Within the cache's lifetime of a page, so that a kept copy could be served.
    first, second = now + datetime.timedelta(minutes=2), now + datetime.timedelta(minutes=4)
    StoryFactory(headline="Out at two", published_at=first)
    StoryFactory(headline="Out at four", published_at=second)
    # An edit after both were scheduled: the content's last change is now.
    Story.objects.filter(headline="Out at two").update(kicker="Edited")
    assert "Out at two" not in client.get("/").text
    # The next request, after the first moment, goes to another web server that
    # has not read this content's schedule yet.
    articles.cache._moments.clear()
    with time_machine.travel(first + datetime.timedelta(seconds=30), tick=False):
        page = client.get("/").text
        assert "Out at two" in page and "Out at four" not in page
    with time_machine.travel(second, tick=False):
        assert "Out at four" in client.get("/").text


def test_different_queries_are_different_pages_and_huge_ones_are_not_cached(client):
    StoryFactory.create_batch(25)
    one = client.get("/?page=1")
    two = client.get("/?page=2")
    assert one.content != two.content
    huge = "/?q=" + "x" * 600
    client.get(huge)
    assert "X-Page-Cache" not in client.get(huge)


@pytest.mark.django_db(transaction=True)
def test_a_stampede_on_a_cold_page_renders_it_a_handful_of_times(monkeypatch):
    StoryFactory(headline="Hot story")
    renders = []
    original = StoryListView.get_queryset

    def slow_render(self):
        renders.append(1)
        threading.Event().wait(0.3)
        return original(self)

    monkeypatch.setattr(StoryListView, "get_queryset", slow_render)
    results = []

    def reader():
        try:
            results.append(Client().get("/"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reader) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.status_code for r in results] == [200] * 20
    assert all("Hot story" in r.text for r in results)
    assert len(renders) <= 3


def test_changes_made_behind_the_models_back_reach_cached_pages_at_once(client):
    story = StoryFactory(headline="Talks begin")
    story.tags.add("Diplomacy")
    other = StoryFactory(headline="Older news", published_at=story.published_at - HOUR)
    other.tags.add("Diplomacy")
    pages = ["/", story.get_absolute_url(), "/tags/diplomacy/", "/feed/"]
    for url in pages:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url

    # A one-off fix in a shell: no save(), no signal.
    Story.objects.filter(pk=story.pk).update(headline="Talks collapse")
    for url in pages:
        assert "Talks collapse" in client.get(url).text, url

    Story.objects.filter(pk=other.pk).update(status=Story.Status.WITHDRAWN)
    assert "Older news" not in client.get("/").text
    assert client.get(other.get_absolute_url()).status_code == 410

    # A story inserted in bulk (as an import would) shows on the cached front page.
    Story.objects.bulk_create(
        [
            Story(
                headline="Bulk arrival",
                slug="bulk-arrival",
                published_at=story.published_at,
                status=Story.Status.PUBLISHED,
                section=story.section,
                body="<p>x</p>",
            )
        ]
    )
    assert "Bulk arrival" in client.get("/").text

    # Raw SQL, as a data migration might write it.
    with connections["default"].cursor() as cursor:
        cursor.execute("UPDATE articles_section SET name = %s", ["Abroad"])
    assert "Abroad" in client.get(story.get_absolute_url()).text


def test_query_parameters_pages_do_not_read_share_one_copy(client):
    StoryFactory.create_batch(25)
    first = client.get("/?utm_source=newsletter")
    assert first["X-Page-Cache"] == "miss"
    for junk in ["/", "/?r=1", "/?r=2&fbclid=abc", "/?utm_source=newsletter"]:
        assert client.get(junk)["X-Page-Cache"] == "hit", junk
    assert client.get("/?page=2&r=9")["X-Page-Cache"] == "miss"
    assert client.get("/?r=3&page=2")["X-Page-Cache"] == "hit"


def test_pages_are_kept_in_redis_and_served_from_the_database_when_it_is_down(client):
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "TIMEOUT": 60}
    # The Redis that .ci/run and the README's setup start, under this run's own prefix.
    running = {**redis, "LOCATION": "redis://127.0.0.1:6379/0", "KEY_PREFIX": run_name("pages")}
    stopped = {
        **redis,
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    StoryFactory(headline="Kept in Redis")
    with override_settings(CACHES={"default": running}):
        assert client.get("/")["X-Page-Cache"] == "miss"
        assert client.get("/")["X-Page-Cache"] == "hit"
        cache.clear()

    with override_settings(CACHES={"default": stopped}):
        for _ in range(2):
            response = client.get("/")
            assert response.status_code == 200
            assert "Kept in Redis" in response.text
            assert response["X-Page-Cache"] == "miss"
        health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "cache": "unavailable"}


def test_the_benchmark_floor_view_is_never_cached(client, settings, tmp_path):
    from django.urls import include, path

    from newsroom.views import bench_floor

    page = tmp_path / "floor.html"
    page.write_bytes(b"<!doctype html><title>Floor</title>" + b"x" * 500)
    settings.BENCH_FLOOR_FILE = str(page)
    settings.ROOT_URLCONF = type(
        "FloorURLs",
        (),
        {"urlpatterns": [path("bench/floor/", bench_floor), path("", include("newsroom.urls"))]},
    )
    if hasattr(bench_floor, "page"):
        del bench_floor.page

    for _ in range(2):
        response = client.get("/bench/floor/")
        assert response.status_code == 200
        assert response.content == page.read_bytes()
        # Its cost must stay the floor's: no cache lookup, in every layer.
        assert "X-Page-Cache" not in response
    del bench_floor.page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks")
def test_an_editor_saving_a_story_and_a_rename_touching_it_both_complete():
    from articles.cache import lock_for_change

    story = StoryFactory(headline="Locked for a save")
    person = story.people.create(name="Ann Envoy", slug="ann-envoy")
    locked = threading.Event()
    errors = []

    def editor():
        # The order the admin and the workflow take their locks in.
        try:
            with transaction.atomic():
                lock_for_change()
                Story.objects.select_for_update().get(pk=story.pk)
                locked.set()
                threading.Event().wait(0.5)
                Story.objects.filter(pk=story.pk).update(headline="Saved")
        except Exception as error:  # a deadlock would land here
            errors.append(error)
        finally:
            connections.close_all()

    def renamer():
        locked.wait(5)
        try:
            with transaction.atomic():
                # Renaming a person asks for the story's search text again: its row.
                Person.objects.filter(pk=person.pk).update(name="Ann Envoy-Smith")
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=editor), threading.Thread(target=renamer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    story.refresh_from_db()
    assert story.headline == "Saved"
    assert Person.objects.get(pk=person.pk).name == "Ann Envoy-Smith"


def test_people_tags_and_related_stories_added_reach_a_cached_page(client):
    # Django adds many-to-many rows with INSERT … ON CONFLICT DO NOTHING / OR IGNORE.
    story = StoryFactory(headline="Main")
    other = StoryFactory(headline="Chosen by the desk")
    url = story.get_absolute_url()
    assert "Chosen by the desk" not in client.get(url).text

    story.people.add(PersonFactory(name="Newly Named"))
    assert "Newly Named" in client.get(url).text
    story.tags.add("Fresh topic")
    assert "Fresh topic" in client.get(url).text
    story.related.add(other)
    assert "Chosen by the desk" in client.get(url).text


def listed_story(headline="Old headline"):
    """A story on every kind of public page: its section, tag, author, source and day."""
    story = StoryFactory(headline=headline, section__name="World", section__slug="world")
    BylineFactory(story=story, person=PersonFactory(name="Ada Reporter", slug="ada"))
    CitationFactory(story=story, source=SourceFactory(name="Ministry", slug="ministry"))
    story.tags.add("Harvest")
    day = timezone.localtime(story.published_at)
    urls = [
        "/",
        story.get_absolute_url(),
        "/sections/world/",
        "/tags/harvest/",
        "/people/ada/",
        "/sources/ministry/",
        f"/{day:%Y}/{day:%m}/{day:%d}/",
    ]
    return story, urls


def test_fragments_kept_for_uncached_pages_never_outlive_a_change(client, settings):
    settings.PAGE_CACHE = False
    story, urls = listed_story()
    for url in urls:
        assert "Old headline" in client.get(url).text, url

    Story.objects.filter(pk=story.pk).update(headline="New headline")

    for url in urls:
        html = client.get(url).text
        assert "New headline" in html and "Old headline" not in html, url


def test_the_sections_in_every_header_follow_a_rename(client, settings):
    settings.PAGE_CACHE = False
    story, urls = listed_story()
    StoryFactory(section__name="Sport", section__slug="sport")
    urls = ["/sections/sport/", *urls]
    for url in urls:
        assert ">World<" in client.get(url).text, url

    Section.objects.filter(slug="world").update(name="Abroad")

    for url in urls:
        nav = client.get(url).text.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
        assert ">Abroad<" in nav and ">World<" not in nav, url
        assert ('aria-current="page">Abroad<' in nav) == (url == "/sections/world/"), url
        assert ('aria-current="page">Sport<' in nav) == (url == "/sections/sport/"), url


def test_a_page_whose_cards_are_kept_as_markup_reads_no_story_again(client, settings):
    settings.PAGE_CACHE = False
    story, urls = listed_story()
    for _ in range(4):
        other = StoryFactory(section=story.section, published_at=story.published_at)
        BylineFactory(story=other, person=Person.objects.get(slug="ada"))
        CitationFactory(story=other, source=story.citations.get().source)
        other.tags.add("Harvest")

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        return len(captured)

    first = [queries(url) for url in urls]
    again = [queries(url) for url in urls]

    # Again: the content's state alone (not the section, tag, person or source
    # listed, nor stories, bylines or pictures). A day's archive still asks
    # Django's date views for its neighbours.
    front, story_page, *listings, _day = again
    assert (front, story_page) == (1, 1)
    assert listings == [1, 1, 1, 1]
    assert all(then > now for then, now in zip(first, again, strict=True))


def test_kept_markup_is_the_page_as_rendered_without_it(client, settings):
    settings.PAGE_CACHE = False
    story, urls = listed_story()
    BylineFactory(story=StoryFactory(headline="About her"), person=PersonFactory(slug="bo"))
    Story.objects.get(headline="About her").people.add(Person.objects.get(slug="ada"))
    for url in urls:
        client.get(url)

    kept = {url: client.get(url).content for url in urls}
    settings.FRAGMENT_CACHE = False
    rendered = {url: client.get(url).content for url in urls}

    assert kept == rendered
    person_page = kept["/people/ada/"].decode()
    assert person_page.index("Stories by Ada Reporter") < person_page.index("Old headline")
    assert person_page.index("Stories about Ada Reporter") < person_page.index("About her")
