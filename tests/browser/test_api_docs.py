"""The API's browsable docs (Swagger UI, shipped with the project) under the site's
Content-Security-Policy: everything loads from the site, and it runs."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_desk import script_errors
from tests.factories import StoryFactory

pytestmark = pytest.mark.browser


def test_the_api_docs_run_under_the_sites_policy_and_call_the_api(
    page, live_server, transactional_db
):
    story = StoryFactory(headline="Putin and Trump speak")
    errors = script_errors(page)
    elsewhere = []
    page.on(
        "request",
        lambda request: request.url.startswith(live_server.url) or elsewhere.append(request.url),
    )

    response = page.goto("/api/v1/docs/")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/stories/{id}/")).to_be_visible()
    page.locator(".opblock-summary", has_text="/api/v1/stories/{id}/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("input[placeholder='id']").fill(str(story.pk))
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table")).to_contain_text("Putin and Trump speak")
    assert elsewhere == []
    assert errors == []
