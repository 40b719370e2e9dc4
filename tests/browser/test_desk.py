"""The desk's own pages in a real browser: no script errors, calendars that work."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Story
from tests.browser.test_journeys import serious_violations, sign_in
from tests.factories import StoryFactory

pytestmark = pytest.mark.browser


def script_errors(page) -> list[str]:
    """Every error the page's scripts report, from now on."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def test_scheduling_uses_the_admin_s_calendar_and_names_the_time_zone(page, transactional_db):
    User.objects.create_superuser("chief", "chief@example.com", "a-long-password")
    story = StoryFactory(headline="Budget day", draft=True)
    errors = script_errors(page)
    sign_in(page, "chief", "a-long-password")

    page.goto(f"/admin/articles/story/{story.pk}/change/")
    page.get_by_role("button", name="Schedule…").click()
    expect(page.get_by_role("heading", name="Schedule: are you sure?")).to_be_visible()
    # The admin's calendar and clock, built by its scripts.
    expect(page.locator(".datetimeshortcuts a", has_text="Today")).to_be_visible()
    expect(page.locator(".datetimeshortcuts a", has_text="Now")).to_be_visible()
    expect(page.locator(".help")).to_contain_text(timezone.get_current_timezone_name())
    assert serious_violations(page) == []

    when = timezone.localtime() + datetime.timedelta(days=2)
    page.locator("#id_publish_at_0").fill(when.strftime("%Y-%m-%d"))
    page.locator("#id_publish_at_1").fill("09:00:00")
    page.get_by_role("button", name="Yes, schedule").click()

    expect(page.locator(".messagelist")).to_contain_text("scheduled")
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED and story.is_scheduled()
    assert timezone.localtime(story.published_at).strftime("%Y-%m-%d %H:%M") == (
        f"{when:%Y-%m-%d} 09:00"
    )
    assert errors == []


def test_withdrawing_asks_why_in_the_browser_and_readers_see_it(page, transactional_db):
    User.objects.create_superuser("chief", "chief@example.com", "a-long-password")
    story = StoryFactory(headline="A story to take down")
    errors = script_errors(page)
    sign_in(page, "chief", "a-long-password")

    page.goto(f"/admin/articles/story/{story.pk}/transition/withdraw/")
    assert serious_violations(page) == []
    page.get_by_label("Why is it withdrawn?").fill("It relied on a forged document.")
    page.get_by_role("button", name="Yes, withdraw").click()
    expect(page.locator(".messagelist")).to_contain_text("withdrawn")
    assert errors == []

    page.goto(story.get_absolute_url())
    expect(page.locator(".withdrawal-reason")).to_contain_text("It relied on a forged document.")


def test_the_body_is_spellchecked_and_an_empty_one_has_no_reading_time(page, transactional_db):
    User.objects.create_superuser("chief", "chief@example.com", "a-long-password")
    errors = script_errors(page)
    sign_in(page, "chief", "a-long-password")

    page.goto("/admin/articles/story/add/")
    body = page.get_by_role("textbox", name="Body")
    expect(body).to_be_visible()
    assert body.get_attribute("spellcheck") != "false"
    expect(page.locator(".word-count")).to_have_text("No words yet")
    # Nothing to undo yet: the greyed-out button says it is unavailable.
    undo = page.locator('.prose-menubar__button[title="undo"]')
    expect(undo).to_have_attribute("aria-disabled", "true")

    body.click()
    body.type("Delegations met in Geneva on Monday.")
    expect(page.locator(".word-count")).to_have_text("6 words · about 1 min read")
    expect(undo).not_to_have_attribute("aria-disabled", "true")
    assert serious_violations(page) == []
    assert errors == []


def test_leaving_a_story_with_changes_not_saved_asks_first(page, transactional_db):
    User.objects.create_superuser("chief", "chief@example.com", "a-long-password")
    sign_in(page, "chief", "a-long-password")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.goto("/admin/articles/story/add/")
    page.get_by_label("Headline").fill("Talks open in Geneva")
    page.get_by_role("textbox", name="Body").click()
    page.keyboard.type("Delegations met on Monday.")

    # The sidebar's link to the pictures, as a reporter would click it mid-story.
    page.locator("#nav-sidebar").get_by_role("link", name="Images").click()

    expect(page.get_by_label("Headline")).to_have_value("Talks open in Geneva")
    assert page.url.endswith("/admin/articles/story/add/")


def test_saving_a_story_leaves_without_asking(page, transactional_db):
    User.objects.create_superuser("chief", "chief@example.com", "a-long-password")
    sign_in(page, "chief", "a-long-password")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))

    page.goto("/admin/articles/story/add/")
    page.get_by_label("Headline").fill("Talks open in Geneva")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("added successfully")
    assert asked == []


def test_a_new_story_is_autosaved_and_comes_back_after_the_browser_closes(
    page, browser, live_server, transactional_db
):
    User.objects.create_superuser("chief", "chief@example.com", "a-long-password")
    sign_in(page, "chief", "a-long-password")
    page.goto("/admin/articles/story/add/")
    page.get_by_label("Headline").fill("Talks open in Geneva")
    page.get_by_role("textbox", name="Body").click()
    page.keyboard.type("Delegations met on Monday.")

    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Saved \d\d:\d\d$"))
    assert not Story.objects.exists()

    # The tab is gone; the writer signs in again elsewhere.
    page.context.close()
    context = browser.new_context(base_url=live_server.url)
    again = context.new_page()
    errors = script_errors(again)
    sign_in(again, "chief", "a-long-password")
    again.goto("/admin/articles/story/add/")
    again.get_by_role("link", name="Restore it").click()

    expect(again.get_by_label("Headline")).to_have_value("Talks open in Geneva")
    expect(again.get_by_role("textbox", name="Body")).to_have_text("Delegations met on Monday.")
    again.get_by_role("button", name="Save", exact=True).click()
    expect(again.locator(".messagelist")).to_contain_text("added successfully")
    assert Story.objects.get().body == "<p>Delegations met on Monday.</p>"
    assert errors == []
    context.close()


def test_an_editor_corrects_compares_and_reverts_and_the_correction_and_status_stay(
    page, transactional_db
):
    User.objects.create_superuser("chief", "chief@example.com", "a-long-password")
    story = StoryFactory(headline="Talks open in Geneva")
    errors = script_errors(page)
    sign_in(page, "chief", "a-long-password")
    change = f"/admin/articles/story/{story.pk}/change/"

    page.goto(change)
    page.get_by_label("Headline").fill("Talks resume in Geneva")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    page.get_by_label("Headline").fill("Talks collapse in Geneva")
    page.locator("#corrections-group .add-row a").click()
    page.locator("#id_corrections-0-text").fill("An earlier version misnamed the city.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")

    page.get_by_role("link", name="History").click()
    page.get_by_role("button", name="Compare the two revisions").click()
    diff = page.locator(".story-diff")
    expect(diff).to_contain_text("An earlier version misnamed the city.")
    expect(diff.locator("del", has_text="resume")).to_be_visible()
    assert serious_violations(page) == []

    page.go_back()
    # The older revision: the last of the list, which is newest first.
    page.locator("#change-history tbody th a").last.click()
    expect(page.locator(".story-state")).to_contain_text("Published")
    restore = page.locator(".revert-changes")
    expect(restore.locator("ins", has_text="resume")).to_be_visible()
    expect(restore).not_to_contain_text("misnamed")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("Its status and corrections stay")
    assert page.url.endswith(change)
    story.refresh_from_db()
    assert story.headline == "Talks resume in Geneva"
    assert story.status == Story.Status.PUBLISHED
    page.goto(story.get_absolute_url())
    expect(page.locator("h1")).to_have_text("Talks resume in Geneva")
    expect(page.get_by_text("An earlier version misnamed the city.")).to_be_visible()
    page.goto("/corrections/")
    expect(page.get_by_text("An earlier version misnamed the city.")).to_be_visible()
    assert errors == []


def test_a_slug_taken_that_day_is_refused_with_a_free_one_to_use(page, transactional_db):
    User.objects.create_superuser("chief", "chief@example.com", "a-long-password")
    StoryFactory(headline="Budget passes", slug="budget-passes")
    second = StoryFactory(headline="Budget passes, again", slug="budget-reaction")
    errors = script_errors(page)
    sign_in(page, "chief", "a-long-password")

    page.goto(f"/admin/articles/story/{second.pk}/change/")
    page.get_by_label("Slug").fill("budget-passes")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".errorlist")).to_contain_text("“budget-passes-2” is free")
    assert serious_violations(page) == []
    page.get_by_label("Slug").fill("budget-passes-2")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    second.refresh_from_db()
    assert second.slug == "budget-passes-2"
    assert errors == []


def test_the_desk_shows_who_submitted_what(page, transactional_db):
    from tests.conftest import staff_member

    reporter = staff_member("rita", "Reporter", "Rita")
    staff_member("eddie", "Editor", "Eddie")
    story = StoryFactory(headline="Rail strike called off", draft=True, created_by=reporter)
    errors = script_errors(page)
    sign_in(page, "rita", "secret-pass")
    page.goto(f"/admin/articles/story/{story.pk}/change/")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("submitted for review")
    page.get_by_role("button", name="Log out").click()

    sign_in(page, "eddie", "secret-pass")
    desk = page.locator("#desk")
    expect(desk.locator("li", has_text="Rail strike called off")).to_contain_text(
        "submitted by Rita"
    )
    assert serious_violations(page) == []
    assert errors == []
