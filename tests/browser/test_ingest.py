"""Importing a story as an editor does it: paste the scraped page, get a clean draft,
go down the checklist of suggested attribution and save."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from articles.models import Story
from ingest.models import Suggestion
from tests.browser.test_journeys import serious_violations, sign_in

pytestmark = pytest.mark.browser

SEED = Path(__file__).resolve().parents[2] / "articles" / "demo" / "trump-putin-call.scraped.txt"


def row(page, kind, name):
    """The checklist's row of the suggestion of ``kind`` named ``name``."""
    pk = Suggestion.objects.get(kind=kind, name=name).pk
    return page.locator("tbody.suggestion", has=page.locator(f'input[name$="-id"][value="{pk}"]'))


def test_an_editor_imports_a_scraped_page_and_decides_its_suggestions(
    page, transactional_db, screenshot
):
    User.objects.create_superuser("chief", "chief@example.com", "a-long-password")
    sign_in(page, "chief", "a-long-password")
    page.goto("/admin/articles/story/")
    page.get_by_role("link", name="Import a story").click()
    expect(page.get_by_role("heading", name="Import a story")).to_be_visible()
    assert serious_violations(page) == []
    screenshot("ingest-import")
    page.get_by_label("Paste text or HTML").fill(SEED.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Make a draft").click()

    expect(page.locator(".messagelist")).to_contain_text("Draft created from the plain text")
    expect(page.locator(".messagelist")).to_contain_text("The input states no headline")
    story = Story.objects.get()
    body = page.get_by_role("textbox", name="Body")
    expect(body).to_contain_text("President Donald Trump has said the US and Moscow")
    expect(body).not_to_contain_text("Call Now")
    rubio = row(page, "person", "Marco Rubio")
    expect(rubio).to_contain_text("secretary of state Marco Rubio")  # the evidence
    screenshot("ingest-checklist")

    page.get_by_label("Headline").fill("Trump says talks on Ukraine will begin immediately")
    rubio.get_by_label("Accept", exact=True).check()
    row(page, "person", "Vladimir Putin").get_by_label("Reject", exact=True).check()
    official = row(page, "source", "A western official")
    official.get_by_label("Accept", exact=True).check()
    official.locator('input[name$="-detail"]').fill("reacting to the call")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    assert list(story.people.values_list("name", flat=True)) == ["Marco Rubio"]
    citation = story.citations.get()
    assert (citation.source.name, citation.detail) == ("A western official", "reacting to the call")
    # Decided rows have left the checklist; the others wait.
    expect(row(page, "person", "Marco Rubio")).to_have_count(0)
    expect(row(page, "person", "Vladimir Putin")).to_have_count(0)
    expect(row(page, "person", "Pete Hegseth")).to_be_visible()
    assert serious_violations(page) == []
