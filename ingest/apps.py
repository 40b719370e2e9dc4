from django.apps import AppConfig


class IngestConfig(AppConfig):
    """Copy from outside (pages, URLs, wire items, partners' feeds) into drafts,
    with suggested attribution for the editor to accept."""

    name = "ingest"
    verbose_name = "Ingest"
