"""The production path for tests: bin/serve (gunicorn, DEBUG off) and Varnish in front.

On the PostgreSQL run of the suite the server uses a fresh PostgreSQL database
(reached through a small TCP relay, so that a test can cut the database off)
and Redis; on the SQLite run, a fresh SQLite file.
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.names import postgres_database, run_name

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres://", "postgresql://"))
HTTPS = {"X-Forwarded-Proto": "https"}
HTTPS_RAW = ["X-Forwarded-Proto: https"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def get(url, headers=None, method=None, data=None):
    """(status, headers, text) of one request; redirects are not followed."""
    request = urllib.request.Request(url, headers=headers or {}, method=method, data=data)
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


def raw_get(base, target, headers=()):
    """A request written by hand (urllib refuses control characters in a URL); its status."""
    host, port = base.removeprefix("http://").split(":")
    head = [f"GET {target} HTTP/1.1", f"Host: {host}", "Connection: close", *headers]
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        response = b""
        while chunk := connection.recv(65536):
            response += chunk
    return int(response.split(b" ", 2)[1])


class Relay:
    """A TCP relay to the database that can be cut, as a network failure would."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets = [self.listener]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
                upstream = socket.create_connection(self.target)
            except OSError:
                return
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pump, args=(a, b), daemon=True).start()

    @staticmethod
    def pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self):
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


def redis_is_up():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def wait_until_healthy(base, process, lines, name, seconds):
    """Until ``base``/healthz answers 200; the test fails with ``process``'s output
    if it stops or does not answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(f"{base}/healthz")[0] == 200:
                return
        except OSError:
            pass
        if process.poll() is not None:
            time.sleep(0.5)  # the rest of its output
            pytest.fail(f"{name} stopped:\n" + "".join(lines))
        time.sleep(0.05)
    pytest.fail(f"{name} did not answer /healthz with 200 within {seconds} s:\n" + "".join(lines))


@contextlib.contextmanager
def serve(env, cwd):
    """bin/serve with ``env``, until it answers its health check: (address, pid, log)."""
    process = subprocess.Popen(
        [str(ROOT / "bin" / "serve")],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_until_healthy(base, process, lines, "bin/serve", seconds=60)
        yield base, process.pid, lines
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextlib.contextmanager
def production_server(tmp, name="newsroom_smoke", extra_env=None):
    """The site as deployed, with the demo story, on a database of its own:
    {"base", "relay" (PostgreSQL only), "log", "env", "pid"}."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "PORT": str(port),
        "DEBUG": "0",
        "SECRET_KEY": "a-production-like-secret-key-for-the-smoke-test-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUST_X_FORWARDED_PROTO": "1",
        "DEMO": "1",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "WEB_CONCURRENCY": "2",
        "CONN_MAX_AGE": "60",
    }
    for variable in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"):
        env.pop(variable, None)
    env.update(extra_env or {})
    relay = None
    stack = contextlib.ExitStack()
    if ON_POSTGRES:
        config = stack.enter_context(postgres_database(name, TEST_DATABASE_URL))
        relay = Relay(config["HOST"] or "127.0.0.1", int(config["PORT"] or 5432))
        user = config["USER"] or "postgres"
        env["DATABASE_URL"] = f"postgres://{user}@127.0.0.1:{relay.port}/{config['NAME']}"
        if redis_is_up():
            env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
            env["CACHE_KEY_PREFIX"] = run_name(name)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'db.sqlite3'}"
    try:
        with serve(env, tmp) as (base, pid, lines):
            yield {"base": base, "relay": relay, "log": lines, "env": env, "pid": pid}
    finally:
        if relay:
            relay.cut()
        stack.close()


VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VARNISH_VCL = ROOT / "deploy" / "varnish"
# Beside the VCL, what docker-compose.yml gives varnishd too (tests/test_deployment.py
# checks they agree): drop an idle connection to gunicorn before gunicorn does (its
# keepalive is 5 s), and room for long surrogate-key headers.
VARNISHD_PARAMETERS = [
    "backend_idle_timeout=4",
    "http_resp_hdr_len=64k",
    "http_resp_size=128k",
    "workspace_backend=256k",
]


@contextlib.contextmanager
def varnish(backend, work: Path, mode="lb", purge_port=None):
    """varnishd with the repository's VCL in front of ``backend`` (http://host:port),
    as compose runs it: (public address, purge address).

    ``mode`` names the public listener: "lb" behind a TLS load balancer that sets
    X-Forwarded-Proto, "readers" facing readers itself.
    """
    if not os.path.exists(VARNISHD):
        if os.environ.get("REQUIRE_VARNISH") == "1":
            pytest.fail("varnishd is required here: apt-get install -y varnish varnish-modules")
        pytest.skip("varnishd is not installed (apt-get install -y varnish varnish-modules)")
    host, port = backend.removeprefix("http://").rsplit(":", 1)
    work.mkdir(parents=True, exist_ok=True)
    # compose's backend file, pointed at this backend.
    definition = (VARNISH_VCL / "backend.vcl").read_text()
    definition = re.sub(r'\.host = "[^"]*"', f'.host = "{host}"', definition)
    definition = re.sub(r'\.port = "[^"]*"', f'.port = "{port}"', definition)
    (work / "backend.vcl").write_text(definition)
    public, purge = free_port(), purge_port or free_port()
    command = [
        VARNISHD,
        "-F",
        "-n",
        str(work / "varnishd"),
        # As root, varnishd would hand its work to the "varnish" user, who cannot
        # read this folder; as anyone else, there is nobody to hand it to.
        "-j",
        "none",
        "-T",
        "none",
        "-f",
        str(VARNISH_VCL / "default.vcl"),
        "-p",
        f"vcl_path={work}:{VARNISH_VCL}",
        "-a",
        f"{mode}=127.0.0.1:{public}",
        "-a",
        f"purge=127.0.0.1:{purge}",
        "-s",
        "malloc,64m",
    ]
    for parameter in VARNISHD_PARAMETERS:
        command += ["-p", parameter]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    base = f"http://127.0.0.1:{public}"
    try:
        # Up once its probe has found the backend healthy: /healthz then answers 200.
        wait_until_healthy(base, process, lines, "varnishd", seconds=10)
        yield base, f"http://127.0.0.1:{purge}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def varnish_counter(work: Path, name: str) -> int:
    """One of varnishd's counters (varnishstat), e.g. MAIN.busy_sleep."""
    output = subprocess.run(
        ["varnishstat", "-n", str(work / "varnishd"), "-1", "-f", name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(output.split()[1])
