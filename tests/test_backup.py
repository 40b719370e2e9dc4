"""A backup, restored onto an empty database, brings back stories, revisions and pictures."""

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest
import reversion
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from reversion.models import Version

from articles.models import ContentVersion, Image, Story
from tests.factories import BylineFactory
from tests.names import postgres_database
from tests.pictures import photo

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environment.update(DJANGO_SETTINGS_MODULE="newsroom.settings", DEBUG="1", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def count(database_url, sql):
    if database_url.startswith("sqlite"):
        path = dj_database_url.parse(database_url)["NAME"]
        with sqlite3.connect(path) as db:
            return db.execute(sql).fetchone()[0]
    import psycopg

    with psycopg.connect(database_url) as db:
        return db.execute(sql).fetchone()[0]


@pytest.fixture
def restore_target(tmp_path):
    """An empty database of the suite's kind to restore into, as its URL."""
    if connection.vendor == "postgresql":
        with postgres_database("newsroom_restore", os.environ["DATABASE_URL"]) as config:
            yield config["URL"]
    else:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_bring_back_every_story_revision_and_picture(
    media, tmp_path, restore_target
):
    call_command("load_demo", stdout=io.StringIO())
    image = Image(alt_text="Kept safe", credit="Desk")
    image.file.save("kept.jpg", ContentFile(photo((800, 500))), save=False)
    image.save()
    image.refresh_from_db()  # renditions made once the save committed
    story = Story.objects.get(slug="trump-putin-call-ukraine-negotiations")
    story.lead_image = image
    story.save()
    BylineFactory(story=story)
    with reversion.create_revision():
        story.save()
    expected = {
        "stories": Story.objects.count(),
        "revisions": Version.objects.count(),
        "images": Image.objects.count(),
    }
    assert expected["revisions"] >= 1

    archive = tmp_path / "backup.tar.gz"
    version = ContentVersion.objects.get().token
    call_command("backup", output=str(archive), stdout=io.StringIO())
    assert archive.exists()

    target = restore_target
    restored_media = tmp_path / "restored-media"
    result = manage("restore", str(archive), DATABASE_URL=target, MEDIA_ROOT=str(restored_media))
    assert result.returncode == 0, result.stderr

    assert count(target, "SELECT COUNT(*) FROM articles_story") == expected["stories"]
    assert count(target, "SELECT COUNT(*) FROM reversion_version") == expected["revisions"]
    assert count(target, "SELECT COUNT(*) FROM articles_image") == expected["images"]
    assert count(target, "SELECT COUNT(*) FROM articles_byline") == 1
    # Pages cached before the restore are never served after it.
    assert count(target, "SELECT token FROM articles_contentversion") != version
    # Nor by the proxy and CDNs: everything is purged.
    purges = "SELECT COUNT(*) FROM articles_pendingpurge WHERE key = 'all'"
    assert count(target, purges) == 1
    assert (restored_media / image.file.name).read_bytes() == (media / image.file.name).read_bytes()
    for _, _, name in image.renditions["webp"]:
        assert (restored_media / name).exists()

    again = manage("restore", str(archive), DATABASE_URL=target, MEDIA_ROOT=str(restored_media))
    assert again.returncode != 0
    assert "The database is not empty" in again.stderr


def test_restore_refuses_something_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_bytes(b"not an archive")
    result = manage("restore", str(bogus), DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
