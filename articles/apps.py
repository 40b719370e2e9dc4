from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom content"

    def ready(self):
        from django.db.models.signals import post_migrate

        from articles import triggers
        from newsroom import checks  # noqa: F401  (registers the serving checks)

        post_migrate.connect(triggers.install_after_migrate, sender=self)
