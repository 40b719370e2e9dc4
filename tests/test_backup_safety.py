"""Backups hold every account: only their owner can read them, and sign-ins stay behind."""

import io
import os
import sqlite3
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection

from tests import test_backup
from tests.test_backup import count, manage

# The backup tests' fixtures: media on disk, and an empty database to restore into.
media = test_backup.media
restore_target = test_backup.restore_target

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def usual_umask():
    """The umask most servers run with, under which files come out world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def backup(*args) -> str:
    out = io.StringIO()
    call_command("backup", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def editor(db):
    # Not conftest's role-making fixture: after a flush it would rebuild the groups
    # with the app registry in a state the next flush cannot recover from.
    return User.objects.create_user("eddie", "eddie@example.com", "secret-pass", is_staff=True)


def signed_in_session(client, editor) -> str:
    client.force_login(editor)
    return client.session.session_key


def test_archives_and_the_folder_made_for_them_are_the_owners_alone(media, tmp_path, usual_umask):
    (media / "originals").mkdir(parents=True)
    (media / "originals" / "photo.jpg").write_bytes(b"picture")
    folder = tmp_path / "backups" / "nightly"

    backup("--output", f"{folder}/")

    [archive] = folder.iterdir()
    assert archive.name.startswith("newsroom-") and archive.name.endswith(".tar.gz")
    assert mode(archive) == 0o600
    assert mode(folder) == 0o700


def test_an_archive_written_over_a_readable_one_is_not_readable_either(
    media, tmp_path, usual_umask
):
    archive = tmp_path / "backup.tar.gz"
    archive.write_bytes(b"last week's")
    archive.chmod(0o644)

    backup("--output", str(archive))

    assert mode(archive) == 0o600
    with tarfile.open(archive) as bundle:
        assert any(name.startswith("database.") for name in bundle.getnames())
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["backup.tar.gz"]


def test_a_backup_that_fails_half_way_leaves_no_archive_nor_partial_file(
    media, tmp_path, usual_umask, monkeypatch
):
    (media / "originals").mkdir(parents=True)
    add = tarfile.TarFile.add

    def disk_full_at_media(archive, name, arcname=None, **options):
        if arcname == "media":
            raise OSError(28, "No space left on device")
        return add(archive, name, arcname=arcname, **options)

    monkeypatch.setattr(tarfile.TarFile, "add", disk_full_at_media)
    folder = tmp_path / "backups"

    with pytest.raises(OSError, match="No space left"):
        backup("--output", f"{folder}/")

    assert list(folder.iterdir()) == []


def test_sessions_are_left_out_unless_asked_for(media, tmp_path, client, editor, restore_target):
    key = signed_in_session(client, editor)
    assert Session.objects.filter(session_key=key).exists()
    without, with_ = tmp_path / "without.tar.gz", tmp_path / "with.tar.gz"

    said = backup("--output", str(without))
    backup("--output", str(with_), "--with-sessions")

    assert "a restore signs everyone out" in said
    # The site itself keeps its sessions: only the archive goes without.
    assert Session.objects.filter(session_key=key).exists()
    result = manage("restore", str(without), DATABASE_URL=restore_target)
    assert result.returncode == 0, result.stderr
    assert count(restore_target, "SELECT COUNT(*) FROM django_session") == 0
    assert count(restore_target, "SELECT COUNT(*) FROM auth_user") >= 1
    again = manage("restore", "--replace", str(with_), DATABASE_URL=restore_target)
    assert again.returncode == 0, again.stderr
    assert count(restore_target, "SELECT COUNT(*) FROM django_session") == 1


def database_in(archive: Path, folder: Path) -> bytes:
    """What the archive holds of the database, readable: SQLite's file or pg_dump's SQL."""
    with tarfile.open(archive) as bundle:
        bundle.extractall(folder, filter="data")
    if (folder / "database.sqlite3").exists():
        return (folder / "database.sqlite3").read_bytes()
    sql = subprocess.run(
        ["pg_restore", "--file=-", str(folder / "database.dump")], capture_output=True, check=True
    )
    return sql.stdout


def test_no_trace_of_a_session_is_left_in_the_archive(media, tmp_path, client, editor):
    key = signed_in_session(client, editor)
    archive = tmp_path / "backup.tar.gz"

    backup("--output", str(archive))

    # In SQLite, deleted rows stay in free pages unless the copy is rebuilt.
    database = database_in(archive, tmp_path / "unpacked")
    assert key.encode() not in database
    assert editor.username.encode() in database
    if connection.vendor == "sqlite":
        with sqlite3.connect(tmp_path / "unpacked" / "database.sqlite3") as db:
            assert db.execute("SELECT COUNT(*) FROM django_session").fetchone()[0] == 0
