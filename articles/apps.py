from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom content"

    def ready(self):
        from articles import cache, listings, suggestions

        cache.connect_signals()
        listings.connect_signals()
        suggestions.connect_signals()
