from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed deliveries to partners when stories change."""

    name = "webhooks"
