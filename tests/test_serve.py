"""The production path, run as an operator would: bin/serve, gunicorn, DEBUG off
(tests/serving.py starts it; tests/test_proxy.py puts Varnish in front)."""

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent import futures
from pathlib import Path

import pytest

from tests.serving import (
    HTTPS,
    HTTPS_RAW,
    ON_POSTGRES,
    ROOT,
    free_port,
    get,
    production_server,
    raw_get,
    serve,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with production_server(tmp_path_factory.mktemp("serve")) as running:
        yield running


def test_healthz_answers_over_plain_http(server):
    status, headers, body = get(f"{server['base']}/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    assert "no-cache" in headers["Cache-Control"]


def test_plain_http_is_redirected_to_https(server):
    status, headers, _ = get(f"{server['base']}/")
    assert status == 301
    assert headers["Location"].startswith("https://127.0.0.1")


def test_front_page_and_demo_story_answer_with_security_headers(server):
    status, headers, html = get(f"{server['base']}/", HTTPS)
    assert status == 200
    story = re.search(r'href="(/2025/02/12/[^"]+/)"', html)[1]
    status, headers, html = get(f"{server['base']}{story}", HTTPS)
    assert status == 200
    assert "Trump says US and Russia will begin Ukraine peace negotiations" in html

    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])


def test_static_files_are_hashed_compressed_and_cached_for_a_year(server):
    _, _, html = get(f"{server['base']}/", HTTPS)
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)[1]
    status, headers, _ = get(f"{server['base']}{css}", {**HTTPS, "Accept-Encoding": "gzip"})
    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]
    assert headers["Content-Encoding"] == "gzip"

    # The fonts it names are hashed too, so that they are kept as long; WOFF2 is
    # compressed by its format, and is sent as it is.
    _, _, stylesheet = get(f"{server['base']}{css}", HTTPS)
    fonts = re.findall(r'url\("([^"]+\.woff2)"\)', stylesheet)
    assert fonts and all(re.search(r"\.[0-9a-f]{12}\.woff2$", font) for font in fonts), fonts
    preload = re.search(r'<link rel="preload" href="(/static/fonts/[^"]+)" as="font"', html)[1]
    for font in {preload, *(f"/static/fonts/{font.rsplit('/', 1)[-1]}" for font in fonts)}:
        status, headers, _ = get(f"{server['base']}{font}", {**HTTPS, "Accept-Encoding": "gzip"})
        assert status == 200, font
        assert headers["Content-Type"] == "font/woff2"
        assert headers["Cache-Control"] == "max-age=315360000, public, immutable"


def test_admin_sign_in_page_is_served_with_secure_cookies(server):
    status, headers, html = get(f"{server['base']}/admin/login/", HTTPS)
    assert status == 200
    cookie = headers["Set-Cookie"]
    assert "csrftoken=" in cookie and "Secure" in cookie


def test_missing_page_gets_the_sites_404_not_a_debug_page(server):
    status, _, html = get(f"{server['base']}/2025/02/31/nothing/", HTTPS)
    assert status == 404
    assert "Page not found" in html
    assert "Traceback" not in html and "URLconf" not in html


LOGFMT_FIELD = re.compile(r'([a-z_]+)=("(?:[^"\\]|\\.)*"|[^\s"=]+)( |$)')


def logfmt(line: str) -> dict | None:
    """The fields of a key=value line (quoted values are JSON strings), or None
    if the line is not wholly made of such fields."""
    fields, position = {}, 0
    while position < len(line):
        match = LOGFMT_FIELD.match(line, position)
        if not match:
            return None
        key, value, _ = match.groups()
        fields[key] = json.loads(value) if value.startswith('"') else value
        position = match.end()
    return fields


def logged(server, text, seconds=5):
    """The log lines that mention ``text``, once there is one."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        lines = [line.rstrip("\n") for line in list(server["log"]) if text in line]
        if lines:
            return lines
        time.sleep(0.1)
    return []


def test_requests_are_logged_one_line_each_with_their_id(server):
    _, headers, _ = get(f"{server['base']}/", {**HTTPS, "X-Request-ID": "smoke-test-42"})
    assert headers["X-Request-ID"] == "smoke-test-42"
    [line] = logged(server, "request_id=smoke-test-42")
    fields = logfmt(line)
    assert fields["logger"] == "access" and fields["path"] == "/" and fields["status"] == "200"
    assert int(fields["duration_ms"]) >= 0


# Paths that once wrote lines of their own into the access log, and what was asked for.
FORGED_PATHS = {
    "/nosuch%0alevel=critical%20logger=forged1/": "/nosuch\nlevel=critical logger=forged1/",
    "/nosuch%0d%0alevel=critical%20logger=forged2/": "/nosuch\r\nlevel=critical logger=forged2/",
    "/nosuch%00forged3/": "/nosuch\x00forged3/",
    # A backslash and a quote, to close the quoted path early.
    "/nosuch%5c%22%20level=critical%20logger=forged4/": '/nosuch\\" level=critical logger=forged4/',
    # A terminal's escape sequence, and a right-to-left override that reorders what is read.
    "/nosuch%1b%5b2J%e2%80%aeforged5/": "/nosuch\x1b[2J\u202eforged5/",
}


def test_access_log_escapes_control_characters_one_line_per_request(server):
    for number, (target, path) in enumerate(FORGED_PATHS.items()):
        status = raw_get(server["base"], target, [f"X-Request-ID: forged-{number}", *HTTPS_RAW])
        assert 400 <= status < 500, target
        [line] = logged(server, f"request_id=forged-{number} ")
        fields = logfmt(line)
        assert fields is not None, line
        assert (fields["logger"], fields["level"], fields["path"]) == ("access", "info", path)
    # Nothing in the log stands apart from the line it came from, or acts on a terminal.
    for line in logged(server, "forged"):
        fields = logfmt(line)
        assert fields is not None, line
        assert fields["logger"] in {"access", "django.request"} and fields["level"] != "critical"
    assert not [line for line in server["log"] if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", line)]


def test_slow_clients_dribbling_headers_do_not_keep_other_readers_waiting(server):
    """Slowloris: many connections, each sending one header byte now and then."""
    host, port = server["base"].removeprefix("http://").split(":")
    header = b"X-Slow: 1\r\n"

    def connect():
        connection = socket.create_connection((host, int(port)), timeout=5)
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        return connection

    slow = [connect() for _ in range(60)]
    stop = threading.Event()

    def dribble():
        sent = 0
        while not stop.wait(1):
            byte = header[sent % len(header) : sent % len(header) + 1]
            sent += 1
            for index, connection in enumerate(slow):
                try:
                    connection.sendall(byte)
                except OSError:
                    # Hung up on: come back, as the attack does.
                    connection.close()
                    with contextlib.suppress(OSError):
                        slow[index] = connect()

    dribbler = threading.Thread(target=dribble, daemon=True)
    dribbler.start()
    try:
        time.sleep(3)
        for _ in range(5):
            started = time.monotonic()
            try:
                status = get(f"{server['base']}/", HTTPS)[0]
            except OSError as error:
                status = error
            waited = time.monotonic() - started
            assert status == 200 and waited < 5, f"{status} after {waited:.1f} s"
            time.sleep(0.5)
    finally:
        stop.set()
        dribbler.join(timeout=10)
        for connection in slow:
            connection.close()


def connections_to(master, port) -> int:
    """Established TCP connections from gunicorn's master and workers to ``port``."""
    processes = [master]
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            if (
                entry.name.isdigit()
                and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master
            ):
                processes.append(int(entry.name))
    sockets = set()
    for pid in processes:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    sockets.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            established = fields[3] == "01"
            if established and int(fields[2].rsplit(":", 1)[1], 16) == port:
                count += fields[9] in sockets
    return count


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL and Redis connections; on PostgreSQL")
def test_many_short_visits_leave_few_database_and_cache_connections_open(server):
    # Each visit is a connection of its own, served by a greenlet of its own.
    with futures.ThreadPoolExecutor(10) as visitors:
        statuses = list(visitors.map(lambda _: raw_get(server["base"], "/", HTTPS_RAW), range(80)))
    assert set(statuses) == {200}
    # Two workers, each lending out at most 10 database connections at once.
    assert connections_to(server["pid"], server["relay"].port) <= 20
    if "REDIS_URL" in server["env"]:
        assert connections_to(server["pid"], 6379) <= 20


def test_a_change_is_seen_at_once_through_every_web_server_sharing_the_database(server, tmp_path):
    # A second web server beside the first, sharing its database and (on the
    # PostgreSQL run) its Redis, as behind a load balancer.
    second_env = {**server["env"], "PORT": str(free_port()), "DEMO": "0"}
    with serve(second_env, tmp_path) as (second, _, _):
        path = "/2025/02/12/trump-putin-call-ukraine-negotiations/"
        for base in (server["base"], second):
            # Kept by the page cache (every worker's, without a shared Redis).
            seen = {get(base + path, HTTPS)[1]["X-Page-Cache"] for _ in range(8)}
            assert "hit" in seen, base

        # A one-off fix from a shell: neither server is told.
        change = (
            "from articles.models import Story; "
            "Story.objects.filter(slug='trump-putin-call-ukraine-negotiations')"
            ".update(headline='Trump and Putin speak again')"
        )
        fixed = subprocess.run(
            [sys.executable, "manage.py", "shell", "--verbosity=0", "-c", change],
            cwd=ROOT,
            env=server["env"],
            capture_output=True,
            text=True,
        )
        assert fixed.returncode == 0, fixed.stderr

        for base in (server["base"], second):
            status, _, body = get(base + path, HTTPS)
            assert status == 200 and "Trump and Putin speak again" in body, base


def test_bin_serve_refuses_to_start_when_static_files_were_never_collected(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(
        PYTHON=sys.executable,
        PORT=str(free_port()),
        DEBUG="0",
        SECRET_KEY="a-production-like-secret-key-for-the-smoke-test-0123456789",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        COLLECTSTATIC="0",
    )
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [str(ROOT / "bin" / "serve")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert result.returncode != 0
    assert "The static files have not been collected into STATIC_ROOT" in result.stderr


@pytest.mark.skipif(not ON_POSTGRES, reason="cuts a PostgreSQL connection; runs on PostgreSQL")
def test_database_outage_gives_503_health_and_the_sites_500_page(server):
    server["relay"].cut()

    status, _, body = get(f"{server['base']}/healthz")
    assert status == 503
    assert json.loads(body)["database"] == "unavailable"
    # A page nobody has asked for yet: the cache cannot answer for the database.
    status, _, html = get(f"{server['base']}/?page=1&outage={time.time()}", HTTPS)
    assert status == 500
    assert "Something went wrong" in html
    assert "Traceback" not in html and "OperationalError" not in html
