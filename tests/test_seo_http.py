"""What crawlers and link checkers see of the readers' pages over HTTP: the methods
pages allow, redirects that keep campaign tags, and Last-Modified from the content."""

import datetime
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from django.utils.http import http_date

from articles.models import LivePost
from tests.factories import CorrectionFactory, PersonFactory, StoryFactory
from tests.test_seo import Head

pytestmark = pytest.mark.django_db

WRITTEN = datetime.datetime(2025, 3, 4, 10, 0, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


def http_moment(moment: datetime.datetime) -> str:
    return http_date(moment.timestamp())


@pytest.fixture
def story():
    with time_machine.travel(WRITTEN, tick=False):
        story = StoryFactory(headline="Talks begin", slug="talks-begin", published_at=WRITTEN)
        story.tags.add("Diplomacy")
    return story


# Wrong methods


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/feed/",
        "/feed/atom/",
        "/2025/03/04/talks-begin/",
        "/sections/world/",
        "/sections/world/feed/",
        "/tags/diplomacy/",
        "/search/?q=talks",
        "/corrections/",
        "/2025/",
        "/sitemap.xml",
        "/robots.txt",
    ],
)
def test_pages_and_feeds_answer_other_methods_with_405_and_what_they_allow(
    client, story, method, url
):
    response = getattr(client, method)(url)

    assert response.status_code == 405, (method, url)
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_a_post_without_a_csrf_token_gets_405_not_403(story):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/feed/").status_code == 405
    assert strict.post(story.get_absolute_url(), {"a": "b"}).status_code == 405


def test_options_lists_the_methods_a_page_allows(client, story):
    response = client.options(story.get_absolute_url())
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.content == b""


def test_get_and_head_still_read_the_pages(client, story):
    assert client.get(story.get_absolute_url()).status_code == 200
    assert client.head("/feed/").status_code == 200


def test_forms_outside_the_readers_pages_still_take_posts(client, editor):
    from django.test import Client

    signed_in = Client(enforce_csrf_checks=False)
    # The admin's sign-in form: a wrong password is a form error, not a 405.
    response = signed_in.post("/admin/login/", {"username": editor.username, "password": "x"})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text
    # The CSRF check still guards the admin.
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/admin/login/", {"username": "a", "password": "b"}).status_code == 403


# Redirects keep the query string


def test_a_story_moved_to_a_new_address_keeps_the_campaign_tags(client, story):
    old = story.get_absolute_url()
    story.slug = "talks-began"
    story.save()

    first = client.get(f"{old}?utm_source=newsletter&utm_medium=email")
    # Kept by the page cache under the address alone: the next reader's tags win.
    second = client.get(f"{old}?utm_source=social")
    bare = client.get(old)

    assert first.status_code == 301
    assert first["Location"] == "/2025/03/04/talks-began/?utm_source=newsletter&utm_medium=email"
    assert second.status_code == 301 and second["X-Page-Cache"] == "hit"
    assert second["Location"] == "/2025/03/04/talks-began/?utm_source=social"
    assert bare["Location"] == "/2025/03/04/talks-began/"


def test_a_mistyped_date_redirects_with_the_query_string(client, story):
    response = client.get("/2025/03/05/talks-begin/?utm_campaign=spring")
    assert response.status_code == 301
    assert response["Location"] == "/2025/03/04/talks-begin/?utm_campaign=spring"


def test_a_missing_slash_redirects_with_the_query_string(client, story):
    response = client.get("/2025/03/04/talks-begin?utm_source=a")
    assert response.status_code == 301
    assert response["Location"] == "/2025/03/04/talks-begin/?utm_source=a"
    again = client.get("/2025/03/04/talks-begin?utm_source=b")
    assert again["Location"] == "/2025/03/04/talks-begin/?utm_source=b"


def test_a_preview_of_a_public_story_redirects_with_the_query_string(client, story):
    response = client.get(f"{story.get_preview_url()}?utm_source=slack")
    assert response.status_code == 302
    assert response["Location"] == "/2025/03/04/talks-begin/?utm_source=slack"


def test_an_old_share_card_address_redirects_with_the_query_string(client, story):
    response = client.get(f"/cards/{story.pk}-0123456789abcdef.png?v=2")
    assert response.status_code == 301
    assert response["Location"].endswith(f"-{story.card_digest()}.png?v=2")


# Last-Modified from the content


def test_a_story_page_is_last_modified_when_the_story_last_changed(client, story):
    page = client.get(story.get_absolute_url())

    assert page["Last-Modified"] == http_moment(WRITTEN)
    assert page["ETag"]


def test_a_correction_moves_the_story_pages_last_modified(client, story):
    corrected = WRITTEN + 5 * HOUR
    CorrectionFactory(story=story, created_at=corrected)

    page = client.get(story.get_absolute_url())

    assert page["Last-Modified"] == http_moment(corrected)
    # What the page tells search engines agrees.
    head = Head(page.text)
    assert head.meta["article:modified_time"] == ["2025-03-04T15:00:00+00:00"]
    assert head.of_type("NewsArticle")["dateModified"] == "2025-03-04T15:00:00+00:00"


def test_a_live_post_moves_the_story_pages_last_modified(client):
    with time_machine.travel(WRITTEN, tick=False):
        story = StoryFactory(published_at=WRITTEN, live_from=WRITTEN)
    with time_machine.travel(WRITTEN + 2 * HOUR, tick=False):
        LivePost.objects.create(story=story, author=PersonFactory(), body="<p>Talks resume.</p>")

    CorrectionFactory(story=story, created_at=WRITTEN + HOUR)
    page = client.get(story.get_absolute_url())

    assert page["Last-Modified"] == http_moment(WRITTEN + 2 * HOUR)
    article = Head(page.text).of_type("LiveBlogPosting")
    assert article["dateModified"] == "2025-03-04T12:00:00+00:00"
    live = client.get(f"{story.get_absolute_url()}live/")
    assert live["Last-Modified"] == http_moment(WRITTEN + 2 * HOUR)


def test_if_modified_since_answers_304_until_the_story_changes(client, story):
    url = story.get_absolute_url()
    since = client.get(url)["Last-Modified"]

    assert client.get(url, headers={"If-Modified-Since": since}).status_code == 304
    earlier = http_moment(WRITTEN - HOUR)
    assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200

    with time_machine.travel(WRITTEN + 3 * HOUR, tick=False):
        story.dek = "Talks began in Riyadh."
        story.save()
    changed = client.get(url, headers={"If-Modified-Since": since})
    assert changed.status_code == 200
    assert changed["Last-Modified"] == http_moment(WRITTEN + 3 * HOUR)


def test_a_page_kept_by_the_cache_keeps_the_contents_last_modified(client, story):
    url = story.get_absolute_url()
    with time_machine.travel(WRITTEN + 10 * HOUR, tick=False):
        # Another story changing files this page again, later: its date stays.
        StoryFactory(published_at=WRITTEN - HOUR)
        response = client.get(url)
    assert response["Last-Modified"] == http_moment(WRITTEN)


def test_a_listing_is_last_modified_when_the_newest_story_it_shows_changed(client, story):
    with time_machine.travel(WRITTEN + 4 * HOUR, tick=False):
        newer = StoryFactory(published_at=WRITTEN + HOUR)
        newer.tags.add("Diplomacy")
    with time_machine.travel(WRITTEN + 9 * HOUR, tick=False):
        # Not in the tag's listing: it leaves that listing's date alone.
        StoryFactory(published_at=WRITTEN + 2 * HOUR)

    expected = {
        "/tags/diplomacy/": WRITTEN + 4 * HOUR,
        "/": WRITTEN + 9 * HOUR,
        "/sections/world/": WRITTEN + 9 * HOUR,
        "/2025/03/04/": WRITTEN + 9 * HOUR,
        "/search/?q=talks": WRITTEN,
    }
    for url, moment in expected.items():
        # Twice: rendered, then kept by the cache.
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, url
            assert parsedate_to_datetime(response["Last-Modified"]) == moment, url


def test_the_corrections_page_is_last_modified_at_its_newest_correction(client, story):
    CorrectionFactory(story=story, created_at=WRITTEN + 6 * HOUR)
    CorrectionFactory(story=story, created_at=WRITTEN + 2 * HOUR)

    response = client.get("/corrections/")

    assert response["Last-Modified"] == http_moment(WRITTEN + 6 * HOUR)
