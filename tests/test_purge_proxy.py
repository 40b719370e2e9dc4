"""Breaking news through the real proxy: the site as deployed (bin/serve, gunicorn)
behind the repository's Varnish, purged by key as content changes.

Changes are made as the newsroom makes them: an editor publishing in the admin
(through the proxy, signed in), or a shell on the server. With no job queue
configured the purge job runs as the change commits; one test runs a real Celery
worker and scheduler instead, as compose does.
"""

import contextlib
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest
import redis

from tests.names import run_name
from tests.serving import (
    HTTPS,
    ROOT,
    free_port,
    get,
    production_server,
    redis_is_up,
    varnish,
)

DEMO = "/2025/02/12/trump-putin-call-ukraine-negotiations/"

pytestmark = pytest.mark.proxy


class Gate:
    """A TCP relay to the proxy's purge listener that can be shut: while shut,
    connections are refused, as when the proxy is down."""

    def __init__(self, port):
        self.port = free_port()
        self.target = ("127.0.0.1", port)
        self.open = True
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                client.close()  # a reset, as from a closed port
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:  # the proxy is not up yet
                client.close()
                continue
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pump, args=(a, b), daemon=True).start()

    @staticmethod
    def pump(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("purged")
    purge_port = free_port()
    gate = Gate(purge_port)
    env = {"PURGE_VARNISH_URLS": f"http://127.0.0.1:{gate.port}", "PURGE_AGAIN_SECONDS": "600"}
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(production_server(tmp, "newsroom_purge", extra_env=env))
        public, _ = stack.enter_context(varnish(server["base"], tmp / "v", purge_port=purge_port))
        yield {**server, "proxy": public, "gate": gate}


def shell(site, code: str) -> str:
    """Run ``code`` in a shell on the server (manage.py shell), as an operator would."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity=0", "-c", code],
        cwd=ROOT,
        env=site["env"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    # What the code printed with print(OUT, …); the app's log lines go to stdout too.
    return "\n".join(
        line.removeprefix(OUT) for line in done.stdout.splitlines() if line.startswith(OUT)
    )


OUT = "=> "


def through_proxy(site, path):
    return get(site["proxy"] + path, HTTPS)


def kept(site, path):
    """The page through the proxy, asked twice: the second answer must come from
    the proxy's copy."""
    through_proxy(site, path)
    status, headers, body = through_proxy(site, path)
    assert headers["X-Proxy-Cache"] == "HIT", path
    return status, headers, body


NEW_STORY = """
import datetime
from django.utils import timezone
from articles.models import Section, Story
story = Story.objects.create(
    headline={headline!r}, slug={slug!r}, status={status!r}, section=Section.objects.first(),
    body="<p>Filed.</p>", published_at={published_at},
)
print('=> ', story.pk, sep='')
"""


def test_pages_are_kept_for_long_and_carry_no_keys_to_readers(site):
    _, headers, _ = kept(site, "/")
    shared = int(re.search(r"s-maxage=(\d+)", headers["Cache-Control"]).group(1))
    assert shared >= 3600
    assert not {"xkey", "Surrogate-Key", "Cache-Tag"} & set(headers)


class Editor:
    """An editor signed in to the admin through the proxy (cookies kept by hand:
    they are Secure, and the test speaks plain HTTP behind a TLS load balancer)."""

    def __init__(self, site, username="desk", password="a-long-desk-password"):
        self.site, self.cookies = site, {}
        shell(
            site,
            "from django.contrib.auth.models import Group, User; "
            f"user = User.objects.create_user({username!r}, password={password!r}, "
            "is_staff=True); user.groups.add(Group.objects.get(name='Editor'))",
        )
        page = self.get("/admin/login/")
        self.post(
            "/admin/login/",
            {"username": username, "password": password, "next": "/admin/"},
            page,
        )
        assert "sessionid" in self.cookies

    def headers(self):
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        host = urllib.parse.urlsplit(self.site["proxy"]).netloc
        return {**HTTPS, "Cookie": cookie, "Referer": f"https://{host}/admin/"}

    def remember(self, headers):
        for line in headers.get_all("Set-Cookie") or []:
            name, value = line.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value

    def get(self, path):
        status, headers, body = get(self.site["proxy"] + path, self.headers())
        self.remember(headers)
        assert status == 200, (path, status)
        return body

    def post(self, path, data, page):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        headers = {**self.headers(), "Content-Type": "application/x-www-form-urlencoded"}
        status, answer, _ = get(self.site["proxy"] + path, headers, method="POST", data=body)
        self.remember(answer)
        assert status == 302, (path, status)


def test_an_editor_publishing_drops_the_old_front_page_at_once(site):
    code = NEW_STORY.format(
        headline="Kremlin confirms second call",
        slug="kremlin-confirms-second-call",
        status="draft",
        published_at="None",
    )
    pk = shell(site, code)
    _, _, before = kept(site, "/")
    assert "Kremlin confirms second call" not in before
    editor = Editor(site)

    path = f"/admin/articles/story/{pk}/transition/publish/"
    page = editor.get(path)
    token = re.search(r'name="edit_token" value="([^"]*)"', page).group(1)
    editor.post(path, {"edit_token": token}, page)

    status, headers, after = through_proxy(site, "/")
    assert status == 200 and "Kremlin confirms second call" in after
    assert headers["X-Proxy-Cache"] == "MISS"


def test_a_correction_refreshes_the_story_page_and_the_feeds_at_once(site):
    for path in (DEMO, "/feed/", "/feed/atom/"):
        assert "misspelt the envoy" not in kept(site, path)[2]
    shell(
        site,
        "from articles.models import Correction, Story; Correction.objects.create("
        "story=Story.objects.get(slug='trump-putin-call-ukraine-negotiations'), "
        "text='An earlier version misspelt the envoy.')",
    )
    assert "misspelt the envoy" in through_proxy(site, DEMO)[2]
    # The feeds carry the story (its time of last change): their copies are dropped.
    for path in ("/feed/", "/feed/atom/"):
        assert through_proxy(site, path)[1]["X-Proxy-Cache"] == "MISS", path


def test_a_withdrawn_story_answers_410_through_the_proxy_at_once(site):
    code = NEW_STORY.format(
        headline="A story withdrawn",
        slug="a-story-withdrawn",
        status="published",
        published_at="timezone.now()",
    )
    pk = shell(site, code)
    path = shell(
        site,
        "from articles.models import Story; "
        f"print('=> ' + Story.objects.get(pk={pk}).get_absolute_url())",
    )
    assert kept(site, path)[0] == 200
    shell(
        site,
        "from articles.models import Story; "
        f"story = Story.objects.get(pk={pk}); story.status = 'withdrawn'; "
        "story.withdrawal_reason = 'Legal advice.'; story.save()",
    )
    assert through_proxy(site, path)[0] == 410
    assert "A story withdrawn" not in through_proxy(site, "/")[2]


def test_a_scheduled_story_appears_through_the_proxy_at_its_time(site):
    section = shell(
        site, "from articles.models import Section; print('=> ' + Section.objects.first().slug)"
    )
    path = f"/sections/{section}/"
    # Far enough ahead for the pages to be kept before it, on a slow machine too.
    moment = time.time() + 8
    code = NEW_STORY.format(
        headline="Embargoed until the minute",
        slug="embargoed-until-the-minute",
        status="published",
        published_at=f"datetime.datetime.fromtimestamp({moment}, datetime.UTC)",
    )
    shell(site, code)
    assert "Embargoed until the minute" not in kept(site, "/")[2]
    assert "Embargoed until the minute" not in kept(site, path)[2]
    assert time.time() < moment, "the pages were kept only after the story's moment"
    time.sleep(max(0.0, moment - time.time()) + 0.2)
    # The moment has passed; the proxy still holds its copies, no longer right.
    assert through_proxy(site, "/")[1]["X-Proxy-Cache"] == "HIT"

    # What celery beat runs every second.
    shell(site, "from articles.tasks import purge_pending; purge_pending()")

    for page in ("/", path):
        assert "Embargoed until the minute" in through_proxy(site, page)[2], page


def test_a_save_goes_through_while_the_proxy_cannot_be_purged_and_the_purge_follows(site):
    assert "Trump and Putin talk again" not in kept(site, DEMO)[2]
    site["gate"].open = False
    try:
        shell(
            site,
            "from articles.models import Story; "
            "story = Story.objects.get(slug='trump-putin-call-ukraine-negotiations'); "
            "story.headline = 'Trump and Putin talk again'; story.save()",
        )
        waiting = shell(
            site,
            "from articles.models import PendingPurge; "
            "print('=> ', sorted(PendingPurge.objects.filter(attempts__gte=1)"
            ".values_list('key', flat=True)))",
        )
    finally:
        site["gate"].open = True
    assert "story-" in waiting
    # Saved, but the proxy's copy could not be dropped.
    assert "Trump and Putin talk again" not in through_proxy(site, DEMO)[2]

    # Its next try, once the backoff has passed.
    shell(
        site,
        "import datetime; from django.utils import timezone; from articles.purge import "
        "purge_due; purge_due(now=timezone.now() + datetime.timedelta(minutes=5))",
    )
    assert "Trump and Putin talk again" in through_proxy(site, DEMO)[2]


@pytest.mark.skipif(not redis_is_up(), reason="needs Redis as the job queue")
def test_a_worker_and_the_scheduler_purge_what_a_shell_changed_behind_the_models_back(
    site, tmp_path
):
    queue = run_name("purge_queue")
    env = {
        **site["env"],
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CELERY_QUEUE": queue,
    }
    jobs = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "newsroom", "worker", "--beat"),
            *("--schedule", str(tmp_path / "beat"), "--concurrency", "1", "-Q", queue),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert "Ceasefire talks resume" not in kept(site, DEMO)[2]
        # update() sends no signal: only the sweep can see it.
        shell(
            site,
            "from articles.models import Story; Story.objects.filter(slug="
            "'trump-putin-call-ukraine-negotiations').update(headline='Ceasefire talks resume')",
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "Ceasefire talks resume" in through_proxy(site, DEMO)[2]:
                break
            time.sleep(0.2)
        assert "Ceasefire talks resume" in through_proxy(site, DEMO)[2]
    finally:
        jobs.terminate()
        jobs.wait(timeout=30)
        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        left = list(client.scan_iter(f"{queue}:*"))
        if left:
            client.delete(*left)
