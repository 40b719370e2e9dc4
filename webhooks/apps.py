from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed deliveries to partners when stories change."""

    name = "webhooks"

    def ready(self):
        from django.db.models.signals import post_save, pre_delete

        from webhooks import events

        post_save.connect(events.story_saved, sender="articles.Story", dispatch_uid="webhooks")
        pre_delete.connect(events.story_deleted, sender="articles.Story", dispatch_uid="webhooks")
        post_save.connect(
            events.correction_saved, sender="articles.Correction", dispatch_uid="webhooks"
        )
        post_save.connect(
            events.live_post_saved, sender="articles.LivePost", dispatch_uid="webhooks"
        )
