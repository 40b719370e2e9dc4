"""Live coverage: a story's posts, as readers, feeds, search engines and the desk see them."""

import datetime
import json
import re

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version

from articles.cache import content_state
from articles.models import Image, LivePost, Story
from articles.workflow import WorkflowError, story_end_coverage, story_start_coverage
from newsroom.jinja2 import machine_time
from tests.factories import (
    BylineFactory,
    LivePostFactory,
    PersonFactory,
    StoryFactory,
    story_with_everything,
)
from tests.forms import edit, form_values
from tests.pictures import photo
from tests.test_seo import Head
from tests.test_views import QUERY_BUDGET, count_queries

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
ADD_URL = "/admin/articles/livepost/add/"


def live_story(**kwargs):
    kwargs.setdefault("live_from", timezone.now() - 3 * HOUR)
    return StoryFactory(**kwargs)


def ago(minutes):
    return timezone.now() - datetime.timedelta(minutes=minutes)


def post(story, minutes_ago=1, **kwargs):
    return LivePostFactory(story=story, published_at=ago(minutes_ago), **kwargs)


def posts_part(html):
    """The posts as the page shows them (the structured data in the head holds them too)."""
    return html[html.index('<section class="live"') :]


def positions(html, *needles):
    return [posts_part(html).index(needle) for needle in needles]


def live_url(story):
    return story.get_live_url()


# Readers' pages


def test_a_post_saved_by_any_path_shows_on_the_next_anonymous_request(client):
    story = live_story()
    author = PersonFactory(name="Ann Field")
    first = client.get(story.get_absolute_url())
    assert "No updates yet." in first.text
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"

    LivePost.objects.create(story=story, author=author, body="<p>Sirens on the bridge.</p>")

    page = client.get(story.get_absolute_url())
    assert page["X-Page-Cache"] == "miss"
    assert "Sirens on the bridge." in page.text
    assert "Sirens on the bridge." in client.get(live_url(story)).text


def test_without_javascript_the_page_shows_every_post_with_its_time_author_and_link(client):
    story = live_story(headline="Election night")
    ann = PersonFactory(name="Ann Field", slug="ann-field")
    posts = [
        post(story, 30, author=ann, headline="Polls close", body="<p>Counting begins.</p>"),
        post(story, 10, author=ann, body="<p>First result: a <strong>hold</strong>.</p>"),
    ]

    html = client.get(story.get_absolute_url()).text

    assert '<strong class="live-badge__label">Live</strong>' in html
    assert f'<time datetime="{machine_time(story.live_from)}">' in html
    for item in posts:
        assert f'id="post-{item.pk}"' in html
        assert f'href="#post-{item.pk}"' in html
        assert f'<time datetime="{machine_time(item.published_at)}">' in html
    assert posts_part(html).count('href="/people/ann-field/">Ann Field</a>') == 2
    assert '<h3 class="live-post__headline">Polls close</h3>' in html
    assert "First result: a <strong>hold</strong>." in html
    # Newest first.
    assert positions(html, "First result", "Counting begins.") == sorted(
        positions(html, "First result", "Counting begins.")
    )
    assert f'data-live-url="{live_url(story)}"' in html
    assert '<script src="/static/js/live.js" defer></script>' in html


def test_pinned_posts_come_first_then_the_others_newest_first(client):
    story = live_story()
    post(story, 50, body="<p>Oldest.</p>")
    post(story, 40, body="<p>Pinned summary.</p>", pinned=True)
    post(story, 5, body="<p>Newest.</p>")
    post(story, 20, body="<p>Middle.</p>")

    html = client.get(story.get_absolute_url()).text
    order = positions(html, "Pinned summary.", "Newest.", "Middle.", "Oldest.")

    assert order == sorted(order)
    assert posts_part(html).count("Pinned summary.") == 1


def test_key_events_are_summed_up_at_the_top_with_links_to_the_posts(client):
    story = live_story(body="<p>The story so far.</p>")
    vote = post(story, 30, headline="Parliament votes", key_event=True)
    quiet = post(story, 20, body="<p>A quiet spell in the chamber, as members wait.</p>")
    result = post(story, 10, body="<p>The motion passes by 12 votes.</p>", key_event=True)

    html = client.get(story.get_absolute_url()).text
    events = html.split('id="live-key-events"')[1].split("</nav>")[0]

    assert f'href="#post-{vote.pk}"' in events and "Parliament votes" in events
    assert f'href="#post-{result.pk}"' in events and "The motion passes by 12 votes." in events
    assert f'href="#post-{quiet.pk}"' not in events
    # At the top: before the story's own text and the posts.
    body = html.split("</head>")[1]
    assert body.index('id="live-key-events"') < body.index("The story so far.")


def test_post_bodies_are_sanitised_and_show_pictures_from_the_library(client):
    name = default_storage.save("originals/scene.jpg", ContentFile(photo((400, 300))))
    picture = Image.objects.create(file=name, alt_text="Crowds outside", credit="Agency")
    # As the job leaves it once the picture is saved.
    Image.objects.filter(pk=picture.pk).update(
        renditions={"jpeg": [[400, 300, "renditions/scene.jpg"]], "webp": []}
    )
    story = live_story()
    post(
        story,
        body='<p onclick="steal()">Crowds gather.</p><script>steal()</script>'
        f'<figure class="library-image" data-image-id="{picture.pk}"></figure>',
    )

    html = client.get(story.get_absolute_url()).text

    assert "Crowds gather." in html
    assert "steal()" not in html
    assert 'alt="Crowds outside"' in html


def test_a_story_never_covered_live_has_no_live_part_and_its_live_addresses_answer_404(client):
    story = StoryFactory()
    html = client.get(story.get_absolute_url()).text

    assert 'class="live' not in html and "live.js" not in html
    assert client.get(live_url(story)).status_code == 404
    assert client.get(story.get_live_feed_url()).status_code == 404


@pytest.mark.parametrize("state", ["draft", "scheduled", "withdrawn"])
def test_the_live_addresses_of_a_story_not_public_answer_404(client, state):
    story = live_story(**{state: True}, published_at=timezone.now() + HOUR)
    post(story)
    base = f"/{timezone.localtime(story.published_at):%Y/%m/%d}/{story.slug}/"

    assert client.get(f"{base}live/").status_code == 404
    assert client.get(f"{base}live/feed/").status_code == 404


def test_ended_coverage_says_so_keeps_its_posts_and_stops_polling(client):
    story = live_story()
    post(story, body="<p>The last word.</p>")
    story.live_until = timezone.now()
    story.save()

    html = client.get(story.get_absolute_url()).text

    assert "Live coverage ended" in html
    assert "The last word." in html
    assert "live.js" not in html and "data-live-url" not in html
    fragment = client.get(live_url(story)).text
    assert 'data-live-state="ended"' in fragment and "Live coverage ended" in fragment


def test_the_live_address_is_one_public_page_for_everyone_answering_304_when_unchanged(client):
    story = live_story()
    post(story, body="<p>First.</p>")

    first = client.get(live_url(story))
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss" and "public" in first["Cache-Control"]
    assert 'data-live-state="open"' in first.text and "First." in first.text
    # The same address whatever the reader has seen: no parameters, no cookies.
    assert not first.cookies
    etag = first["ETag"]

    unchanged = client.get(live_url(story), headers={"If-None-Match": etag})
    assert unchanged.status_code == 304

    post(story, body="<p>Second.</p>")
    changed = client.get(live_url(story), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag and "Second." in changed.text


def test_the_story_page_of_thirty_posts_costs_the_queries_of_one(client):
    small = story_with_everything(live_from=timezone.now() - HOUR)
    post(small)
    small_count = count_queries(client, small.get_absolute_url())

    big = story_with_everything(live_from=timezone.now() - HOUR)
    for minutes in range(30):
        post(big, minutes, author=PersonFactory(), key_event=minutes % 5 == 0, pinned=minutes == 7)
    big_count = count_queries(client, big.get_absolute_url())

    assert big_count == small_count
    # The story page's budget, and its posts with their authors: one query more.
    assert big_count <= QUERY_BUDGET["story"] + 1
    assert client.get(big.get_absolute_url()).text.count('<article class="live-post') == 30


def test_the_live_address_reads_the_story_and_its_posts_in_a_few_queries(client):
    story = live_story()
    for minutes in range(30):
        post(story, minutes, author=PersonFactory())
    content_state()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(live_url(story))

    assert response.status_code == 200
    assert response.text.count('<article class="live-post') == 30
    # The content's state, the story, its posts with their authors.
    assert len(queries) <= 3


def test_the_story_page_links_its_live_feed(client):
    story = live_story()
    head = Head(client.get(story.get_absolute_url()).text)
    assert story.get_live_feed_url() in head.links["alternate"]


# Search engines


def structured_data(client, story):
    html = client.get(story.get_absolute_url()).text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return [json.loads(block) for block in blocks]


def test_a_live_story_is_a_live_blog_posting_with_its_posts_as_updates(client):
    story = live_story(headline="Election night")
    BylineFactory(story=story, person=PersonFactory(name="Ada Reporter"))
    ann = PersonFactory(name="Ann Field")
    post(story, 20, author=ann, headline="Polls close", body="<p>Counting <em>begins</em>.</p>")
    post(story, 10, author=ann, body="<p>First result declared.</p>")

    [article] = [d for d in structured_data(client, story) if d["@type"] != "BreadcrumbList"]

    assert article["@type"] == "LiveBlogPosting"
    assert article["headline"] == "Election night"
    assert article["author"][0]["name"] == "Ada Reporter"
    assert article["publisher"]["@type"] == "NewsMediaOrganization"
    assert datetime.datetime.fromisoformat(article["coverageStartTime"]) == story.live_from
    assert "coverageEndTime" not in article
    newest, oldest = article["liveBlogUpdate"]
    assert newest["@type"] == oldest["@type"] == "BlogPosting"
    assert oldest["headline"] == "Polls close"
    assert oldest["articleBody"] == "Counting begins ."
    assert newest["headline"] == "First result declared."
    assert newest["author"]["name"] == "Ann Field"
    assert newest["url"].endswith(f"{story.get_absolute_url()}#post-{story.live_posts.first().pk}")
    assert datetime.datetime.fromisoformat(newest["datePublished"]) <= timezone.now()


def test_ended_coverage_gives_its_end_time_and_a_story_not_live_stays_a_news_article(client):
    story = live_story(live_until=timezone.now())
    [article] = [d for d in structured_data(client, story) if d["@type"] != "BreadcrumbList"]
    assert datetime.datetime.fromisoformat(article["coverageEndTime"]) == story.live_until

    plain = StoryFactory()
    types = {d["@type"] for d in structured_data(client, plain)}
    assert types == {"NewsArticle", "BreadcrumbList"}


# Feeds


def test_the_live_feed_has_one_entry_per_post_newest_first(client):
    story = live_story(headline="Election night")
    ann = PersonFactory(name="Ann Field", slug="ann-field")
    first = post(story, 20, author=ann, headline="Polls close", body="<p>Counting begins.</p>")
    second = post(story, 10, author=ann, body="<p>First result declared in the north.</p>")

    response = client.get(story.get_live_feed_url())
    feed = feedparser.parse(response.content)

    assert response["Content-Type"].startswith("application/atom+xml")
    assert not feed.bozo
    assert feed.feed.title == "Live: Election night · Newsroom"
    assert [entry.title for entry in feed.entries] == [
        "First result declared in the north.",
        "Polls close",
    ]
    newest, oldest = feed.entries
    assert newest.link == f"http://testserver{story.get_absolute_url()}#post-{second.pk}"
    # Ids for life, not addresses: a new slug must not repeat the posts in readers.
    assert oldest.id == f"{story.uri}/live/post-{first.pk}"
    assert newest.author == "Ann Field"
    assert newest.content[0].value == "<p>First result declared in the north.</p>"


def test_the_site_feed_keeps_one_entry_per_story_updated_by_its_latest_post(client):
    story = live_story(headline="Election night")
    Story.objects.filter(pk=story.pk).update(updated_at=timezone.now() - 2 * HOUR)
    latest = post(story, 3)
    post(story, 30)

    feed = feedparser.parse(client.get("/feed/atom/").content)

    [entry] = feed.entries
    assert entry.title == "Election night"
    assert entry.updated_parsed[:5] == latest.published_at.utctimetuple()[:5]


# The desk


def test_an_editor_starts_coverage_and_posts_without_publishing_the_story_again(
    editor_client, editor
):
    story = StoryFactory(headline="Election night")
    form = editor_client.get(f"/admin/articles/story/{story.pk}/change/").text
    start = f"/admin/articles/story/{story.pk}/live/start/"
    assert start in form

    assert "will be covered live" in editor_client.get(start).text
    assert editor_client.post(start).status_code == 302
    story.refresh_from_db()
    assert story.is_live() and story.status == Story.Status.PUBLISHED
    published_at = story.published_at

    add = editor_client.get(f"{ADD_URL}?story={story.pk}")
    data = form_values(add.text, "livepost_form")
    assert data["story"] == str(story.pk)
    assert data["author"] == str(editor.person.pk)  # signed by whoever writes it
    data.update(headline="Polls close", body="<p>Counting begins.</p>", key_event="on")
    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 302, response.context["adminform"].errors
    [item] = story.live_posts.all()
    assert (item.headline, item.key_event, item.created_by) == ("Polls close", True, editor)
    assert abs(item.published_at - timezone.now()) < datetime.timedelta(seconds=30)
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED and story.published_at == published_at
    # The story's history records the post.
    latest = Version.objects.get_for_object(story).first()
    assert latest.revision.get_comment() == "Live post added: “Polls close”"
    held = latest.revision.version_set.filter(content_type__model="livepost")
    assert [v.field_dict["body"] for v in held] == ["<p>Counting begins.</p>"]


def test_an_editor_posts_from_the_story_form_newest_first_as_one_revision(editor_client, editor):
    story = live_story()
    older = post(story, 30, body="<p>Earlier.</p>")

    form = editor_client.get(f"/admin/articles/story/{story.pk}/change/").text
    assert form.index("live_posts-0-") < form.index("live_posts-1-")
    assert f'name="live_posts-0-id" value="{older.pk}"' in form
    edit(
        editor_client,
        story,
        **{
            "live_posts-1-body": "<p>Now from the form.</p>",
            "live_posts-1-pinned": "on",
        },
    )

    newest = story.live_posts.first()
    assert newest.body == "<p>Now from the form.</p>" and newest.pinned
    assert newest.author == editor.person and newest.created_by == editor
    held = Version.objects.get_for_object(story).first().revision.version_set
    assert held.filter(content_type__model="livepost").count() == 2


def test_a_post_s_time_can_be_corrected_but_not_set_ahead(editor_client):
    story = live_story()
    item = post(story, 5)
    data = form_values(
        editor_client.get(f"/admin/articles/livepost/{item.pk}/change/").text, "livepost_form"
    )
    ahead = timezone.localtime() + 2 * HOUR
    data.update({"published_at_0": f"{ahead:%Y-%m-%d}", "published_at_1": f"{ahead:%H:%M:%S}"})

    response = editor_client.post(f"/admin/articles/livepost/{item.pk}/change/", data)

    assert response.status_code == 200
    assert "its time cannot be ahead" in response.text


def test_a_reporter_posts_on_their_own_draft_but_not_on_a_published_story(
    reporter_client, reporter
):
    draft = live_story(draft=True, created_by=reporter, headline="Own draft")
    published = live_story(headline="Colleague's story")
    add = form_values(reporter_client.get(ADD_URL).text, "livepost_form")
    choices = reporter_client.get(ADD_URL).text.split('name="story"')[1].split("</select>")[0]
    assert "Own draft" in choices and "Colleague" not in choices

    ok = reporter_client.post(ADD_URL, {**add, "story": draft.pk, "body": "<p>Ready.</p>"})
    refused = reporter_client.post(
        ADD_URL, {**add, "story": published.pk, "body": "<p>Sneaky.</p>"}
    )

    assert ok.status_code == 302
    assert draft.live_posts.get().body == "<p>Ready.</p>"
    assert refused.status_code == 200
    assert "may post on it" in refused.text
    assert not published.live_posts.exists()
    # On the published story's form the posts are read-only for them.
    form = reporter_client.get(f"/admin/articles/story/{published.pk}/change/").text
    assert "live_posts-TOTAL_FORMS" not in form or 'name="live_posts-0-body"' not in form
    assert (
        reporter_client.post(f"/admin/articles/story/{published.pk}/live/end/").status_code == 403
    )


def test_after_coverage_ends_no_post_is_added_changed_or_removed(editor_client, editor):
    story = live_story(headline="Election night")
    item = post(story, body="<p>As it was.</p>")
    story_end_coverage(story=story, user=editor)
    story.refresh_from_db()
    assert story.live_until is not None

    add = form_values(editor_client.get(ADD_URL).text, "livepost_form")
    added = editor_client.post(ADD_URL, {**add, "story": story.pk, "body": "<p>Late.</p>"})
    change_url = f"/admin/articles/livepost/{item.pk}/change/"
    page = editor_client.get(change_url).text
    changed = editor_client.post(
        change_url, {"body": "<p>Rewritten.</p>", "author": item.author_id}
    )
    removed = editor_client.post(f"/admin/articles/livepost/{item.pk}/delete/", {"post": "yes"})

    assert "ended at" in added.text and "can no longer be added" in added.text
    assert "ended at" in page and 'name="_save"' not in page
    assert changed.status_code == 200 and "can no longer be added" in changed.text
    assert removed.status_code == 403
    item.refresh_from_db()
    assert item.body == "<p>As it was.</p>"
    assert list(story.live_posts.all()) == [item]
    # The story's form shows the posts read-only, and a forged one is not taken.
    form = editor_client.get(f"/admin/articles/story/{story.pk}/change/").text
    assert "Live coverage ended" in form and 'name="live_posts-0-body"' not in form
    edit(editor_client, story, dek="Still editable.", **{"live_posts-0-body": "<p>Forged.</p>"})
    item.refresh_from_db()
    assert item.body == "<p>As it was.</p>"
    with pytest.raises(WorkflowError, match="ended at"):
        story_start_coverage(story=story, user=editor)


def test_a_post_typed_while_coverage_ended_meanwhile_is_refused_with_a_message(
    editor_client, editor
):
    story = live_story()
    url = f"/admin/articles/story/{story.pk}/change/"
    data = form_values(editor_client.get(url).text, "story_form")
    story_end_coverage(story=story, user=editor)

    data.update({"live_posts-0-body": "<p>Too late.</p>"})
    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "after you opened it" in response.text
    assert not story.live_posts.exists()


def test_compare_shows_the_posts_and_a_revert_keeps_them_and_the_coverage(editor_client, editor):
    story = live_story(headline="Election night")
    edit(editor_client, story, dek="Before the posts.")
    before_posts = Version.objects.get_for_object(story).first()
    edit(
        editor_client, story, dek="With posts.", **{"live_posts-0-body": "<p>Counting begins.</p>"}
    )

    newer = Version.objects.get_for_object(story).first()
    compare = editor_client.get(
        f"/admin/articles/story/{story.pk}/history/compare/",
        {"from": before_posts.pk, "to": newer.pk},
    ).text
    assert "Live posts" in compare and ": Counting begins.</ins>" in compare

    revert_url = f"/admin/articles/story/{story.pk}/history/{before_posts.pk}/"
    revert = editor_client.get(revert_url)
    restores = revert.text.split('revert-changes"')[1].split("</table>")[0]
    assert "Standfirst" in restores and "Live posts" not in restores
    data = form_values(revert.text, "story_form")
    assert editor_client.post(revert_url, data).status_code == 302

    story.refresh_from_db()
    assert story.dek == "Before the posts."
    assert [p.body for p in story.live_posts.all()] == ["<p>Counting begins.</p>"]
    assert story.is_live()


def test_starting_and_ending_coverage_needs_the_right_to_edit_the_story(reporter, editor):
    story = StoryFactory()
    with pytest.raises(WorkflowError, match="may not start"):
        story_start_coverage(story=story, user=reporter)
    story_start_coverage(story=story, user=editor)
    with pytest.raises(WorkflowError, match="covered live already"):
        story_start_coverage(story=story, user=editor)
    with pytest.raises(WorkflowError, match="may not end"):
        story_end_coverage(story=story, user=reporter)
    comments = [v.revision.get_comment() for v in Version.objects.get_for_object(story)]
    assert comments == ["Live coverage started"]
    with pytest.raises(WorkflowError, match="withdrawn"):
        story_start_coverage(story=StoryFactory(withdrawn=True), user=editor)
