"""The desk hears of stories moving: e-mails to editors and to a story's reporters."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Story
from tests.factories import BylineFactory, StoryFactory
from tests.forms import story_form
from tests.test_workflow import change_url, confirm, own_draft, split

pytestmark = pytest.mark.django_db


def test_submitting_tells_the_editors_and_not_the_reporter_who_submitted(
    reporter_client, reporter, editor, mailoutbox, django_capture_on_commit_callbacks
):
    story = own_draft(reporter, headline="Ceasefire talks in Riyadh")
    data = {**story_form(reporter_client, change_url(story)), "_transition": "submit"}

    with django_capture_on_commit_callbacks(execute=True):
        response = reporter_client.post(change_url(story), data)

    assert response.status_code == 302
    assert [mail.to for mail in mailoutbox] == [[editor.email]]
    mail = mailoutbox[0]
    assert mail.subject.endswith("Submitted for review: Ceasefire talks in Riyadh")
    assert "Rita: submitted for review" in mail.body
    assert f"/admin/articles/story/{story.pk}/change/" in mail.body


@pytest.mark.parametrize(
    ("name", "fields", "said"),
    [
        ("publish", {}, "Published"),
        ("schedule", "tomorrow", "Scheduled"),
        ("unpublish", {}, "Sent back to draft"),
        ("withdraw", {"reason": "A source withdrew consent."}, "Withdrawn"),
    ],
)
def test_the_story_s_reporters_hear_what_an_editor_did_with_it(
    editor_client,
    reporter,
    editor,
    mailoutbox,
    django_capture_on_commit_callbacks,
    name,
    fields,
    said,
):
    story = StoryFactory(headline="Talks resume", created_by=reporter)
    if name in {"publish", "schedule"}:
        Story.objects.filter(pk=story.pk).update(status=Story.Status.REVIEW, published_at=None)
    if fields == "tomorrow":
        fields = split(timezone.now() + datetime.timedelta(days=1))
    BylineFactory(story=story, person=reporter.person)
    story.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(editor_client, story, name, **fields).status_code == 302

    assert [mail.to for mail in mailoutbox] == [[reporter.email]]
    assert f"{said}: Talks resume" in mailoutbox[0].subject
    if name == "withdraw":
        assert "Why: A source withdrew consent." in mailoutbox[0].body
    if name == "schedule":
        assert "It goes out on" in mailoutbox[0].body


def test_nobody_is_told_of_what_they_did_themselves(
    editor_client, editor, mailoutbox, django_capture_on_commit_callbacks
):
    story = StoryFactory(created_by=editor)
    BylineFactory(story=story, person=editor.person)

    with django_capture_on_commit_callbacks(execute=True):
        confirm(editor_client, story, "unpublish")

    assert mailoutbox == []


def test_the_desk_shows_who_submitted_what_and_each_reporter_s_own_drafts(
    client, reporter, other_reporter, editor, django_capture_on_commit_callbacks
):
    mine = own_draft(reporter, headline="My draft on the harvest")
    theirs = own_draft(other_reporter, headline="Oscar's draft on the port")
    client.force_login(other_reporter)
    data = {**story_form(client, change_url(theirs)), "_transition": "submit"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(theirs), data)

    client.force_login(editor)
    desk = client.get("/admin/").text
    review = desk.split("In review, oldest first", 1)[1].split("</ul>", 1)[0]
    assert "Oscar&#x27;s draft on the port" in review and "submitted by Oscar" in review

    client.force_login(reporter)
    own = client.get("/admin/").text.split("Your stories on the desk", 1)[1].split("</ul>", 1)[0]
    assert "My draft on the harvest" in own
    assert "the port" not in own
    assert mine.pk and "draft, changed" in own


def test_an_smtp_server_set_in_the_environment_is_the_one_mail_goes_through():
    # In a fresh process, with Django's pending deprecations as errors: on Django
    # 6.1 the settings use MAILERS, not the EMAIL_* settings it deprecates.
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.core import mail; "
        "c = (mail.mailers.default if hasattr(mail, 'mailers') else mail.get_connection()); "
        "print(type(c).__name__, c.host, c.port, c.username, c.use_tls)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "x" * 50,
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": "2525",
        "EMAIL_HOST_USER": "desk",
        "EMAIL_USE_TLS": "1",
    }
    out = subprocess.run(
        [sys.executable, "-W", "error::PendingDeprecationWarning", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["EmailBackend", "smtp.example.com", "2525", "desk", "True"]
