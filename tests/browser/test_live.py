"""A reader follows a story covered live in a real browser: new posts arrive without reload."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import LivePost, Story
from tests.browser.test_desk import script_errors
from tests.browser.test_journeys import serious_violations
from tests.factories import LivePostFactory, PersonFactory, StoryFactory

pytestmark = pytest.mark.browser

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def test_an_open_page_shows_new_posts_without_reload_and_stops_when_coverage_ends(
    page, transactional_db, settings
):
    # The page asks five times a second instead of every fifteen seconds.
    settings.LIVE_POLL_SECONDS = 0.2
    story = StoryFactory(
        headline="Election night",
        body="<p>Polls have closed across the country.</p>",
        live_from=timezone.now() - datetime.timedelta(hours=2),
    )
    ann = PersonFactory(name="Ann Field", slug="ann-field")
    for minutes, text in [(40, "Counting has begun."), (20, "Turnout looks high.")]:
        LivePostFactory(
            story=story,
            author=ann,
            body=f"<p>{text}</p>" * 12,  # long enough for the page to scroll
            published_at=timezone.now() - datetime.timedelta(minutes=minutes),
        )
    errors = script_errors(page)
    polls = []
    page.on("request", lambda request: "/live/" in request.url and polls.append(request.url))

    page.goto(story.get_absolute_url())
    expect(page.locator("#live-badge")).to_contain_text("Live")
    assert serious_violations(page) == []
    page.evaluate("window.scrollTo(0, 600)")
    reading_at = page.evaluate("window.scrollY")
    assert reading_at > 0

    new = LivePost.objects.create(
        story=story,
        author=ann,
        headline="First result",
        body=f'<p>A hold in the north.</p><figure class="embed" data-embed-url="{VIDEO}">'
        f'<p><a href="{VIDEO}">The count</a></p></figure>',
    )

    show = page.get_by_role("button", name="Show 1 new update")
    expect(show).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("1 new update")
    # Nothing moved under the reader, and the post waits for them.
    assert page.evaluate("window.scrollY") == reading_at
    expect(page.locator(f"#post-{new.pk}")).to_have_count(0)
    assert serious_violations(page) == []

    show.click()
    post = page.locator(f"#post-{new.pk}")
    expect(post).to_be_focused()
    expect(post).to_contain_text("A hold in the north.")
    # Its video is offered as the page's own are, loaded only if the reader asks.
    expect(post.get_by_role("button", name="Show the video from YouTube")).to_be_visible()
    expect(page.locator("#live-stream .live-post").first).to_have_id(f"post-{new.pk}")
    expect(show).to_be_hidden()

    Story.objects.filter(pk=story.pk).update(live_until=timezone.now())
    expect(page.locator("#live-badge")).to_contain_text("Live coverage ended")
    expect(page.locator("#live")).to_have_attribute("data-live-state", "ended")
    # Opened now, the page asks nothing (polling, it would never fall quiet).
    polls.clear()
    page.reload(wait_until="networkidle")
    expect(page.locator("#live-badge")).to_contain_text("Live coverage ended")
    assert polls == []
    assert errors == []
