"""What editors put in a story's body beyond text, and what readers get of it:
tables, pull quotes, pictures from the library, embeds and editors' notes."""

import io
import re

import feedparser
import pytest
from django.core.files.base import ContentFile
from PIL import Image as PILImage

from articles.body import public_text, render_body, strip_notes
from articles.embeds import FRAME_HOSTS, EmbedError, embed_from_url
from articles.models import Image, Story
from articles.sanitize import sanitize_html
from tests.factories import StoryFactory
from tests.oembed import oembed_provider
from tests.test_images import committed
from tests.test_views import count_queries

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
NOTE = '<aside class="editors-note"><p>Zanzibarian lawyers checked paragraph four.</p></aside>'
NOTE_WORD = "Zanzibarian"


def embed_markup(url=YOUTUBE, provider="youtube", title="Talks in Geneva, live", author="UN"):
    return (
        f'<figure class="embed" data-embed-provider="{provider}" data-embed-url="{url}">'
        f'<p><a href="{url}">{title}</a></p><figcaption>{author}</figcaption></figure>'
    )


def library_picture(alt="Delegates at the table", credit="Jane Doe/Agency", caption="Geneva."):
    buffer = io.BytesIO()
    PILImage.new("RGB", (1400, 700), "navy").save(buffer, "JPEG")
    with committed():  # its renditions are made once it commits
        image = Image.objects.create(
            file=ContentFile(buffer.getvalue(), name="photo.jpg"),
            alt_text=alt,
            credit=credit,
            caption=caption,
        )
    image.refresh_from_db()
    assert image.ready
    return image


def picture_markup(image):
    return f'<figure class="library-image" data-image-id="{image.pk}"></figure>'


# The sanitiser


def test_forged_frames_scripts_and_handlers_are_dropped_from_the_body():
    cleaned = sanitize_html(
        '<p onclick="steal()">Text</p><iframe src="https://evil.example/"></iframe>'
        "<script>alert(1)</script>"
        f'<figure class="embed" onload="steal()" data-embed-provider="youtube" '
        f'data-embed-url="{YOUTUBE}"><p><a href="{YOUTUBE}">Video</a></p></figure>'
        '<figure class="library-image" data-image-id="7" style="x"><img src="https://t.example/p.gif"></figure>'
    )
    assert "iframe" not in cleaned and "script" not in cleaned
    assert "onclick" not in cleaned and "onload" not in cleaned and "style" not in cleaned
    assert "<img" not in cleaned
    # What editors made is kept.
    assert f'data-embed-url="{YOUTUBE}"' in cleaned
    assert 'data-image-id="7"' in cleaned


def test_an_embed_with_a_javascript_url_or_an_unknown_provider_keeps_no_address():
    cleaned = sanitize_html(
        '<figure class="embed" data-embed-provider="evil" data-embed-url="javascript:alert(1)">'
        '<p><a href="javascript:alert(1)">Click</a></p></figure>'
        '<figure class="embed" data-embed-provider="youtube" '
        'data-embed-url="https://evil.example/watch?v=dQw4w9WgXcQ"><p>Other</p></figure>'
    )
    assert "javascript" not in cleaned
    assert "evil" not in cleaned
    html = render_body(cleaned, {})
    assert "data-embed-frame" not in html and "<iframe" not in html
    assert "Click" in html and "Other" in html


def test_a_picture_reference_must_be_a_number():
    cleaned = sanitize_html('<figure class="library-image" data-image-id="1 or 1=1"></figure>')
    assert "data-image-id" not in cleaned


def test_notes_are_kept_for_the_desk_one_level_deep_and_other_asides_are_unwrapped():
    cleaned = sanitize_html(
        '<aside class="editors-note"><p>Outer</p>'
        '<aside class="editors-note"><p>Inner</p></aside></aside>'
        '<aside class="sidebar"><p>Pasted aside</p></aside>'
    )
    assert cleaned.count("<aside") == 1
    assert '<aside class="editors-note"><p>Outer</p><p>Inner</p>' in cleaned
    assert "<p>Pasted aside</p>" in cleaned
    assert public_text(cleaned) == "Pasted aside"


def test_an_attribute_cannot_end_a_note_early():
    cleaned = sanitize_html(
        '<aside class="editors-note"><p><a title="</aside>" href="https://e.example/</aside>">'
        f"x</a> {NOTE_WORD}</p></aside>"
    )
    assert NOTE_WORD not in strip_notes(cleaned)
    assert NOTE_WORD not in public_text(cleaned)


# Readers' pages


def test_a_table_scrolls_sideways_in_a_named_region_and_heads_its_columns(client):
    story = StoryFactory(
        body="<table><tbody><tr><th>Country</th><th>Votes</th></tr>"
        "<tr><td>France</td><td>12</td></tr></tbody></table>"
    )
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<div class="table-scroll" role="region" aria-label="Table 1" tabindex="0">' in html
    assert '<th scope="col">Country</th>' in html
    assert "<td>France</td>" in html


def test_a_pull_quote_still_renders_as_one(client):
    quote = '<blockquote class="pull-quote"><p>We will not retreat.</p></blockquote>'
    story = StoryFactory(body=quote)
    assert quote in client.get(story.get_absolute_url()).content.decode()


def test_a_library_picture_shows_its_renditions_caption_and_credit(client):
    image = library_picture()
    story = StoryFactory(body=f"<p>Before.</p>{picture_markup(image)}<p>After.</p>")
    html = client.get(story.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="body-image">.*?</figure>', html, re.S).group(0)
    assert 'type="image/webp"' in figure
    assert re.search(r'srcset="[^"]+ 320w, [^"]+ 640w', figure)
    assert 'alt="Delegates at the table"' in figure and 'loading="lazy"' in figure
    assert '<span class="credit">Jane Doe/Agency</span>' in figure
    assert "Geneva." in figure


def test_a_story_page_reads_its_pictures_in_one_query_however_many(client):
    one = StoryFactory(body=picture_markup(library_picture()))
    images = [library_picture(alt=f"Picture {n}") for n in range(4)]
    four = StoryFactory(body="".join(picture_markup(image) for image in images))
    count_queries(client, StoryFactory().get_absolute_url())  # what any first page reads
    assert count_queries(client, four.get_absolute_url()) == count_queries(
        client, one.get_absolute_url()
    )
    html = client.get(four.get_absolute_url()).content.decode()
    assert html.count('<figure class="body-image">') == 4


def test_a_deleted_picture_leaves_the_body_without_a_trace(client):
    image = library_picture(alt="Soon deleted")
    story = StoryFactory(body=f"<p>Text stays.</p>{picture_markup(image)}")
    with committed():
        image.delete()
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Text stays." in html
    assert "Soon deleted" not in html and "data-image-id" not in html


def test_an_embed_is_a_link_until_the_reader_asks_and_loads_no_third_party(client):
    story = StoryFactory(body=sanitize_html(embed_markup()))
    response = client.get(story.get_absolute_url())
    html = response.content.decode()
    assert "<iframe" not in html
    # No script from anywhere but the site: its embeds' and its share sheet's.
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"", html)
    assert sorted(scripts) == ["/static/js/embeds.js", "/static/js/share.js"]
    assert f'<a href="{YOUTUBE}">Talks in Geneva, live</a>' in html
    assert 'data-embed-frame="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert "Show the video from YouTube" in html
    assert "This loads content from www.youtube-nocookie.com." in html
    # Hidden until the script offers it: without JavaScript the link is all there is.
    assert '<p class="embed-consent" hidden>' in html


def test_a_story_without_embeds_loads_no_embed_script(client):
    story = StoryFactory()
    assert "embeds.js" not in client.get(story.get_absolute_url()).content.decode()


def test_the_csp_lets_frames_come_only_from_the_embed_providers(client):
    story = StoryFactory(body=sanitize_html(embed_markup()))
    policy = client.get(story.get_absolute_url())["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["frame-src"].split() == FRAME_HOSTS
    assert "https://www.youtube-nocookie.com" in FRAME_HOSTS
    assert "https://www.youtube.com" not in FRAME_HOSTS
    assert "unsafe-inline" not in directives["script-src"]


# Editors' notes are for the desk only


@pytest.fixture
def noted_story():
    return StoryFactory(
        headline="Budget passes",
        slug="budget-passes",
        body=f"<p>The budget passed on Tuesday.</p>{NOTE}<p>Markets rose.</p>",
    )


def test_a_note_is_not_on_the_story_page(client, noted_story):
    html = client.get(noted_story.get_absolute_url()).content.decode()
    assert "The budget passed on Tuesday." in html and "Markets rose." in html
    assert NOTE_WORD not in html and "editors-note" not in html


def test_a_note_is_not_in_the_feeds(client, noted_story):
    for url in ["/feed/", "/feed/atom/", f"{noted_story.section.get_absolute_url()}feed/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert NOTE_WORD not in response.content.decode(), url
        feed = feedparser.parse(response.content)
        assert "Markets rose." in feed.entries[0].content[0].value


def test_a_note_is_not_in_the_sitemaps(client, noted_story):
    for url in ["/sitemap.xml", "/sitemap-stories.xml", "/news-sitemap.xml"]:
        response = client.get(url)
        assert NOTE_WORD not in response.content.decode(), url


def test_readers_search_does_not_find_a_note(client, noted_story):
    found = client.get("/search/", {"q": "markets"}).content.decode()
    assert "Budget passes" in found and NOTE_WORD not in found
    hidden = client.get("/search/", {"q": NOTE_WORD}).content.decode()
    assert "Budget passes" not in hidden


def test_the_admin_keeps_the_note(admin_client, noted_story):
    html = admin_client.get(f"/admin/articles/story/{noted_story.pk}/change/").content.decode()
    assert NOTE_WORD in html
    assert NOTE_WORD in Story.objects.get(pk=noted_story.pk).body


# Embedding: the provider's oEmbed answer, read at the HTTP boundary


@pytest.fixture
def oembed_server(settings):
    with oembed_provider(settings) as serve:
        yield serve


def test_an_embed_takes_its_title_and_author_from_the_provider(oembed_server):
    oembed_server("/ok")
    embed = embed_from_url(YOUTUBE)
    assert (embed.provider.key, embed.title, embed.author, embed.problem) == (
        "youtube",
        "Talks in Geneva, live",
        "UN",
        "",
    )


@pytest.mark.parametrize(
    "path, problem",
    [
        ("/broken", "YouTube answered with an error (500)"),
        ("/slow", "YouTube did not answer"),
        ("/big", "YouTube answered with more than an embed's details"),
        ("/html", "YouTube answered with something that is not oEmbed"),
    ],
)
def test_a_provider_that_fails_leaves_a_link_card(oembed_server, path, problem):
    oembed_server(path)
    embed = embed_from_url(YOUTUBE)
    assert embed.problem == problem
    assert embed.title == "" and embed.url == YOUTUBE


def test_an_address_no_provider_serves_is_refused():
    with pytest.raises(EmbedError, match="not a post or video the newsroom can embed"):
        embed_from_url("https://evil.example/watch?v=dQw4w9WgXcQ")
    with pytest.raises(EmbedError):
        embed_from_url("javascript:alert(1)//https://youtu.be/dQw4w9WgXcQ")


@pytest.mark.parametrize(
    "url, frame",
    [
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        (
            "https://x.com/UN/status/1234567890123",
            "https://platform.twitter.com/embed/Tweet.html?id=1234567890123&dnt=true",
        ),
        (
            "https://www.instagram.com/p/C1a2B3c4D5e/",
            "https://www.instagram.com/p/C1a2B3c4D5e/embed/",
        ),
        (
            "https://bsky.app/profile/did:plc:abc123/post/3kabc",
            "https://embed.bsky.app/embed/did:plc:abc123/app.bsky.feed.post/3kabc",
        ),
    ],
)
def test_each_provider_s_frame_is_worked_out_from_the_address(url, frame):
    story_body = sanitize_html(embed_markup(url=url, provider="x"))
    assert f'data-embed-frame="{frame.replace("&", "&amp;")}"' in render_body(story_body, {})


def test_the_embed_view_refuses_an_unknown_address_and_saves_nothing(admin_client):
    story = StoryFactory(body="<p>Unchanged.</p>")
    response = admin_client.post("/admin/articles/story/embed/", {"url": "https://example.com/"})
    assert response.status_code == 400
    assert "not a post or video the newsroom can embed" in response.json()["error"]
    assert Story.objects.get(pk=story.pk).body == "<p>Unchanged.</p>"


def test_the_embed_view_gives_a_link_card_with_a_warning_when_the_provider_is_down(
    admin_client, oembed_server
):
    oembed_server("/broken")
    response = admin_client.post("/admin/articles/story/embed/", {"url": YOUTUBE})
    assert response.status_code == 200
    data = response.json()
    assert data["attrs"]["url"] == YOUTUBE and data["attrs"]["title"] == ""
    assert data["warning"].startswith("YouTube answered with an error (500), so the embed is kept")


def test_the_embed_view_is_for_the_desk_only(client):
    response = client.post("/admin/articles/story/embed/", {"url": YOUTUBE})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_picture_chooser_finds_pictures_by_their_words(admin_client):
    image = library_picture(alt="Delegates at the table")
    library_picture(alt="A harbour at dawn", credit="Someone")
    results = admin_client.get("/admin/articles/image/chooser/", {"q": "delegates"}).json()
    assert [found["id"] for found in results["results"]] == [image.pk]
    found = results["results"][0]
    assert found["credit"] == "Jane Doe/Agency" and found["thumbnail"].endswith(".webp")
    by_id = admin_client.get("/admin/articles/image/chooser/", {"id": [image.pk, "x"]}).json()
    assert [found["id"] for found in by_id["results"]] == [image.pk]


def test_feeds_carry_library_pictures_as_plain_images_and_embeds_as_links(client):
    image = library_picture()
    StoryFactory(
        body=f"<p>Text.</p>{picture_markup(image)}{sanitize_html(embed_markup())}"
        "<table><tbody><tr><td>France</td></tr></tbody></table>"
    )
    for url in ["/feed/", "/feed/atom/"]:
        feed = feedparser.parse(client.get(url).content)
        content = feed.entries[0].content[0].value
        assert re.search(r'<img [^>]*src="http://testserver/media/renditions/[^"]+\.jpg"', content)
        assert 'alt="Delegates at the table"' in content and "Jane Doe/Agency" in content
        assert f'<a href="{YOUTUBE}">Talks in Geneva, live</a>' in content
        assert "UN on YouTube" in content
        assert "<table>" in content and "France" in content
        assert "data-embed" not in content and "<iframe" not in content
        assert "<picture" not in content


def test_markup_nested_deeper_than_anyone_writes_still_gives_a_page_without_notes(client):
    deep = "<b>" * 5_000 + "Deep text." + "</b>" * 5_000
    body = sanitize_html(f"{NOTE}<aside><aside class='editors-note'>{deep}</aside></aside>{deep}")
    assert body.count("<aside") == 2
    story = StoryFactory(body=body)
    Story.objects.filter(pk=story.pk).update(body=f"{NOTE}{deep}")
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Deep text." in html and NOTE_WORD not in html


def test_a_bluesky_post_by_handle_gets_its_frame_from_the_account_s_id(oembed_server):
    oembed_server("/bluesky")
    url = "https://bsky.app/profile/un.org/post/3kabc"
    embed = embed_from_url(url)
    assert (embed.author, embed.embed_id, embed.problem) == ("United Nations", "did:plc:un4x2", "")
    markup = sanitize_html(
        f'<figure class="embed" data-embed-provider="bluesky" data-embed-url="{url}" '
        f'data-embed-id="{embed.embed_id}"><p><a href="{url}">Post</a></p></figure>'
    )
    frame = "https://embed.bsky.app/embed/did:plc:un4x2/app.bsky.feed.post/3kabc"
    assert f'data-embed-frame="{frame}"' in render_body(markup, {})
    # Without the id (the provider was down), readers get the link only.
    assert 'data-embed-frame=""' in render_body(
        markup.replace(' data-embed-id="did:plc:un4x2"', ""), {}
    )
