from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom content"

    def ready(self):
        from articles.cache import connect_signals

        connect_signals()
