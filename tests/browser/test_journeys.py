"""A reader and an editor in a real browser; accessibility checked with axe-core."""

import datetime
import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Story
from tests.factories import (
    BylineFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
)

pytestmark = pytest.mark.browser

DEMO_HEADLINE = "Trump says US and Russia will begin Ukraine peace negotiations"


@pytest.fixture
def newsroom(transactional_db):
    """The demo story, with a few others around it as on a real front page."""
    call_command("load_demo", stdout=io.StringIO())
    world = SectionFactory(name="World", slug="world")
    business = SectionFactory(name="Business", slug="business", position=2)
    writer = PersonFactory(name="Amelia Hart", slug="amelia-hart", title="Europe editor")
    for hours, (headline, story_type, section) in enumerate(
        [
            ("European leaders scramble for a seat at the table", "analysis", world),
            ("Why the ceasefire talks matter for energy prices", "explainer", business),
            ("Markets rally as oil falls below $70", "news", business),
            ("Europe must speak with one voice on Ukraine", "opinion", world),
        ]
    ):
        story = StoryFactory(
            headline=headline,
            story_type=story_type,
            section=section,
            kicker=section.name,
            dek="Diplomats and investors weigh what a deal could mean for the continent.",
            published_at=timezone.now() - datetime.timedelta(hours=hours + 1),
        )
        BylineFactory(story=story, person=writer, role="in Brussels")
        story.tags.add("Diplomacy")
    return Story.objects.get(slug="trump-putin-call-ukraine-negotiations")


def serious_violations(page):
    results = Axe().run(page)
    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def test_reader_goes_from_front_page_to_story_person_tag_and_search(page, newsroom, screenshot):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Latest news")
    assert serious_violations(page) == []

    page.get_by_role("link", name=DEMO_HEADLINE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(DEMO_HEADLINE)
    # Plain news carries no badge; analysis, opinion and the rest do.
    expect(page.locator(".story-header .story-type")).to_have_count(0)
    assert serious_violations(page) == []

    page.get_by_role("link", name="Dmitry Peskov").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dmitry Peskov")
    expect(page.get_by_role("link", name=DEMO_HEADLINE)).to_be_visible()

    page.get_by_role("link", name=DEMO_HEADLINE).click()
    page.get_by_role("link", name="Diplomacy", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tags/diplomacy/$"))
    expect(page.get_by_role("link", name=DEMO_HEADLINE)).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("searchbox", name="Search stories").fill("Peskov Kremlin")
    page.get_by_role("searchbox", name="Search stories").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=Peskov"))
    expect(page.get_by_role("link", name=DEMO_HEADLINE)).to_be_visible()
    expect(page.locator(".snippet mark").first).to_be_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", [375, 1280])
def test_front_page_and_story_screenshots(page, newsroom, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    screenshot(f"front-{width}")
    page.goto(newsroom.get_absolute_url())
    screenshot(f"story-{width}")
    # Nothing is wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_dark_mode_and_print(page, newsroom, screenshot):
    page.emulate_media(color_scheme="dark")
    page.goto(newsroom.get_absolute_url())
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 253, 248)"
    screenshot("story-dark")
    assert serious_violations(page) == []

    page.emulate_media(color_scheme="light", media="print")
    page.goto(newsroom.get_absolute_url())
    expect(page.locator(".site-search")).to_be_hidden()
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator(".story-body")).to_be_visible()
    # Who is in the story is printed with it; the share links are not.
    expect(page.locator(".story-panel")).to_be_visible()
    expect(page.locator(".share")).to_be_hidden()
    screenshot("story-print")


def sign_in(page, username, password):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def choose(page, container, text):
    """Pick ``text`` in the admin's autocomplete (select2) widget inside ``container``."""
    container.locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_editor_writes_and_publishes_a_story_that_readers_then_see(page, transactional_db):
    User.objects.create_superuser("chief", "chief@example.com", "a-long-password")
    SectionFactory(name="World", slug="world")
    PersonFactory(name="Ada Reporter", slug="ada-reporter")
    PersonFactory(name="Ben Writer", slug="ben-writer")
    PersonFactory(name="Kaja Kallas", slug="kaja-kallas")
    SourceFactory(name="Interfax", slug="interfax")

    sign_in(page, "chief", "a-long-password")
    page.goto("/admin/articles/story/add/")
    # The autocomplete boxes are named after their field once the page has built them.
    expect(page.get_by_role("combobox", name="Section")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_label("Type").select_option("analysis")
    page.get_by_label("Headline").fill("Ceasefire talks open in Geneva")
    page.get_by_label("Standfirst").fill("Delegations met for the first time in three years.")
    body = page.get_by_role("textbox", name="Body")
    body.click()
    body.type("Delegations met in Geneva on Monday.")
    choose(page, page.locator(".field-section"), "World")
    tags = page.get_by_role("searchbox", name="Tags")
    for tag in ["Diplomacy", "Geneva talks"]:
        tags.press_sequentially(tag)
        tags.press("Enter")
        expect(page.locator(".field-tags .select2-selection__choice", has_text=tag)).to_be_visible()
    choose(page, page.locator(".field-people"), "Kaja Kallas")
    choose(page, page.locator("#bylines-0"), "Ada Reporter")
    page.locator("#bylines-group .add-row a").click()
    choose(page, page.locator("#bylines-1"), "Ben Writer")
    choose(page, page.locator("#citations-0"), "Interfax")

    page.get_by_role("button", name="Publish now…").click()
    page.get_by_role("button", name="Yes, publish now").click()
    expect(page.locator(".messagelist")).to_contain_text("published")
    story = Story.objects.get(headline="Ceasefire talks open in Geneva")
    assert sorted(story.tags.names()) == ["Diplomacy", "Geneva talks"]

    page.goto("/")
    page.get_by_role("link", name="Ceasefire talks open in Geneva").click()
    expect(page.locator(".byline")).to_contain_text("Ada Reporter and Ben Writer")
    expect(page.locator(".story-header .story-type")).to_have_text("Analysis")
    expect(page.get_by_role("link", name="Kaja Kallas")).to_be_visible()
    expect(page.get_by_role("link", name="Interfax")).to_be_visible()

    feed = page.request.get("/feed/").text()
    assert "<title>Ceasefire talks open in Geneva</title>" in feed
    assert "<dc:creator>Ben Writer</dc:creator>" in feed


def test_search_highlights_pass_contrast_in_dark_mode(page, newsroom):
    page.emulate_media(color_scheme="dark")
    page.goto("/search/?q=Kremlin")
    expect(page.locator("mark").first).to_be_visible()
    results = Axe().run(page, options={"runOnly": ["color-contrast"]})
    assert results.response["violations"] == []


def test_on_a_phone_each_date_stays_on_one_line(page, transactional_db):
    story = StoryFactory(
        headline="Harbour bridge reopens after a long winter of repairs",
        published_at=timezone.now() - datetime.timedelta(days=2),
    )
    Story.objects.filter(pk=story.pk).update(updated_at=timezone.now())
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(story.get_absolute_url())
    expect(page.locator(".dates .updated")).to_be_visible()
    lines = page.evaluate(
        "[...document.querySelectorAll('.dates time')].map(t => t.getClientRects().length)"
    )
    assert lines == [1, 1]
