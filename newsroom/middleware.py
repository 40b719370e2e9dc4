"""Request ids, and log lines that stay on one line."""

import contextvars
import logging
import re
import uuid

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Give every request an id (the proxy's X-Request-ID if it sent a sane one).

    The id is in the response's X-Request-ID header, in gunicorn's access log and
    in every log line written while the request runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if VALID_ID.match(incoming) else uuid.uuid4().hex
        token = REQUEST_ID.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = REQUEST_ID.get()
        return True


class OneLineFormatter(logging.Formatter):
    """logfmt: time=… level=… logger=… request_id=… message="…" (tracebacks folded in)."""

    def format(self, record):
        message = record.getMessage()
        if record.exc_info:
            message = f"{message}\n{self.formatException(record.exc_info)}"
        fields = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": message,
        }
        return " ".join(f"{key}={self.quote(value)}" for key, value in fields.items())

    @staticmethod
    def quote(value) -> str:
        text = str(value)
        if re.fullmatch(r"[^\s\"=]+", text):
            return text
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site's policy; the admin may also use inline styles.

    The admin's rich-text editor styles elements inline. Scripts stay
    restricted to the site's own files and the page's nonce everywhere.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(f"/{settings.ADMIN_URL}"):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts
