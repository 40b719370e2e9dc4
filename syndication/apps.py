from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    """What partners read: the content API, ninjs and oEmbed."""

    name = "syndication"

    def ready(self):
        # Registers the key's scheme with the schema generator.
        from syndication import schema  # noqa: F401
