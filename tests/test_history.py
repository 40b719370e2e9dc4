"""A story's history as the desk reads it: every field and relation, who and when."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from reversion.models import Version

from articles.models import Image, Section
from tests.factories import (
    BylineFactory,
    CitationFactory,
    PersonFactory,
    SourceFactory,
    StoryFactory,
)
from tests.forms import edit
from tests.pictures import photo

pytestmark = pytest.mark.django_db


def compare(client, story):
    newer, older = Version.objects.get_for_object(story)[:2]
    page = client.get(
        f"/admin/articles/story/{story.pk}/history/compare/", {"from": older.pk, "to": newer.pk}
    )
    assert page.status_code == 200
    return page.text


def test_compare_shows_changes_to_every_relation(editor_client):
    story = StoryFactory(body="<h2>What Putin wants</h2><p>The call lasted two hours.</p>")
    anna, boris = PersonFactory(name="Anna Ivanova"), PersonFactory(name="Boris Petrov")
    BylineFactory(story=story, person=anna, role="in Moscow", order=0)
    subject, other = PersonFactory(name="Vladimir Putin"), PersonFactory(name="Dmitry Peskov")
    story.people.add(subject)
    kremlin = SourceFactory(name="The Kremlin")
    CitationFactory(story=story, source=kremlin, detail="said in a statement")
    story.tags.add("Diplomacy")
    edit(editor_client, story, dek="The first revision.")
    name = default_storage.save("originals/kremlin.jpg", ContentFile(photo((400, 300))))
    picture = Image.objects.create(file=name, alt_text="The Kremlin at dusk", credit="Reuters")
    europe = Section.objects.create(name="Europe", slug="europe")

    edit(
        editor_client,
        story,
        section=str(europe.pk),
        lead_image=str(picture.pk),
        people=[str(other.pk)],
        tags="Ukraine",
        body="<h2>What Moscow wants</h2><ul><li>A ceasefire.</li></ul>"
        "<p>The call lasted two hours.</p>",
        **{
            "bylines-0-role": "in Kyiv",
            "bylines-1-person": str(boris.pk),
            "bylines-1-order": "1",
            "citations-0-detail": "told reporters",
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-text": "An earlier version gave the wrong length of the call.",
        },
    )
    page = compare(editor_client, story)

    assert "<del>World</del><ins>Europe</ins>" in page
    assert "<ins>The Kremlin at dusk</ins>" in page
    assert "<del>Vladimir Putin</del>" in page and "<ins>Dmitry Peskov</ins>" in page
    assert "<del>1. Anna Ivanova, in Moscow</del>" in page
    assert "<ins>1. Anna Ivanova, in Kyiv</ins>" in page
    assert "<ins>2. Boris Petrov</ins>" in page
    assert "<del>The Kremlin: said in a statement</del>" in page
    assert "<ins>The Kremlin: told reporters</ins>" in page
    assert "<del>Diplomacy</del>" in page and "<ins>Ukraine</ins>" in page
    assert "<ins>An earlier version gave the wrong length of the call.</ins>" in page
    # The body keeps its structure: the heading is a heading, the list item is one.
    assert "Heading</span> What <del>Putin</del><ins>Moscow</ins> wants" in page
    assert "List item</span> <ins>A ceasefire.</ins>" in page
    # What did not change is named, not shown.
    assert "Unchanged:" in page and "Headline" in page.split("Unchanged:")[1]


def test_a_byline_moved_up_shows_as_a_change_of_order(editor_client):
    story = StoryFactory()
    first, second = PersonFactory(name="Ann Author"), PersonFactory(name="Ben Writer")
    BylineFactory(story=story, person=first, order=0)
    BylineFactory(story=story, person=second, order=1)
    edit(editor_client, story, dek="The first revision.")

    edit(editor_client, story, **{"bylines-0-order": "1", "bylines-1-order": "0"})
    page = compare(editor_client, story)

    assert "<ins>1. Ben Writer</ins>" in page
    assert "<del>2. Ben Writer</del>" in page


def test_a_person_deleted_since_is_named_as_deleted(editor_client):
    story = StoryFactory()
    gone = PersonFactory(name="Someone Removed")
    edit(editor_client, story, dek="The first revision.")
    edit(editor_client, story, people=[str(gone.pk)])
    gone_pk = gone.pk
    gone.delete()

    page = compare(editor_client, story)

    assert f"#{gone_pk} (since deleted)" in page


def test_save_and_submit_keeps_what_was_changed_in_the_history(reporter_client, reporter):
    story = StoryFactory(draft=True, created_by=reporter)
    BylineFactory(story=story, person=reporter.person)
    ann, bob, cy = (PersonFactory(name=name) for name in ("Ann", "Bob", "Cy"))
    story.people.add(ann, bob)
    kremlin, white_house = SourceFactory(name="Kremlin"), SourceFactory(name="White House")
    CitationFactory(story=story, source=kremlin, detail="said")

    edit(
        reporter_client,
        story,
        people=[str(cy.pk), str(ann.pk)],
        _transition="submit",
        **{"citations-0-source": str(white_house.pk)},
    )

    latest = Version.objects.get_for_object(story).first()
    comment = latest.revision.get_comment()
    assert "Changed People." in comment
    assert "Changed Source for citation “White House: said”." in comment
    assert comment.endswith("Submitted for review")
    assert latest.revision.user == reporter
    history = reporter_client.get(f"/admin/articles/story/{story.pk}/history/")
    assert "Submitted for review" in history.text
    assert "Changed People." in history.text


def test_the_revert_page_says_exactly_what_it_will_restore(editor_client):
    story = StoryFactory(headline="Talks collapse in Geneva")
    edit(editor_client, story, dek="The first revision.")
    edit(
        editor_client,
        story,
        headline="Talks resume in Geneva",
        **{"corrections-TOTAL_FORMS": "1", "corrections-0-text": "A fix."},
    )
    original = Version.objects.get_for_object(story).last()

    page = editor_client.get(f"/admin/articles/story/{story.pk}/history/{original.pk}/")

    assert page.status_code == 200
    restore = page.text.split('revert-changes"')[1].split("</table>")[0]
    assert "Talks <del>resume</del><ins>collapse</ins> in Geneva" in restore
    # Corrections and the publication time stay as they are: the revert does not list them.
    assert "Correction" not in restore
    assert "Publication time" not in restore


def test_compare_names_pictures_embeds_tables_and_notes_in_the_body(editor_client):
    video = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    name = default_storage.save("originals/vote.jpg", ContentFile(photo((400, 300))))
    picture = Image.objects.create(file=name, alt_text="MPs in the lobby", credit="PA")
    story = StoryFactory(body="<p>Before.</p>")
    edit(editor_client, story, dek="The first revision.")
    edit(
        editor_client,
        story,
        body=(
            '<aside class="editors-note"><p>Check the figures with the desk.</p></aside>'
            "<table><tbody><tr><th>Year</th><th>Votes</th></tr></tbody></table>"
            f'<figure class="embed" data-embed-provider="youtube" data-embed-url="{video}">'
            f'<p><a href="{video}">The press conference</a></p></figure>'
            "<p>Before.</p>"
            f'<figure class="library-image" data-image-id="{picture.pk}"></figure>'
        ),
    )

    page = compare(editor_client, story)

    assert "Editor’s note</span> <ins>Check the figures with the desk.</ins>" in page
    assert "Table row</span> <ins>Year | Votes</ins>" in page
    assert f"Embed</span> <ins>{video}</ins>" in page
    assert "Picture</span> <ins>MPs in the lobby</ins>" in page
