from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom content"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from articles import purge_triggers, tasks, triggers
        from newsroom import checks  # noqa: F401  (registers the serving checks)

        pre_migrate.connect(triggers.before_migrate, sender=self)
        post_migrate.connect(triggers.after_migrate, sender=self)
        pre_migrate.connect(purge_triggers.before_migrate, sender=self)
        post_migrate.connect(purge_triggers.after_migrate, sender=self)
        tasks.connect_signals()
