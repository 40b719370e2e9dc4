"""Settings for the newsroom project, read from the environment.

Every variable is listed in the README. The defaults suit a laptop; production
must set at least SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import django
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy

from articles.embeds import FRAME_HOSTS

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or set DEBUG=1 on a development machine."
        )
    SECRET_KEY = "django-insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # The search vector field needs it (a system check error on Django 6).
    "django.contrib.postgres",
    "django_prose_editor",
    "reversion",
    "newsroom.apps.TagsConfig",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "articles",
    # Partners: the read API, ninjs and oEmbed; signed webhooks.
    "syndication",
    "webhooks",
    # Pages, URLs, wire items and partners' feeds into drafts.
    "ingest",
]

MIDDLEWARE = [
    "newsroom.middleware.RequestIdMiddleware",
    "newsroom.db.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which sends its files compressed already.
    "newsroom.middleware.CompressTextMiddleware",
    # Before sessions and auth: a cached page costs neither.
    "newsroom.middleware.PageCacheMiddleware",
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check: a POST to a page or feed is a 405, not a 403.
    "newsroom.middleware.ReadOnlyPagesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it watches the sign-in attempts the others let through.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    # Readers' pages: Jinja2 renders them several times faster than Django's engine.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "reader_templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "newsroom.jinja2.environment",
            "context_processors": ["articles.context_processors.site"],
            "trim_blocks": True,
            "lstrip_blocks": True,
        },
    },
    # The admin and the apps' own templates.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.i18n",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

# A read replica: public pages read from it, everything else uses the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
REPLICA_READS = bool(DATABASE_REPLICA_URL)

# Prepared statements: a page's queries are planned once per connection, not on
# every request (the story page's took longer to plan than to run). Off behind
# a pooler that cannot keep them, such as PgBouncer in transaction mode before 1.21.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", default=True)
for _database in DATABASES.values():
    if "postgresql" in _database["ENGINE"]:
        options = _database.setdefault("OPTIONS", {})
        # PostgreSQL's JIT compiler costs more than it saves on a web page's short queries.
        options["options"] = "-c jit=off"
        if DATABASE_PREPARED_STATEMENTS:
            options["server_side_binding"] = True
            # Prepared after this many runs on a connection (psycopg's default).
            options["prepare_threshold"] = 5
# Under gevent (bin/serve's gunicorn) each client connection is a greenlet with
# database connections of its own, which CONN_MAX_AGE would keep open until the
# garbage collector came by. There a request borrows its PostgreSQL connection
# from one pool per process instead, and SQLite opens its file per request.
_monkey = sys.modules.get("gevent.monkey")
if _monkey and _monkey.is_module_patched("socket"):
    for _database in DATABASES.values():
        _database["CONN_MAX_AGE"] = 0
        if "postgresql" in _database["ENGINE"]:
            _database["OPTIONS"]["pool"] = {"min_size": 2, "max_size": 10, "timeout": 3}
DATABASE_ROUTERS = ["newsroom.db.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis when REDIS_URL is set (shared by every web server); memory of one process otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A cache server that stops answering costs a page half a second at most;
            # pages are then rendered from the database.
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                # One pool per process, not one per thread or greenlet.
                "pool_class": "newsroom.redis_pool.SharedConnectionPool",
            },
            # Several sites (or test runs) can share one Redis under their own prefixes.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background jobs (Celery). With no broker they run at once, in the process that
# asks for them (a laptop's `make run`); with one, on `celery -A newsroom worker`.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "newsroom")
# A job is acknowledged when it is done, not when it starts: one whose worker dies
# is given to another worker (after the visibility timeout, with Redis).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "300")),
    # Redis: the queue's name prefixes every key, so sites sharing a Redis never meet.
    "global_keyprefix": f"{CELERY_TASK_DEFAULT_QUEUE}:",
}
CELERY_TASK_IGNORE_RESULT = True
# What `celery beat` queues: the purge sweep catches writes no model saw and
# scheduled stories whose moment arrives (articles.purge).
PURGE_SWEEP_SECONDS = float(os.environ.get("PURGE_SWEEP_SECONDS", "1"))
CELERY_BEAT_SCHEDULE = {
    "purge-pending": {
        "task": "articles.tasks.purge_pending",
        "schedule": PURGE_SWEEP_SECONDS,
        # A sweep not taken within its interval is replaced by the next one.
        "options": {"expires": max(PURGE_SWEEP_SECONDS * 2, 1)},
    },
}
# A broker that does not answer must not hold up an editor's save for long.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# E-mail (the desk's notices) goes through an SMTP server: EMAIL_HOST, or one on
# this host. In development, with none named, it is printed to the console.
_smtp_host = os.environ.get("EMAIL_HOST", "")
_smtp = {
    "host": _smtp_host or "localhost",
    "port": int(os.environ.get("EMAIL_PORT", "587")),
    "username": os.environ.get("EMAIL_HOST_USER", ""),
    "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("EMAIL_USE_TLS", default=True),
    "timeout": 10,
}
_smtp_used = bool(_smtp_host) or not DEBUG
_mail_backend = (
    "django.core.mail.backends.smtp.EmailBackend"
    if _smtp_used
    else "django.core.mail.backends.console.EmailBackend"
)
if django.VERSION >= (6, 1):
    # Django 6.1's MAILERS replaces the EMAIL_* settings it deprecates.
    MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _smtp if _smtp_used else {}}}
else:
    EMAIL_BACKEND = _mail_backend
    EMAIL_HOST, EMAIL_PORT = _smtp["host"], _smtp["port"]
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _smtp["username"], _smtp["password"]
    EMAIL_USE_TLS, EMAIL_TIMEOUT = _smtp["use_tls"], _smtp["timeout"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
# The address links in e-mails point to (the admin's), e.g. https://news.example.com.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Public pages are cached until content changes or a scheduled story goes out.
PAGE_CACHE = env_bool("PAGE_CACHE", default=not DEBUG)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Parts of pages (a story with all it shows, a page of cards) are cached the same way,
# for pages the page cache does not keep.
FRAGMENT_CACHE = env_bool("FRAGMENT_CACHE", default=True)
# How long a shared cache (the proxy, a CDN) may keep a page. With a purge backend
# the app drops pages by key as content changes, so they may be kept a day; without
# one, this is how late news may be. Unset: 86400 with a purge backend, else 30.
_shared = os.environ.get("CACHE_SHARED_MAX_AGE", "")
CACHE_SHARED_MAX_AGE = int(_shared) if _shared else None
# Each purge goes out once more this much later, for pages being made as it went.
PURGE_AGAIN_SECONDS = float(os.environ.get("PURGE_AGAIN_SECONDS", "10"))


def purge_backends(environ) -> dict:
    """The caches to purge when content changes (newsroom.frontcache), from the
    variables in ``environ``: one backend for each whose variables are set. One
    set without its partner (a service id without a token) still makes an entry,
    which the system checks refuse with a message."""
    backends = {}
    urls = [url.strip() for url in environ.get("PURGE_VARNISH_URLS", "").split(",")]
    if locations := [url for url in urls if url]:
        backends["varnish"] = {
            "BACKEND": "newsroom.frontcache.VarnishBackend",
            "LOCATIONS": locations,
        }
    service, token = environ.get("FASTLY_SERVICE_ID", ""), environ.get("FASTLY_API_TOKEN", "")
    if service or token:
        soft = environ.get("FASTLY_SOFT_PURGE", "").strip().lower() in {"1", "true", "yes", "on"}
        backends["fastly"] = {
            "BACKEND": "newsroom.frontcache.FastlyBackend",
            "SERVICE_ID": service.strip(),
            "API_TOKEN": token.strip(),
            "SOFT_PURGE": soft,
        }
    zone, token = environ.get("CLOUDFLARE_ZONE_ID", ""), environ.get("CLOUDFLARE_API_TOKEN", "")
    if zone or token:
        backends["cloudflare"] = {
            "BACKEND": "newsroom.frontcache.CloudflareBackend",
            "ZONE_ID": zone.strip(),
            "API_TOKEN": token.strip(),
        }
    # Credentials come from boto3's chain: AWS_ACCESS_KEY_ID and
    # AWS_SECRET_ACCESS_KEY, shared files, or the instance's or task's role.
    if distribution := environ.get("CLOUDFRONT_DISTRIBUTION_ID", "").strip():
        backends["cloudfront"] = {
            "BACKEND": "newsroom.frontcache.CloudFrontBackend",
            "DISTRIBUTION_ID": distribution,
        }
    # Not a cache: the WebSub hub, told which feeds changed.
    if hub := environ.get("WEBSUB_HUB_URL", "").strip():
        backends["websub"] = {"BACKEND": "newsroom.frontcache.WebSubBackend", "HUB_URL": hub}
    return backends


# The proxy and CDNs in front, purged by the keys naming what each response shows.
PURGE_BACKENDS = purge_backends(os.environ)
# Seconds a purge request may take before it counts as failed (and is tried again).
PURGE_TIMEOUT = float(os.environ.get("PURGE_TIMEOUT", "5"))
# CloudFront purges paths, not keys: the function giving the paths of keys.
PURGE_PATHS = "articles.purge_paths.paths_for_keys"

# Feeds: the rights they state (unset: "© <year> SITE_NAME"), and a WebSub hub
# (e.g. https://pubsubhubbub.appspot.com/) they name and that is told when they
# change, with their addresses under SITE_URL.
FEED_RIGHTS = os.environ.get("FEED_RIGHTS", "").strip()
WEBSUB_HUB_URL = os.environ.get("WEBSUB_HUB_URL", "").strip()
# The function giving the feeds' paths that surrogate keys make due.
WEBSUB_FEED_PATHS = "articles.feeds.feed_paths_for_keys"

# How often a reader's open page of a story covered live asks for new posts, in seconds.
LIVE_POLL_SECONDS = float(os.environ.get("LIVE_POLL_SECONDS", "15"))

# Only for `make bench`: a page served with no database and no template, as a floor.
BENCH_FLOOR_FILE = os.environ.get("BENCH_FLOOR_FILE", "")

# The admin's address; moving it off /admin/ keeps password-guessing bots away.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"
# Staff sign in through the admin; a refused or missing `next=` lands there too.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one account from one address lock it out for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Behind the proxy, the client's address is the last one it appended.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-gb")
# Times on the 24-hour clock everywhere, the admin included (newsroom/formats/).
FORMAT_MODULE_PATH = ["newsroom.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed file names: browsers may cache them for a year.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Media in S3-compatible object storage, shared by every web server. Credentials
# come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by boto3 itself.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            # Renditions have unique names: plain, cacheable addresses.
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    SERVE_MEDIA = False
    MEDIA_HOSTS = [
        f"https://{os.environ['AWS_S3_CUSTOM_DOMAIN']}"
        if os.environ.get("AWS_S3_CUSTOM_DOMAIN")
        else os.environ.get("AWS_S3_ENDPOINT_URL") or "https://*.amazonaws.com"
    ]
else:
    MEDIA_HOSTS = []
    # Pictures readers see (renditions, cards) are served by the app itself.
    SERVE_MEDIA = True

# The name readers see in the header, page titles and feeds.
SITE_NAME = os.environ.get("SITE_NAME", "Newsroom")
# The newsroom's own pages elsewhere (Wikidata, social networks), comma-separated: the
# front page's structured data names them as the newsroom's sameAs.
ORGANIZATION_SAME_AS = env_list("ORGANIZATION_SAME_AS")
# The domain in the ids that feeds and ninjs give stories (tag:example.com,2026-12-07:story-1).
# Those ids must never change: set it once, to a domain the newsroom owns.
# Unset: SITE_URL's host name ("localhost" for an IP address, which a tag URI may not hold).
_site_host = urlsplit(SITE_URL).hostname or ""
URI_AUTHORITY = os.environ.get("URI_AUTHORITY", "") or (
    _site_host if _site_host and not _site_host[-1].isdigit() else "localhost"
)

# Uploaded pictures: refused above these limits, with a message.
IMAGE_MAX_UPLOAD_BYTES = int(float(os.environ.get("IMAGE_MAX_UPLOAD_MB", "25")) * 1_000_000)
IMAGE_MAX_PIXELS = int(float(os.environ.get("IMAGE_MAX_MEGAPIXELS", "40")) * 1_000_000)
# A story body's stored HTML, after sanitising, is refused above this with a message.
# 500 kB holds some 70,000 words with their markup, several times the longest long read.
STORY_BODY_MAX_BYTES = int(float(os.environ.get("STORY_BODY_MAX_KB", "500")) * 1_000)
# Embeds in story bodies: the provider's oEmbed answer is read with this timeout
# (seconds) and up to this size; Instagram answers only apps with a Meta token.
OEMBED_TIMEOUT = float(os.environ.get("OEMBED_TIMEOUT", "3"))
OEMBED_MAX_BYTES = 256_000
INSTAGRAM_OEMBED_TOKEN = os.environ.get("INSTAGRAM_OEMBED_TOKEN", "")


def _static(path: str) -> str:
    from django.templatetags.static import static

    return static(path)


# The story editor's own extensions: editors' notes, library pictures and embeds.
# The body is sanitised by articles.sanitize, not by the editor's allowlist, which
# these processors would feed.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [lazy(_static, str)("articles/admin/body_editor.js")],
        "extensions": {
            name: lambda config, shared: None for name in ("EditorsNote", "LibraryImage", "Embed")
        },
    }
]

# The Google News sitemap names the publication and its language (ISO 639:
# "en", "fr"; Chinese keeps its script, "zh-cn" or "zh-tw").
NEWS_PUBLICATION_NAME = os.environ.get("NEWS_PUBLICATION_NAME", SITE_NAME)
NEWS_PUBLICATION_LANGUAGE = os.environ.get(
    "NEWS_PUBLICATION_LANGUAGE", LANGUAGE_CODE.split("-")[0].lower()
)

# ninjs import (manage.py import_ninjs): how long to wait for a document's address
# and how large a document may be; private and loopback addresses are refused
# unless NINJS_IMPORT_ALLOW_PRIVATE is set (a partner's server on the same network).
NINJS_IMPORT_TIMEOUT = float(os.environ.get("NINJS_IMPORT_TIMEOUT", "10"))
NINJS_IMPORT_MAX_BYTES = int(float(os.environ.get("NINJS_IMPORT_MAX_KB", "2000")) * 1_000)
NINJS_IMPORT_ALLOW_PRIVATE = env_bool("NINJS_IMPORT_ALLOW_PRIVATE", default=False)

# How long a story's preview link works.
PREVIEW_LINK_DAYS = int(os.environ.get("PREVIEW_LINK_DAYS", "7"))

# Tags differing only in case ("Nato", "NATO") are one tag.
TAGGIT_CASE_INSENSITIVE = True

# One line per event on standard output, with the request id when there is one.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsroom.middleware.RequestIdFilter"}},
    "formatters": {"line": {"()": "newsroom.middleware.OneLineFormatter"}},
    "handlers": {
        # Standard error, as containers collect it: standard output stays the
        # commands' own (manage.py ingest --json prints one JSON object there).
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "line",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Requests are logged once, by gunicorn's access log.
        "django.server": {"level": "WARNING"},
    },
}

# Security. Production (DEBUG off) gets HTTPS-only cookies, HSTS and a redirect
# to HTTPS; /healthz stays reachable over plain HTTP for health checks.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading binds the domain to HTTPS in browsers for good: the owner opts in.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# The listings' covering indexes speed up PostgreSQL; SQLite builds them without
# the extra column, which is all the warning says.
SILENCED_SYSTEM_CHECKS.append("models.W040")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy, trust its X-Forwarded-Proto header (and only then).
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_HOSTS, *env_list("CSP_IMG_SRC")],
        "font-src": [SELF],
        "connect-src": [SELF],
        # Only embeds a reader has asked to see (static/js/embeds.js) load frames.
        "frame-src": FRAME_HOSTS,
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Webhooks (webhooks/, docs/webhooks.md) ------------------------------------
# Private, loopback and link-local addresses (and plain http://) are refused for
# partners' endpoints unless the operator allows them: a partner on the same network.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", default=False)
# Seconds to connect to a partner, and to wait for its answer.
WEBHOOK_CONNECT_TIMEOUT = float(os.environ.get("WEBHOOK_CONNECT_TIMEOUT", "5"))
WEBHOOK_READ_TIMEOUT = float(os.environ.get("WEBHOOK_READ_TIMEOUT", "10"))
# A delivery is retried with backoff for this long, then given up.
WEBHOOK_RETRY_HOURS = float(os.environ.get("WEBHOOK_RETRY_HOURS", "24"))
# An endpoint is paused once this many attempts in a row failed over at least this long.
WEBHOOK_PAUSE_AFTER_FAILURES = int(os.environ.get("WEBHOOK_PAUSE_AFTER_FAILURES", "10"))
WEBHOOK_PAUSE_AFTER_HOURS = float(os.environ.get("WEBHOOK_PAUSE_AFTER_HOURS", "6"))
# How often `celery beat` tells of scheduled stories going out and sends what is due.
WEBHOOK_SWEEP_SECONDS = float(os.environ.get("WEBHOOK_SWEEP_SECONDS", "5"))
CELERY_BEAT_SCHEDULE["webhooks-sweep"] = {
    "task": "webhooks.tasks.sweep",
    "schedule": WEBHOOK_SWEEP_SECONDS,
    "options": {"expires": max(WEBHOOK_SWEEP_SECONDS * 2, 1)},
}
CELERY_BEAT_SCHEDULE["webhooks-prune"] = {"task": "webhooks.tasks.prune", "schedule": 3600}

# --- The read API (syndication) ---------------------------------------------------
# Requests a minute from one address without a key; keys have their own rate
# (set on each key in the admin).
API_ANON_RATE = f"{int(os.environ.get('API_ANON_REQUESTS_PER_MINUTE', '120'))}/min"
# How long oEmbed consumers may keep an answer, in seconds.
OEMBED_CACHE_AGE = int(os.environ.get("OEMBED_CACHE_AGE", "3600"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["syndication.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["syndication.auth.RateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Behind the proxy, the client's address is the last one it appended.
    "NUM_PROXIES": int(os.environ.get("PROXY_COUNT", "0")) or None,
    "EXCEPTION_HANDLER": "syndication.views.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": "Published stories, their people, sources, sections, tags and corrections. "
    "See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files ship with the project (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Ingest: pages, URLs, wire items and partners' feeds into drafts --------------
# The largest page, file or feed read, fetched or uploaded, in kB.
INGEST_MAX_BYTES = int(float(os.environ.get("INGEST_MAX_KB", "5000")) * 1_000)
# Seconds to connect, and to read, an address given to ingest.
INGEST_FETCH_TIMEOUT = float(os.environ.get("INGEST_FETCH_TIMEOUT", "10"))
# Addresses inside the newsroom's network are refused unless this is set.
INGEST_ALLOW_PRIVATE = env_bool("INGEST_ALLOW_PRIVATE", default=False)
INGEST_USER_AGENT = os.environ.get("INGEST_USER_AGENT") or f"Newsroom ingest (+{SITE_URL})"
# How often the beat looks for partner feeds due a poll (each has its own interval).
INGEST_FEEDS_SWEEP_SECONDS = int(os.environ.get("INGEST_FEEDS_SWEEP_SECONDS", "60"))
CELERY_BEAT_SCHEDULE["ingest-feeds"] = {
    "task": "ingest.tasks.poll_feeds",
    "schedule": INGEST_FEEDS_SWEEP_SECONDS,
    "options": {"expires": max(INGEST_FEEDS_SWEEP_SECONDS * 2, 1)},
}
