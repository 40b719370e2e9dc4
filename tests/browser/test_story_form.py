"""Tags and the order of bylines on the story form, in a real browser."""

import re

import pytest
from playwright.sync_api import expect
from taggit.models import Tag

from articles.models import Autosave, Story
from tests.browser.test_desk import script_errors
from tests.browser.test_journeys import serious_violations, sign_in
from tests.conftest import staff_member
from tests.factories import (
    BylineFactory,
    CitationFactory,
    PersonFactory,
    SourceFactory,
    StoryFactory,
)

pytestmark = pytest.mark.browser


def change_url(story):
    return f"/admin/articles/story/{story.pk}/change/"


def tags_box(page):
    return page.locator(".field-tags .select2-search__field")


def save(page):
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")


def names(story):
    return [byline.person.name for byline in Story.objects.get(pk=story.pk).bylines.all()]


@pytest.fixture
def tagged(transactional_db):
    for name in ["Ukraine", "Geneva talks", "Ukrainian politics", "Russia and Ukraine"]:
        Tag.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    return StoryFactory(draft=True, headline="Talks open in Geneva")


def test_an_editor_types_part_of_a_tag_and_picks_the_suggestion(page, tagged):
    staff_member("eddie", "Editor", "Eddie")
    errors = script_errors(page)
    sign_in(page, "eddie", "secret-pass")

    page.goto(change_url(tagged))
    assert serious_violations(page) == []
    tags_box(page).click()
    tags_box(page).press_sequentially("ukr")
    # The tag that starts with the typed text is first, and Enter takes it.
    options = page.locator(".select2-results__option[aria-selected]")
    expect(options.first).to_have_text("Ukraine")
    expect(options).to_have_text(
        ["Ukraine", "Ukrainian politics", "Russia and Ukraine", "Add new tag “ukr”"]
    )
    page.keyboard.press("Enter")
    expect(page.locator(".field-tags .select2-selection__choice")).to_contain_text(["Ukraine"])
    # Another, picked with the mouse.
    tags_box(page).press_sequentially("geneva")
    page.get_by_role("option", name="Geneva talks").click()
    assert serious_violations(page) == []
    save(page)

    assert sorted(tagged.tags.names()) == ["Geneva talks", "Ukraine"]
    assert Tag.objects.count() == 4
    assert errors == []


def test_an_editor_adds_a_new_tag_by_typing_it(page, tagged, screenshot):
    staff_member("eddie", "Editor", "Eddie")
    errors = script_errors(page)
    sign_in(page, "eddie", "secret-pass")

    page.goto(change_url(tagged))
    tags_box(page).click()
    tags_box(page).press_sequentially("Smith, John")
    new = page.get_by_role("option", name="Add new tag “Smith, John”")
    expect(new).to_be_visible()
    screenshot("story-form-new-tag")
    # Nothing else matches, so the new name is the one Enter takes.
    page.keyboard.press("Enter")
    expect(page.locator(".field-tags .select2-selection__choice")).to_contain_text(["Smith, John"])
    save(page)

    assert list(tagged.tags.names()) == ["Smith, John"]
    # Shown again as it was typed, not quoted.
    expect(page.locator(".field-tags .select2-selection__choice")).to_contain_text(["Smith, John"])
    expect(page.locator(".field-tags")).not_to_contain_text('"Smith, John"')
    assert errors == []


def test_a_reporter_only_chooses_among_the_tags_there_are(page, tagged):
    reporter = staff_member("rita", "Reporter", "Rita")
    Story.objects.filter(pk=tagged.pk).update(created_by=reporter)
    errors = script_errors(page)
    sign_in(page, "rita", "secret-pass")

    page.goto(change_url(tagged))
    tags_box(page).click()
    tags_box(page).press_sequentially("Ceasefire")
    expect(page.locator(".select2-results")).to_contain_text("only an editor can add one")
    expect(page.get_by_role("option", name="Add new tag “Ceasefire”")).to_have_count(0)
    tags_box(page).fill("")
    tags_box(page).press_sequentially("geneva")
    expect(page.get_by_role("option", name="Geneva talks")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator(".field-tags .select2-selection__choice")).to_contain_text(["Geneva talks"])
    assert serious_violations(page) == []
    save(page)

    assert list(tagged.tags.names()) == ["Geneva talks"]
    assert not Tag.objects.filter(name="Ceasefire").exists()
    assert errors == []


@pytest.fixture
def two_bylines(transactional_db):
    story = StoryFactory(headline="Talks open in Geneva")
    BylineFactory(story=story, person=PersonFactory(name="Ada Reporter"), order=0)
    BylineFactory(story=story, person=PersonFactory(name="Ben Writer"), order=1)
    CitationFactory(story=story, source=SourceFactory(name="Wire Agency"), order=0)
    CitationFactory(story=story, source=SourceFactory(name="Kremlin"), order=1)
    return story


def byline_rows(page):
    return page.locator("#bylines-group tbody tr.form-row:not(.empty-form)")


def test_dragging_the_second_byline_above_the_first_orders_the_byline(page, two_bylines):
    staff_member("eddie", "Editor", "Eddie")
    errors = script_errors(page)
    sign_in(page, "eddie", "secret-pass")

    page.goto(change_url(two_bylines))
    # The order numbers are not typed any more: the rows are moved.
    expect(
        page.locator("#bylines-group tr:not(.empty-form) td.field-order input:not([type=hidden])")
    ).to_have_count(0)
    assert serious_violations(page) == []
    rows = byline_rows(page)
    rows.nth(1).locator(".order-handle").drag_to(rows.nth(0), target_position={"x": 40, "y": 4})
    expect(rows.first).to_contain_text("Ben Writer")
    save(page)

    assert names(two_bylines) == ["Ben Writer", "Ada Reporter"]
    page.goto(two_bylines.get_absolute_url())
    byline = page.locator(".byline").first
    expect(byline).to_contain_text("Ben Writer")
    text = byline.inner_text()
    assert text.index("Ben Writer") < text.index("Ada Reporter")
    assert errors == []


def test_the_move_buttons_order_bylines_and_sources_from_the_keyboard(page, two_bylines):
    staff_member("eddie", "Editor", "Eddie")
    errors = script_errors(page)
    sign_in(page, "eddie", "secret-pass")

    page.goto(change_url(two_bylines))
    up = page.get_by_role("button", name="Move Ben Writer up in Bylines")
    up.focus()
    page.keyboard.press("Enter")
    expect(byline_rows(page).first).to_contain_text("Ben Writer")
    # The focus stays on the button, and the move is announced.
    expect(up).to_be_focused()
    expect(page.locator("#bylines-group [role=status]")).to_have_text(
        "Ben Writer moved to place 1 of 3."
    )
    down = page.get_by_role("button", name="Move Wire Agency down in Sources cited")
    down.focus()
    page.keyboard.press("Space")
    expect(page.locator("#citations-group [role=status]")).to_have_text(
        "Wire Agency moved to place 2 of 3."
    )
    assert serious_violations(page) == []
    save(page)

    assert names(two_bylines) == ["Ben Writer", "Ada Reporter"]
    sources = [c.source.name for c in Story.objects.get(pk=two_bylines.pk).citations.all()]
    assert sources == ["Kremlin", "Wire Agency"]
    assert errors == []


def test_a_byline_added_with_add_another_takes_its_place(page, two_bylines, screenshot):
    staff_member("eddie", "Editor", "Eddie")
    PersonFactory(name="Cleo Newcomer")
    errors = script_errors(page)
    sign_in(page, "eddie", "secret-pass")

    page.goto(change_url(two_bylines))
    page.locator("#bylines-group").get_by_role("button", name="Add another Byline").click()
    rows = byline_rows(page)
    expect(rows).to_have_count(4)  # the empty row Django gives, and the one added
    new = rows.nth(3)
    new.locator(".select2-selection").click()
    # Typed fast, with Enter before the search has answered: the top match is taken.
    page.locator(".select2-search__field").last.press_sequentially("Cleo")
    page.keyboard.press("Enter")
    expect(new).to_contain_text("Cleo Newcomer")
    screenshot("story-form-bylines-added")
    # To the top, from the keyboard: three presses.
    button = page.get_by_role("button", name="Move Cleo Newcomer up in Bylines")
    for place in (3, 2, 1):
        button.click()
        expect(page.locator("#bylines-group [role=status]")).to_have_text(
            f"Cleo Newcomer moved to place {place} of 4."
        )
    expect(rows.first).to_contain_text("Cleo Newcomer")
    screenshot("story-form-bylines-ordered")
    save(page)

    assert names(two_bylines) == ["Cleo Newcomer", "Ada Reporter", "Ben Writer"]
    assert errors == []


def test_a_save_that_moves_nothing_changes_nothing(page, two_bylines):
    staff_member("eddie", "Editor", "Eddie")
    sign_in(page, "eddie", "secret-pass")

    page.goto(change_url(two_bylines))
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("Nothing had changed")
    assert names(two_bylines) == ["Ada Reporter", "Ben Writer"]


def test_a_form_sent_back_with_an_error_keeps_the_rows_as_they_were_moved(page, two_bylines):
    staff_member("eddie", "Editor", "Eddie")
    errors = script_errors(page)
    sign_in(page, "eddie", "secret-pass")

    page.goto(change_url(two_bylines))
    page.get_by_role("button", name="Move Ben Writer up in Bylines").click()
    page.get_by_label("Headline").fill("")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote")).to_be_visible()

    expect(byline_rows(page).first).to_contain_text("Ben Writer")
    page.get_by_label("Headline").fill("Talks open in Geneva")
    save(page)
    assert names(two_bylines) == ["Ben Writer", "Ada Reporter"]
    assert errors == []


def test_without_javascript_the_form_saves_its_tags_and_typed_order(
    browser, live_server, two_bylines
):
    staff_member("eddie", "Editor", "Eddie")
    two_bylines.tags.add("Diplomacy", "Smith, John")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "eddie", "secret-pass")

    page.goto(change_url(two_bylines))
    # The story's tags, to keep or drop; the order as numbers.
    tags = page.locator("#id_tags")
    expect(tags.locator("option")).to_have_text(["Diplomacy", "Smith, John"])
    tags.select_option(["Smith, John"])
    page.locator("#id_bylines-0-order").fill("2")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    assert list(two_bylines.tags.names()) == ["Smith, John"]
    assert names(two_bylines) == ["Ben Writer", "Ada Reporter"]
    context.close()


def test_a_tag_chosen_is_in_the_autosaved_copy(page, tagged):
    staff_member("eddie", "Editor", "Eddie")
    errors = script_errors(page)
    sign_in(page, "eddie", "secret-pass")

    page.goto(change_url(tagged))
    tags_box(page).press_sequentially("Geneva")
    tags_box(page).press("Enter")
    expect(page.locator(".field-tags .select2-selection__choice")).to_contain_text(["Geneva talks"])

    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Saved \d\d:\d\d$"))
    assert Autosave.objects.get(story=tagged).fields["tags"] == ["Geneva talks"]
    assert list(tagged.tags.names()) == []
    assert errors == []


def test_leaving_after_moving_a_byline_asks_first(page, two_bylines):
    staff_member("eddie", "Editor", "Eddie")
    sign_in(page, "eddie", "secret-pass")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.goto(change_url(two_bylines))
    page.get_by_role("button", name="Move Ben Writer up in Bylines").click()
    page.locator("#nav-sidebar").get_by_role("link", name="Images").click()

    expect(byline_rows(page).first).to_contain_text("Ben Writer")
    assert page.url.endswith(change_url(two_bylines))
    assert asked == ["beforeunload"]


def test_enter_in_a_byline_s_picker_takes_the_top_match_not_the_current_choice(page, two_bylines):
    staff_member("eddie", "Editor", "Eddie")
    PersonFactory(name="Ada Lovelace")
    errors = script_errors(page)
    sign_in(page, "eddie", "secret-pass")

    page.goto(change_url(two_bylines))
    first = byline_rows(page).first
    first.locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially("Ada")
    options = page.locator(".select2-container--open .select2-results__option[aria-selected]")
    # Ada Reporter, the current choice, is listed second: Enter takes the first.
    expect(options).to_have_text(["Ada Lovelace", "Ada Reporter"])
    page.keyboard.press("Enter")
    expect(first.locator(".select2-selection__rendered")).to_have_text("Ada Lovelace")
    save(page)

    assert names(two_bylines) == ["Ada Lovelace", "Ben Writer"]
    assert errors == []


def test_removing_a_new_row_after_moving_rows_keeps_every_byline(page, two_bylines):
    staff_member("eddie", "Editor", "Eddie")
    PersonFactory(name="Cleo Newcomer")
    errors = script_errors(page)
    sign_in(page, "eddie", "secret-pass")

    page.goto(change_url(two_bylines))
    add = page.locator("#bylines-group").get_by_role("button", name="Add another Byline")
    add.click()
    rows = byline_rows(page)
    rows.nth(3).locator(".select2-selection").click()
    page.locator(".select2-search__field").last.press_sequentially("Cleo")
    page.keyboard.press("Enter")
    expect(rows.nth(3)).to_contain_text("Cleo Newcomer")
    button = page.get_by_role("button", name="Move Cleo Newcomer up in Bylines")
    for _ in range(3):
        button.click()
    expect(rows.first).to_contain_text("Cleo Newcomer")
    # A row added by mistake, taken away again: the admin numbers the rows anew.
    add.click()
    expect(rows).to_have_count(5)
    rows.nth(4).locator(".inline-deletelink").click()
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("Cleo Newcomer")
    save(page)

    assert names(two_bylines) == ["Cleo Newcomer", "Ada Reporter", "Ben Writer"]
    assert errors == []
