"""Request ids, one-line logs, the Content-Security-Policy, compression and the page cache."""

import contextvars
import datetime
import gzip
import hashlib
import logging
import re
import time
import uuid
from email.utils import parsedate_to_datetime

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotAllowed
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, urlencode
from django.views.decorators.http import condition

from articles.cache import content_state
from articles.purge import finish_keys
from newsroom import frontcache
from newsroom.logfmt import quote

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
        return " ".join(f"{key}={quote(value)}" for key, value in fields.items())


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site's policy; the admin may also use inline styles.

    The admin's rich-text editor styles elements inline. Scripts stay
    restricted to the site's own files and the page's nonce everywhere.
    """

    # get_policy_parts is the extension point django-csp 4 documents ("Migrating
    # Custom Middleware"): its PolicyParts may be changed before the header is
    # built. Its decorators would have to wrap every admin view, the login too.
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(f"/{settings.ADMIN_URL}"):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts


class ReadOnlyPagesMiddleware:
    """Readers' pages and feeds (the ``articles`` URLs) only read: any other method
    answers 405 with the methods they allow, and OPTIONS lists them.

    A view's own ``require_safe`` would come too late: the CSRF check runs first and
    refuses a POST with a 403, so this sits before it. The admin, the API and
    anything else that takes a form are left to their views.
    """

    NAMESPACES = frozenset({"articles"})
    ALLOWED = ("GET", "HEAD", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD"):
            return None
        if request.resolver_match.namespace not in self.NAMESPACES:
            return None
        if request.method == "OPTIONS":
            response = HttpResponse()
            response["Allow"] = ", ".join(self.ALLOWED)
            return response
        return HttpResponseNotAllowed(self.ALLOWED)


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


class CompressTextMiddleware:
    """Django's gzip, for text only (pages, feeds, sitemaps, JSON).

    Public pages come compressed from the page cache, compressed once when
    stored; this compresses what the cache does not keep (the admin, say).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_text(response):
            return response
        # GZipMiddleware used as the middleware it is documented as, handed the
        # response already made: its BREACH padding stays on the admin's pages.
        return GZipMiddleware(lambda _request: response)(request)


# The key suffix of a page's copy for readers who accept gzip.
GZIP = ":gzip"
# What a cache operation gives when the cache server does not answer.
CACHE_DOWN = object()
logger = logging.getLogger(__name__)
# One warning every ten seconds while the cache is down, not one a request.
last_cache_warning = -60.0


# The test GZipMiddleware applies (its own pattern is not public API): the
# cache's copies go to the readers Django's gzip would compress for.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def accepts_gzip(request) -> bool:
    return ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) is not None


def last_modified(response) -> datetime.datetime | None:
    """The response's Last-Modified as a datetime; None when it has none or it is garbled."""
    try:
        return parsedate_to_datetime(response.get("Last-Modified", ""))
    except (TypeError, ValueError):
        return None


# Conditional requests (revalidations) may be answered 304 or 412; others skip the check.
CONDITIONAL_HEADERS = frozenset(
    {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"}
)


class PageCacheMiddleware:
    """Cache anonymous GETs of public pages, and tell shared caches how long to keep them.

    Signed-in users (anyone with a session cookie), the admin, previews, health
    checks and responses that set cookies or say no-cache are never cached.
    Pages are filed under the content's state as the database tells it on each
    request (see articles.cache), so whatever changes content, by whatever path,
    the next request shows it; a shared cache keeps a page
    `CACHE_SHARED_MAX_AGE` seconds at most, and never past a scheduled story's
    moment. Repeat visitors get 304s through its ETag. When the cache server is
    down, pages are rendered from the database.
    """

    CACHEABLE_STATUS = {200, 301, 404, 410}
    # How long shared caches keep pages unless CACHE_SHARED_MAX_AGE says: a day
    # when purged by key as content changes, else how late news may be.
    PURGED_MAX_AGE = 86400
    UNPURGED_MAX_AGE = 30
    LOCK_WAIT_SECONDS = 2.0
    # The query parameters public pages read (pagination, search, sitemap files);
    # others change nothing on the page, so they neither make nor skip a copy.
    QUERY_PARAMETERS = ("page", "q", "p")
    MAX_QUERY_LENGTH = 512

    def __init__(self, get_response):
        self.get_response = get_response
        self.excluded = tuple(
            f"/{prefix.strip('/')}/"
            # bench: the benchmark's floor view, the same in every layer. api: the API
            # varies by query, key and Accept, and makes its own ETags (syndication.caching).
            for prefix in (settings.ADMIN_URL, "preview", "media", "static", "__debug__")
            + ("bench", "api")
        ) + ("/healthz",)

    def bypass(self, request) -> bool:
        return (
            not settings.PAGE_CACHE
            or request.method not in ("GET", "HEAD")
            or request.path.startswith(self.excluded)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        )

    def __call__(self, request):
        if self.bypass(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A signed-in user's view of the site stays with them.
                patch_cache_control(response, private=True, no_cache=True)
            return response

        key = self.key(request)
        if key is None:
            return self.get_response(request)
        # Parts of the page made below are kept under the same state (articles.cache).
        state = request.content_state = content_state()
        variant = GZIP if accepts_gzip(request) else ""
        stored = self.cache_get(key + variant, state)
        locked = False
        if stored is None:
            locked = self.cache_call(cache.add, f"{key}:lock", 1, timeout=10, version=state.version)
            # Someone else is rendering this page: wait for their copy, briefly.
            deadline = time.monotonic() + self.LOCK_WAIT_SECONDS
            while locked is False and stored is None and time.monotonic() < deadline:
                time.sleep(0.05)
                stored = self.cache_get(key + variant, state)
        if stored is not None and stored is not CACHE_DOWN:
            response = self.forward_query(request, self.rebuild(stored, "hit"))
        else:
            try:
                response = self.get_response(request)
                if self.cacheable(response):
                    self.prepare(response, state)
                    variants = self.pack(response)
                    if stored is not CACHE_DOWN:
                        self.store(key, variants, state)
                    response = self.rebuild(variants[variant], "miss")
            finally:
                if locked is True:
                    self.cache_call(cache.delete, f"{key}:lock", version=state.version)
        if self.is_public(response):
            self.share(response, state)
            if CONDITIONAL_HEADERS.intersection(request.META):
                return self.conditional(request, response)
        return response

    @staticmethod
    def conditional(request, response):
        """The page, or the 304 or 412 its request's preconditions call for.

        Django's condition decorator weighs them (RFC 9110's order, for GET and
        HEAD alike), handed the page already made as its view.
        """
        # Preconditions are ignored unless the page is a success (RFC 9110, 13.2.1).
        if not 200 <= response.status_code < 300:
            return response
        answer = condition(
            etag_func=lambda _request: response.get("ETag"),
            last_modified_func=lambda _request: last_modified(response),
        )(lambda _request: response)(request)
        if answer.status_code == 304:
            # What a 304 repeats of the page it stands for (RFC 9110, 15.4.5);
            # the decorator sets the ETag and Last-Modified.
            for name in ("Cache-Control", "Content-Location", "Date", "Expires", "Vary"):
                if response.has_header(name):
                    answer[name] = response[name]
        return answer

    def key(self, request) -> str | None:
        """The page's key: its address with only the parameters pages read, as a
        digest; None when those are too long to be worth keeping."""
        query = sorted(
            (name, request.GET[name]) for name in self.QUERY_PARAMETERS if name in request.GET
        )
        encoded = urlencode(query)
        if len(encoded) > self.MAX_QUERY_LENGTH:
            return None
        raw = f"{request.scheme}://{request.get_host()}{request.path}?{encoded}"
        return "page:" + hashlib.md5(raw.encode()).hexdigest()  # noqa: S324

    @staticmethod
    def cache_call(operation, *args, **kwargs):
        """A cache operation, or CACHE_DOWN when the cache server does not answer."""
        try:
            return operation(*args, **kwargs)
        except Exception:  # whatever the client raises, the page is served without it
            global last_cache_warning
            if time.monotonic() - last_cache_warning > 10:
                last_cache_warning = time.monotonic()
                logger.warning("The page cache is not answering; serving from the database.")
            return CACHE_DOWN

    def cache_get(self, key, state):
        stored = self.cache_call(cache.get, key, version=state.version)
        if isinstance(stored, tuple) and len(stored) != 3:
            return None  # kept by an earlier release, in another shape
        return stored

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
    def prepare(response, state):
        finish_keys(response)
        if not response.has_header("ETag"):
            response["ETag"] = f'"{hashlib.md5(response.content).hexdigest()}"'  # noqa: S324
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(state.changed_at.timestamp())

    @staticmethod
    def pack(response) -> dict:
        """What is kept, (status, body, headers), for readers who take gzip and for
        the others: a text page is compressed once, here, and kept both ways."""
        content = response.content
        gzipped = None
        if len(content) >= 200 and is_text(response):
            patch_vary_headers(response, ("Accept-Encoding",))
            # No BREACH padding: a kept copy goes byte for byte to every reader,
            # so padding would not vary, and kept pages never vary by cookie
            # (no per-reader secret). mtime=0: the same page gives the same bytes.
            gzipped = gzip.compress(content, compresslevel=6, mtime=0)
        headers = {k: v for k, v in response.items() if k != "X-Request-ID"}
        plain = (response.status_code, content, headers)
        if gzipped is None or len(gzipped) >= len(content):
            return {"": plain, GZIP: plain}
        compressed = {**headers, "Content-Encoding": "gzip", "Content-Length": str(len(gzipped))}
        if compressed.get("ETag", "").startswith('"'):
            # Another representation of the same page: a weak ETag, as Django's gzip gives.
            compressed["ETag"] = "W/" + compressed["ETag"]
        return {"": plain, GZIP: (response.status_code, gzipped, compressed)}

    def store(self, key, variants, state):
        # Kept under the state's version: a change or a story going out files the
        # next copy elsewhere, and this one simply expires.
        kept = {key + variant: page for variant, page in variants.items()}
        self.cache_call(cache.set_many, kept, settings.PAGE_CACHE_SECONDS, version=state.version)

    @staticmethod
    def until_next_publication(seconds: int, state) -> int:
        """``seconds``, or fewer: no shared copy may outlive the next scheduled story."""
        remaining = state.seconds_until_next_publication()
        return seconds if remaining is None else min(seconds, int(remaining))

    @staticmethod
    def forward_query(request, response):
        """A kept redirect sends this request on with its own query string, as the
        views do, not with the one of the request it was kept for: the key leaves
        out the parameters pages do not read."""
        if 300 <= response.status_code < 400 and response.has_header("Location"):
            from articles.views import with_query  # imported with the views, not the logging

            response["Location"] = with_query(request, response["Location"].split("?", 1)[0])
        return response

    @staticmethod
    def rebuild(stored, how: str):
        status, content, headers = stored
        response = HttpResponse(content, status=status)
        for name, value in headers.items():
            response[name] = value
        response["X-Page-Cache"] = how
        return response

    def share(self, response, state):
        """What a shared cache (the proxy) may do with this page."""
        # Written out: a stored page has no Cache-Control of its own to merge with.
        response["Cache-Control"] = shared_cache_control(state)


def shared_cache_control(state) -> str:
    """The Cache-Control of public responses: how long shared caches (the proxy, a
    CDN) keep them. ``state`` is the content's state, or a function giving it."""
    purged = frontcache.configured()
    shared = settings.CACHE_SHARED_MAX_AGE or (
        PageCacheMiddleware.PURGED_MAX_AGE if purged else PageCacheMiddleware.UNPURGED_MAX_AGE
    )
    if not purged:
        # Nothing purges the shared copies when a scheduled story goes out.
        shared = PageCacheMiddleware.until_next_publication(
            shared, state() if callable(state) else state
        )
    return (
        f"public, max-age=0, s-maxage={shared}, stale-while-revalidate={shared}, "
        "stale-if-error=86400"
    )
