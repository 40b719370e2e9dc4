"""The story form's autosave: the writer's own copy on the server, never the story."""

from django.contrib.admin.models import LogEntry
from django.test import Client
from reversion.models import Version

from articles.models import Autosave, Story
from tests.factories import StoryFactory
from tests.forms import form_values, story_form

ADD_URL = "/admin/articles/story/add/"


def change_url(story):
    return f"/admin/articles/story/{story.pk}/change/"


def autosave_url(story=None):
    if story is None:
        return "/admin/articles/story/autosave/"
    return f"/admin/articles/story/{story.pk}/autosave/"


def typed(client, url, **changes):
    """The story form as the writer left it, with ``changes`` typed in."""
    data = story_form(client, url)
    data.update(changes)
    return data


def test_autosave_keeps_a_copy_and_leaves_the_story_as_it_was(editor_client):
    story = StoryFactory(draft=True, headline="As saved", body="<p>Saved words.</p>")
    versions = Version.objects.get_for_object(story).count()
    data = typed(editor_client, change_url(story), headline="As typed", body="<p>New words.</p>")

    response = editor_client.post(autosave_url(story), data)

    assert response.status_code == 200
    assert response.json()["message"].startswith("Saved ")
    copy = Autosave.objects.get(story=story)
    assert copy.fields["headline"] == "As typed"
    assert copy.fields["body"] == "<p>New words.</p>"
    story.refresh_from_db()
    assert (story.headline, story.body) == ("As saved", "<p>Saved words.</p>")
    assert Version.objects.get_for_object(story).count() == versions
    assert not LogEntry.objects.filter(object_id=str(story.pk)).exists()


def test_autosave_never_publishes(editor_client):
    story = StoryFactory(draft=True)
    data = typed(editor_client, change_url(story), status="published", _transition="publish")
    data["published_at_0"], data["published_at_1"] = "2026-01-01", "09:00"

    assert editor_client.post(autosave_url(story), data).status_code == 200

    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT
    assert story.published_at is None
    assert "published_at" not in Autosave.objects.get(story=story).fields


def test_reopening_offers_the_copy_and_restoring_fills_the_form(editor_client):
    story = StoryFactory(draft=True, headline="As saved")
    editor_client.post(
        autosave_url(story), typed(editor_client, change_url(story), headline="Typed")
    )

    offer = editor_client.get(change_url(story)).text
    assert "saved automatically but not on the story" in offer
    assert 'href="?autosave=restore"' in offer

    restored = editor_client.get(change_url(story) + "?autosave=restore")
    values = form_values(restored.text, "story_form")
    assert values["headline"] == "Typed"
    assert "is back in the form" in restored.text

    # Saving the restored form saves the work, and the copy is gone.
    response = editor_client.post(change_url(story), values)
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Typed"
    assert not Autosave.objects.exists()
    assert "saved automatically" not in editor_client.get(change_url(story)).text


def test_a_copy_made_before_someone_else_saved_cannot_overwrite_their_save(editor_client, editor):
    story = StoryFactory(draft=True, headline="First")
    opened = typed(editor_client, change_url(story), headline="Mine")
    # A colleague saves the story meanwhile.
    colleague = Client()
    colleague.force_login(editor.__class__.objects.create_superuser("colleague", "c@x.org", "pw"))
    theirs = typed(colleague, change_url(story), headline="Theirs")
    assert colleague.post(change_url(story), theirs).status_code == 302

    answer = editor_client.post(autosave_url(story), opened).json()

    # The work is kept, and the writer is told Save will be refused.
    assert answer["conflict"] is True
    assert "Save will be refused" in answer["message"]
    assert Autosave.objects.get(story=story).fields["headline"] == "Mine"
    restored = editor_client.get(change_url(story) + "?autosave=restore")
    assert "Save will be refused" in restored.text
    response = editor_client.post(change_url(story), form_values(restored.text, "story_form"))
    assert response.status_code == 200
    assert "after you opened it" in response.text
    story.refresh_from_db()
    assert story.headline == "Theirs"


def test_a_new_story_is_autosaved_and_offered_on_the_add_form(editor_client):
    data = typed(editor_client, ADD_URL, headline="Breaking", slug="breaking")

    assert editor_client.post(autosave_url(), data).status_code == 200

    assert not Story.objects.exists()
    assert "saved automatically" in editor_client.get(ADD_URL).text
    restored = editor_client.get(ADD_URL + "?autosave=restore")
    assert form_values(restored.text, "story_form")["headline"] == "Breaking"


def test_discarding_the_copy(editor_client):
    story = StoryFactory(draft=True)
    editor_client.post(autosave_url(story), typed(editor_client, change_url(story), headline="X"))

    response = editor_client.post(autosave_url(story), {"discard": "1"}, follow=True)

    assert "Your unsaved work was discarded." in response.text
    assert not Autosave.objects.exists()


def test_what_no_story_could_take_is_refused_and_nothing_is_kept(editor_client):
    story = StoryFactory(draft=True)
    long_headline = typed(editor_client, change_url(story), headline="x" * 300)
    no_such_person = typed(editor_client, change_url(story), people=["999999"])

    for data in (long_headline, no_such_person):
        response = editor_client.post(autosave_url(story), data)
        assert response.status_code == 400
        assert response.json()["message"].startswith("Not saved automatically.")
    assert not Autosave.objects.exists()


def test_half_typed_text_is_kept_as_it_is(editor_client):
    story = StoryFactory(draft=True)
    data = typed(editor_client, change_url(story), slug="not a slug yet", headline="")

    assert editor_client.post(autosave_url(story), data).status_code == 200
    assert Autosave.objects.get().fields["slug"] == "not a slug yet"


def test_a_reporter_cannot_autosave_a_colleagues_story(reporter_client, other_reporter):
    story = StoryFactory(draft=True, created_by=other_reporter)

    response = reporter_client.post(autosave_url(story), {"headline": "Mine now"})

    assert response.status_code == 403
    assert not Autosave.objects.exists()


def test_autosave_takes_only_posts(editor_client):
    story = StoryFactory(draft=True)
    assert editor_client.get(autosave_url(story)).status_code == 405


def test_each_writer_has_their_own_copy(editor_client, editor):
    story = StoryFactory(draft=True)
    other = Client()
    other.force_login(editor.__class__.objects.create_superuser("other", "o@x.org", "pw"))
    editor_client.post(autosave_url(story), typed(editor_client, change_url(story), headline="A"))
    other.post(autosave_url(story), typed(other, change_url(story), headline="B"))

    assert sorted(Autosave.objects.values_list("fields__headline", flat=True)) == ["A", "B"]
    assert "saved automatically" not in Client().get(change_url(story)).text
