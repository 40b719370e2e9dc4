"""The sections' navigation on a phone, with no script: a row that scrolls sideways."""

import pytest
from playwright.sync_api import expect

from tests.factories import SectionFactory, StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ["World", "Politics", "Business", "Technology", "Climate", "Science", "Health", "Sport"]


def test_every_section_is_reachable_on_a_phone_without_javascript(browser, live_server):
    for position, name in enumerate(reversed(NAMES)):
        # Listed by their position in the admin, not by name or age.
        SectionFactory(name=name, slug=name.lower(), position=len(NAMES) - position)
    StoryFactory(section=None)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/")

    nav = page.get_by_role("navigation", name="Sections")
    assert nav.get_by_role("link").all_inner_texts() == [name.upper() for name in NAMES]
    # Wider than the phone, it scrolls within itself; the page does not.
    row = nav.locator("ul")
    assert row.evaluate("ul => ul.scrollWidth > ul.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    last = nav.get_by_role("link", name="Sport")
    last.scroll_into_view_if_needed()
    box = last.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375
    last.click()
    expect(page).to_have_url(f"{live_server.url}/sections/sport/")
    expect(
        page.get_by_role("navigation", name="Sections").locator('[aria-current="page"]')
    ).to_have_text("Sport")
    context.close()
