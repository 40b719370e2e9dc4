import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from articles.cache import bump
from articles.management.commands.backup import local_media_root, postgres_environment
from articles.models import ContentVersion, PendingPurge


class Command(BaseCommand):
    help = "Restore an archive made by `manage.py backup` into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz file made by `manage.py backup`")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="restore even though the database already has tables (they are replaced)",
        )

    def handle(self, *args, archive, replace, **options):
        source = Path(archive)
        if not source.is_file():
            raise CommandError(f"No backup archive at {source}.")
        if connection.introspection.table_names() and not replace:
            raise CommandError(
                "The database is not empty. Restore into an empty database, "
                "or pass --replace to overwrite what is there."
            )
        with tempfile.TemporaryDirectory() as work:
            try:
                with tarfile.open(source, "r:gz") as bundle:
                    bundle.extractall(work, filter="data")
            except (tarfile.TarError, OSError, EOFError) as error:
                raise CommandError(f"{source} is not a readable backup archive: {error}") from error
            folder = Path(work)
            if (folder / "database.dump").exists():
                self.restore_postgres(folder / "database.dump", replace)
            elif (folder / "database.sqlite3").exists():
                self.restore_sqlite(folder / "database.sqlite3")
            else:
                raise CommandError(f"{source} is not a newsroom backup (no database in it).")
            self.forget_cached_pages()
            media = local_media_root()
            if (folder / "media").exists():
                if media is None:
                    self.stdout.write(
                        "The archive has media files; media is now in object storage."
                    )
                else:
                    shutil.copytree(folder / "media", media, dirs_exist_ok=True)
        self.stdout.write(self.style.SUCCESS(f"Restored {source}."))

    def restore_postgres(self, dump: Path, replace: bool):
        if connection.vendor != "postgresql":
            raise CommandError("This is a PostgreSQL backup; DATABASE_URL is not PostgreSQL.")
        if not shutil.which("pg_restore"):
            raise CommandError("pg_restore was not found: install the PostgreSQL client tools.")
        connection.close()
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
        if replace:
            command += ["--clean", "--if-exists"]
        env = postgres_environment(settings.DATABASES["default"])
        result = subprocess.run(
            [*command, f"--dbname={env.get('PGDATABASE', '')}", str(dump)],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")

    def restore_sqlite(self, copy: Path):
        if connection.vendor != "sqlite":
            raise CommandError("This is an SQLite backup; DATABASE_URL is not SQLite.")
        connection.ensure_connection()
        with sqlite3.connect(copy) as source:
            source.backup(connection.connection)

    def forget_cached_pages(self):
        """Pages cached before the restore are filed under the content's version:
        a new one makes every one of them unreachable (an archive from before the
        version existed gets one when it is migrated)."""
        connection.close()
        tables = connection.introspection.table_names()
        if ContentVersion._meta.db_table in tables:
            bump()
        if PendingPurge._meta.db_table in tables:
            # The proxy and CDNs keep pages of what was there before.
            PendingPurge.objects.create(key="all", due_at=timezone.now())
