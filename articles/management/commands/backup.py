import datetime
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def postgres_environment(database: dict) -> dict:
    """libpq variables for pg_dump and pg_restore, so no password is on a command line."""
    env = {**os.environ}
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if database.get(key):
            env[name] = str(database[key])
    return env


def local_media_root() -> Path | None:
    """The media folder, when media is kept on this machine's disk (not object storage)."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend.endswith("FileSystemStorage"):
        return Path(
            settings.STORAGES["default"].get("OPTIONS", {}).get("location") or settings.MEDIA_ROOT
        )
    return None


class Command(BaseCommand):
    help = (
        "Write one archive with the whole database (every story, revision and account, "
        "without sign-in sessions unless --with-sessions) and the media files kept on disk. "
        "Only the owner can read it (mode 0600)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default="backups",
            help="a folder (a dated archive is made in it) or an archive's name; default backups/",
        )
        parser.add_argument(
            "--with-sessions",
            action="store_true",
            help="keep sign-in sessions, so nobody is signed out by a restore; anyone holding "
            "such an archive can use them to sign in as those people until they expire",
        )

    def handle(self, *args, output, with_sessions, **options):
        target = Path(output)
        if target.suffixes[-2:] != [".tar", ".gz"]:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
            target = target / f"newsroom-{stamp}.tar.gz"
        # A folder made here is the owner's alone; an existing one is left as the operator set it.
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)

        # The temporary folder is 0700 and the archive is written under a temporary
        # 0600 name beside the target: a backup that fails leaves nothing that looks whole.
        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / "database"
            vendor = connection.vendor
            if vendor == "postgresql":
                dump = dump.with_suffix(".dump")
                self.dump_postgres(dump, with_sessions)
            elif vendor == "sqlite":
                dump = dump.with_suffix(".sqlite3")
                self.dump_sqlite(dump, with_sessions)
            else:
                raise CommandError(f"Backups of {vendor} databases are not supported.")
            descriptor, partial = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
            )
            try:
                with (
                    os.fdopen(descriptor, "wb") as file,
                    tarfile.open(fileobj=file, mode="w:gz") as archive,
                ):
                    archive.add(dump, arcname=dump.name)
                    media = local_media_root()
                    if media and media.exists():
                        archive.add(media, arcname="media")
                os.replace(partial, target)
            except BaseException:
                Path(partial).unlink(missing_ok=True)
                raise
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}"))
        if not with_sessions:
            self.stdout.write("Sign-in sessions were left out: a restore signs everyone out.")
        if local_media_root() is None:
            self.stdout.write(
                "Media is in object storage and is not in this archive: "
                "back up the bucket with its own versioning or replication."
            )

    def dump_postgres(self, path: Path, with_sessions: bool):
        if not shutil.which("pg_dump"):
            raise CommandError("pg_dump was not found: install the PostgreSQL client tools.")
        database = settings.DATABASES["default"]
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"]
        if not with_sessions:
            # The table stays (a restore needs it), its rows do not.
            command.append(f"--exclude-table-data={Session._meta.db_table}")
        result = subprocess.run(
            command,
            env=postgres_environment(database),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")

    def dump_sqlite(self, path: Path, with_sessions: bool):
        connection.ensure_connection()
        # SQLite's online backup: a consistent copy even while the site writes.
        copy = sqlite3.connect(path)
        try:
            connection.connection.backup(copy)
            if not with_sessions:
                # Deleted rows would linger in free pages: secure_delete zeroes them.
                # (VACUUM would too, but it rebuilds indexes on Django's SQL functions,
                # which only Django's connections have.)
                copy.execute("PRAGMA secure_delete = ON")
                copy.execute(f'DELETE FROM "{Session._meta.db_table}"')
                copy.commit()
        finally:
            copy.close()
