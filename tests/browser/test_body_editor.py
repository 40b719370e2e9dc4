"""The story body editor in a real browser: a table, a library picture, an embed and
an editor's note, saved and read on the public page."""

import datetime
import re
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Story
from tests.browser.test_desk import script_errors
from tests.browser.test_journeys import serious_violations, sign_in
from tests.factories import StoryFactory
from tests.oembed import oembed_provider
from tests.test_body import NOTE_WORD, embed_markup, library_picture

pytestmark = pytest.mark.browser

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def oembed_server(settings):
    with oembed_provider(settings) as serve:
        yield serve


def menu_button(page, name):
    return page.locator(".prose-menubar").get_by_role("button", name=name, exact=True)


CARET_AT_END = """(text) => {
    const selection = window.getSelection();
    const node = selection.focusNode;
    return selection.isCollapsed && node && node.parentElement.closest("p")?.textContent === text
        && selection.focusOffset === node.textContent.length;
}"""


def test_an_editor_builds_a_rich_body_and_readers_get_it_without_notes_or_trackers(
    page,
    live_server,
    transactional_db,
    oembed_server,
    screenshot,
):
    oembed_server("/ok")
    User.objects.create_superuser("chief", "chief@example.com", "a-long-password")
    image = library_picture(alt="Delegates at the table", credit="Jane Doe/Agency")
    errors = script_errors(page)
    sign_in(page, "chief", "a-long-password")

    page.goto("/admin/articles/story/add/")
    page.get_by_label("Headline").fill("Talks open in Geneva")
    body = page.get_by_role("textbox", name="Body")
    body.click()
    page.keyboard.type("Delegations met on Monday.")
    page.keyboard.press("Enter")

    # A picture from the library.
    menu_button(page, "Picture from the library").click()
    chooser = page.get_by_role("dialog", name="Picture from the library")
    chooser.get_by_label("Search the pictures").fill("delegates")
    expect(chooser.get_by_role("button", name=re.compile("Delegates"))).to_be_visible()
    assert serious_violations(page) == []
    chooser.get_by_role("button", name="Delegates at the table · Jane Doe/Agency").click()
    expect(body.locator("figure.library-image")).to_contain_text("Jane Doe/Agency")

    # An embed: an unknown address is refused, a YouTube one is fetched.
    menu_button(page, "Embed a post or video").click()
    page.get_by_label(re.compile("Address of a post or video")).fill("https://example.com/clip")
    page.get_by_role("button", name="Embed", exact=True).click()
    expect(page.locator(".body-editor-message")).to_contain_text("not a post or video")
    expect(body.locator("figure.embed")).to_have_count(0)
    # The refusal is a 400, which the browser notes in its console; no script fails.
    assert errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    errors.clear()
    menu_button(page, "Embed a post or video").click()
    page.get_by_label(re.compile("Address of a post or video")).fill(YOUTUBE)
    page.get_by_role("button", name="Embed", exact=True).click()
    expect(body.locator("figure.embed")).to_contain_text("Talks in Geneva, live")
    expect(page.locator(".body-editor-message")).to_have_text("Embedded from YouTube.")

    # A table, its header row filled in.
    menu_button(page, "Insert table").click()
    page.get_by_label("Rows").fill("2")
    page.get_by_label("Columns").fill("2")
    page.get_by_label("Include header row").select_option("Yes")
    page.get_by_role("button", name="Insert Table", exact=True).click()
    # Each cell written before the next is moved to, as a writer does: on a busy
    # machine a Tab pressed while the editor is still taking keys can land early.
    for number, text in enumerate(["Country", "Votes", "France", "12"]):
        if number:
            page.keyboard.press("Tab")
        page.keyboard.type(text)
        expect(body.locator("table")).to_contain_text(text)
    expect(page.locator(".word-count")).to_have_text("8 words · about 1 min read")

    # An editor's note after the rest: its words are no reader's, nor counted.
    body.locator("p", has_text="Delegations met on Monday.").click()
    # ProseMirror takes a caret moved by the browser from its next selection event;
    # nobody clicks and types as fast as a test does: the caret is at the end of the
    # paragraph before Enter is pressed, or the note would take the paragraph's words.
    page.wait_for_timeout(300)
    page.keyboard.press("End")
    page.wait_for_function(CARET_AT_END, arg="Delegations met on Monday.")
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    page.keyboard.type(f"{NOTE_WORD} lawyers checked this.")
    menu_button(page, "Editor's note (readers never see it)").click()
    expect(body.locator("aside.editors-note")).to_contain_text(NOTE_WORD)
    expect(page.locator(".word-count")).to_have_text("8 words · about 1 min read")
    screenshot("body-editor")
    assert serious_violations(page) == []

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("added successfully")
    story = Story.objects.get(headline="Talks open in Geneva")
    assert story.body.startswith(
        '<p>Delegations met on Monday.</p><aside class="editors-note"><p>Zanzibarian'
    )
    assert f'data-image-id="{image.pk}"' in story.body
    assert 'data-embed-provider="youtube"' in story.body and NOTE_WORD in story.body
    assert "<th" in story.body and "France" in story.body
    Story.objects.filter(pk=story.pk).update(
        status=Story.Status.PUBLISHED, published_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    story.refresh_from_db()

    # The reader's page: nothing from another site until the reader asks for it.
    own_host = urlparse(live_server.url).netloc
    elsewhere = []
    page.on(
        "request",
        lambda request: urlparse(request.url).netloc != own_host and elsewhere.append(request.url),
    )
    page.route(
        "https://www.youtube-nocookie.com/**",
        lambda route: route.fulfill(
            content_type="text/html", body="<!doctype html><title>Player</title><p>Player"
        ),
    )
    page.goto(story.get_absolute_url())
    article = page.locator(".story-body")
    expect(article.get_by_role("region", name="Table 1")).to_contain_text("France")
    expect(article.locator(".body-image .credit")).to_have_text("Jane Doe/Agency")
    expect(article.locator(".body-image img")).to_have_attribute("srcset", re.compile(r"320w"))
    expect(article.get_by_role("link", name="Talks in Geneva, live")).to_have_attribute(
        "href", YOUTUBE
    )
    expect(page.get_by_text(NOTE_WORD)).to_have_count(0)
    assert NOTE_WORD not in page.content()
    screenshot("body-reader")
    assert serious_violations(page) == []
    assert elsewhere == []

    show = article.get_by_role("button", name="Show the video from YouTube")
    expect(article.get_by_text("This loads content from www.youtube-nocookie.com.")).to_be_visible()
    show.click()
    frame = article.locator("iframe.embed-frame")
    expect(frame).to_have_attribute("src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    expect(frame).to_have_attribute("title", "YouTube: Talks in Geneva, live")
    page.wait_for_load_state("networkidle")
    assert elsewhere and all(
        urlparse(url).netloc == "www.youtube-nocookie.com" for url in elsewhere
    )
    assert errors == []


def test_without_javascript_an_embed_is_a_plain_link(browser, live_server, transactional_db):
    story = StoryFactory(body=embed_markup())
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(story.get_absolute_url())
    expect(page.get_by_role("link", name="Talks in Geneva, live")).to_be_visible()
    expect(page.get_by_role("button", name="Show the video from YouTube")).to_be_hidden()
    assert page.locator("iframe").count() == 0
    context.close()


def test_the_editor_s_dropdown_arrow_is_drawn_not_a_missing_glyph(
    page, transactional_db, screenshot
):
    User.objects.create_superuser("chief", "chief@example.com", "a-long-password")
    sign_in(page, "chief", "a-long-password")
    page.goto("/admin/articles/story/add/")
    arrow = page.locator(".prose-menubar__selected").first
    expect(arrow).to_be_visible()
    style = arrow.evaluate(
        "element => { const s = getComputedStyle(element, '::after');"
        " return [s.content, s.borderTopWidth, s.borderTopStyle]; }"
    )
    assert style == ['""', "5px", "solid"]
    arrow.screenshot(path=str(screenshot("body-editor-dropdown").with_name("dropdown.png")))


def test_on_a_phone_a_wide_table_scrolls_inside_the_story_not_the_page(
    browser, live_server, transactional_db
):
    cells = "".join(f"<th>Column heading {n}</th>" for n in range(8))
    values = "".join(f"<td>{n * 1000}</td>" for n in range(8))
    story = StoryFactory(body=f"<table><tbody><tr>{cells}</tr><tr>{values}</tr></tbody></table>")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 700})
    page = context.new_page()
    errors = script_errors(page)
    page.goto(story.get_absolute_url())
    region = page.get_by_role("region", name="Table 1")
    expect(region).to_be_visible()
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    region.focus()
    page.keyboard.press("ArrowRight")
    # Keyboard users scroll it too (the region takes the focus).
    page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")
    assert serious_violations(page) == []
    assert errors == []
    context.close()
