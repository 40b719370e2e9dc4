"""Request ids, one-line logs, the Content-Security-Policy, compression and the page cache."""

import contextvars
import hashlib
import logging
import re
import time
import uuid

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.utils.text import compress_string

from articles.cache import META_KEY, current_meta, seconds_until_next_publication

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


# Pictures and fonts are compressed already; gzipping them again only costs time.
TEXT_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
)


def is_text(response) -> bool:
    return response.get("Content-Type", "").startswith(TEXT_TYPES)


class CompressTextMiddleware(GZipMiddleware):
    """Django's gzip, for text only (pages, feeds, sitemaps, JSON).

    Public pages come compressed from the page cache, compressed once when
    stored; this compresses what the cache does not keep (the admin, say).
    """

    def process_response(self, request, response):
        if not is_text(response):
            return response
        return super().process_response(request, response)


# The key suffix of a page's copy for readers who accept gzip.
GZIP = ":gzip"

# Conditional requests (revalidations) may be answered 304 or 412; others skip the check.
CONDITIONAL_HEADERS = frozenset(
    {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"}
)


class PageCacheMiddleware:
    """Cache anonymous GETs of public pages, and tell shared caches how long to keep them.

    Signed-in users (anyone with a session cookie), the admin, previews, health
    checks and responses that set cookies or say no-cache are never cached.
    A page is kept until content changes or the next scheduled story goes out
    (see articles.cache); a shared cache keeps it `CACHE_SHARED_MAX_AGE`
    seconds at most. Repeat visitors get 304s through its ETag.
    """

    CACHEABLE_STATUS = {200, 301, 404, 410}
    LOCK_WAIT_SECONDS = 2.0

    def __init__(self, get_response):
        self.get_response = get_response
        self.excluded = tuple(
            f"/{prefix.strip('/')}/"
            # bench: the benchmark's floor view, the same in every layer.
            for prefix in [settings.ADMIN_URL, "preview", "media", "static", "__debug__", "bench"]
        ) + ("/healthz",)

    def bypass(self, request) -> bool:
        return (
            not settings.PAGE_CACHE
            or request.method not in ("GET", "HEAD")
            or request.path.startswith(self.excluded)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or len(request.META.get("QUERY_STRING", "")) > 512
        )

    def __call__(self, request):
        if self.bypass(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A signed-in user's view of the site stays with them.
                patch_cache_control(response, private=True, no_cache=True)
            return response

        meta, key, variant, stored = self.lookup(request)
        locked = False
        if stored is None:
            locked = cache.add(f"{key}:lock", 1, timeout=10)
            # Someone else is rendering this page: wait for their copy, briefly.
            deadline = time.monotonic() + self.LOCK_WAIT_SECONDS
            while not locked and stored is None and time.monotonic() < deadline:
                time.sleep(0.05)
                stored = cache.get(key + variant)
        if stored is not None:
            response = self.rebuild(stored, "hit")
        else:
            try:
                response = self.get_response(request)
                if self.cacheable(response):
                    self.prepare(response, meta)
                    variants = self.pack(response)
                    self.store(key, variants, meta)
                    response = self.rebuild(variants[variant], "miss")
            finally:
                if locked:
                    cache.delete(f"{key}:lock")
        if self.is_public(response):
            self.share(response, meta)
            if CONDITIONAL_HEADERS.intersection(request.META):
                return get_conditional_response(
                    request,
                    etag=response.get("ETag"),
                    last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                    response=response,
                )
        return response

    def lookup(self, request):
        """The generation, the page's key, the reader's variant of it (GZIP or plain)
        and its cached copy: one cache round trip when the generation is the one
        this process saw last, as it nearly always is.
        """
        address = self.address(request)
        variant = (
            GZIP if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else ""
        )
        guess = self.last_generation
        keys = [META_KEY] + ([f"page:{guess}:{address}{variant}"] if guess else [])
        found = cache.get_many(keys)
        meta = current_meta(found.get(META_KEY))
        self.last_generation = meta["generation"]
        key = f"page:{meta['generation']}:{address}"
        if meta["generation"] == guess:
            stored = found.get(key + variant)
        else:
            stored = cache.get(key + variant)
        if stored is not None and len(stored) != 3:
            stored = None  # kept by an earlier release, in another shape
        return meta, key, variant, stored

    last_generation = None

    @staticmethod
    def address(request) -> str:
        """The page's address, query in any order, as a digest."""
        query = "&".join(sorted(request.META.get("QUERY_STRING", "").split("&")))
        raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
        return hashlib.md5(raw.encode()).hexdigest()  # noqa: S324

    def cacheable(self, response) -> bool:
        return (
            response.status_code in self.CACHEABLE_STATUS
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
            and "cookie" not in response.get("Vary", "").lower()
        )

    @staticmethod
    def is_public(response) -> bool:
        return response.get("X-Page-Cache") in {"hit", "miss"}

    @staticmethod
    def prepare(response, meta):
        if not response.has_header("ETag"):
            response["ETag"] = f'"{hashlib.md5(response.content).hexdigest()}"'  # noqa: S324
        response["Last-Modified"] = http_date(meta["changed"])

    @staticmethod
    def pack(response) -> dict:
        """What is kept, (status, body, headers), for readers who take gzip and for
        the others: a text page is compressed once, here, and kept both ways."""
        content = response.content
        gzipped = None
        if len(content) >= 200 and is_text(response):
            patch_vary_headers(response, ("Accept-Encoding",))
            gzipped = compress_string(content, max_random_bytes=GZipMiddleware.max_random_bytes)
        headers = {k: v for k, v in response.items() if k != "X-Request-ID"}
        plain = (response.status_code, content, headers)
        if gzipped is None or len(gzipped) >= len(content):
            return {"": plain, GZIP: plain}
        compressed = {**headers, "Content-Encoding": "gzip", "Content-Length": str(len(gzipped))}
        if compressed.get("ETag", "").startswith('"'):
            # Another representation of the same page: a weak ETag, as Django's gzip gives.
            compressed["ETag"] = "W/" + compressed["ETag"]
        return {"": plain, GZIP: (response.status_code, gzipped, compressed)}

    def store(self, key, variants, meta):
        timeout = self.until_next_publication(settings.PAGE_CACHE_SECONDS, meta)
        if timeout >= 1:
            # Apart, so that a hit reads only the variant it sends.
            cache.set_many({key + variant: kept for variant, kept in variants.items()}, timeout)

    @staticmethod
    def until_next_publication(seconds: int, meta) -> int:
        """``seconds``, or fewer: no copy may outlive the next scheduled story."""
        remaining = seconds_until_next_publication(meta)
        return seconds if remaining is None else min(seconds, int(remaining))

    @staticmethod
    def rebuild(stored, how: str):
        status, content, headers = stored
        response = HttpResponse(content, status=status)
        for name, value in headers.items():
            response[name] = value
        response["X-Page-Cache"] = how
        return response

    def share(self, response, meta):
        """What a shared cache (the proxy) may do with this page."""
        shared = self.until_next_publication(settings.CACHE_SHARED_MAX_AGE, meta)
        # Written out: a stored page has no Cache-Control of its own to merge with.
        response["Cache-Control"] = (
            f"public, max-age=0, s-maxage={shared}, stale-while-revalidate={shared}, "
            "stale-if-error=86400"
        )
