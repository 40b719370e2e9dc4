"""The production entrypoint, bin/serve, run as an operator would: gunicorn, DEBUG off."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "PORT": str(port),
        "DEBUG": "0",
        "SECRET_KEY": "a-production-like-secret-key-for-the-test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "WEB_CONCURRENCY": "2",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [str(ROOT / "bin" / "serve")],
        cwd=tmp,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None:
                pytest.fail(process.stdout.read().decode())
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_answers_health_checks(server):
    status, headers, body = get(f"{server}/healthz")
    assert status == 200
    assert body == '{"status": "ok"}'


def test_serve_renders_pages_with_hashed_far_future_static_files(server):
    status, _, html = get(f"{server}/")
    assert status == 200
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)
    assert css, "stylesheet is not served under a hashed name"
    status, headers, _ = get(f"{server}{css.group(1)}")
    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]


def test_serve_answers_404_with_the_sites_page_not_a_debug_page(server):
    status, _, html = get(f"{server}/2025/02/31/nothing/")
    assert status == 404
    assert "Page not found" in html
    assert "Traceback" not in html and "URLconf" not in html
