"""The browser's share sheet: offered where the browser has one, and given the story."""

import pytest
from playwright.sync_api import expect

from tests.factories import StoryFactory

pytestmark = pytest.mark.browser

WITH_SHARE = """
Navigator.prototype.share = function (data) { window.shared = data; return Promise.resolve(); };
"""
WITHOUT_SHARE = "delete Navigator.prototype.share;"


def test_the_share_sheet_is_offered_where_the_browser_has_one(
    page, live_server, transactional_db, screenshot
):
    story = StoryFactory(headline="Harbour bridge reopens")
    page.add_init_script(WITH_SHARE)
    page.goto(story.get_absolute_url())
    button = page.get_by_role("button", name="Share…")
    expect(button).to_be_visible()
    screenshot("story-share")
    button.click()
    shared = page.evaluate("window.shared")
    assert shared == {
        "title": "Harbour bridge reopens",
        "url": f"{live_server.url}{story.get_absolute_url()}",
    }
    expect(page.get_by_role("link", name="WhatsApp")).to_be_visible()


def test_without_a_share_sheet_only_the_links_are_shown(page, transactional_db):
    story = StoryFactory()
    page.add_init_script(WITHOUT_SHARE)
    page.goto(story.get_absolute_url())
    expect(page.get_by_role("link", name="E-mail")).to_be_visible()
    expect(page.get_by_role("button", name="Share…")).to_have_count(0)
