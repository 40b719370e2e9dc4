"""Placeholder until the purge backends land."""

from django.conf import settings
from django.utils.module_loading import import_string


class PurgeFailed(Exception):
    pass


class PurgeBackend:
    def __init__(self, name, options):
        self.name, self.options = name, options


def backends():
    return [
        import_string(options["BACKEND"])(name, options)
        for name, options in settings.PURGE_BACKENDS.items()
    ]


def configured() -> bool:
    return bool(settings.PURGE_BACKENDS)


def purge(keys) -> None:
    keys = sorted(set(keys))
    if not keys:
        return
    failed = []
    for backend in backends():
        try:
            backend.purge(keys)
        except PurgeFailed as error:
            failed.append(str(error))
    if failed:
        raise PurgeFailed("; ".join(failed))
