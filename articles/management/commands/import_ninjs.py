from django.core.management.base import BaseCommand, CommandError

from articles.ninjs import NinjsError, ninjs_import, ninjs_parse, ninjs_read


class Command(BaseCommand):
    help = (
        "Create or update a draft story from an IPTC ninjs 2.2 document (a file, an "
        "http(s) address, or - for standard input) and print the draft's admin address. "
        "A document that fails the schema is refused and nothing is saved."
    )

    # Standard input as bytes, given by code that calls the command (ingest, tests).
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("location", metavar="FILE_OR_URL")

    def handle(self, *args, location, **options):
        try:
            raw = ninjs_read(location, stdin=options.get("stdin"))
            document = ninjs_parse(raw)
            result = ninjs_import(document)
        except NinjsError as error:
            raise CommandError("\n".join(error.messages)) from error
        for note in result.notes:
            self.stdout.write(note)
        labels = {
            "created": "Draft created",
            "updated": "Draft updated",
            "unchanged": "Unchanged",
        }
        self.stdout.write(f"{labels[result.outcome]}: {result.admin_url}")
