"""Public addresses, each worked out once per process.

reverse() walks the URL patterns on every call, and a page of story cards calls
it about a hundred times. The same name and arguments always give the same path
while the URLconf and the script prefix stay the same, so each path is kept.
"""

import functools
import threading
from typing import NamedTuple

from django.core.signals import request_finished, request_started, setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse

# Enough for every story, person and section of a large archive's busy pages;
# a path is about 100 bytes.
MAX_PATHS = 20_000


@functools.lru_cache(maxsize=MAX_PATHS)
def _reverse(prefix: str, name: str, args: tuple, kwargs: tuple) -> str:
    return reverse(name, args=args or None, kwargs=dict(kwargs) or None)


def path_for(name: str, *args, **kwargs) -> str:
    """``reverse(name, args, kwargs)``, remembered."""
    prefix = getattr(_request, "script_prefix", None) or get_script_prefix()
    return _reverse(prefix, name, args, tuple(kwargs.items()))


# The script prefix, read once a request: get_script_prefix() goes through
# asgiref's Local, and a page asks for a hundred paths.
_request = threading.local()


@receiver(request_started)
def note_script_prefix(**kwargs):
    # Django's handler has just set it for this request.
    _request.script_prefix = get_script_prefix()


@receiver(request_finished)
def forget_script_prefix(**kwargs):
    _request.script_prefix = None


@receiver(setting_changed)
def forget_paths(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()


class NavLink(NamedTuple):
    """A link of the site's navigation: a name and its address."""

    name: str
    url: str
