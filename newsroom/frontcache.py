"""Purging the caches in front of the site: the proxy, a CDN.

Public responses name what they show in surrogate keys (``story-12``,
``list-tag-3``, ``front``…). When content changes, ``purge(keys)`` asks every
backend in ``settings.PURGE_BACKENDS`` to drop the responses carrying those
keys. The setting is a dict like ``CACHES``::

    PURGE_BACKENDS = {
        "varnish": {"BACKEND": "newsroom.frontcache.VarnishBackend",
                    "LOCATIONS": ["http://proxy:6091"]},
        "fastly": {"BACKEND": "newsroom.frontcache.FastlyBackend",
                   "SERVICE_ID": "…", "API_TOKEN": "…"},
    }

Every backend takes ``TIMEOUT`` (seconds, default ``settings.PURGE_TIMEOUT``).
A backend that cannot confirm a purge raises ``PurgeFailed``; the caller (a
background job) tries again later.
"""

import functools
import http.client
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Printable ASCII without spaces or commas: the headers carrying keys separate
# them with spaces (Surrogate-Key, xkey) or commas (Cache-Tag).
VALID_KEY = re.compile(r"[!-+\--~]+")


class PurgeFailed(Exception):
    """A backend did not confirm the purge (HTTP error, timeout, refused).

    The message names the backend and why; it never includes secrets."""


class PurgeBackend:
    """One cache to purge by surrogate key. ``name`` is its key in PURGE_BACKENDS."""

    # Options that must be given, and not empty.
    required: tuple[str, ...] = ()
    # Whether it drops cached pages: shared caches may keep pages long only then.
    purges_caches = True

    def __init__(self, name: str, options: dict):
        self.name = name
        self.options = options
        missing = [option for option in self.required if not options.get(option)]
        if missing:
            raise ImproperlyConfigured(
                f"The {name} purge backend (PURGE_BACKENDS) has no {' or '.join(missing)}."
            )
        self.timeout = float(options.get("TIMEOUT", getattr(settings, "PURGE_TIMEOUT", 5)))

    def __repr__(self):
        return f"<{type(self).__name__} {self.name}>"

    def purge(self, keys: list[str]) -> None:
        raise NotImplementedError

    # What a message may not show: tokens, passwords.
    def secrets(self) -> list[str]:
        return []

    def failed(self, reasons: list[str]) -> PurgeFailed:
        message = f"{self.name}: {'; '.join(reasons)}"
        for secret in self.secrets():
            if secret:
                message = message.replace(secret, "***")
        return PurgeFailed(message)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A purge API that redirects is misconfigured; following it would carry the
    credentials to another address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


class HTTPPurgeBackend(PurgeBackend):
    """Sends purge requests with the standard library, each with the timeout."""

    def send(self, method: str, url: str, headers: dict, body: bytes | None = None) -> bytes:
        """The answer's body, or PurgeFailed for anything but a 2xx answer."""
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        shown = address(url)
        try:
            with _opener.open(request, timeout=self.timeout) as response:
                return response.read(1_000_000)
        except urllib.error.HTTPError as error:
            try:
                detail = self.error_detail(error.read(100_000))
            except (OSError, http.client.HTTPException):
                detail = ""
            answer = f"{shown} answered {error.code} {error.reason}"
            raise self.failed([f"{answer}: {detail}" if detail else answer]) from None
        except urllib.error.URLError as error:
            raise self.failed([f"{shown} could not be reached ({error.reason})"]) from None
        except (OSError, http.client.HTTPException) as error:
            reason = "timed out" if isinstance(error, TimeoutError) else repr(error)
            raise self.failed([f"{shown} did not answer ({reason})"]) from None

    def error_detail(self, body: bytes) -> str:
        """What an error answer's body says, if the API explains itself."""
        return ""


def setting_function(name: str, setting: str, what: str):
    """The function the dotted path in ``settings.<setting>`` names."""
    try:
        return import_string(getattr(settings, setting))
    except (ImportError, AttributeError) as error:
        raise ImproperlyConfigured(
            f"The {name} purge backend needs {setting}, {what}: {error}"
        ) from error


def address(url: str) -> str:
    """``url`` without any user name or password in it, for messages."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def batches(keys: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


class VarnishBackend(HTTPPurgeBackend):
    """Varnish with the xkey vmod, through its purge listener.

    Request, to each of ``LOCATIONS`` (base URLs such as ``http://proxy:6091``)::

        PURGE / HTTP/1.1
        xkey-purge: story-12 list-tag-3 front

    answered 200. The keys are sent in as many requests as keep the header under
    ``HEADER_BYTES`` (default 4,000; Varnish refuses request headers longer than
    its ``http_req_hdr_len``, 8 KB by default). Every location is tried, even
    when one fails.
    """

    required = ("LOCATIONS",)

    def __init__(self, name, options):
        super().__init__(name, options)
        self.locations = [location.rstrip("/") + "/" for location in options["LOCATIONS"]]
        for location in self.locations:
            parts = urllib.parse.urlsplit(location)
            if parts.scheme not in {"http", "https"} or not parts.hostname:
                raise ImproperlyConfigured(
                    f"The {name} purge backend's location {address(location)!r} is not an "
                    "http:// or https:// address."
                )
        self.header_bytes = int(options.get("HEADER_BYTES", 4000))

    def purge(self, keys):
        failures = []
        for location in self.locations:
            for batch in self.batches(keys):
                try:
                    self.send("PURGE", location, {"xkey-purge": " ".join(batch)})
                except PurgeFailed as error:
                    failures.append(str(error).removeprefix(f"{self.name}: "))
                    break  # the next location; this one is down or refusing
        if failures:
            raise self.failed(failures)

    def batches(self, keys: list[str]) -> Iterator[list[str]]:
        batch, size = [], 0
        for key in keys:
            if batch and size + 1 + len(key) > self.header_bytes:
                yield batch
                batch, size = [], 0
            size += len(key) + (1 if batch else 0)
            batch.append(key)
        if batch:
            yield batch


class FastlyBackend(HTTPPurgeBackend):
    """Fastly's batch purge by surrogate key.

    Request (up to 256 keys each, Fastly's limit)::

        POST {API_URL}/service/{SERVICE_ID}/purge
        Fastly-Key: {API_TOKEN}
        Surrogate-Key: story-12 list-tag-3 front
        Fastly-Soft-Purge: 1          (with SOFT_PURGE: mark stale, do not drop)
        Accept: application/json

    answered 200 with the purge id of each key. ``API_URL`` defaults to
    https://api.fastly.com.
    """

    required = ("SERVICE_ID", "API_TOKEN")
    batch_size = 256

    def __init__(self, name, options):
        super().__init__(name, options)
        self.api_url = options.get("API_URL", "https://api.fastly.com").rstrip("/")
        service = urllib.parse.quote(options["SERVICE_ID"], safe="")
        self.url = f"{self.api_url}/service/{service}/purge"
        self.soft = bool(options.get("SOFT_PURGE", False))

    def secrets(self):
        return [self.options["API_TOKEN"]]

    def purge(self, keys):
        headers = {"Fastly-Key": self.options["API_TOKEN"], "Accept": "application/json"}
        if self.soft:
            headers["Fastly-Soft-Purge"] = "1"
        failures = []
        for batch in batches(keys, self.batch_size):
            try:
                self.send("POST", self.url, {**headers, "Surrogate-Key": " ".join(batch)})
            except PurgeFailed as error:
                failures.append(str(error).removeprefix(f"{self.name}: "))
        if failures:
            raise self.failed(failures)

    def error_detail(self, body):
        try:
            answer = json.loads(body)
        except ValueError:
            return ""
        if isinstance(answer, dict):
            return str(answer.get("msg") or answer.get("detail") or "")[:300]
        return ""


class CloudflareBackend(HTTPPurgeBackend):
    """Cloudflare's purge by cache tag (the ``Cache-Tag`` response header).

    Request (up to 100 tags each: Cloudflare's "max operations per request" for
    tags on every plan)::

        POST {API_URL}/client/v4/zones/{ZONE_ID}/purge_cache
        Authorization: Bearer {API_TOKEN}
        Content-Type: application/json

        {"tags": ["story-12", "list-tag-3", "front"]}

    answered with JSON whose ``success`` is true; anything else is a failure,
    with Cloudflare's error messages. ``API_URL`` defaults to
    https://api.cloudflare.com. The token needs the zone's Cache Purge permission.
    """

    required = ("ZONE_ID", "API_TOKEN")
    batch_size = 100

    def __init__(self, name, options):
        super().__init__(name, options)
        self.api_url = options.get("API_URL", "https://api.cloudflare.com").rstrip("/")
        zone = urllib.parse.quote(options["ZONE_ID"], safe="")
        self.url = f"{self.api_url}/client/v4/zones/{zone}/purge_cache"

    def secrets(self):
        return [self.options["API_TOKEN"]]

    def purge(self, keys):
        headers = {
            "Authorization": f"Bearer {self.options['API_TOKEN']}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        failures = []
        for batch in batches(keys, self.batch_size):
            try:
                body = self.send("POST", self.url, headers, json.dumps({"tags": batch}).encode())
                answer = json.loads(body)
                if not (isinstance(answer, dict) and answer.get("success") is True):
                    raise self.failed([f"not purged: {self.error_detail(body) or 'no success'}"])
            except ValueError:
                failures.append("the answer was not JSON")
            except PurgeFailed as error:
                failures.append(str(error).removeprefix(f"{self.name}: "))
        if failures:
            raise self.failed(failures)

    def error_detail(self, body):
        try:
            errors = json.loads(body).get("errors") or []
            return "; ".join(f"{error.get('code')} {error.get('message')}" for error in errors)[
                :300
            ]
        except (ValueError, AttributeError):
            return ""


class CloudFrontBackend(PurgeBackend):
    """Amazon CloudFront, which purges by path, not by key.

    The keys are turned into paths by ``settings.PURGE_PATHS`` (a function from
    keys to paths, ``*`` allowed at the end), then sent as one invalidation::

        POST {ENDPOINT_URL}/2020-05-31/distribution/{DISTRIBUTION_ID}/invalidation
        Authorization: AWS4-HMAC-SHA256 Credential=…   (signed by boto3)

        <InvalidationBatch><Paths><Quantity>2</Quantity><Items><Path>/</Path>
        <Path>/feed/*</Path></Items></Paths><CallerReference>(unique)</CallerReference>
        </InvalidationBatch>

    CloudFront accepts at most 3,000 paths, or 15 paths ending in ``*``, in
    progress at once. Paths under a wildcard of the batch are dropped, and a
    batch over ``MAX_WILDCARDS`` (default 15) or ``MAX_PATHS`` (default 3,000)
    has its paths gathered under their first folder (``/tags/*``), and at the
    last resort under ``/*``: one path, as CloudFront charges by the path.
    When others are in progress, CloudFront refuses the batch and the purge is
    tried again later.

    Credentials come from boto3's chain (environment, shared files, the instance's
    or task's role); it signs and retries (``MAX_ATTEMPTS``, default 3).
    """

    required = ("DISTRIBUTION_ID",)

    def __init__(self, name, options):
        super().__init__(name, options)
        self.distribution_id = options["DISTRIBUTION_ID"]
        self.endpoint_url = options.get("ENDPOINT_URL") or None
        # CloudFront's API is global, signed for us-east-1 (outside AWS China).
        self.region = options.get("REGION", "us-east-1")
        self.max_wildcards = int(options.get("MAX_WILDCARDS", 15))
        self.max_paths = int(options.get("MAX_PATHS", 3000))
        self.max_attempts = int(options.get("MAX_ATTEMPTS", 3))
        self.paths_for_keys = setting_function(
            name, "PURGE_PATHS", "the function giving the paths of keys"
        )

    @functools.cached_property
    def client(self):
        import boto3
        from botocore.config import Config

        config = Config(
            connect_timeout=self.timeout,
            read_timeout=self.timeout,
            retries={"mode": "standard", "max_attempts": self.max_attempts},
        )
        # A session of its own: boto3's default one is not safe across threads.
        return boto3.session.Session().client(
            "cloudfront",
            region_name=self.region,
            endpoint_url=self.endpoint_url,
            config=config,
        )

    def purge(self, keys):
        from botocore.exceptions import BotoCoreError, ClientError

        paths = fit_paths(self.paths_for_keys(keys), self.max_wildcards, self.max_paths)
        if not paths:
            return
        try:
            self.client.create_invalidation(
                DistributionId=self.distribution_id,
                InvalidationBatch={
                    "Paths": {"Quantity": len(paths), "Items": paths},
                    "CallerReference": uuid.uuid4().hex,
                },
            )
        except ClientError as error:
            problem = error.response.get("Error", {})
            raise self.failed(
                [f"{problem.get('Code', 'error')}: {problem.get('Message', '')}".strip()]
            ) from None
        except BotoCoreError as error:
            raise self.failed([str(error)]) from None


def fit_paths(paths: Iterable[str], max_wildcards: int, max_paths: int) -> list[str]:
    """``paths`` within CloudFront's limits on one invalidation, covering at least
    as much: duplicates and paths under one of the wildcards dropped, then paths
    gathered under their first folder (the most crowded first), then ``/*``."""
    paths = sorted(set(paths))
    if "/*" in paths:
        return ["/*"]
    while True:
        wildcards = [path[:-1] for path in paths if path.endswith("*")]
        paths = [
            path
            for path in paths
            if not any(path.startswith(prefix) and path != prefix + "*" for prefix in wildcards)
        ]
        wild = sum(path.endswith("*") for path in paths)
        if wild <= max_wildcards and len(paths) <= max_paths:
            return paths
        # Too many wildcards: gather the folder with the most of them; too many
        # paths: the folder with the most paths.
        weigh = (lambda path: path.endswith("*")) if wild > max_wildcards else (lambda path: 1)
        folders: dict[str, list[str]] = {}
        for path in paths:
            folder, slash, rest = path[1:].partition("/")
            if slash and rest:
                folders.setdefault(folder, []).append(path)
        folder, crowded = max(
            folders.items(), key=lambda item: sum(map(weigh, item[1])), default=("", [])
        )
        if sum(map(weigh, crowded)) < 2:
            return ["/*"]
        paths = sorted({*paths, f"/{folder}/*"} - set(crowded))


# --- WebSub ---------------------------------------------------------------------


class WebSubBackend(HTTPPurgeBackend):
    """Not a cache: the WebSub hub the feeds name (``<atom:link rel="hub">``), told
    which feeds changed so it fetches them and pushes them to their subscribers.

    The keys are turned into the paths of the feeds showing them by
    ``settings.WEBSUB_FEED_PATHS`` (``feed`` is the site's feeds, ``list-tag-3``
    the tag's, ``story-12`` every feed it is in…), each pinged on its own, as the
    W3C WebSub recommendation's publishers do::

        POST {HUB_URL}
        Content-Type: application/x-www-form-urlencoded

        hub.mode=publish&hub.url=https%3A%2F%2Fnews.example.com%2Ffeed%2F

    answered 2xx (hubs answer 202 or 204). Feeds' addresses are under
    ``settings.SITE_URL``, as their ``rel="self"`` links say. Every feed is
    tried, even when one fails.
    """

    required = ("HUB_URL",)
    purges_caches = False

    def __init__(self, name, options):
        super().__init__(name, options)
        self.hub_url = options["HUB_URL"]
        parts = urllib.parse.urlsplit(self.hub_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ImproperlyConfigured(
                f"The {name} WebSub hub {address(self.hub_url)!r} is not an http:// or "
                "https:// address."
            )
        self.paths_for_keys = setting_function(
            name, "WEBSUB_FEED_PATHS", "the function giving the feeds' paths of keys"
        )

    def secrets(self):
        # A hub may take a token in its address.
        return [urllib.parse.urlsplit(self.hub_url).query]

    def purge(self, keys):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        failures = []
        for path in self.paths_for_keys(keys):
            topic = f"{settings.SITE_URL}{path}"
            body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": topic}).encode()
            try:
                self.send("POST", self.hub_url, headers, body)
            except PurgeFailed as error:
                failures.append(f"{path}: {str(error).removeprefix(f'{self.name}: ')}")
        if failures:
            raise self.failed(failures)


_backends: list[PurgeBackend] | None = None


def backends() -> list[PurgeBackend]:
    """The configured backends, built once from ``settings.PURGE_BACKENDS``."""
    global _backends
    if _backends is None:
        _backends = build(getattr(settings, "PURGE_BACKENDS", {}))
    return _backends


def build(config: dict) -> list[PurgeBackend]:
    built = []
    for name, entry in config.items():
        options = dict(entry)
        path = options.pop("BACKEND", "")
        try:
            backend_class = import_string(path)
        except ImportError as error:
            raise ImproperlyConfigured(
                f"The {name} purge backend's BACKEND {path!r} cannot be imported: {error}"
            ) from error
        built.append(backend_class(name, options))
    return built


@receiver(setting_changed)
def _settings_changed(*, setting, **kwargs):
    global _backends
    if setting in {"PURGE_BACKENDS", "PURGE_TIMEOUT", "PURGE_PATHS", "WEBSUB_FEED_PATHS"}:
        _backends = None


def configured() -> bool:
    """Whether any cache is purged (a WebSub hub alone is not one)."""
    return any(backend.purges_caches for backend in backends())


def purge(keys: Iterable[str]) -> None:
    """Purge the responses carrying any of ``keys`` from every configured backend.

    Every backend is tried, even when one fails; then PurgeFailed names those
    that failed. Keys that no header could carry (spaces, commas, non-ASCII)
    are left out, with a warning.
    """
    wanted = set()
    for key in keys:
        if VALID_KEY.fullmatch(key):
            wanted.add(key)
        elif key:
            logger.warning("purge: key %r left out: not printable ASCII without spaces", key)
    if not wanted:
        return
    ordered = sorted(wanted)
    failures = []
    for backend in backends():
        try:
            backend.purge(ordered)
        except PurgeFailed as error:
            logger.warning("purge failed: %s", error)
            failures.append(str(error))
    if failures:
        raise PurgeFailed(" | ".join(failures))
