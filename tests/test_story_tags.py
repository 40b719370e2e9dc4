"""Tags on the story form: chosen from the tags there are, added by editors only,
kept by name (commas and quotes too), through autosave and history."""

import pytest
from reversion.models import Version
from taggit.models import Tag

from articles.models import Autosave, Story
from tests.factories import BylineFactory, PersonFactory, StoryFactory
from tests.forms import form_values, story_form

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/story/add/"
AUTOCOMPLETE = "/admin/autocomplete/"


def change_url(story):
    return f"/admin/articles/story/{story.pk}/change/"


def tags_of(story):
    return sorted(Story.objects.get(pk=story.pk).tags.names())


def chosen_tags(client, url):
    """The tags the form holds, as a browser would send them."""
    value = story_form(client, url).get("tags", [])
    return sorted([value] if isinstance(value, str) else value)


def save(client, story, **changes):
    data = story_form(client, change_url(story))
    data.update(changes)
    return client.post(change_url(story), data)


def suggestions(client, term):
    params = {"app_label": "articles", "model_name": "story", "field_name": "tags", "term": term}
    response = client.get(AUTOCOMPLETE, params)
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_an_editor_chooses_existing_tags_and_adds_a_new_one_on_the_fly(editor_client):
    Tag.objects.create(name="Diplomacy", slug="diplomacy")
    story = StoryFactory(draft=True)

    response = save(editor_client, story, tags=["diplomacy", "Geneva talks"])

    assert response.status_code == 302
    # "diplomacy" is the tag there was, whatever its case.
    assert tags_of(story) == ["Diplomacy", "Geneva talks"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Diplomacy", "Geneva talks"]


def test_a_reporter_chooses_existing_tags(reporter_client, reporter):
    Tag.objects.create(name="Diplomacy", slug="diplomacy")
    story = StoryFactory(draft=True, created_by=reporter)

    assert save(reporter_client, story, tags=["Diplomacy"]).status_code == 302

    assert tags_of(story) == ["Diplomacy"]


def test_a_reporter_cannot_add_a_tag_and_nothing_of_the_save_is_kept(reporter_client, reporter):
    Tag.objects.create(name="Diplomacy", slug="diplomacy")
    story = StoryFactory(draft=True, created_by=reporter, headline="As it was")

    # A forged form: the reporter's picker offers no new names.
    response = save(reporter_client, story, headline="Changed", tags=["Diplomacy", "Secret summit"])

    assert response.status_code == 200
    assert "Only an editor can add a new tag, and “Secret summit” is not one yet." in response.text
    assert not Tag.objects.filter(name="Secret summit").exists()
    story.refresh_from_db()
    assert story.headline == "As it was"
    assert tags_of(story) == []


def test_the_picker_lets_editors_type_new_tags_and_reporters_only_choose(
    editor_client, reporter, client
):
    page = editor_client.get(ADD_URL).text
    assert 'class="tag-autocomplete"' in page and 'data-create="true"' in page
    assert "Type a new name to add a tag." in page

    client.force_login(reporter)
    page = client.get(ADD_URL).text
    assert 'class="tag-autocomplete"' in page and 'data-create="false"' in page
    assert "Type a new name to add a tag." not in page


def test_a_tag_with_a_comma_or_quotes_survives_the_round_trip(editor_client):
    story = StoryFactory(draft=True)
    names = ['"Big" Tech', "Smith, John"]

    assert save(editor_client, story, tags=names).status_code == 302

    assert tags_of(story) == names
    page = editor_client.get(change_url(story)).text
    # Each tag is one option, named as it is: no quoting for a comma-separated box.
    assert '<option value="Smith, John" selected>Smith, John</option>' in page
    assert "&quot;Smith, John&quot;" not in page
    assert chosen_tags(editor_client, change_url(story)) == names

    versions = Version.objects.get_for_object(story).count()
    response = save(editor_client, story)
    assert response.status_code == 302
    assert tags_of(story) == names
    assert Version.objects.get_for_object(story).count() == versions


def test_a_save_that_leaves_the_tags_as_they_were_writes_nothing(editor_client):
    story = StoryFactory(draft=True)
    story.tags.add("Diplomacy", "Geneva talks")
    versions = Version.objects.get_for_object(story).count()

    response = editor_client.post(
        change_url(story),
        # The same tags, in another order and case.
        {**story_form(editor_client, change_url(story)), "tags": ["geneva talks", "Diplomacy"]},
        follow=True,
    )

    assert "Nothing had changed, so nothing was saved." in response.text
    assert Version.objects.get_for_object(story).count() == versions


def test_tags_no_page_could_have_are_refused(editor_client):
    story = StoryFactory(draft=True)

    response = save(editor_client, story, tags=["Geneva", "::"])

    assert response.status_code == 200
    assert "A tag needs a letter or a digit: “::” cannot be one." in response.text
    assert tags_of(story) == []


def test_the_picker_offers_tags_that_start_with_the_typed_text_first(reporter_client):
    for name in ["Stalks", "Geneva talks", "Talks in Geneva", "Talks", "Budget"]:
        Tag.objects.create(name=name, slug=name.lower().replace(" ", "-"))

    assert suggestions(reporter_client, "talks") == [
        "Talks",
        "Talks in Geneva",
        "Geneva talks",
        "Stalks",
    ]
    assert suggestions(reporter_client, "") == [
        "Budget",
        "Geneva talks",
        "Stalks",
        "Talks",
        "Talks in Geneva",
    ]


def test_people_pickers_still_rank_a_name_above_a_title(editor_client):
    PersonFactory(name="Dmitry Peskov", title="Spokesman for Vladimir Putin")
    PersonFactory(name="Vladimir Putin", title="President of Russia")
    params = {"app_label": "articles", "model_name": "byline", "field_name": "person"}

    results = editor_client.get(AUTOCOMPLETE, {**params, "term": "Putin"}).json()["results"]

    assert [result["text"] for result in results][:2] == ["Vladimir Putin", "Dmitry Peskov"]


def test_autosave_keeps_the_tags_and_restoring_brings_them_back(editor_client, editor):
    Tag.objects.create(name="Diplomacy", slug="diplomacy")
    story = StoryFactory(draft=True)
    data = story_form(editor_client, change_url(story))
    data["tags"] = ["Diplomacy", "Smith, John"]

    assert editor_client.post(f"{change_url(story)[:-7]}autosave/", data).status_code == 200

    assert Autosave.objects.get(story=story).fields["tags"] == ["Diplomacy", "Smith, John"]
    assert tags_of(story) == []
    restored = editor_client.get(change_url(story) + "?autosave=restore")
    values = form_values(restored.text, "story_form")
    assert sorted(values["tags"]) == ["Diplomacy", "Smith, John"]
    assert editor_client.post(change_url(story), values).status_code == 302
    assert tags_of(story) == ["Diplomacy", "Smith, John"]


def test_a_copy_autosaved_as_comma_separated_text_comes_back_as_tags(editor_client, editor):
    story = StoryFactory(draft=True)
    Autosave.objects.create(
        user=editor, story=story, fields={"tags": 'Diplomacy, "Smith, John"'}, opened_token=None
    )

    restored = editor_client.get(change_url(story) + "?autosave=restore")

    assert sorted(form_values(restored.text, "story_form")["tags"]) == [
        "Diplomacy",
        "Smith, John",
    ]


def test_history_keeps_the_tags_of_each_revision_and_a_revert_brings_them_back(editor_client):
    story = StoryFactory(draft=True)
    BylineFactory(story=story)
    assert save(editor_client, story, tags=["Diplomacy"]).status_code == 302
    assert save(editor_client, story, tags=["Markets", "Smith, John"]).status_code == 302

    older, newer = reversed(Version.objects.get_for_object(story))
    versions = newer.revision.version_set.filter(content_type__model="taggedstory")
    assert sorted(version.object_repr for version in versions) == ["Markets", "Smith, John"]

    url = f"/admin/articles/story/{story.pk}/history/{older.pk}/"
    data = story_form(editor_client, url)
    assert data["tags"] == "Diplomacy"
    assert editor_client.post(url, data).status_code == 302
    assert tags_of(story) == ["Diplomacy"]


def test_without_javascript_the_story_s_tags_are_a_list_to_keep_or_drop_from(editor_client):
    story = StoryFactory(draft=True)
    story.tags.add("Diplomacy", "Markets")
    # A browser without scripts sends the options left selected.
    data = story_form(editor_client, change_url(story))
    assert sorted(data["tags"]) == ["Diplomacy", "Markets"]
    data["tags"] = ["Markets"]

    assert editor_client.post(change_url(story), data).status_code == 302

    assert tags_of(story) == ["Markets"]
