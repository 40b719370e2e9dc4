"""Nothing an editor did is ever lost: corrections stand, withdrawals say why."""

import pytest
from django.contrib.admin.models import LogEntry
from reversion.models import Version

from articles.models import Correction, Story
from tests.factories import CorrectionFactory, StoryFactory
from tests.forms import story_form
from tests.test_workflow import change_url, confirm, edit

pytestmark = pytest.mark.django_db


def revision_url(story, version):
    return f"/admin/articles/story/{story.pk}/history/{version.pk}/"


def add_correction(client, story, text):
    total = story.corrections.count()
    return edit(
        client,
        story,
        **{"corrections-TOTAL_FORMS": str(total + 1), f"corrections-{total}-text": text},
    )


def test_reverting_keeps_every_correction_and_the_story_s_state(client, editor_client):
    story = StoryFactory(headline="Talks begin", body="<p>First words.</p>")
    edit(editor_client, story, headline="Talks begin in Riyadh")
    first = Version.objects.get_for_object(story).get()
    edit(editor_client, story, headline="Talks begin in Jeddah", body="<p>Second words.</p>")
    add_correction(editor_client, story, "The talks are in Riyadh, not Jeddah.")

    opened = editor_client.get(revision_url(story, first))
    assert "Status: <strong>Published</strong>" in opened.text
    assert "every correction made since stays" in opened.text
    response = editor_client.post(
        revision_url(story, first), story_form(editor_client, revision_url(story, first))
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(story)
    story.refresh_from_db()
    assert story.headline == "Talks begin in Riyadh"
    assert story.is_published()
    assert list(story.corrections.values_list("text", flat=True)) == [
        "The talks are in Riyadh, not Jeddah."
    ]
    assert "The talks are in Riyadh, not Jeddah." in client.get(story.get_absolute_url()).text
    assert "The talks are in Riyadh, not Jeddah." in client.get("/corrections/").text


def test_opening_a_revision_changes_nothing(editor_client):
    story = StoryFactory(headline="To be kept")
    edit(editor_client, story, headline="Kept")
    first = Version.objects.get_for_object(story).get()
    add_correction(editor_client, story, "Made after the first revision.")

    assert editor_client.get(revision_url(story, first)).status_code == 200

    assert story.corrections.get().text == "Made after the first revision."


def test_a_correction_once_made_is_never_changed_or_removed_by_the_admin(client, editor_client):
    story = StoryFactory(headline="A story")
    add_correction(editor_client, story, "The vote was on Tuesday.")
    correction = story.corrections.get()

    form = editor_client.get(change_url(story))
    assert "corrections-0-DELETE" not in form.text
    data = story_form(editor_client, change_url(story))
    # A forged form: the text changed and the delete box ticked.
    data.update({"corrections-0-text": "Nothing to see.", "corrections-0-DELETE": "on"})
    assert editor_client.post(change_url(story), data).status_code == 302

    correction.refresh_from_db()
    assert correction.text == "The vote was on Tuesday."
    assert "The vote was on Tuesday." in client.get(story.get_absolute_url()).text


def test_withdrawing_asks_why_and_shows_readers_the_reason(client, editor_client, editor):
    story = StoryFactory(headline="An unsafe story")
    CorrectionFactory(story=story, text="The figure was 40, not 400.")

    refused = confirm(editor_client, story, "withdraw", reason="   ")
    assert refused.status_code == 200
    assert "This field is required." in refused.text
    story.refresh_from_db()
    assert story.is_published()

    done = confirm(
        editor_client, story, "withdraw", reason="It named a source we had promised to protect."
    )
    assert done.status_code == 302
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN

    page = client.get(story.get_absolute_url())
    assert page.status_code == 410
    assert "It named a source we had promised to protect." in page.text
    assert "The figure was 40, not 400." in page.text
    assert "An unsafe story" not in page.text
    corrections = client.get("/corrections/").text
    assert "The figure was 40, not 400." in corrections
    assert "published on" in corrections and '<span class="badge">withdrawn</span>' in corrections
    assert "An unsafe story" not in corrections
    # Kept in the history: the revision and the admin's log.
    latest = Version.objects.get_for_object(story).first()
    assert latest.revision.comment == "Withdrawn: It named a source we had promised to protect."
    assert LogEntry.objects.filter(
        object_id=str(story.pk), change_message__contains="promised to protect"
    ).exists()
    assert Correction.objects.filter(story=story).count() == 1


def test_withdrawing_from_the_story_list_asks_why_too(editor_client):
    stories = StoryFactory.create_batch(2)
    ids = [str(story.pk) for story in stories]
    tokens = {f"token-{story.pk}": str(story.edit_token) for story in stories}
    data = {"action": "withdraw", "_selected_action": ids, "confirm": "yes", **tokens}

    refused = editor_client.post("/admin/articles/story/", data)
    assert refused.status_code == 200
    assert "Why is it withdrawn?" in refused.text
    assert Story.objects.filter(status=Story.Status.WITHDRAWN).count() == 0

    editor_client.post("/admin/articles/story/", {**data, "reason": "Duplicates of a wire story."})
    assert set(Story.objects.values_list("status", "withdrawal_reason")) == {
        ("withdrawn", "Duplicates of a wire story.")
    }


def test_publishing_a_withdrawn_story_again_takes_its_notice_down(client, editor_client):
    story = StoryFactory()
    confirm(editor_client, story, "withdraw", reason="Under legal review.")
    story.refresh_from_db()

    assert confirm(editor_client, story, "publish").status_code == 302

    story.refresh_from_db()
    assert story.is_published() and story.withdrawal_reason == ""
    assert "Under legal review." not in client.get(story.get_absolute_url()).text


def test_a_save_that_changes_nothing_leaves_no_empty_revision(editor_client):
    story = StoryFactory(draft=True, headline="Budget day")
    edit(editor_client, story, headline="Budget day in Westminster")
    assert Version.objects.get_for_object(story).count() == 1
    logged = LogEntry.objects.count()

    unchanged = editor_client.post(change_url(story), story_form(editor_client, change_url(story)))
    assert unchanged.status_code == 302
    assert "Nothing had changed" in editor_client.get(unchanged["Location"]).text
    # "Schedule…" pressed, then "No, go back": nothing was changed, nothing recorded.
    data = {**story_form(editor_client, change_url(story)), "_transition": "schedule"}
    scheduling = editor_client.post(change_url(story), data)
    assert scheduling["Location"].endswith("/transition/schedule/")

    assert Version.objects.get_for_object(story).count() == 1
    assert LogEntry.objects.count() == logged
    changed = edit(editor_client, story, kicker="Analysis")
    assert changed.kicker == "Analysis"
    assert Version.objects.get_for_object(story).count() == 2
