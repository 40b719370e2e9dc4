from django.apps import AppConfig
from taggit.apps import TaggitAppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom content"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from articles import tasks, triggers
        from newsroom import checks  # noqa: F401  (registers the serving checks)

        pre_migrate.connect(triggers.before_migrate, sender=self)
        post_migrate.connect(triggers.after_migrate, sender=self)
        tasks.connect_signals()


class TagsConfig(TaggitAppConfig):
    """django-taggit, named for the desk: its tags are listed under "Tags", not "Taggit"."""

    verbose_name = "Tags"
