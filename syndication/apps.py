from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    """What partners read: the content API, ninjs and oEmbed."""

    name = "syndication"
