from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom content"

    def ready(self):
        from articles import listings, suggestions

        listings.connect_signals()
        suggestions.connect_signals()
