"""Installed apps' configurations the project adjusts."""

from taggit.apps import TaggitAppConfig


# In a module of its own: a second AppConfig in articles/apps.py would leave
# Django unsure which one is the articles app's.
class TagsConfig(TaggitAppConfig):
    """django-taggit, named for the desk: its tags are listed under "Tags", not "Taggit"."""

    verbose_name = "Tags"
