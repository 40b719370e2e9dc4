import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ingest import pipeline
from ingest.document import IngestError
from ingest.fetch import too_large


class Command(BaseCommand):
    help = (
        "Make a draft from a web page, a text, a ninjs or NewsML-G2 wire item (a file, an "
        "http(s) address, or - for standard input), with the people, sources, tags and "
        "section its text suggests, and print the draft's admin address. Bad input is "
        "refused with a message and nothing is saved."
    )

    # Standard input as bytes, given by code that calls the command (tests).
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("location", metavar="FILE_OR_URL")
        parser.add_argument("--section", help="The section's slug or name.")
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print one JSON object: the draft and its suggestions, with evidence.",
        )

    def handle(self, *args, location, section=None, as_json=False, **options):
        try:
            chosen = pipeline.find_section(section) if section else None
            if location.startswith(("http://", "https://")):
                result = pipeline.ingest_url(location, section=chosen)
            else:
                result = pipeline.ingest_bytes(
                    read(location, options.get("stdin")),
                    filename="" if location == "-" else location,
                    given_as=location,
                    section=chosen,
                )
        except IngestError as error:
            raise CommandError(str(error)) from error
        if as_json:
            self.stdout.write(dumps(result.as_json()))
            return
        for note in result.notes:
            self.stdout.write(note)
        found = len(result.suggestions)
        self.stdout.write(f"Draft created, with {found} suggestions to decide: {result.admin_url}")


def read(location: str, stdin) -> bytes:
    limit = settings.INGEST_MAX_BYTES
    try:
        if location == "-":
            data = (stdin or sys.stdin.buffer).read(limit + 1)
        else:
            with open(location, "rb") as file:
                data = file.read(limit + 1)
    except OSError as error:
        raise IngestError(f"{location} cannot be read: {error.strerror or error}.") from error
    if len(data) > limit:
        raise IngestError(f"{location}: {too_large(limit)}")
    return data


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
