"""The desk's workflow, driven through the real admin as reporters and editors use it."""

import datetime
import re

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Version

from articles.models import Story
from newsroom.jinja2 import machine_time
from tests.factories import BylineFactory, PersonFactory, SourceFactory, StoryFactory
from tests.forms import edit, form_values, story_form

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/story/add/"
CHANGELIST = "/admin/articles/story/"


def change_url(story):
    return f"/admin/articles/story/{story.pk}/change/"


def transition_url(story, name):
    return f"/admin/articles/story/{story.pk}/transition/{name}/"


def own_draft(user, **kwargs):
    story = StoryFactory(draft=True, created_by=user, **kwargs)
    BylineFactory(story=story, person=user.person)
    return story


def confirm(client, story, name, **fields):
    """Open the confirmation page of a transition and say yes."""
    page = client.get(transition_url(story, name))
    assert page.status_code == 200
    data = {"edit_token": page.context["form"]["edit_token"].value(), **fields}
    return client.post(transition_url(story, name), data)


def local(dt):
    return timezone.localtime(dt)


def split(dt):
    dt = local(dt)
    return {"publish_at_0": dt.strftime("%Y-%m-%d"), "publish_at_1": dt.strftime("%H:%M:%S")}


# Roles


def test_roles_exist_after_migrate_and_only_editors_may_publish():
    reporter = Group.objects.get(name="Reporter")
    editor = Group.objects.get(name="Editor")
    codenames = set(editor.permissions.values_list("codename", flat=True))
    assert {"publish_story", "add_story", "change_story", "delete_story"} <= codenames
    reporter_codenames = set(reporter.permissions.values_list("codename", flat=True))
    assert {"add_story", "change_story", "view_story"} <= reporter_codenames
    assert "publish_story" not in reporter_codenames
    assert "delete_story" not in reporter_codenames


def test_reporters_new_story_has_their_byline_first_and_is_theirs(reporter_client, reporter):
    data = story_form(reporter_client, ADD_URL)
    assert data["bylines-0-person"] == str(reporter.person.pk)
    data.update(headline="Council votes on budget", slug="council-votes")

    response = reporter_client.post(ADD_URL, data)

    assert response.status_code == 302
    story = Story.objects.get(slug="council-votes")
    assert story.created_by == reporter
    assert story.status == Story.Status.DRAFT
    assert [b.person for b in story.bylines.all()] == [reporter.person]


def test_reporter_submits_for_review_and_it_is_recorded(reporter_client, reporter):
    story = own_draft(reporter)
    data = story_form(reporter_client, change_url(story))
    data.update(headline="Filed copy", _transition="submit")

    response = reporter_client.post(change_url(story), data)

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Story.Status.REVIEW
    assert story.headline == "Filed copy"
    entry = LogEntry.objects.filter(object_id=str(story.pk)).order_by("-action_time").first()
    assert entry.user == reporter
    assert "Submitted for review" in entry.get_change_message()


def test_reporter_is_not_offered_publishing(reporter_client, reporter):
    story = own_draft(reporter)
    html = reporter_client.get(change_url(story)).text
    assert 'value="submit"' in html
    for name in ["publish", "schedule", "withdraw", "unpublish"]:
        assert f'value="{name}"' not in html
    actions = reporter_client.get(CHANGELIST).text
    assert 'value="submit_for_review"' in actions
    assert 'value="publish_now"' not in actions


def test_reporter_cannot_publish_by_crafting_a_form_post(reporter_client, reporter):
    story = own_draft(reporter)
    data = story_form(reporter_client, change_url(story))
    data.update(status="published", published_at_0="2025-01-01", published_at_1="10:00:00")

    reporter_client.post(change_url(story), data)

    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT
    assert story.published_at is None


@pytest.mark.parametrize("name", ["publish", "schedule", "withdraw", "unpublish"])
def test_reporter_cannot_reach_a_publishing_action_by_address(reporter_client, reporter, name):
    story = own_draft(reporter)
    assert reporter_client.get(transition_url(story, name)).status_code == 403
    response = reporter_client.post(
        transition_url(story, name), {"edit_token": str(story.edit_token), "reason": "Mine."}
    )
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT


@pytest.mark.parametrize("action", ["publish_now", "schedule", "withdraw", "unpublish"])
def test_reporter_cannot_run_a_publishing_list_action(reporter_client, reporter, action):
    story = own_draft(reporter)
    reporter_client.post(
        CHANGELIST,
        {
            "action": action,
            "_selected_action": [story.pk],
            "confirm": "yes",
            f"token-{story.pk}": str(story.edit_token),
            "reason": "Mine.",
            **split(timezone.now() + datetime.timedelta(days=1)),
        },
    )
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT


def test_reporter_cannot_change_a_published_story(reporter_client, reporter):
    story = own_draft(reporter)
    Story.objects.filter(pk=story.pk).update(
        status=Story.Status.PUBLISHED, published_at=timezone.now()
    )
    page = reporter_client.get(change_url(story))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text  # read-only view

    response = reporter_client.post(change_url(story), {"headline": "Changed", "slug": "x"})

    assert response.status_code == 403
    story.refresh_from_db()
    assert story.headline != "Changed"


def test_reporter_cannot_change_another_reporters_draft(reporter_client, other_reporter):
    story = own_draft(other_reporter)
    response = reporter_client.post(change_url(story), {"headline": "Hijacked", "slug": "x"})
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.headline != "Hijacked"


def test_editor_edits_anyones_story_including_published_ones(editor_client, reporter):
    draft = own_draft(reporter)
    published = StoryFactory()
    for story in (draft, published):
        data = story_form(editor_client, change_url(story))
        data["headline"] = f"Edited {story.pk}"
        assert editor_client.post(change_url(story), data).status_code == 302
        story.refresh_from_db()
        assert story.headline == f"Edited {story.pk}"


# Status and time


def test_publishing_asks_for_confirmation_first(editor_client):
    story = StoryFactory(in_review=True)
    page = editor_client.get(transition_url(story, "publish"))
    assert "Yes, publish now" in page.text
    story.refresh_from_db()
    assert story.status == Story.Status.REVIEW

    confirm(editor_client, story, "publish")

    story.refresh_from_db()
    assert story.is_published()


def test_scheduled_story_appears_by_itself_at_its_time(editor_client, client):
    story = StoryFactory(in_review=True, headline="Embargoed report", slug="embargoed")
    at = (timezone.now() + datetime.timedelta(hours=5)).replace(microsecond=0, second=0)

    response = confirm(editor_client, story, "schedule", **split(at))

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED
    assert story.published_at == at
    listing = editor_client.get(CHANGELIST).text
    assert f"Scheduled for {local(at):%-d %b %Y, %H:%M}" in listing

    url = story.get_absolute_url()
    with time_machine.travel(at - datetime.timedelta(seconds=1), tick=False):
        assert client.get(url).status_code == 404
        assert "Embargoed report" not in client.get("/").text
    with time_machine.travel(at, tick=False):
        assert client.get(url).status_code == 200
        assert "Embargoed report" in client.get("/").text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"publish_at_0": "2020-01-01", "publish_at_1": "09:00:00"}, "Choose a time in the future"),
        (
            {"publish_at_0": "2099-02-31", "publish_at_1": "09:00:00"},
            "Enter the date as DD/MM/YYYY, or pick it from the calendar.",
        ),
        (
            {"publish_at_0": "tomorrow", "publish_at_1": "9am"},
            "Enter the time as HH:MM on the 24-hour clock",
        ),
        ({"publish_at_0": "", "publish_at_1": ""}, "This field is required"),
    ],
)
def test_schedule_refuses_bad_times_with_a_message(editor_client, fields, message):
    story = StoryFactory(in_review=True)
    response = confirm(editor_client, story, "schedule", **fields)
    assert response.status_code == 200
    assert message in response.text
    story.refresh_from_db()
    assert story.status == Story.Status.REVIEW
    assert story.published_at is None


def test_withdraw_makes_the_page_answer_410(editor_client, client):
    story = StoryFactory()
    url = story.get_absolute_url()
    confirm(editor_client, story, "withdraw", reason="Wrongly published.")
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN
    assert client.get(url).status_code == 410


def test_unpublish_returns_the_story_to_draft_and_hides_it(editor_client, client):
    story = StoryFactory()
    url = story.get_absolute_url()
    confirm(editor_client, story, "unpublish")
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT
    assert client.get(url).status_code == 404


def test_list_action_confirms_then_publishes_each_story(editor_client):
    stories = StoryFactory.create_batch(2, in_review=True)
    post = {"action": "publish_now", "_selected_action": [s.pk for s in stories]}

    page = editor_client.post(CHANGELIST, post)

    assert page.status_code == 200
    assert "Yes, publish now" in page.text
    assert not Story.objects.published().exists()
    data = form_values(page.text, "transition-form")
    response = editor_client.post(CHANGELIST, data)
    assert response.status_code == 302
    assert Story.objects.published().count() == 2


def test_list_action_refuses_a_story_changed_after_the_confirmation_page(editor_client):
    story = StoryFactory(in_review=True)
    page = editor_client.post(CHANGELIST, {"action": "publish_now", "_selected_action": [story.pk]})
    data = form_values(page.text, "transition-form")
    story.headline = "Changed meanwhile"
    story.save()

    response = editor_client.post(CHANGELIST, data, follow=True)

    assert "after you opened it" in response.text
    story.refresh_from_db()
    assert story.status == Story.Status.REVIEW


def test_changed_slug_of_a_published_story_keeps_the_old_address(editor_client, client):
    story = StoryFactory(slug="first-slug")
    old = story.get_absolute_url()
    data = story_form(editor_client, change_url(story))
    data["slug"] = "better-slug"
    assert editor_client.post(change_url(story), data).status_code == 302

    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url().replace("first-slug", "better-slug")
    assert client.get(response["Location"]).status_code == 200


def test_changed_date_of_a_published_story_keeps_the_old_address(editor_client, client):
    story = StoryFactory(slug="dated", published_at=timezone.now() - datetime.timedelta(days=3))
    old = story.get_absolute_url()
    new_time = local(timezone.now() - datetime.timedelta(days=10))
    data = story_form(editor_client, change_url(story))
    data.update(
        published_at_0=new_time.strftime("%Y-%m-%d"), published_at_1=new_time.strftime("%H:%M:%S")
    )
    assert editor_client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.get_absolute_url() != old

    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_public_story_time_cannot_be_moved_into_the_future_from_the_form(editor_client):
    story = StoryFactory()
    future = local(timezone.now() + datetime.timedelta(days=1))
    data = story_form(editor_client, change_url(story))
    data.update(published_at_0=future.strftime("%Y-%m-%d"), published_at_1="10:00:00")

    response = editor_client.post(change_url(story), data)

    assert response.status_code == 200
    assert "cannot move into the future" in response.text
    assert Story.objects.published().filter(pk=story.pk).exists()


def test_slug_clash_on_the_same_day_gets_a_free_slug_and_nothing_is_saved(editor_client):
    taken = StoryFactory(slug="same-day")
    StoryFactory(slug="same-day-2", published_at=taken.published_at)
    story = StoryFactory(slug="other", headline="Original headline")
    data = story_form(editor_client, change_url(story))
    data.update(slug="same-day", headline="New headline")

    response = editor_client.post(change_url(story), data)

    assert response.status_code == 200
    assert f"has the address {taken.get_absolute_url()}" in response.text
    assert "“same-day-3” is free." in response.text
    story.refresh_from_db()
    assert story.headline == "Original headline"


def test_same_slug_on_another_day_is_saved(editor_client):
    StoryFactory(slug="same-slug", published_at=timezone.now() - datetime.timedelta(days=3))
    story = StoryFactory(slug="other")
    data = story_form(editor_client, change_url(story))
    data.update(slug="same-slug")

    response = editor_client.post(change_url(story), data)

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.slug == "same-slug"


def test_publishing_onto_a_taken_address_is_refused_with_a_free_slug(editor_client):
    StoryFactory(slug="call", published_at=timezone.now() - datetime.timedelta(minutes=5))
    draft = StoryFactory(draft=True, slug="call")

    response = confirm(editor_client, draft, "publish")

    assert "“call-2” is free. Change this story’s slug, then try again." in response.text
    draft.refresh_from_db()
    assert draft.status == Story.Status.DRAFT


def test_scheduling_onto_a_taken_address_is_refused(editor_client):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    StoryFactory(slug="embargo", published_at=tomorrow, status=Story.Status.PUBLISHED)
    draft = StoryFactory(draft=True, slug="embargo")

    response = confirm(editor_client, draft, "schedule", **split(tomorrow))

    assert "“embargo-2” is free." in response.text
    draft.refresh_from_db()
    assert draft.status == Story.Status.DRAFT


# Preview


def test_unpublished_story_has_a_preview_link_that_renders_it_for_anyone(editor_client):
    story = StoryFactory(draft=True, headline="Draft headline", body="<p>Draft body.</p>")
    html = editor_client.get(change_url(story)).text
    link = re.search(r'href="(/preview/[^"]+/)"[^>]*>Preview<', html)[1]

    response = Client().get(link)

    assert response.status_code == 200
    assert "Preview — not published" in response.text
    assert "Draft headline" in response.text and "Draft body." in response.text
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-cache" in response["Cache-Control"]


def test_tampered_or_expired_preview_link_answers_404(client, settings):
    story = StoryFactory(draft=True)
    link = story.get_preview_url()
    assert client.get(link[:-3] + "xyz/").status_code == 404
    assert client.get("/preview/not-a-token/").status_code == 404
    later = timezone.now() + datetime.timedelta(days=settings.PREVIEW_LINK_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        assert client.get(link).status_code == 404


# Revisions and recovery


def test_every_save_is_a_revision_with_its_bylines_citations_corrections_and_tags(
    editor_client, editor
):
    story = StoryFactory()
    BylineFactory(story=story)
    story.tags.add("Diplomacy")
    source = SourceFactory()
    edit(editor_client, story, headline="First")
    edit(
        editor_client,
        story,
        headline="Second",
        **{
            "citations-0-source": str(source.pk),
            "citations-0-detail": "said",
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-text": "A fix.",
        },
    )

    versions = Version.objects.get_for_object(story)
    assert versions.count() == 2
    latest = versions.first()
    assert latest.revision.user == editor
    models = {v.content_type.model for v in latest.revision.version_set.all()}
    assert {"story", "byline", "citation", "correction", "taggedstory"} <= models


def test_history_compares_two_revisions_word_by_word(editor_client):
    story = StoryFactory()
    edit(editor_client, story, headline="Talks collapse in Geneva", body="<p>Old words here.</p>")
    edit(editor_client, story, headline="Talks resume in Geneva", body="<p>New words here.</p>")
    older, newer = reversed(Version.objects.get_for_object(story))

    history = editor_client.get(f"/admin/articles/story/{story.pk}/history/")
    assert history.status_code == 200
    assert f'value="{older.pk}"' in history.text
    page = editor_client.get(
        f"/admin/articles/story/{story.pk}/history/compare/", {"from": older.pk, "to": newer.pk}
    )

    assert page.status_code == 200
    assert "Talks <del>collapse</del><ins>resume</ins> in Geneva" in page.text
    assert "<del>Old</del><ins>New</ins> words here." in page.text
    bad = editor_client.get(f"/admin/articles/story/{story.pk}/history/compare/?from=x&to=1")
    assert bad.status_code == 404


def test_revert_restores_the_words_but_not_the_workflow_state(editor_client):
    story = StoryFactory()
    edit(editor_client, story, headline="The original headline")
    edit(editor_client, story, headline="A regrettable headline")
    original = Version.objects.get_for_object(story).last()
    url = f"/admin/articles/story/{story.pk}/history/{original.pk}/"

    data = story_form(editor_client, url)
    assert data["headline"] == "The original headline"
    response = editor_client.post(url, data)

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "The original headline"
    assert story.is_published()


def test_revert_refuses_when_someone_saved_after_it_was_opened(editor_client, editor):
    story = StoryFactory()
    edit(editor_client, story, headline="One")
    edit(editor_client, story, headline="Two")
    first_revision = Version.objects.get_for_object(story).last()
    url = f"/admin/articles/story/{story.pk}/history/{first_revision.pk}/"
    data = story_form(editor_client, url)
    edit(editor_client, story, headline="Three")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "after you opened it" in response.text
    story.refresh_from_db()
    assert story.headline == "Three"


def test_deleted_story_is_recovered_with_its_relations(editor_client):
    story = StoryFactory(headline="Deleted by mistake, first draft")
    BylineFactory(story=story, person=PersonFactory(name="Ada Reporter"))
    story.tags.add("Diplomacy")
    edit(editor_client, story, headline="Deleted by mistake")
    pk = story.pk
    response = editor_client.post(f"/admin/articles/story/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Story.objects.filter(pk=pk).exists()

    recover_list = editor_client.get("/admin/articles/story/recover/")
    assert "Deleted by mistake" in recover_list.text
    version = Version.objects.get_deleted(Story).get()
    url = f"/admin/articles/story/recover/{version.pk}/"
    response = editor_client.post(url, story_form(editor_client, url))

    assert response.status_code == 302
    story = Story.objects.get(pk=pk)
    assert [b.person.name for b in story.bylines.all()] == ["Ada Reporter"]
    assert list(story.tags.names()) == ["Diplomacy"]


def test_reporters_cannot_recover_deleted_stories(reporter_client):
    assert reporter_client.get("/admin/articles/story/recover/").status_code == 403


# No lost edits


def test_second_of_two_simultaneous_saves_is_refused_and_keeps_its_text(editor, db):
    second_editor = Group.objects.get(name="Editor").user_set.create(
        username="sam", is_staff=True, first_name="Sam", last_name="Second"
    )
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    story = StoryFactory(headline="Original")
    first_form = story_form(first, change_url(story))
    second_form = story_form(second, change_url(story))

    first_form["headline"] = "First editor's headline"
    assert first.post(change_url(story), first_form).status_code == 302
    second_form["headline"] = "Second editor's headline"
    response = second.post(change_url(story), second_form)

    assert response.status_code == 200
    story.refresh_from_db()
    changed_at = local(story.updated_at).strftime("%H:%M")
    assert f"This story was changed by Eddie at {changed_at}, after you opened it" in response.text
    assert "Second editor&#x27;s headline" in response.text
    assert story.headline == "First editor's headline"


def test_transition_refuses_a_story_changed_after_the_confirmation_page(editor_client):
    story = StoryFactory(in_review=True)
    page = editor_client.get(transition_url(story, "publish"))
    token = page.context["form"]["edit_token"].value()
    story.headline = "Changed meanwhile"
    story.save()

    response = editor_client.post(transition_url(story, "publish"), {"edit_token": token})

    assert response.status_code == 200
    assert "after you opened it" in response.text
    story.refresh_from_db()
    assert story.status == Story.Status.REVIEW


# Corrections


def test_correction_is_stamped_shown_and_moves_the_updated_time(editor_client, client):
    story = StoryFactory(published_at=timezone.now() - datetime.timedelta(days=2))
    Story.objects.filter(pk=story.pk).update(updated_at=story.published_at)
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        edit(
            editor_client,
            story,
            **{"corrections-TOTAL_FORMS": "1", "corrections-0-text": "The vote was 12-3."},
        )

    correction = story.corrections.get()
    assert correction.created_at == now
    assert story.updated_at == now
    html = client.get(story.get_absolute_url()).text
    stamp = f'<time datetime="{machine_time(now)}">{local(now):%-d %B %Y}</time>'
    assert f"<li>{stamp}: The vote was 12-3.</li>" in html
    # The box's heading says "Correction"; the item does not say it again.
    assert "Correction, <time" not in html
    assert "Updated" in html


# The desk


def test_admin_index_shows_the_desk(editor_client):
    now = timezone.now()
    older = StoryFactory(in_review=True, headline="Older in review")
    Story.objects.filter(pk=older.pk).update(updated_at=now - datetime.timedelta(hours=3))
    StoryFactory(in_review=True, headline="Newer in review")
    StoryFactory(scheduled=True, headline="Going out later")
    StoryFactory(headline="Out already")
    StoryFactory(draft=True)

    html = editor_client.get("/admin/").text

    assert "The desk" in html
    assert html.index("Older in review") < html.index("Newer in review")
    assert "Going out later" in html
    assert "Out already" in html
    assert "<strong>1</strong> drafts" in html
    assert "<strong>2</strong> in review" in html
    assert "<strong>1</strong> scheduled" in html


# The schedule


def test_the_agenda_lists_scheduled_stories_day_by_day_in_the_newsroom_s_zone(
    editor_client, reporter, django_assert_max_num_queries
):
    now = timezone.now()
    soon = StoryFactory(headline="Budget statement", published_at=now + datetime.timedelta(hours=1))
    later = StoryFactory(headline="Summit opens", published_at=now + datetime.timedelta(days=3))
    for day in range(5):
        BylineFactory(story=StoryFactory(published_at=now + datetime.timedelta(days=2, hours=day)))
    StoryFactory(headline="Already out")
    StoryFactory(headline="Still a draft", draft=True)

    with django_assert_max_num_queries(12):
        page = editor_client.get("/admin/articles/story/agenda/")

    assert page.status_code == 200
    text = page.text
    assert text.index("Budget statement") < text.index("Summit opens")
    assert local(later.published_at).strftime("%H:%M") in text
    assert date_format(local(later.published_at).date(), "j F Y") in text
    assert "Already out" not in text and "Still a draft" not in text
    assert timezone.get_current_timezone_name() in text
    assert f"/admin/articles/story/{soon.pk}/transition/schedule/" in text
    # Reporters see the plan; only editors move a story's time.
    reporter_client = Client()
    reporter_client.force_login(reporter)
    reporter_page = reporter_client.get("/admin/articles/story/agenda/")
    assert reporter_page.status_code == 200
    assert "Budget statement" in reporter_page.text
    assert "/transition/schedule/" not in reporter_page.text
    assert "/admin/articles/story/agenda/" in editor_client.get("/admin/").text


def test_a_malformed_publication_time_on_the_story_form_says_what_to_type(editor_client):
    story = StoryFactory()
    data = story_form(editor_client, change_url(story))
    data.update(published_at_0="yesterday", published_at_1="noon")

    response = editor_client.post(change_url(story), data)

    assert response.status_code == 200
    assert "Enter the date as DD/MM/YYYY" in response.text
    assert "Enter the time as HH:MM" in response.text
    assert Story.objects.get(pk=story.pk).published_at == story.published_at
