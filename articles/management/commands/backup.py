import datetime
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
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
        "Write one archive with the whole database (every story, revision and account) "
        "and the media files kept on disk."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default="backups",
            help="a folder (a dated archive is made in it) or an archive's name; default backups/",
        )

    def handle(self, *args, output, **options):
        target = Path(output)
        if target.suffixes[-2:] != [".tar", ".gz"]:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
            target = target / f"newsroom-{stamp}.tar.gz"
        target.parent.mkdir(parents=True, exist_ok=True)

        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / "database"
            vendor = connection.vendor
            if vendor == "postgresql":
                dump = dump.with_suffix(".dump")
                self.dump_postgres(dump)
            elif vendor == "sqlite":
                dump = dump.with_suffix(".sqlite3")
                self.dump_sqlite(dump)
            else:
                raise CommandError(f"Backups of {vendor} databases are not supported.")
            with tarfile.open(target, "w:gz") as archive:
                archive.add(dump, arcname=dump.name)
                media = local_media_root()
                if media and media.exists():
                    archive.add(media, arcname="media")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}"))
        if local_media_root() is None:
            self.stdout.write(
                "Media is in object storage and is not in this archive: "
                "back up the bucket with its own versioning or replication."
            )

    def dump_postgres(self, path: Path):
        if not shutil.which("pg_dump"):
            raise CommandError("pg_dump was not found: install the PostgreSQL client tools.")
        database = settings.DATABASES["default"]
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"],
            env=postgres_environment(database),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")

    def dump_sqlite(self, path: Path):
        connection.ensure_connection()
        # SQLite's online backup: a consistent copy even while the site writes.
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
