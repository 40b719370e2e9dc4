"""gunicorn's access log, in the app's key=value shape (gunicorn.conf.py's `logger_class`).

Every value in `access_log_format` is written by ``newsroom.logfmt.quote``: a
path with a new line, a NUL or a quote in it (``/nosuch%0alevel=critical``)
stays one quoted value on the request's one line.
"""

import time

from gunicorn import glogging

from newsroom.logfmt import quote


class QuotedAtoms(dict):
    """gunicorn's atoms, each quoted when the format asks for it; "-" when missing."""

    def __getitem__(self, key: str) -> str:
        # Headers and environ values ({x-request-id}o) are found whatever their case.
        value = self.get(key.lower() if key.startswith("{") else key)
        return "-" if value is None else quote(value)


class AccessLogger(glogging.Logger):
    atoms_wrapper_class = QuotedAtoms

    def now(self):
        # The same timestamps as the app's own lines.
        return time.strftime("%Y-%m-%dT%H:%M:%S%z")
