import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection


class Command(BaseCommand):
    help = "Wait until the database accepts connections (for container start-up)."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60, help="seconds (default 60)")

    def handle(self, *args, timeout, **options):
        deadline = time.monotonic() + timeout
        while True:
            try:
                connection.ensure_connection()
            except DatabaseError as error:
                if time.monotonic() > deadline:
                    raise CommandError(
                        f"The database did not answer within {timeout:.0f} seconds: {error}"
                    ) from error
                self.stdout.write("Waiting for the database…")
                connection.close()
                time.sleep(1)
            else:
                return
