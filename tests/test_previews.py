"""Preview links: what they show, to whom, and how an editor takes them back."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core import signing
from django.test import Client
from reversion.models import Version

from articles.models import PREVIEW_SALT, Story
from tests.factories import BylineFactory, StoryFactory
from tests.forms import story_form

pytestmark = pytest.mark.django_db


def change_url(story):
    return f"/admin/articles/story/{story.pk}/change/"


def revoke_url(story):
    return f"/admin/articles/story/{story.pk}/revoke-previews/"


def preview_link(client, story):
    """The Preview link of the story's admin page, as the user would copy it."""
    html = client.get(change_url(story)).text
    found = re.search(r'href="(/preview/[^"]+/)"[^>]*>Preview<', html)
    return found[1] if found else None


def transition(client, story, name):
    page = client.get(f"/admin/articles/story/{story.pk}/transition/{name}/")
    token = page.context["form"]["edit_token"].value()
    response = client.post(
        f"/admin/articles/story/{story.pk}/transition/{name}/",
        {"edit_token": token, "reason": "Taken down."},
    )
    assert response.status_code == 302
    story.refresh_from_db()


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled"])
def test_drafts_stories_in_review_and_scheduled_stories_preview(client, state):
    story = StoryFactory(headline="Not out yet", **{state: True})

    response = client.get(story.get_preview_url())

    assert response.status_code == 200
    assert "Not out yet" in response.text
    assert "Preview — not published" in response.text


def test_preview_of_a_public_story_redirects_to_its_page(client):
    story = StoryFactory(headline="Out now")

    response = client.get(story.get_preview_url())

    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()


def test_link_given_out_before_the_embargo_leads_to_the_page_once_it_lifts(client, editor_client):
    story = StoryFactory(scheduled=True)
    link = preview_link(editor_client, story)
    assert client.get(link).status_code == 200

    Story.objects.filter(pk=story.pk).update(published_at=story.published_at.replace(year=2020))
    story.refresh_from_db()

    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()


def test_preview_link_of_a_withdrawn_story_answers_404(client, editor_client):
    story = StoryFactory(draft=True, headline="Wrong claims")
    link = preview_link(editor_client, story)
    Story.objects.filter(pk=story.pk).update(
        status=Story.Status.WITHDRAWN, published_at=story.created_at
    )

    response = client.get(link)

    assert response.status_code == 404
    assert "Wrong claims" not in response.text


def test_withdrawing_revokes_the_links_so_a_reworked_draft_stays_private(client, editor_client):
    story = StoryFactory(draft=True, headline="Wrong claims")
    link = preview_link(editor_client, story)
    transition(editor_client, story, "publish")
    transition(editor_client, story, "withdraw")
    transition(editor_client, story, "unpublish")
    assert story.status == Story.Status.DRAFT

    assert client.get(link).status_code == 404
    assert client.get(preview_link(editor_client, story)).status_code == 200


def test_unpublishing_a_public_story_revokes_its_links(client, editor_client):
    story = StoryFactory(in_review=True)
    link = preview_link(editor_client, story)
    transition(editor_client, story, "publish")
    transition(editor_client, story, "unpublish")

    assert client.get(link).status_code == 404


def test_editor_revokes_every_preview_link_of_a_story(client, editor_client, editor):
    story = StoryFactory(draft=True)
    old_link = preview_link(editor_client, story)
    token_before = story.edit_token

    confirmation = editor_client.get(revoke_url(story))
    assert confirmation.status_code == 200
    assert "answer “not found”" in confirmation.text
    assert client.get(old_link).status_code == 200  # asking is not doing

    response = editor_client.post(revoke_url(story), follow=True)

    assert response.redirect_chain == [(change_url(story), 302)]
    assert "now answers “not found”" in response.text
    assert client.get(old_link).status_code == 404
    new_link = preview_link(editor_client, story)
    assert new_link != old_link
    assert client.get(new_link).status_code == 200
    story.refresh_from_db()
    assert story.edit_token == token_before  # whoever has the story open can still save
    history = editor_client.get(f"/admin/articles/story/{story.pk}/history/").text
    assert "Preview links revoked" in history
    entry = LogEntry.objects.get(object_id=str(story.pk))
    assert (entry.user, entry.get_change_message()) == (editor, "Preview links revoked")


def test_an_open_story_form_still_saves_after_its_links_are_revoked(editor_client):
    story = StoryFactory(draft=True)
    data = story_form(editor_client, change_url(story))
    editor_client.post(revoke_url(story))

    data["headline"] = "Saved after all"
    assert editor_client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.headline == "Saved after all"


def test_revoking_needs_a_post_with_the_csrf_token(editor):
    story = StoryFactory(draft=True)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    link = story.get_preview_url()

    assert browser.post(revoke_url(story)).status_code == 403

    assert Client().get(link).status_code == 200


def test_reverting_to_an_older_revision_never_revives_revoked_links(client, editor_client):
    story = StoryFactory(draft=True)
    data = story_form(editor_client, change_url(story))
    editor_client.post(change_url(story), data)  # a revision from before the revoke
    old_link = preview_link(editor_client, story)
    editor_client.post(revoke_url(story))

    Version.objects.get_for_object(story).order_by("pk").first().revision.revert()

    assert client.get(old_link).status_code == 404


def test_reporter_revokes_links_of_their_own_draft_only(reporter_client, reporter, other_reporter):
    own = StoryFactory(draft=True, created_by=reporter)
    BylineFactory(story=own, person=reporter.person)
    theirs = StoryFactory(draft=True, created_by=other_reporter)
    published = StoryFactory(created_by=reporter)
    links = {story.pk: story.get_preview_url() for story in (theirs, published)}

    assert reporter_client.post(revoke_url(own)).status_code == 302
    for story in (theirs, published):
        assert reporter_client.get(revoke_url(story)).status_code == 403
        assert reporter_client.post(revoke_url(story)).status_code == 403
    assert Client().get(links[theirs.pk]).status_code == 200
    assert Client().get(links[published.pk]).status_code == 302


def test_links_made_before_they_carried_the_key_no_longer_work(client):
    story = StoryFactory(draft=True)
    old_style = signing.dumps(story.pk, salt=PREVIEW_SALT, compress=True)

    assert client.get(f"/preview/{old_style}/").status_code == 404


def test_revoking_a_missing_story_answers_404(editor_client):
    assert editor_client.post("/admin/articles/story/999999/revoke-previews/").status_code == 404
