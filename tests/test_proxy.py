"""The caching proxy, run for real: Varnish with the repository's VCL (deploy/varnish/).

In front of the site itself (bin/serve), and in front of a stand-in backend that
answers what a test chooses (surrogate keys, errors, a slow page) and counts what
reaches it.
"""

import gzip
import hashlib
import http.server
import socket
import threading
import time
import urllib.request
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.serving import (
    HTTPS,
    get,
    production_server,
    varnish,
    varnish_counter,
)

# What the app sends for a public page: kept by shared caches, stale on error for a day.
PUBLIC = "public, max-age=0, s-maxage=3600, stale-while-revalidate=3600, stale-if-error=86400"
KEY_HEADERS = ("xkey", "Surrogate-Key", "Cache-Tag")
LAST_MODIFIED = "Wed, 01 Jan 2025 12:00:00 GMT"

pytestmark = pytest.mark.proxy


# The site behind Varnish -----------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with production_server(tmp_path_factory.mktemp("serve"), name="newsroom_proxy") as running:
        yield running


@pytest.fixture(scope="module")
def proxy(server, tmp_path_factory):
    """Varnish as compose runs it: behind a TLS load balancer that sets X-Forwarded-Proto."""
    with varnish(server["base"], tmp_path_factory.mktemp("varnish"), mode="lb") as (public, _):
        yield public


@pytest.fixture(scope="module")
def edge_proxy(server, tmp_path_factory):
    """Varnish facing readers itself, with nothing in front of it."""
    with varnish(server["base"], tmp_path_factory.mktemp("edge"), mode="readers") as (public, _):
        yield public


def test_proxy_keeps_public_pages_and_passes_signed_in_readers_through(proxy):
    first = get(f"{proxy}/sections/world/", HTTPS)
    second = get(f"{proxy}/sections/world/", HTTPS)
    assert first[0] == second[0] == 200
    assert first[1]["X-Proxy-Cache"] == "MISS"
    assert second[1]["X-Proxy-Cache"] == "HIT"
    assert second[2] == first[2]
    # Each answer carries its own request's id, a kept one too.
    assert first[1]["X-Request-ID"] != second[1]["X-Request-ID"]

    signed_in = get(f"{proxy}/sections/world/", {**HTTPS, "Cookie": "sessionid=abc"})
    assert signed_in[0] == 200
    assert signed_in[1]["X-Proxy-Cache"] == "PASS"
    assert "X-Page-Cache" not in signed_in[1]

    for _ in range(2):
        status, headers, _ = get(f"{proxy}/healthz")
        assert status == 200 and headers["X-Proxy-Cache"] == "PASS"


def test_proxy_keeps_one_compressed_copy_for_readers_who_accept_gzip(proxy):
    raw = urllib.request.build_opener()  # urllib never asks for gzip itself

    def fetch(encoding):
        headers = {**HTTPS, "Accept-Encoding": encoding} if encoding else HTTPS
        with raw.open(urllib.request.Request(f"{proxy}/feed/", headers=headers)) as response:
            return response.headers, response.read()

    plain_headers, plain = fetch(None)
    first_headers, first = fetch("gzip, deflate, br")
    second_headers, second = fetch("br;q=1.0, gzip;q=0.8")

    assert "Content-Encoding" not in plain_headers
    assert plain.startswith(b"<?xml")
    assert first_headers["Content-Encoding"] == second_headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(first) == plain
    # Browsers word Accept-Encoding differently; they share the one compressed copy.
    assert first_headers["X-Proxy-Cache"] == "MISS" and second_headers["X-Proxy-Cache"] == "HIT"
    assert second == first
    assert "Accept-Encoding" in second_headers["Vary"]
    # Readers who refuse gzip share the plain one, as the app made it.
    for refusing in (None, "gzip;q=0, identity"):
        headers, body = fetch(refusing)
        assert headers["X-Proxy-Cache"] == "HIT" and "Content-Encoding" not in headers
        assert body == plain


def test_proxy_facing_readers_ignores_a_claim_of_https_over_plain_http(edge_proxy):
    # Believed, it would skip the redirect to HTTPS, and the secure cookies with it.
    status, headers, _ = get(f"{edge_proxy}/sections/world/", HTTPS)
    assert status == 301
    assert headers["Location"].startswith("https://")


def test_proxy_keeps_the_port_readers_asked_for_in_the_apps_redirects(edge_proxy):
    port = edge_proxy.rsplit(":", 1)[1]
    status, headers, _ = get(f"{edge_proxy}/sections/world/")
    assert status == 301
    assert headers["Location"] == f"https://127.0.0.1:{port}/sections/world/"


def test_proxy_keeps_the_port_in_the_apps_links_and_a_copy_per_host_it_was_asked_for(proxy):
    port = proxy.rsplit(":", 1)[1]
    # Another port of an allowed host: its page links there, and is kept apart.
    _, _, elsewhere = get(f"{proxy}/feed/", {**HTTPS, "Host": "127.0.0.1:1"})
    assert "<link>https://127.0.0.1:1/</link>" in elsewhere
    for _ in range(2):
        _, headers, feed = get(f"{proxy}/feed/", HTTPS)
        assert f"<link>https://127.0.0.1:{port}/</link>" in feed
    assert headers["X-Proxy-Cache"] == "HIT"


# A stand-in backend ------------------------------------------------------------------


@dataclass
class Asked:
    method: str
    path: str
    headers: dict
    body: bytes


class StandInHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.server.down:
            self.close_connection = True  # hangs up, as a crashed server would
            return
        if self.path == "/healthz":
            status, headers, content = 200, {}, "ok"
        else:
            self.server.asked.append(Asked(self.command, self.path, dict(self.headers), body))
            page = self.server.pages.get(self.path, (404, {}, "not here", None))
            status, headers, content, gate = page
            if gate is not None:
                gate.wait(10)
        content = content.encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    do_GET = do_HEAD = do_POST = answer

    def log_message(self, *args):
        pass


class StandIn(http.server.ThreadingHTTPServer):
    """A backend answering what a test chose for each path, counting what it is asked."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), StandInHandler)
        self.pages, self.asked, self.down = {}, [], False
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def page(self, path, content, status=200, cache=PUBLIC, keys="", gate=None):
        headers = {}
        if cache:
            # As the app's public pages: validators, which Varnish revalidates with.
            etag = hashlib.md5(content.encode()).hexdigest()  # noqa: S324
            headers.update(
                {"Cache-Control": cache, "ETag": f'"{etag}"', "Last-Modified": LAST_MODIFIED}
            )
        if keys:
            # The three spellings the app sends (Varnish, Fastly, Cloudflare).
            headers.update(
                {"xkey": keys, "Surrogate-Key": keys, "Cache-Tag": keys.replace(" ", ",")}
            )
        self.pages[path] = (status, headers, content, gate)

    def asked_for(self, path) -> list[Asked]:
        return [request for request in self.asked if request.path == path]

    def stop(self):
        self.down = True
        self.shutdown()
        self.server_close()


@dataclass
class Cache:
    public: str
    purge_base: str
    work: Path

    def purge(self, keys):
        return get(f"{self.purge_base}/", {"xkey-purge": keys}, method="PURGE")


@pytest.fixture(scope="module")
def standin():
    backend = StandIn()
    yield backend
    backend.stop()


@pytest.fixture(scope="module")
def cache(standin, tmp_path_factory):
    work = tmp_path_factory.mktemp("standin-varnish")
    with varnish(standin.base, work) as (public, purge_base):
        yield Cache(public, purge_base, work)


def test_purging_a_key_drops_every_page_carrying_it_and_no_other(cache, standin):
    story, other = "/2025/01/01/a-story/", "/sections/world/"
    standin.page(story, "the story", keys="story-1 section-1 all")
    standin.page(other, "the section", keys="section-2 all")
    for path in (story, other):
        assert get(cache.public + path)[1]["X-Proxy-Cache"] == "MISS"
        status, headers, _ = get(cache.public + path)
        assert status == 200 and headers["X-Proxy-Cache"] == "HIT"
        # The keys are for the caches, not for readers.
        assert not [name for name in KEY_HEADERS if name in headers]

    # A key no kept page carries drops nothing.
    status, headers, _ = cache.purge("story-2")
    assert status == 200 and headers["X-Purged"] == "0"
    assert get(cache.public + story)[1]["X-Proxy-Cache"] == "HIT"

    # The story is withdrawn, and its key purged: readers get the 410 at once.
    standin.page(story, "withdrawn", status=410, keys="story-1 all")
    status, headers, _ = cache.purge("story-1")
    assert status == 200 and headers["X-Purged"] == "1"
    status, headers, body = get(cache.public + story)
    assert (status, body, headers["X-Proxy-Cache"]) == (410, "withdrawn", "MISS")
    assert get(cache.public + other)[1]["X-Proxy-Cache"] == "HIT"

    # Several keys at once, as the app sends them.
    status, headers, _ = cache.purge("story-3 section-2")
    assert status == 200 and headers["X-Purged"] == "1"
    assert get(cache.public + other)[1]["X-Proxy-Cache"] == "MISS"
    assert len(standin.asked_for(story)) == len(standin.asked_for(other)) == 2


def test_purges_are_refused_on_the_public_listener(cache, standin):
    standin.page("/front/", "the front page", keys="front all")
    get(cache.public + "/front/")
    status, _, _ = get(cache.public + "/", {"xkey-purge": "all"}, method="PURGE")
    assert status == 405
    assert get(cache.public + "/front/")[1]["X-Proxy-Cache"] == "HIT"
    # The purge listener takes nothing but purges.
    assert get(cache.purge_base + "/front/")[0] == 405


def test_a_page_naming_thousands_of_keys_is_kept_and_purged_by_any_of_them(cache, standin):
    keys = " ".join(f"story-{number}" for number in range(10_000, 12_000))
    standin.page("/sitemap-1.xml", "<urlset/>", keys=keys)
    assert get(cache.public + "/sitemap-1.xml")[0] == 200
    assert get(cache.public + "/sitemap-1.xml")[1]["X-Proxy-Cache"] == "HIT"
    assert cache.purge("story-11999")[1]["X-Purged"] == "1"
    assert get(cache.public + "/sitemap-1.xml")[1]["X-Proxy-Cache"] == "MISS"


def test_the_last_good_copy_is_served_while_the_app_answers_errors(cache, standin):
    path = "/2025/01/02/kept/"
    standin.page(path, "the last good copy", keys="story-4")
    get(cache.public + path)
    cache.purge("story-4")
    standin.page(path, "Something went wrong", status=500, cache=None)
    status, headers, body = get(cache.public + path)
    assert (status, body, headers["X-Proxy-Cache"]) == (200, "the last good copy", "STALE")

    # With no copy to fall back on, readers get the app's own error page, asked once.
    standin.page("/never-kept/", "Something went wrong", status=500, cache=None)
    status, headers, body = get(cache.public + "/never-kept/")
    assert (status, body) == (500, "Something went wrong")
    assert len(standin.asked_for("/never-kept/")) == 1


def test_the_last_good_copy_is_served_while_the_app_is_down(tmp_path):
    backend = StandIn()
    try:
        with varnish(backend.base, tmp_path) as (public, purge_base):
            backend.page("/", "the front page", keys="front")
            get(public + "/")
            # Purged, then the app goes away before anyone asks again.
            get(f"{purge_base}/", {"xkey-purge": "front"}, method="PURGE")
            backend.stop()
            status, headers, body = get(public + "/")
            assert (status, body, headers["X-Proxy-Cache"]) == (200, "the front page", "STALE")
            assert get(public + "/nothing-kept/")[0] == 503
    finally:
        if not backend.down:
            backend.stop()


def test_what_the_app_does_not_let_shared_caches_keep_is_never_kept(cache, standin):
    pages = {
        "/no-cache-control/": None,
        "/private/": "private, max-age=600",
        "/no-store/": "no-store",
        "/until-the-next-story/": "public, max-age=0, s-maxage=0",
    }
    for path, cache_control in pages.items():
        standin.page(path, "mine", cache=cache_control)
        for _ in range(2):
            assert get(cache.public + path)[1]["X-Proxy-Cache"] == "MISS", path
        assert len(standin.asked_for(path)) == 2, path


def test_readers_cookies_neither_reach_the_app_nor_split_the_cache(cache, standin):
    path = "/tags/ukraine/"
    standin.page(path, "the tag", keys="list-tag-1")
    status, headers, _ = get(
        cache.public + path, {"Cookie": "_ga=GA1.2.3; csrftoken=token-1; theme=dark"}
    )
    assert headers["X-Proxy-Cache"] == "MISS"
    # Only the admin sign-in form's token goes on.
    [request] = standin.asked_for(path)
    assert request.headers["Cookie"].rstrip(";") == "csrftoken=token-1"
    assert get(cache.public + path, {"Cookie": "_ga=GA9.8.7"})[1]["X-Proxy-Cache"] == "HIT"
    assert get(cache.public + path)[1]["X-Proxy-Cache"] == "HIT"

    # Signed in: every cookie reaches the app, and nothing kept is served.
    signed_in = "sessionid=abc; _ga=GA1.2.3"
    status, headers, _ = get(cache.public + path, {"Cookie": signed_in})
    assert headers["X-Proxy-Cache"] == "PASS"
    assert standin.asked_for(path)[-1].headers["Cookie"] == signed_in


def test_readers_missing_one_page_at_once_make_one_request_to_the_app(cache, standin):
    path, readers = "/2025/01/03/busy/", 8
    standin.page(path, "old", keys="story-5")
    for round_, content in enumerate(["the page", "the page, corrected"]):
        if round_:
            cache.purge("story-5")  # kept, then purged: fetched again, once
        gate = threading.Event()
        standin.page(path, content, keys="story-5", gate=gate)
        asked = len(standin.asked_for(path))
        waiting = varnish_counter(cache.work, "MAIN.busy_sleep")
        with futures.ThreadPoolExecutor(readers) as pool:
            answers = [pool.submit(get, cache.public + path) for _ in range(readers)]
            # Once one request is at the app and the others wait on it, let it answer.
            for _ in range(200):
                if (
                    len(standin.asked_for(path)) > asked
                    and varnish_counter(cache.work, "MAIN.busy_sleep") - waiting == readers - 1
                ):
                    break
                time.sleep(0.05)
            gate.set()
            results = [answer.result() for answer in answers]
        assert len(standin.asked_for(path)) == asked + 1
        assert {(status, body) for status, _, body in results} == {(200, content)}
        assert sorted(headers["X-Proxy-Cache"] for _, headers, _ in results) == ["HIT"] * (
            readers - 1
        ) + ["MISS"]


def test_an_upload_reaches_the_app_only_once_it_has_all_arrived(cache, standin):
    standin.page("/admin/upload/", "stored", cache=None)
    body = b"x" * 200_000
    host, port = cache.public.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        head = (
            f"POST /admin/upload/ HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        connection.sendall(head.encode() + body[:100_000])
        # A slow sender, halfway: nothing has reached the app, which holds no connection.
        time.sleep(0.5)
        assert standin.asked_for("/admin/upload/") == []
        connection.sendall(body[100_000:])
        response = b""
        while chunk := connection.recv(65536):
            response += chunk
    assert response.startswith(b"HTTP/1.1 200")
    [request] = standin.asked_for("/admin/upload/")
    assert request.body == body


def test_an_upload_over_30_mb_is_refused_before_it_reaches_the_app(cache, standin):
    host, port = cache.public.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            f"POST /admin/too-big/ HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Length: {31 * 1024 * 1024}\r\n\r\n".encode()
        )
        assert connection.recv(65536).startswith(b"HTTP/1.1 413")
    assert standin.asked_for("/admin/too-big/") == []
