"""The site's own pages in a real browser: written in the admin with the body editor,
found by readers in every page's footer."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from articles.models import Page
from tests.browser.test_body_editor import menu_button
from tests.browser.test_desk import script_errors
from tests.browser.test_journeys import serious_violations, sign_in
from tests.factories import StoryFactory

pytestmark = pytest.mark.browser


def test_an_editor_writes_the_about_page_and_readers_find_it_in_the_footer(
    page, live_server, transactional_db
):
    User.objects.create_superuser("chief", "chief@example.com", "a-long-password")
    story = StoryFactory(headline="Talks open in Geneva")
    errors = script_errors(page)
    sign_in(page, "chief", "a-long-password")

    page.goto("/admin/articles/page/add/")
    page.get_by_label("Title").press_sequentially("About us")
    expect(page.get_by_label("Slug")).to_have_value("about-us")
    page.get_by_label("Kind").select_option("about")
    body = page.get_by_role("textbox", name="Body")
    body.click()
    page.keyboard.type("A small newsroom, paid for by its readers.")
    # The story's pictures and embeds are not for these pages.
    expect(menu_button(page, "bold")).to_be_visible()
    expect(menu_button(page, "Picture from the library")).to_have_count(0)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    saved = Page.objects.get()
    assert (saved.slug, saved.kind) == ("about-us", "about")
    assert "A small newsroom, paid for by its readers." in saved.body

    page.goto(story.get_absolute_url())
    page.locator(".footer-nav").get_by_role("link", name="About us").click()
    expect(page).to_have_url(f"{live_server.url}/about-us/")
    expect(page.get_by_role("heading", level=1)).to_have_text("About us")
    expect(page.locator("main")).to_contain_text("paid for by its readers")
    expect(page.locator(".footer-nav [aria-current=page]")).to_have_text("About us")
    assert serious_violations(page) == []
    assert errors == []
