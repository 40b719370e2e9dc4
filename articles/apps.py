from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom content"

    def ready(self):
        from articles import listings, suggestions, tasks
        from newsroom import checks  # noqa: F401  (registers the serving checks)

        listings.connect_signals()
        suggestions.connect_signals()
        tasks.connect_signals()
