"""Migrations that move data: what was saved before them still works after."""

import importlib
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.utils import timezone
from reversion.models import Revision, Version
from taggit.models import TaggedItem

from articles.models import Story
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_TAGGED_STORY = [("articles", "0008_sitemap_indexes")]


def migrate(targets):
    # The command, as an operator runs it (with its pre- and post-migrate steps);
    # without targets every app forward again, those that depend on articles too.
    if targets is None:
        call_command("migrate", verbosity=0)
    for app, name in targets or []:
        call_command("migrate", app, name, verbosity=0)


def test_a_revision_saved_before_tags_moved_still_restores_the_tags():
    story = StoryFactory(headline="Baltic talks")
    story.tags.add("Baltic states")
    migrate(BEFORE_TAGGED_STORY)
    try:
        # Saved while tags lived in taggit's generic table, as django-reversion did.
        tagged = TaggedItem.objects.get(object_id=story.pk)
        revision = Revision.objects.create(comment="Before the move", date_created=timezone.now())
        fields = [
            f.name
            for f in Story._meta.get_fields()
            if f.concrete and not f.many_to_many and f.name != "search_vector"
        ]
        for obj, data in [
            (story, serializers.serialize("json", [story], fields=fields)),
            (
                tagged,
                json.dumps(
                    [
                        {
                            "model": "taggit.taggeditem",
                            "pk": tagged.pk,
                            "fields": {
                                "tag": tagged.tag_id,
                                "content_type": tagged.content_type_id,
                                "object_id": story.pk,
                            },
                        }
                    ]
                ),
            ),
        ]:
            Version.objects.create(
                revision=revision,
                object_id=str(obj.pk),
                content_type=ContentType.objects.get_for_model(type(obj)),
                db="default",
                format="json",
                serialized_data=data,
                # str(tagged) would read the story through today's model, not this schema.
                object_repr=story.headline,
            )
    finally:
        migrate(None)
    story.refresh_from_db()
    story.tags.add("Added later")

    revision.revert(delete=True)

    assert list(story.tags.names()) == ["Baltic states"]
    assert not TaggedItem.objects.exists()


def test_migrations_run_after_the_roles_are_made_again_keep_the_listings(client):
    # The roles' migration step, run again on the project's own apps (as a
    # fresh test database or an emptied one needs), must leave migrate's own
    # steps in place: without them the listing triggers outlive their table.
    from django.apps import apps

    create_roles = importlib.import_module("articles.migrations.0003_roles").create_roles
    create_roles(apps, None)
    story = StoryFactory(headline="Still on its tag")
    story.tags.add("Diplomacy")

    migrate(BEFORE_TAGGED_STORY)
    migrate(None)

    assert "Still on its tag" in client.get("/tags/diplomacy/").text


def test_migrating_a_new_database_logs_no_error(tmp_path):
    """As a newcomer's first `make run` does: no traceback, no error in the log."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    environment = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "level=error" not in done.stderr, done.stderr[-3000:]
