"""make bench: the site under load, at each archive size, against its own floor.

For each size (1,000 then 100,000 stories by default) it builds or reuses the
database, then measures every page with wrk on loopback, in five layers:

1. rendered: gunicorn as in production, the page cache off (fragments warm);
2. cold: the page cache and the fragments off, every page from the database;
3. app cache: the page cache on, in Redis, warm;
4. proxy: the caching Varnish of deploy/varnish in front of layer 3;
5. proxy, gzip: the same, asking for gzip as browsers do.

In the same run it measures two floors, each serving the story page's bytes
with no database and no template from the same gunicorn: the bare floor, a
Django project of one URL with no middleware (bench/floor/), and the project's
floor view, through the site's own middleware. Around each page of the first
three layers it loads both, and nginx serving those bytes as a static file once;
figures are read as ratios to those, the bare floor first. It also counts SQL
queries per page, worker memory, how long a story published during the run
takes to reach readers, and how long an editor waits for the admin to save a
published story. Results: bench/results/latest.json and latest.md (--name).

With --breaking it measures breaking news instead: readers crowding the hot
story, the front page and its section through Varnish while an editor publishes,
corrects, withdraws and schedules in the admin, then polling a story's live address
while the editor posts updates; the app purges Varnish by key from a real Celery
worker and `celery beat`. Results: bench/results/breaking.json
and breaking.md.

Every name it makes is its own: the working database (dropped at the end),
the Redis keys (a prefix of the run's, deleted at the end), the ports. Only
the generated archives are kept, as snapshots named by their size and by the
project's migrations, for the next run.

The machine is shared and noisy: compare figures of one run only.
"""

import argparse
import contextlib
import datetime
import gzip
import hashlib
import http.cookies
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zoneinfo
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench"
RESULTS = HERE / "results"
# The admin's forms are read as the tests read them (tests/forms.py).
sys.path.insert(0, str(ROOT))
# Written by hand after profiling the pages a run found slow; shown under the results.
PROFILES = HERE / "profiles.md"
PYTHON = sys.executable
POSTGRES = "postgres://postgres@127.0.0.1:5432"
# This run's own names: others may be benchmarking or testing on the same servers.
RUN = f"{os.getpid()}_{secrets.token_hex(3)}"
SNAPSHOTS = "newsroom_bench"
DATABASE = f"{SNAPSHOTS}_run_{RUN}"
# A database nothing flushes, shared with the tests: this run's keys are under its prefix.
REDIS_URL = "redis://127.0.0.1:6379/0"
CACHE_PREFIX = f"newsroom_bench_{RUN}"


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for each in sockets:
        each.bind(("127.0.0.1", 0))
    ports = [each.getsockname()[1] for each in sockets]
    for each in sockets:
        each.close()
    return ports


APP_PORT, PROXY_PORT, PURGE_PORT, STATIC_PORT, BARE_PORT = free_ports(5)
WORKERS = 4
THREADS, CONNECTIONS = 2, 16
SEED = 1
GENERATOR_USERNAME = "generated-stories"

LAYERS = {
    "rendered": "1. every request rendered (PAGE_CACHE=0), its fragments warm",
    "cold": "2. every cache cold (PAGE_CACHE=0, FRAGMENT_CACHE=0): each page from the database",
    "app_cache": "3. the app's page cache warm (Redis)",
    "proxy": "4. through the caching Varnish",
    "proxy_gzip": "5. through the caching Varnish, asking for gzip as browsers and feed readers do",
}
# Layers measured with both floors loaded around each page.
AROUND = ("rendered", "cold", "app_cache")
# What Chrome and Firefox send; crawlers and feed readers ask for gzip too.
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_tools() -> None:
    missing = [
        package
        for package, command in (
            ("wrk", "wrk"),
            ("nginx-light", "nginx"),
            ("varnish varnish-modules", "varnishd"),
        )
        if not shutil.which(command) and not Path(f"/usr/sbin/{command}").exists()
    ]
    if missing:
        log(f"Installing {', '.join(missing)}")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        packages = [name for group in missing for name in group.split()]
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True)


def nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


def varnishd_binary() -> str:
    return shutil.which("varnishd") or "/usr/sbin/varnishd"


# The database ---------------------------------------------------------------------------


def admin_connection():
    return psycopg.connect(f"{POSTGRES}/postgres", autocommit=True)


def database_exists(name: str) -> bool:
    with admin_connection() as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def drop_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_database(source: str, target: str) -> None:
    drop_database(target)
    with admin_connection() as conn:
        for attempt in range(10):
            # A template must have no connections, not even one just closing.
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [source],
            )
            try:
                conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}" STRATEGY FILE_COPY')
                return
            except psycopg.errors.ObjectInUse:
                if attempt == 9:
                    raise
                time.sleep(1)


def schema_hash() -> str:
    """The project's migrations, by file name: a snapshot made before a new one is not reused."""
    names = sorted(path.relative_to(ROOT).as_posix() for path in ROOT.glob("*/migrations/*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:10]


def snapshot_name(size: int) -> str:
    return f"{SNAPSHOTS}_{size}_{schema_hash()}"


def smaller_snapshot(size: int) -> tuple[int, str] | None:
    """The largest complete snapshot of fewer stories and the same migrations, to start from."""
    pattern = re.compile(rf"{SNAPSHOTS}_(\d+)_{schema_hash()}")
    with admin_connection() as conn:
        names = [row[0] for row in conn.execute("SELECT datname FROM pg_database")]
    found = sorted(
        (int(match[1]), name)
        for name in names
        if (match := pattern.fullmatch(name)) and int(match[1]) < size
    )
    for count, name in reversed(found):
        if generated_stories(name) == count:
            return count, name
    return None


def save_snapshot(source: str, snapshot: str) -> None:
    """``source`` copied to ``snapshot``, made under a name of this run's, then renamed:
    another run reading the old snapshot, or making the same one, never sees half a copy."""
    made = f"{snapshot}_new_{RUN}"
    copy_database(source, made)
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{snapshot}" WITH (FORCE)')
        try:
            conn.execute(f'ALTER DATABASE "{made}" RENAME TO "{snapshot}"')
        except psycopg.errors.DuplicateDatabase:
            # Another run saved the same archive a moment before: theirs is as good.
            conn.execute(f'DROP DATABASE IF EXISTS "{made}" WITH (FORCE)')


def generated_stories(name: str) -> int:
    if not database_exists(name):
        return -1
    with psycopg.connect(f"{POSTGRES}/{name}") as conn:
        try:
            row = conn.execute(
                "SELECT count(*) FROM articles_story s JOIN auth_user u ON u.id = s.created_by_id "
                "WHERE u.username = %s",
                [GENERATOR_USERNAME],
            ).fetchone()
        except psycopg.errors.UndefinedTable:
            return 0
    return row[0]


def manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def prepare_database(size: int, env: dict, rebuild: bool) -> dict:
    """This run's database (DATABASE) with `size` generated stories, from its snapshot
    when there is one.

    Each size is kept as a snapshot named by its size and the migrations
    (newsroom_bench_<size>_<hash>), for the next run; a larger archive is
    generated from the largest smaller snapshot there is.
    """
    snapshot = snapshot_name(size)
    started = time.monotonic()
    info = {"database": DATABASE, "snapshot": snapshot}
    if not rebuild and generated_stories(snapshot) == size:
        log(f"Reusing the {size:,}-story snapshot {snapshot}")
        copy_database(snapshot, DATABASE)
        manage(env, "migrate", "--noinput", "-v0")
        # Tables a newer migration filled have no planner statistics yet.
        with psycopg.connect(f"{POSTGRES}/{DATABASE}", autocommit=True) as conn:
            conn.execute("ANALYZE")
        info.update(reused=True, seconds=round(time.monotonic() - started, 1))
        return info
    smaller = None if rebuild else smaller_snapshot(size)
    if smaller:
        log(f"Starting from the {smaller[0]:,}-story snapshot {smaller[1]}")
        copy_database(smaller[1], DATABASE)
        info["started_from"] = smaller[1]
    else:
        drop_database(DATABASE)
        with admin_connection() as conn:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    manage(env, "migrate", "--noinput", "-v0")
    current = generated_stories(DATABASE)
    log(f"Generating: {current:,} generated stories, {size:,} wanted")
    generating = time.monotonic()
    manage(env, "generate_stories", "--seed", str(SEED), "--count", str(size - current))
    info["generate_seconds"] = round(time.monotonic() - generating, 1)
    # Fresh statistics, as autovacuum would have them on a real archive.
    with psycopg.connect(f"{POSTGRES}/{DATABASE}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    save_snapshot(DATABASE, snapshot)
    info.update(reused=False, seconds=round(time.monotonic() - started, 1))
    return info


def clean_up() -> None:
    """What this run made on the shared servers, but the snapshots: its database, its keys."""
    with admin_connection() as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname = %s OR datname LIKE %s",
                [DATABASE, f"%\\_new\\_{RUN}"],
            )
        ]
    for name in names:
        drop_database(name)
    client = redis.Redis.from_url(REDIS_URL)
    keys = 0
    for key in client.scan_iter(match=f"*{CACHE_PREFIX}*", count=1000):
        keys += client.delete(key)
    log(f"Dropped {', '.join(names) or 'no database'}; deleted {keys:,} Redis keys")


# Servers ----------------------------------------------------------------------------------


def get(url: str, headers: dict | None = None, timeout: float = 60) -> tuple[int, dict, bytes]:
    """One request, redirects not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def stop(process: subprocess.Popen, how: int) -> None:
    process.send_signal(how)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(url, timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up in {seconds:.0f} s")


class Gunicorn:
    """gunicorn with gunicorn.conf.py, as bin/serve starts it, on loopback.

    The site by default; the bare floor (bench/floor) with the same settings:
    the same worker class, workers, access log and logger.
    """

    def __init__(
        self,
        env: dict,
        work: Path,
        name: str,
        app: str = "newsroom.wsgi",
        port: int | None = None,
        ready: str = "/healthz",
    ):
        self.env, self.work, self.name, self.app = env, work, name, app
        self.port, self.ready = port or APP_PORT, ready
        self.access_log = work / f"gunicorn-{name}-access.log"
        self.error_log = work / f"gunicorn-{name}-error.log"

    def __enter__(self):
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--access-logfile",
            str(self.access_log),
            "--error-logfile",
            str(self.error_log),
            self.app,
        ]
        with open(self.work / f"gunicorn-{self.name}-app.log", "ab") as app_log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=app_log, stderr=subprocess.STDOUT
            )
        try:
            wait_until_up(f"http://127.0.0.1:{self.port}{self.ready}")
        except BaseException:
            stop(self.process, signal.SIGTERM)
            raise
        return self

    def __exit__(self, *exc):
        stop(self.process, signal.SIGTERM)

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker (the master's children), from /proc."""
        sizes = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                if parent != self.process.pid:
                    continue
                status = (entry / "status").read_text()
            except (OSError, IndexError, ValueError):
                continue
            rss_kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            sizes.append(round(rss_kb / 1024, 1))
        return sorted(sizes)

    def worker_boots(self) -> int:
        return self.error_log.read_text().count("Booting worker")


NGINX_CONF = """\
{user}
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

    # The reference: the story page's bytes as a static file.
    server {{
        listen 127.0.0.1:{static_port};
        root {static_root};
    }}
}}
"""


class Nginx:
    """Debian's nginx serving the story page's bytes as a static file, the proxy's
    reference, in a prefix of its own."""

    def __init__(self, work: Path, static_root: Path):
        self.prefix = work / "nginx"
        self.static_root = static_root

    def __enter__(self):
        if self.prefix.exists():
            shutil.rmtree(self.prefix)
        self.prefix.mkdir(parents=True)
        conf = self.prefix / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                # Run as root, nginx's workers need a user; Debian's is www-data.
                user="user www-data;" if os.geteuid() == 0 else "",
                prefix=self.prefix,
                static_port=STATIC_PORT,
                static_root=self.static_root,
            )
        )
        command = [nginx_binary(), "-p", str(self.prefix), "-c", str(conf)]
        subprocess.run([*command, "-t", "-q"], check=True)
        self.process = subprocess.Popen([*command, "-g", "daemon off;"])
        wait_until_up(f"http://127.0.0.1:{STATIC_PORT}/story.html")
        return self

    def __exit__(self, *exc):
        # SIGQUIT: nginx's graceful shutdown.
        stop(self.process, signal.SIGQUIT)


class Varnish:
    """Debian's Varnish with the repository's VCL, as docker-compose.yml runs it
    (behind a TLS load balancer), in a work folder of its own."""

    def __init__(self, work: Path):
        self.work = work / "varnish"

    def __enter__(self):
        # The VCL's folder and the parameters compose gives varnishd, as the tests use them.
        from tests.serving import VARNISH_VCL, VARNISHD_PARAMETERS

        if self.work.exists():
            shutil.rmtree(self.work)
        self.work.mkdir(parents=True)
        backend = (VARNISH_VCL / "backend.vcl").read_text()
        backend = re.sub(r'\.host = "[^"]*"', '.host = "127.0.0.1"', backend)
        backend = re.sub(r'\.port = "[^"]*"', f'.port = "{APP_PORT}"', backend)
        (self.work / "backend.vcl").write_text(backend)
        command = [
            varnishd_binary(),
            "-F",
            "-n",
            str(self.work / "varnishd"),
            # Run as root, varnishd would hand its work to a user who cannot read here.
            "-j",
            "none",
            "-f",
            str(VARNISH_VCL / "default.vcl"),
            "-p",
            f"vcl_path={self.work}:{VARNISH_VCL}",
            "-a",
            f"lb=127.0.0.1:{PROXY_PORT}",
            "-a",
            f"purge=127.0.0.1:{PURGE_PORT}",
            # compose's default VARNISH_SIZE
            "-s",
            "malloc,256m",
        ]
        for parameter in VARNISHD_PARAMETERS:
            command += ["-p", parameter]
        with open(self.work / "varnishd.log", "ab") as output:
            self.process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            # Up once its probe has found the app healthy.
            wait_until_up(f"http://127.0.0.1:{PROXY_PORT}/healthz")
        except BaseException:
            stop(self.process, signal.SIGTERM)
            raise
        return self

    def __exit__(self, *exc):
        stop(self.process, signal.SIGTERM)

    def counters(self, *names: str) -> dict[str, int]:
        """varnishd's counters (varnishstat), e.g. MAIN.cache_hit, by name without MAIN."""
        command = ["varnishstat", "-n", str(self.work / "varnishd"), "-1"]
        for name in names:
            command += ["-f", f"MAIN.{name}"]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        values = {line.split()[0]: int(line.split()[1]) for line in output.splitlines() if line}
        return {name: values.get(f"MAIN.{name}", 0) for name in names}


class Jobs:
    """A Celery worker and the scheduler (`celery beat`), as docker-compose.yml runs
    them, on the queue named in ``env`` (CELERY_QUEUE, which prefixes its Redis keys)."""

    def __init__(self, env: dict, work: Path, name: str):
        self.env, self.work, self.name = env, work, name
        self.worker_log = work / f"celery-{name}-worker.log"
        self.beat_log = work / f"celery-{name}-beat.log"

    def start(self, command: list[str], log_file: Path) -> subprocess.Popen:
        with open(log_file, "ab") as output:
            return subprocess.Popen(
                [PYTHON, "-m", "celery", "-A", "newsroom", *command, "--loglevel", "INFO"],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def __enter__(self):
        queue = self.env["CELERY_QUEUE"]
        self.processes = [
            self.start(
                # Other runs' workers share this Redis: no gossip with them.
                [
                    *("worker", "--concurrency", "2", "-Q", queue),
                    *("--hostname", f"{queue}@%h", "--without-mingle", "--without-gossip"),
                ],
                self.worker_log,
            )
        ]
        try:
            deadline = time.monotonic() + 60
            while " ready." not in self.worker_log.read_text(errors="replace"):
                if time.monotonic() > deadline or self.processes[0].poll() is not None:
                    raise RuntimeError(f"the Celery worker did not start: see {self.worker_log}")
                time.sleep(0.2)
            schedule = self.work / f"celery-{self.name}-beat-schedule"
            self.processes.append(self.start(["beat", "--schedule", str(schedule)], self.beat_log))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for process in reversed(self.processes):
            stop(process, signal.SIGTERM)


# Load -------------------------------------------------------------------------------------


class PageError(Exception):
    pass


def wrk_command(
    url: str,
    duration: float,
    headers: dict | None = None,
    connections: int = CONNECTIONS,
    script: str = "report.lua",
) -> list[str]:
    command = [
        "wrk",
        f"-t{min(THREADS, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",  # wrk takes whole seconds
        "--latency",
        "--timeout",
        "30s",
        "-s",
        str(HERE / script),
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    return [*command, url]


def wrk(url: str, duration: float, headers: dict | None = None, connections=CONNECTIONS) -> dict:
    command = wrk_command(url, duration, headers, connections)
    return wrk_figures(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def wrk_figures(output: str) -> dict:
    """The figures report.lua wrote, and the answers by status class if spike.lua counted them."""
    raw = json.loads(output.split("BENCH_RESULT", 1)[1].strip().splitlines()[0])
    seconds = raw["duration_us"] / 1e6
    figures = {
        "rps": round(raw["requests"] / seconds, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "bytes_per_response": raw["bytes"] // max(raw["requests"], 1),
        "non_2xx_3xx": raw["non_2xx_3xx"],
        "socket_errors": raw["connect_errors"] + raw["read_errors"] + raw["write_errors"],
        "timeouts": raw["timeouts"],
    }
    if "BENCH_STATUS" in output:
        figures["status"] = json.loads(output.split("BENCH_STATUS", 1)[1].strip().splitlines()[0])
    return figures


def measure(base: str, path: str, duration: float, headers=None, warm: float = 1.0) -> dict:
    """Check the page answers 200, warm it up, then load it for `duration` seconds."""
    url = base + path
    asked = time.monotonic()
    try:
        status, _, body = get(url, headers)
    except OSError as error:  # gunicorn killed the worker at its timeout, say
        raise PageError(f"{path} gave no answer ({error!r})") from error
    if status != 200:
        log(f"  {url} answered {status}: {body[:300]!r}")
        raise PageError(f"{path} answered {status} after {time.monotonic() - asked:.1f} s")
    if warm:
        wrk(url, warm, headers)
    # What a warm request gets from the caches (X-Page-Cache: hit, X-Proxy-Cache: HIT).
    warmed = get(url, headers)[1]
    result = wrk(url, duration, headers)
    if not result["requests"]:
        # A page slower than the run is long: give it time to finish some requests.
        result = wrk(url, max(30, 6 * duration), headers)
    result["cache"] = " ".join(
        f"{name}: {warmed[name]}" for name in ("X-Proxy-Cache", "X-Page-Cache") if name in warmed
    )
    if result["non_2xx_3xx"]:
        raise PageError(f"{path} answered {result['non_2xx_3xx']} errors under load")
    return result


def measure_floors(floors: dict, duration: float) -> None:
    """One run of each floor, for half a page's time, added to its list."""
    for url, runs in floors.values():
        runs.append(wrk(url, duration / 2))


def measure_all(
    base: str,
    urls: dict,
    duration: float,
    session: str,
    layer: str,
    floors: dict | None = None,
    headers: dict | None = None,
) -> dict:
    """Each page of ``urls``, each request with ``headers``. With ``floors``
    ({name: (url, runs)}: the bare floor and the floor view), each floor is also
    loaded before and after each page, the runs added to its list, and each page
    keeps the mean of the two around it as ``<name>_rps``: the machine's speed
    drifts within a run."""
    results = {}
    if floors is not None:
        measure_floors(floors, duration)
    for name, path in urls.items():
        if name.startswith("admin"):
            if headers:
                continue
            headers_of_page = {"Cookie": f"sessionid={session}"}
        else:
            headers_of_page = headers
        try:
            results[name] = measure(base, path, duration, headers_of_page)
        except PageError as error:
            log(f"ERROR {error}")
            results[name] = {"error": str(error)}
            continue
        finally:
            if floors is not None:
                measure_floors(floors, duration)
        r = results[name]
        for floor, (_, runs) in (floors or {}).items():
            r[f"{floor}_rps"] = round((runs[-2]["rps"] + runs[-1]["rps"]) / 2, 1)
        log(
            f"  {layer:9} {name:22} {r['rps']:9.1f} req/s  p50 {r['p50_ms']:7.2f} ms  "
            f"p99 {r['p99_ms']:8.2f} ms  {r['cache'] or ''}"
            + (f"  ({r['bare_rps']:.0f} bare floor)" if "bare_rps" in r else "")
        )
        if layer == "rendered" and name.startswith("search"):
            # A search's own latency: at 16 connections a request mostly waits
            # for the 15 before it (on average 16 / throughput).
            alone = wrk(base + path, duration, connections=1)
            r["one_reader"] = {key: alone[key] for key in ("rps", "p50_ms", "p95_ms", "p99_ms")}
            log(f"  {layer:9} {name:22} one reader at a time: p95 {alone['p95_ms']:7.2f} ms")
    return results


def probe(env: dict, task: str, argument: str, work: Path, *more: str) -> dict | None:
    out = work / f"probe-{task}.json"
    with open(work / "probe.log", "ab") as probe_log:
        subprocess.run(
            [
                *(PYTHON, str(HERE / "probe.py"), task),
                str(argument if task == "remove" else out),
                *more,
            ],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=probe_log,
            stderr=subprocess.STDOUT,
        )
    return json.loads(out.read_text()) if task != "remove" else None


def time_to_visible(env: dict, work: Path) -> dict:
    """Publish a story now; seconds until the front page shows it, via the app and the proxy."""
    for _ in range(2):
        get(f"http://127.0.0.1:{PROXY_PORT}/")
    headers = get(f"http://127.0.0.1:{PROXY_PORT}/")[1]
    published = probe(env, "publish", "", work)
    started = time.monotonic()
    seen = {}

    def poll(name: str, port: int) -> None:
        while time.monotonic() - started < 120:
            if published["token"].encode() in get(f"http://127.0.0.1:{port}/")[2]:
                seen[name] = round(time.monotonic() - started, 2)
                return
            time.sleep(0.1)

    pollers = [
        threading.Thread(target=poll, args=("app_seconds", APP_PORT)),
        threading.Thread(target=poll, args=("proxy_seconds", PROXY_PORT)),
    ]
    for poller in pollers:
        poller.start()
    for poller in pollers:
        poller.join()
    probe(env, "remove", str(published["id"]), work)
    return {
        "app_seconds": seen.get("app_seconds"),
        "proxy_seconds": seen.get("proxy_seconds"),
        "proxy_cache_control": headers.get("Cache-Control"),
        "proxy_cache_status_before": headers.get("X-Proxy-Cache"),
    }


class Editor:
    """An editor's browser on the admin, over plain HTTP on loopback.

    Cookies are kept by hand: the site marks them Secure (DEBUG off), which a
    cookie jar would never send to an http:// address.
    """

    def __init__(self, base: str):
        self.base, self.cookies = base, {}

    def request(self, path: str, form: dict | None = None) -> tuple[int, dict, bytes]:
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            response = urllib.request.build_opener(NoRedirect).open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            body = response.read()
            for line in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in http.cookies.SimpleCookie(line).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), body

    def form(self, path: str, form_id: str) -> dict:
        from tests.forms import form_values

        status, _, body = self.request(path)
        if status != 200:
            raise PageError(f"{path} answered {status}")
        return form_values(body.decode(), form_id)

    def sign_in(self, path: str, username: str, password: str) -> None:
        """Through the admin's sign-in form, CSRF token and all, as a person does."""
        form = self.form(path, "login-form")
        status, _, _ = self.request(path, {**form, "username": username, "password": password})
        if status != 302 or "sessionid" not in self.cookies:
            raise PageError(f"signing in answered {status}, not a redirect with a session")


def errors_in(page: bytes) -> str:
    """The messages of a form the admin sent back."""
    found = re.findall(rb'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    text = b" ".join(re.sub(rb"<[^>]+>", b" ", item) for item in found).decode(errors="replace")
    return " ".join(text.split())[:300] or "no message"


def admin_saves(base: str, editor: dict, story: dict, count: int) -> dict:
    """An editor saving a published story's change form ``count`` times, one after another.

    Each time the form is opened (not timed: it carries the story's edit token,
    new after each save), the body given one more paragraph than it had when
    first opened, and posted; what is timed is the POST's round trip through
    gunicorn, until the admin's redirect is back.
    """
    browser = Editor(base)
    browser.sign_in(editor["login_url"], editor["username"], editor["password"])
    path = story["admin_url"]
    body = browser.form(path, "story_form")["body"]
    seconds = []
    for number in range(1, count + 1):
        form = browser.form(path, "story_form")
        form["body"] = f"{body}<p>Correction number {number}.</p>"
        started = time.perf_counter()
        status, headers, page = browser.request(path, form)
        seconds.append(time.perf_counter() - started)
        if status != 302:
            raise PageError(f"saving {path} answered {status}: {errors_in(page)}")
    ms = sorted(round(s * 1000, 1) for s in seconds)
    cut = statistics.quantiles(ms, n=20, method="inclusive")
    return {
        "saves": count,
        "story": story,
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(cut[18], 1),
        "max_ms": ms[-1],
        "mean_ms": round(statistics.mean(ms), 1),
        "ms": [round(s * 1000, 1) for s in seconds],
    }


def timed_saves(app: str, setup: dict, count: int, label: str) -> dict:
    try:
        saved = admin_saves(app, setup["editor"], setup["save_story"], count)
    except PageError as error:
        log(f"ERROR {error}")
        return {"error": str(error)}
    log(
        f"  admin save, {label}, x{saved['saves']}: p50 {saved['p50_ms']} ms, "
        f"p95 {saved['p95_ms']} ms, max {saved['max_ms']} ms"
    )
    return saved


def floor_summary(runs: list[dict]) -> dict:
    return {"runs": runs, "rps": round(statistics.mean(run["rps"] for run in runs), 1)}


def run_size(size: int, args, env: dict, work: Path) -> dict:
    log(f"== {size:,} stories")
    result = {"database": prepare_database(size, env, args.rebuild)}
    # The page cache's keys of this size, under the run's prefix (deleted by clean_up).
    env = {**env, "CACHE_KEY_PREFIX": f"{CACHE_PREFIX}_{size}"}
    rendered_env = {**env, "PAGE_CACHE": "0"}
    cached_env = {**env, "PAGE_CACHE": "1"}
    setup = probe(rendered_env, "setup", "", work)
    urls, session = setup["urls"], setup["session"]
    result.update(urls=urls, notes=setup["notes"], facts=setup["facts"], queries=setup["queries"])
    log(f"  {setup['facts']}")
    for note in setup["notes"]:
        log(f"  {note}")
    app = f"http://127.0.0.1:{APP_PORT}"
    bare = f"http://127.0.0.1:{BARE_PORT}"
    layers, memory, boots = {}, {}, {}

    # The bare floor runs beside the site's gunicorn through the first three layers.
    with contextlib.ExitStack() as bare_floor:
        with Gunicorn(rendered_env, work, f"{size}-rendered") as server:
            # Both floors serve the story page's own bytes.
            status, _, page = get(app + urls["story"])
            if status != 200:
                raise PageError(f"the story page answered {status}")
            Path(env["BENCH_FLOOR_FILE"]).write_bytes(page)
            (work / "static" / "story.html").write_bytes(page)
            bare_floor.enter_context(
                Gunicorn(
                    env, work, f"{size}-bare", "bench.floor.wsgi", port=BARE_PORT, ready=FLOOR_PATH
                )
            )
            if get(bare + FLOOR_PATH)[2] != page:
                raise PageError("the bare floor does not serve the story page's bytes")
            floors = {"bare": (bare + FLOOR_PATH, []), "floor": (app + FLOOR_PATH, [])}
            rendered_floors = floors
            for url, runs in floors.values():
                runs.append(measure(url, "", args.duration))
            layers["rendered"] = measure_all(
                app, urls, args.duration, session, "rendered", floors=floors
            )
            for url, runs in floors.values():
                runs.append(measure(url, "", args.duration))
            memory["rendered"], boots["rendered"] = server.worker_rss_mb(), server.worker_boots()
        cold_env = {**rendered_env, "FRAGMENT_CACHE": "0"}
        with Gunicorn(cold_env, work, f"{size}-cold") as server:
            floors = {"bare": (bare + FLOOR_PATH, []), "floor": (app + FLOOR_PATH, [])}
            layers["cold"] = measure_all(app, urls, args.duration, session, "cold", floors=floors)
            memory["cold"], boots["cold"] = server.worker_rss_mb(), server.worker_boots()
        result["bare_floor"] = {
            **floor_summary(rendered_floors["bare"][1]),
            "cold_runs": floors["bare"][1],
        }
        result["floor"] = {
            **floor_summary(rendered_floors["floor"][1]),
            "cold_runs": floors["floor"][1],
            "page_bytes": len(page),
        }
        log(
            f"  bare floor {[run['rps'] for run in floors['bare'][1]]} req/s, floor view "
            f"{[run['rps'] for run in floors['floor'][1]]} req/s, page {len(page):,} bytes"
        )

        with Gunicorn(cached_env, work, f"{size}-cached") as server:
            # Neither floor is cached: both are measured around each page here too.
            floors = {"bare": (bare + FLOOR_PATH, []), "floor": (app + FLOOR_PATH, [])}
            layers["app_cache"] = measure_all(
                app, urls, args.duration, session, "app cache", floors=floors
            )
            result["bare_floor"]["app_cache_runs"] = floors["bare"][1]
            result["floor"]["app_cache_runs"] = floors["floor"][1]
            bare_floor.close()
            memory["app_cache"], boots["app_cache"] = server.worker_rss_mb(), server.worker_boots()
            with Nginx(work, work / "static"), Varnish(work):
                static = measure(f"http://127.0.0.1:{STATIC_PORT}", "/story.html", args.duration)
                result["nginx_static"] = static
                log(f"  nginx static {static['rps']} req/s")
                proxy = f"http://127.0.0.1:{PROXY_PORT}"
                layers["proxy"] = measure_all(proxy, urls, args.duration, session, "proxy")
                layers["proxy_gzip"] = measure_all(
                    proxy, urls, args.duration, session, "proxy gzip", headers=GZIP
                )
                # Pages much larger than the story (the feed, a sitemap file): nginx
                # serving the same bytes as a static file, to tell size from work.
                result["nginx_static_same_bytes"] = {}
                for name, path in urls.items():
                    size_of = layers["proxy"].get(name, {}).get("bytes_per_response", 0)
                    if name.startswith("admin") or size_of < 4 * len(page):
                        continue
                    file_name = f"same-bytes-{len(result['nginx_static_same_bytes'])}.bin"
                    (work / "static" / file_name).write_bytes(get(app + path)[2])
                    same = measure(
                        f"http://127.0.0.1:{STATIC_PORT}", f"/{file_name}", args.duration
                    )
                    result["nginx_static_same_bytes"][name] = same["rps"]
                    log(f"  nginx static, {name}'s bytes: {same['rps']} req/s")
                result["publish"] = time_to_visible(cached_env, work)
                log(f"  published story visible: {result['publish']}")
            memory["proxy"], boots["proxy"] = server.worker_rss_mb(), server.worker_boots()
            # Last: each save changes the content, and so empties the page cache.
            result["admin_save"] = timed_saves(app, setup, args.saves, "jobs queued")
    # The same saves where no job queue is set up (CELERY_BROKER_URL unset, as on a
    # bare host by default): the related stories are counted again before the answer.
    in_request = {
        name: value for name, value in cached_env.items() if not name.startswith("CELERY")
    }
    with Gunicorn(in_request, work, f"{size}-saves"):
        result["admin_save_in_request"] = timed_saves(app, setup, args.saves, "jobs in request")
    result.update(layers=layers, memory=memory, worker_boots=boots)
    result["memory_max_mb"] = max(max(sizes) for sizes in memory.values() if sizes)
    return result


# Breaking news ----------------------------------------------------------------------------

# What the desk does during the spike, in this order, again and again: mostly a new
# story in the section and a correction to the hot story, and once in ten changes
# the hot story withdrawn, then published again.
DESK_CHANGES = [
    "publish",
    "correct",
    "publish",
    "correct",
    "withdraw",
    "republish",
    "publish",
    "correct",
    "publish",
    "correct",
]
# How often a change is looked for, through the app and through the proxy.
POLL_SECONDS = 0.02
# Longer than this and a change counts as never seen.
GIVE_UP_SECONDS = 30
# A scheduled story's time: this many seconds after the editor schedules it.
SCHEDULE_LEAD_SECONDS = 5
VARNISH_COUNTERS = ("client_req", "cache_hit", "cache_miss", "backend_req", "busy_sleep")


def split(total: int, parts: int) -> list[int]:
    """``total`` connections shared by ``parts`` pages as evenly as they go."""
    return [total // parts + (n < total % parts) for n in range(parts)]


# The core the readers' wrk runs on: the last one.
LOAD_CPU = (os.cpu_count() or 1) - 1
# wrk's own limit on a run of readers, which are stopped before it.
READERS_MAX_SECONDS = 3600


@contextlib.contextmanager
def readers(base: str, paths: dict, connections: int, seconds: float):
    """Readers on each of ``paths`` (one wrk a page, ``connections`` between them),
    asking for gzip as browsers do, for ``seconds`` or longer until the block is done;
    the dict given is filled with each page's figures once they have stopped (wrk
    reports on SIGINT)."""
    started = {}
    for (name, path), share in zip(paths.items(), split(connections, len(paths)), strict=True):
        command = wrk_command(
            base + path, READERS_MAX_SECONDS, GZIP, connections=share, script="spike.lua"
        )
        # On one core at most, at the lowest priority: on a machine of few cores the
        # load generator would otherwise take the CPU that Varnish, the app, its
        # worker, Redis and PostgreSQL need, where real readers' machines take none.
        command = ["taskset", "--cpu-list", str(LOAD_CPU), "nice", "-n", "19", *command]
        started[name] = (share, subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
    until = time.monotonic() + seconds
    figures = {}
    try:
        yield figures
    finally:
        time.sleep(max(0.0, until - time.monotonic()))
        for _, process in started.values():
            process.send_signal(signal.SIGINT)
        for name, (share, process) in started.items():
            output = process.communicate()[0]
            if process.returncode:
                raise RuntimeError(f"wrk on {paths[name]} failed ({process.returncode})")
            figures[name] = {"path": paths[name], "connections": share, **wrk_figures(output)}


def answers(figures: dict) -> dict:
    """The readers' answers by status class, all pages together."""
    total = dict.fromkeys(("2xx", "3xx", "4xx", "5xx", "socket_errors", "timeouts"), 0)
    for page in figures.values():
        for key in ("2xx", "3xx", "4xx", "5xx"):
            total[key] += page["status"][key]
        total["socket_errors"] += page["socket_errors"]
        total["timeouts"] += page["timeouts"]
    return total


def watch(path: str, shows, since: float) -> dict:
    """Seconds from ``since`` (time.monotonic()) until ``shows(status, body)`` holds
    for ``path`` through the app and through the proxy, each asked every POLL_SECONDS;
    None if it never did within GIVE_UP_SECONDS."""
    seen = {}

    def poll(name: str, base: str) -> None:
        while (asked := time.monotonic()) - since < GIVE_UP_SECONDS:
            try:
                # The copy readers get, the gzipped one.
                status, headers, body = get(base + path, GZIP, timeout=10)
                if headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
            except OSError:
                status, body = None, b""
            if status and shows(status, body):
                seen[name] = round(time.monotonic() - since, 3)
                return
            time.sleep(max(0.0, POLL_SECONDS - (time.monotonic() - asked)))

    pollers = [
        threading.Thread(target=poll, args=("app_s", f"http://127.0.0.1:{APP_PORT}")),
        threading.Thread(target=poll, args=("proxy_s", f"http://127.0.0.1:{PROXY_PORT}")),
    ]
    for poller in pollers:
        poller.start()
    for poller in pollers:
        poller.join()
    return {"app_s": seen.get("app_s"), "proxy_s": seen.get("proxy_s")}


class Desk:
    """The editor making the changes, in the admin over HTTP, signed in through its
    form: each change is the form's POST, its jobs queued when it commits."""

    def __init__(self, cast: dict):
        self.cast, self.story = cast, cast["story"]
        self.drafts = iter(cast["drafts"])
        self.browser = Editor(f"http://127.0.0.1:{APP_PORT}")
        editor = cast["editor"]
        self.browser.sign_in(editor["login_url"], editor["username"], editor["password"])

    def post(self, path: str, form: dict) -> float:
        """Seconds the POST took: it answers once the change has committed."""
        started = time.perf_counter()
        status, _, page = self.browser.request(path, form)
        if status != 302:
            raise PageError(f"saving {path} answered {status}: {errors_in(page)}")
        return time.perf_counter() - started

    def transition(self, story_id: int, name: str, **fields: str) -> float:
        path = f"/admin/articles/story/{story_id}/transition/{name}/"
        return self.post(path, {**self.browser.form(path, "transition-form"), **fields})

    def warm_up(self) -> None:
        """A worker's first admin pages and saves take seconds (templates compiled,
        forms built): open every form the desk will use, and save the hot story
        unchanged, a few times a worker, before the readers come."""
        story, draft = self.story, self.cast["drafts"][0]
        for _ in range(2 * WORKERS):
            self.post(story["admin_url"], self.browser.form(story["admin_url"], "story_form"))
            for story_id, name in ((draft["id"], "publish"), (story["id"], "withdraw")):
                path = f"/admin/articles/story/{story_id}/transition/{name}/"
                self.browser.form(path, "transition-form")
            path = f"/admin/articles/story/{draft['id']}/transition/schedule/"
            self.browser.form(path, "transition-form")

    def change(self, kind: str) -> tuple[float, str, object]:
        """Make one change: (seconds its save took, the page that shows it, and a
        test of that page's (status, body) that it does)."""
        story, token = self.story, secrets.token_hex(4)
        if kind == "publish":
            draft = next(self.drafts)
            headline = draft["headline"].encode()
            seconds = self.transition(draft["id"], "publish")
            return seconds, self.cast["section"], lambda s, body: s == 200 and headline in body
        if kind == "correct":
            form = self.browser.form(story["admin_url"], "story_form")
            count = int(form["corrections-TOTAL_FORMS"])
            form["corrections-TOTAL_FORMS"] = str(count + 1)
            form[f"corrections-{count}-text"] = (
                f"An earlier version gave the wrong time of the meeting (note {token})."
            )
            seconds = self.post(story["admin_url"], form)
            return seconds, story["path"], lambda s, body: f"note {token}".encode() in body
        if kind == "withdraw":
            seconds = self.transition(story["id"], "withdraw", reason="Withdrawn for checks.")
            return seconds, story["path"], lambda s, body: s == 410
        seconds = self.transition(story["id"], "publish")
        return seconds, story["path"], lambda s, body: s == 200

    def start_live(self, story_id: int) -> None:
        """Start Live coverage…, confirmed."""
        path = f"/admin/articles/story/{story_id}/live/start/"
        status, _, page = self.browser.request(path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise PageError(f"{path} answered {status}")
        self.post(path, {"csrfmiddlewaretoken": token[1].decode()})

    def live_post(self, live: dict, token: str) -> float:
        """Post an update on the story covered live, on the post's own page."""
        path = f"/admin/articles/livepost/add/?story={live['id']}"
        form = self.browser.form(path, "livepost_form")
        form.update(
            author=str(live["author"]),
            headline=f"Talks resume (update {token})",
            body=f"<p>Ministers are back at the table (update {token}).</p>",
        )
        return self.post(path, form)

    def schedule(self, draft: dict, zone: zoneinfo.ZoneInfo) -> dict:
        """Schedule ``draft`` a few seconds ahead (to the second, as the form takes it);
        seconds after that moment until the front page shows it."""
        lead = SCHEDULE_LEAD_SECONDS
        while True:
            moment = math.ceil(time.time()) + lead
            local = datetime.datetime.fromtimestamp(moment, zone)
            try:
                seconds = self.transition(
                    draft["id"],
                    "schedule",
                    publish_at_0=local.strftime("%Y-%m-%d"),
                    publish_at_1=local.strftime("%H:%M:%S"),
                )
                break
            except PageError:
                # The form refuses a time that has passed: the save took longer than
                # the lead. Further ahead, as an editor would, a few times.
                if lead >= 4 * SCHEDULE_LEAD_SECONDS:
                    raise
                lead *= 2
        headline = draft["headline"].encode()
        at = time.monotonic() + moment - time.time()
        # Before its time if the save answered in time (a negative figure).
        answered = time.monotonic() - at
        seen = watch("/", lambda s, body: headline in body, since=at)
        return {
            "at": local.isoformat(),
            "save_ms": round(seconds * 1000, 1),
            "answered_s": round(answered, 3),
            **seen,
        }


def spread(values: list) -> dict:
    """p50, p99 and max of the figures there are, and how many there are not."""
    found = sorted(value for value in values if value is not None)
    figures = {"count": len(found), "missing": len(values) - len(found)}
    if len(found) >= 2:
        cuts = statistics.quantiles(found, n=100, method="inclusive")
        figures.update(p50=round(statistics.median(found), 3), p99=round(cuts[98], 3))
    elif found:
        figures.update(p50=found[0], p99=found[0])
    if found:
        figures["max"] = found[-1]
    return figures


def settle(env: dict) -> None:
    """Wait until the purges already due (the archive's, the setup's) and their
    second sending are done: nothing about to drop a copy when readers arrive."""
    deadline = time.monotonic() + 60
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        while time.monotonic() < deadline:
            (pending,) = conn.execute(
                "SELECT count(*) FROM articles_pendingpurge "
                "WHERE due_at <= now() + interval '12 seconds'"
            ).fetchone()
            if not pending:
                return
            time.sleep(0.5)
    log("  purges still pending after a minute; going on")


def run_breaking(size: int, args, env: dict, work: Path) -> dict:
    """Breaking news: readers crowding the hot story, the front page and its section
    through Varnish while the desk publishes, corrects and withdraws in the admin,
    then scheduled stories, then live posts, the app purging the proxy by key through
    a real Celery worker and scheduler."""
    log(f"== {size:,} stories: breaking news")
    result = {"database": prepare_database(size, env, args.rebuild)}
    env = {
        **env,
        "CACHE_KEY_PREFIX": f"{CACHE_PREFIX}_{size}",
        "PAGE_CACHE": "1",
        # A queue of this size's own, which a worker takes (its keys: clean_up).
        "CELERY_QUEUE": f"{CACHE_PREFIX}_breaking_{size}",
        "PURGE_VARNISH_URLS": f"http://127.0.0.1:{PURGE_PORT}",
    }
    drafts = sum(DESK_CHANGES[n % len(DESK_CHANGES)] == "publish" for n in range(args.changes))
    cast = probe(env, "breaking", "", work, str(drafts), str(args.schedules))
    paths = {"story": cast["story"]["path"], "front page": "/", "section": cast["section"]}
    app, proxy = f"http://127.0.0.1:{APP_PORT}", f"http://127.0.0.1:{PROXY_PORT}"
    static = f"http://127.0.0.1:{STATIC_PORT}"
    breaking = result["breaking"] = {
        "readers": args.readers,
        "spike_seconds": args.spike_seconds,
        "paths": paths,
        "story": cast["story"],
    }
    with contextlib.ExitStack() as stack:
        stack.enter_context(Gunicorn(env, work, f"{size}-breaking"))
        varnish = stack.enter_context(Varnish(work))
        stack.enter_context(Jobs(env, work, f"{size}-breaking"))
        # nginx's reference: each page's bytes, as the proxy sends them to these readers.
        files = {"story": "story.html", "front page": "front.html", "section": "section.html"}
        for name, path in paths.items():
            status, _, page = get(app + path, GZIP)
            if status != 200:
                raise PageError(f"{path} answered {status}")
            (work / "static" / files[name]).write_bytes(page)
        stack.enter_context(Nginx(work, work / "static"))
        desk = Desk(cast)
        desk.warm_up()
        settle(env)
        for path in [*paths.values()] * 2:
            get(proxy + path, GZIP)

        log(f"  nginx static, {args.readers} readers, {args.spike_seconds:g} s")
        with readers(
            static, {n: f"/{f}" for n, f in files.items()}, args.readers, args.spike_seconds
        ) as reference:
            pass
        breaking["nginx"] = reference
        # The same readers through the proxy while nothing changes: what purges cost them.
        log(f"  proxy, no changes, {args.readers} readers, {args.spike_seconds:g} s")
        with readers(proxy, paths, args.readers, args.spike_seconds) as quiet:
            pass
        breaking["quiet"] = quiet

        breaking.update(crowd(desk, varnish, paths, args))
        zone = zoneinfo.ZoneInfo(env.get("TIME_ZONE") or "UTC")
        breaking["scheduled"] = schedule_stories(desk, cast["scheduled"], paths, zone, args)
        breaking["live"] = cover_live(desk, cast["live"], varnish, args)
    return result


def crowd(desk: Desk, varnish: Varnish, paths: dict, args) -> dict:
    """The spike: readers on ``paths`` through the proxy while the desk makes its
    changes spread over it; how soon each shows, what the readers got, and what
    Varnish counted."""
    proxy = f"http://127.0.0.1:{PROXY_PORT}"
    log(f"  spike: {args.readers} readers, {args.spike_seconds:g} s, {args.changes} changes")
    changes = []
    with readers(proxy, paths, args.readers, args.spike_seconds) as spike:
        started = time.monotonic()
        before = varnish.counters(*VARNISH_COUNTERS)
        spacing = args.spike_seconds / max(args.changes, 1)
        for number in range(args.changes):
            kind = DESK_CHANGES[number % len(DESK_CHANGES)]
            time.sleep(max(0.0, started + (number + 0.5) * spacing - time.monotonic()))
            at = time.monotonic() - started
            change = {"kind": kind, "at_s": round(at, 2)}
            try:
                seconds, path, shows = desk.change(kind)
            except PageError as error:
                log(f"ERROR {error}")
                changes.append({**change, "error": str(error), "app_s": None, "proxy_s": None})
                continue
            seen = watch(path, shows, since=time.monotonic())
            changes.append({**change, "save_ms": round(seconds * 1000, 1), **seen})
            log(f"  {number + 1:2} {kind:9} at {at:5.1f} s: {seen}")
    elapsed = time.monotonic() - started
    # varnishd's threads add their counts to the totals once idle.
    time.sleep(2)
    after = varnish.counters(*VARNISH_COUNTERS)
    delta = {name: after[name] - before[name] for name in VARNISH_COUNTERS}
    looked_up = delta["cache_hit"] + delta["cache_miss"]
    result = {
        "spike": spike,
        "answers": answers(spike),
        "proxy": {
            "counters": delta,
            "seconds": round(elapsed, 1),
            "hit_ratio": round(delta["cache_hit"] / looked_up, 5) if looked_up else None,
            "backend_rps": round(delta["backend_req"] / elapsed, 2),
        },
        "changes": changes,
        "visible": {
            "app_s": spread([change["app_s"] for change in changes]),
            "proxy_s": spread([change["proxy_s"] for change in changes]),
        },
    }
    log(f"  spike: {result['answers']}, proxy {result['proxy']}")
    return result


def schedule_stories(desk: Desk, drafts: list[dict], paths: dict, zone, args) -> dict:
    """Scheduled stories, one after another, under the same readers as the spike."""
    scheduled = []
    with readers(f"http://127.0.0.1:{PROXY_PORT}", paths, args.readers, 0) as during:
        for draft in drafts:
            try:
                scheduled.append(desk.schedule(draft, zone))
            except PageError as error:
                log(f"ERROR {error}")
                scheduled.append({"error": str(error), "app_s": None, "proxy_s": None})
                continue
            log(f"  scheduled: {scheduled[-1]}")
    return {
        "stories": scheduled,
        "answers": answers(during),
        "app_s": spread([story["app_s"] for story in scheduled]),
        "proxy_s": spread([story["proxy_s"] for story in scheduled]),
    }


def cover_live(desk: Desk, live: dict, varnish: Varnish, args) -> dict:
    """Pollers on a story's live address through the proxy, as open pages poll it,
    while the desk posts updates in the admin: how soon each shows, and how many
    requests the pollers cost the app."""
    desk.start_live(live["id"])
    proxy = f"http://127.0.0.1:{PROXY_PORT}"
    get(proxy + live["path"], GZIP)
    log(f"  live: {args.readers} pollers, {args.spike_seconds:g} s, {args.posts} posts")
    posts = []
    with readers(proxy, {"live": live["path"]}, args.readers, args.spike_seconds) as pollers:
        started = time.monotonic()
        before = varnish.counters(*VARNISH_COUNTERS)
        spacing = args.spike_seconds / max(args.posts, 1)
        for number in range(args.posts):
            time.sleep(max(0.0, started + (number + 0.5) * spacing - time.monotonic()))
            token = secrets.token_hex(4)
            post = {"at_s": round(time.monotonic() - started, 2)}
            try:
                seconds = desk.live_post(live, token)
            except PageError as error:
                log(f"ERROR {error}")
                posts.append({**post, "error": str(error), "app_s": None, "proxy_s": None})
                continue
            marker = f"update {token}".encode()
            seen = watch(
                live["path"], lambda s, body, marker=marker: marker in body, since=time.monotonic()
            )
            posts.append({**post, "save_ms": round(seconds * 1000, 1), **seen})
            log(f"  post {number + 1} at {post['at_s']:5.1f} s: {seen}")
    elapsed = time.monotonic() - started
    time.sleep(2)  # varnishd's threads add their counts to the totals once idle
    after = varnish.counters(*VARNISH_COUNTERS)
    delta = {name: after[name] - before[name] for name in VARNISH_COUNTERS}
    return {
        "measured": True,
        "path": live["path"],
        "readers": pollers,
        "answers": answers(pollers),
        "posts": posts,
        "app_s": spread([post["app_s"] for post in posts]),
        "proxy_s": spread([post["proxy_s"] for post in posts]),
        "counters": delta,
        "seconds": round(elapsed, 1),
        "backend_rps": round(delta["backend_req"] / elapsed, 2),
    }


# Report -----------------------------------------------------------------------------------


def ratio(value, reference) -> float | None:
    return round(value / reference, 5) if value is not None and reference else None


def short(value: float, target: float) -> str:
    """How far a ratio is from its target, for a reader of the targets table."""
    return "met" if value >= target else f"{target / value:.2f}× short" if value else "no answer"


def fmt_ratio(value) -> str:
    return "–" if value is None else f"{value:.3f}×" if value < 0.1 else f"{value:.2f}×"


PUBLIC_LISTINGS = ["front page", "section", "tag", "person", "page 50"]
FLOOR_PATH = "/bench/floor/"


def floor_for(page: dict, data: dict) -> float:
    """The floor view a page is compared with: its runs just before and after the page."""
    return page.get("floor_rps") or data["floor"]["rps"]


def bare_for(page: dict, data: dict) -> float:
    """The bare floor a page is compared with: its runs just before and after the page."""
    return page.get("bare_rps") or data["bare_floor"]["rps"]


def same_bytes(data: dict, layer: str, name: str) -> str:
    """For a large page through the proxy: its ratio to nginx serving as many bytes."""
    reference = data.get("nginx_static_same_bytes", {}).get(name) if layer == "proxy" else None
    if not reference:
        return ""
    page = data["layers"][layer][name]
    return (
        f", {fmt_ratio(ratio(page['rps'], reference))} nginx serving its "
        f"{page['bytes_per_response'] / 1000:,.0f} KB as a static file"
    )


# The targets, against the bare floor (or nginx's static file) of the same run.
RENDERED_MIN = 0.06  # the story and the listings, every request rendered
APP_CACHE_MIN = 0.35  # every public page from the app's page cache, warm
PROXY_MIN = 0.7  # every public page through the caching Varnish, × nginx static
P50_GROWTH_MAX = 1.3  # p50 at the largest size against the smallest, rendered
QUERY_LIMITS = {"story": 8, **dict.fromkeys(PUBLIC_LISTINGS, 6)}
ADMIN_SAVE_P95_MS = 150


def evaluate(results: dict) -> list[dict]:
    """The issue's targets, each met or missed, with the figure."""
    targets = []

    def add(target, size, met, figure):
        targets.append({"target": target, "size": size, "met": met, "figure": figure})

    sizes = results["sizes"]
    for size, data in sizes.items():
        rendered = data["layers"]["rendered"]
        for name in ["story", *PUBLIC_LISTINGS]:
            page = rendered.get(name, {})
            if "rps" not in page:
                if "error" in page:
                    add(f"{name} rendered ≥ {RENDERED_MIN}× bare floor", size, False, "error")
                continue
            r = ratio(page["rps"], bare_for(page, data))
            add(
                f"{name} rendered ≥ {RENDERED_MIN}× bare floor",
                size,
                r >= RENDERED_MIN,
                f"{fmt_ratio(r)} bare floor ({short(r, RENDERED_MIN)}); "
                f"{fmt_ratio(ratio(page['rps'], floor_for(page, data)))} floor view",
            )
        story = rendered.get("story", {})
        if "p99_ms" in story:
            add(
                "Story rendered p99 < 50 ms",
                size,
                story["p99_ms"] < 50,
                f"p99 {story['p99_ms']:,.0f} ms ({story['p99_ms'] / 50:.1f}× the limit)",
            )
        static = data["nginx_static"]["rps"]
        for layer, target, minimum in (
            ("app_cache", f"App cache warm ≥ {APP_CACHE_MIN}× bare floor", APP_CACHE_MIN),
            ("proxy", f"Proxy ≥ {PROXY_MIN}× nginx static", PROXY_MIN),
            (
                "proxy_gzip",
                f"Proxy, readers asking for gzip, ≥ {PROXY_MIN}× nginx static",
                PROXY_MIN,
            ),
        ):
            if layer not in data["layers"]:
                continue
            ratios = {
                name: ratio(page["rps"], bare_for(page, data) if layer == "app_cache" else static)
                for name, page in data["layers"][layer].items()
                if "rps" in page and not name.startswith("admin")
            }
            below = {name: r for name, r in ratios.items() if r < minimum}
            failed = [name for name, page in data["layers"][layer].items() if "error" in page]
            figure = f"story {fmt_ratio(ratios.get('story'))}"
            if ratios:
                figure += f", lowest {fmt_ratio(min(ratios.values()))}"
            if below:
                figure += "; below: " + ", ".join(
                    f"{name} {fmt_ratio(r)} ({short(r, minimum)}{same_bytes(data, layer, name)})"
                    for name, r in below.items()
                )
            if failed:
                figure += "; errors: " + ", ".join(failed)
            add(f"{target} (every public page)", size, not below and not failed, figure)
        for name in ("search, common word", "search, rare word"):
            page = rendered.get(name, {})
            if "p95_ms" in page:
                alone = page.get("one_reader", {}).get("p95_ms")
                loaded = (
                    f"at {CONNECTIONS} connections p95 {page['p95_ms']:,.0f} ms "
                    f"({page['p95_ms'] / 50:.1f}× the limit; {CONNECTIONS} / "
                    f"{page['rps']:,.0f} req/s = {1000 * CONNECTIONS / page['rps']:,.0f} ms "
                    "mean wait in the queue)"
                )
                add(
                    f"Search p95 < 50 ms ({name.split(', ')[1]}, rendered, one reader at a time)",
                    size,
                    alone is not None and alone < 50,
                    ("–" if alone is None else f"p95 {alone:,.1f} ms") + "; " + loaded,
                )
        counts = {
            name: data["queries"][name]["queries"] for name in QUERY_LIMITS if name in data["urls"]
        }
        over = {name: n for name, n in counts.items() if n is None or n > QUERY_LIMITS[name]}
        add(
            "SQL queries: story ≤ 8, listings ≤ 6",
            size,
            not over,
            ", ".join(f"{name} {'no answer' if n is None else n}" for name, n in counts.items()),
        )
        add(
            "Worker memory < 150 MB",
            size,
            data["memory_max_mb"] < 150,
            f"max {data['memory_max_mb']:.0f} MB",
        )
        publish = data["publish"]
        app_s, proxy_s = publish["app_seconds"], publish["proxy_seconds"]
        add(
            "Published story: at once via the app (≤ 1 s), via the proxy within s-maxage "
            "(30 s) and the refresh it triggers (1 s)",
            size,
            app_s is not None and app_s <= 1 and proxy_s is not None and proxy_s <= 31,
            f"app {app_s} s, proxy {proxy_s} s ({publish['proxy_cache_control']})",
        )
        saved = data.get("admin_save")
        if saved:
            add(
                f"Admin: saving a published story, p95 ≤ {ADMIN_SAVE_P95_MS} ms",
                size,
                saved.get("p95_ms", float("inf")) <= ADMIN_SAVE_P95_MS,
                saved.get("error")
                or f"p95 {saved['p95_ms']:,.0f} ms, p50 {saved['p50_ms']:,.0f} ms, "
                f"max {saved['max_ms']:,.0f} ms ({saved['saves']} saves)",
            )
    if len(sizes) >= 2:
        small, large = sorted(sizes, key=int)[0], sorted(sizes, key=int)[-1]
        slower = {}
        for name, page in sizes[large]["layers"]["rendered"].items():
            before = sizes[small]["layers"]["rendered"].get(name, {})
            if "p50_ms" in page and "p50_ms" in before:
                slower[name] = ratio(page["p50_ms"], before["p50_ms"])
        over = {name: r for name, r in slower.items() if r > P50_GROWTH_MAX}
        failed = [n for n, page in sizes[large]["layers"]["rendered"].items() if "error" in page]
        add(
            f"p50 at {int(large):,} within {P50_GROWTH_MAX}× of {int(small):,} "
            "(rendered, every page)",
            f"{small} → {large}",
            not over and not failed,
            ("over: " + ", ".join(f"{name} {r:.2f}×" for name, r in over.items()) if over else "")
            + (f"; errors at {int(large):,}: " + ", ".join(failed) if failed else "")
            or f"worst {max(slower.values()):.2f}×",
        )
        # Each page at the sizes that have it (a section has no page 50 at 1,000 stories).
        counts = {
            name: [
                sizes[size]["queries"][name]["queries"]
                for size in sorted(sizes, key=int)
                if name in sizes[size]["urls"]
            ]
            for name in QUERY_LIMITS
        }
        counts = {name: n for name, n in counts.items() if len(n) >= 2}
        changed = {name: n for name, n in counts.items() if len(set(n)) > 1 or None in n}
        add(
            "SQL queries the same at every size (story, listings)",
            f"{small} → {large}",
            not changed,
            "changed: "
            + ", ".join(f"{name} {' → '.join(map(str, n))}" for name, n in changed.items())
            if changed
            else "; ".join(f"{name} {n[0]}" for name, n in counts.items()),
        )
    return targets


def cell(page: dict, reference: float) -> str:
    return fmt_ratio(ratio(page["rps"], reference)) if "rps" in page else "–"


def rps(page: dict) -> str:
    if "rps" not in page:
        return "**error**" if "error" in page else "–"
    return f"{page['rps']:,.0f}"


SAVES = {
    "admin_save": "jobs queued, as deployed",
    "admin_save_in_request": "jobs run in the request, with no queue set up",
}


def admin_save_line(data: dict) -> str:
    figures, count = [], "the"
    for key, label in SAVES.items():
        saved = data.get(key)
        if saved is None:
            continue
        if "p95_ms" not in saved:
            figures.append(f"{label}: **error**: {saved['error']}")
            continue
        figures.append(
            f"{label}: p50 {saved['p50_ms']:,.0f} ms, **p95 {saved['p95_ms']:,.0f} ms**, "
            f"max {saved['max_ms']:,.0f} ms"
        )
        count = saved["saves"]
    if not figures:
        return "Admin save of a published story: not measured."
    return (
        f"Admin save of a published story ({count} saves one after another by a signed-in "
        "editor, each the change form's POST through gunicorn until its redirect): "
        + "; ".join(figures)
        + "."
    )


def summary(results: dict) -> list[str]:
    """One table a size, one row a page: each layer's req/s and ratios, the rendered
    page's p50 and p95 (and at the larger sizes its p50 against the smallest), queries."""
    sizes = sorted(results["sizes"], key=int)
    small = results["sizes"][sizes[0]]
    lines = ["## Summary", ""]
    for size in sizes:
        data = results["sizes"][size]
        bare, floor = data["bare_floor"]["rps"], data["floor"]["rps"]
        static = data["nginx_static"]["rps"]
        growth = size != sizes[0]
        lines += [
            f"### {int(size):,} stories",
            "",
            f"Bare floor {bare:,.0f} req/s, floor view {floor:,.0f} req/s "
            f"({fmt_ratio(ratio(floor, bare))} the bare floor), nginx static file "
            f"{static:,.0f} req/s (means of the run). Each page's ratios to the floors are to "
            "their runs just before and after it. p50 and p95: rendered, at "
            f"{CONNECTIONS} connections.",
            "",
            "| page | rendered req/s | × bare floor | × floor view | app cache req/s "
            "| × bare floor | proxy req/s | × nginx static | proxy, gzip req/s | × nginx static "
            "| p50 ms | p95 ms |"
            + (f" p50 × {int(sizes[0]):,} |" if growth else "")
            + " SQL queries |",
            "|---|" + "---:|" * (12 + growth),
        ]
        for name in data["urls"]:
            rendered = data["layers"]["rendered"][name]
            cached = data["layers"]["app_cache"].get(name, {})
            proxied = data["layers"]["proxy"].get(name, {})
            gzipped = data["layers"].get("proxy_gzip", {}).get(name, {})
            queries = data["queries"][name]["queries"]
            row = (
                f"| {name} | {rps(rendered)} | {cell(rendered, bare_for(rendered, data))}"
                f" | {cell(rendered, floor_for(rendered, data))} | {rps(cached)}"
                f" | {cell(cached, bare_for(cached, data))} | {rps(proxied)}"
                f" | {cell(proxied, static)} | {rps(gzipped)} | {cell(gzipped, static)}"
            )
            if "p50_ms" in rendered:
                row += f" | {rendered['p50_ms']:,.1f} | {rendered['p95_ms']:,.1f}"
            else:
                row += " | – | –"
            if growth:
                before = small["layers"]["rendered"].get(name, {})
                if "p50_ms" in rendered and "p50_ms" in before:
                    row += f" | {rendered['p50_ms'] / before['p50_ms']:.2f}×"
                else:
                    row += " | –"
            lines.append(row + f" | {'–' if queries is None else queries} |")
        lines += ["", admin_save_line(data), ""]
    return lines


def markdown(results: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Run of {results['started'][:16].replace('T', ' ')} UTC, {results['minutes']} minutes: "
        f"`wrk -t{THREADS} -c{CONNECTIONS} -d{results['duration']:g}s` on loopback, gunicorn "
        f"with `gunicorn.conf.py` and {WORKERS} gevent workers, PostgreSQL, Redis, "
        f"{results['machine']['cpus']} CPU cores shared with the load generator.",
        "Ratios are to the bare floor of the same run (the story page's bytes from a Django "
        "project of one URL with no middleware, no database and no template, bench/floor/, "
        "on the same gunicorn settings), beside them to the site's floor view (the same bytes "
        "through the site's middleware), and for the proxy to nginx serving those bytes as a "
        "static file (uncompressed, to a client that does not ask for gzip). "
        "The machine is shared and noisy: compare ratios within one run, not absolute figures "
        "across runs.",
        "",
        *summary(results),
    ]
    for size, data in results["sizes"].items():
        bare, floor = data["bare_floor"]["rps"], data["floor"]["rps"]
        static = data["nginx_static"]["rps"]
        memory = data["memory"]

        def runs(floor: dict, key: str) -> str:
            return ", ".join(f"{run['rps']:,.0f}" for run in floor.get(key, [])) or "–"

        lines += [
            f"## {int(size):,} stories",
            "",
            f"Bare floor: {bare:,.0f} req/s; floor view: {floor:,.0f} req/s. Their runs, one "
            "before and after each page of the first three layers, which is compared with the "
            "mean of the two around it: bare floor, rendered "
            f"{runs(data['bare_floor'], 'runs')}; cold {runs(data['bare_floor'], 'cold_runs')}; "
            f"app cache {runs(data['bare_floor'], 'app_cache_runs')}. Floor view, rendered "
            f"{runs(data['floor'], 'runs')}; cold {runs(data['floor'], 'cold_runs')}; app cache "
            f"{runs(data['floor'], 'app_cache_runs')}. "
            f"nginx static file: {static:,.0f} req/s; story page "
            f"{data['floor']['page_bytes']:,} bytes. Worker memory after each layer (MB): "
            + "; ".join(f"{layer} {', '.join(map(str, mb))}" for layer, mb in memory.items())
            + f" (max {data['memory_max_mb']:.0f} MB). Workers booted (max_requests "
            "recycling included): "
            + ", ".join(f"{layer} {n}" for layer, n in data["worker_boots"].items())
            + " (`max_requests` replaces each worker after about 20,000 requests, forked "
            "from the master's loaded app).",
            "",
        ]
        if data["notes"]:
            lines += [*(f"- {note}" for note in data["notes"]), ""]
        for layer, title in LAYERS.items():
            if layer not in data["layers"]:
                continue
            proxy = layer.startswith("proxy")
            lines += [
                f"### {title}",
                "",
                "| page | req/s | × bare floor | × floor view |"
                + (" × nginx static |" if proxy else "")
                + " p50 ms | p95 ms | p99 ms | SQL queries | KB |",
                "|---|" + "---:|" * (8 + proxy),
            ]
            for name, page in data["layers"][layer].items():
                queries = data["queries"][name]["queries"]
                queries = "–" if queries is None else queries
                if "error" in page:
                    lines.append(f"| {name} | **error**: {page['error']} |")
                    continue
                around = layer in AROUND
                row = (
                    f"| {name} | {page['rps']:,.1f}"
                    f" | {cell(page, bare_for(page, data) if around else bare)}"
                    f" | {cell(page, floor_for(page, data) if around else floor)} |"
                )
                if proxy:
                    row += f" {cell(page, static)} |"
                row += (
                    f" {page['p50_ms']:.1f} | {page['p95_ms']:.1f} | {page['p99_ms']:.1f} |"
                    f" {queries} | {page['bytes_per_response'] / 1000:.0f} |"
                )
                lines.append(row)
            lines.append("")
        publish = data["publish"]
        lines += [
            f"A story published during the run was on the front page after "
            f"{publish['app_seconds']} s through the app and {publish['proxy_seconds']} s "
            f"through the proxy (`Cache-Control: {publish['proxy_cache_control']}`).",
            "",
            admin_save_line(data),
            "",
        ]
        for key, label in SAVES.items():
            saved = data.get(key, {})
            if "ms" in saved:
                lines += [
                    f"Each save, {label}, in order (ms): "
                    + ", ".join(f"{ms:,.0f}" for ms in saved["ms"])
                    + ".",
                    "",
                ]
    lines += ["## Targets", "", "| target | stories | result | figure |", "|---|---|---|---|"]
    for target in results["targets"]:
        verdict = "met" if target["met"] else "**missed**"
        lines.append(f"| {target['target']} | {target['size']} | {verdict} | {target['figure']} |")
    lines.append("")
    if PROFILES.exists():
        lines += ["", PROFILES.read_text().strip(), ""]
    return "\n".join(lines)


# Issue 17's breaking-news targets.
VISIBLE_P99_MAX_S = 1  # a change through the proxy, after its save
HIT_RATIO_MIN = 0.99
SCHEDULED_MAX_S = 2  # after the story's time
LIVE_MAX_S = 2
LIVE_APP_RPS_MAX = 5
STORY_P99_VS_STATIC_MAX = 3
CHANGE_LABELS = {
    "publish": "new story in the section",
    "correct": "correction to the hot story",
    "withdraw": "hot story withdrawn (410)",
    "republish": "hot story published again",
}


def seconds_text(figures: dict) -> str:
    if "max" not in figures:
        return "never"
    text = f"p50 {figures['p50']:.2f} s, p99 {figures['p99']:.2f} s, max {figures['max']:.2f} s"
    return text + (f", **{figures['missing']} never**" if figures["missing"] else "")


def plural(stories: int) -> str:
    return f"{stories} {'story' if stories == 1 else 'stories'}"


def seen(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds:.3f}"


def evaluate_breaking(results: dict) -> list[dict]:
    """The breaking-news targets, each met or missed, with the figure."""
    targets = []

    def add(target, size, met, figure):
        targets.append({"target": target, "size": size, "met": met, "figure": figure})

    for size, data in results["sizes"].items():
        news = data["breaking"]
        proxy_s, app_s = news["visible"]["proxy_s"], news["visible"]["app_s"]
        add(
            f"A change shows through the proxy, p99 ≤ {VISIBLE_P99_MAX_S} s after its save",
            size,
            not proxy_s["missing"] and proxy_s.get("p99", math.inf) <= VISIBLE_P99_MAX_S,
            f"{seconds_text(proxy_s)} ({proxy_s['count'] + proxy_s['missing']} changes); "
            f"through the app {seconds_text(app_s)}",
        )
        answered = [news["answers"], news["scheduled"]["answers"]]
        if news["live"].get("measured"):
            answered.append(news["live"]["answers"])
        failed = {
            key: sum(each[key] for each in answered)
            for key in ("5xx", "4xx", "socket_errors", "timeouts")
        }
        add(
            "Readers get no 5xx (nor a failed connection)",
            size,
            not (failed["5xx"] or failed["socket_errors"] or failed["timeouts"]),
            f"{failed['5xx']} 5xx, {failed['socket_errors']} socket errors, "
            f"{failed['timeouts']} timeouts; {failed['4xx']:,} 4xx (the withdrawn story's 410)",
        )
        proxy = news["proxy"]
        hit = proxy["hit_ratio"]
        add(
            f"Proxy hit ratio ≥ {HIT_RATIO_MIN:.0%} during the spike",
            size,
            hit is not None and hit >= HIT_RATIO_MIN,
            f"{hit:.3%}: {proxy['counters']['cache_hit']:,} hits, "
            f"{proxy['counters']['cache_miss']:,} misses; "
            f"{proxy['counters']['backend_req']:,} requests to the app "
            f"({proxy['backend_rps']:,.1f} req/s)",
        )
        scheduled = news["scheduled"]["proxy_s"]
        add(
            f"A scheduled story on the front page through the proxy ≤ {SCHEDULED_MAX_S} s "
            "after its time",
            size,
            not scheduled["missing"] and scheduled.get("max", math.inf) <= SCHEDULED_MAX_S,
            f"{seconds_text(scheduled)} ({plural(scheduled['count'] + scheduled['missing'])}); "
            f"through the app {seconds_text(news['scheduled']['app_s'])}",
        )
        live = news["live"]
        if live.get("measured"):
            shown = live["proxy_s"]
            add(
                f"A live post shows through the proxy ≤ {LIVE_MAX_S} s after its save",
                size,
                not shown["missing"] and shown.get("max", math.inf) <= LIVE_MAX_S,
                f"{seconds_text(shown)} ({len(live['posts'])} posts); "
                f"through the app {seconds_text(live['app_s'])}",
            )
            add(
                f"The app's requests for {results['settings']['readers']} live pollers "
                f"≤ {LIVE_APP_RPS_MAX} req/s",
                size,
                live["backend_rps"] <= LIVE_APP_RPS_MAX,
                f"{live['backend_rps']:,.2f} req/s ({live['counters']['backend_req']:,} in "
                f"{live['seconds']:g} s, for {live['counters']['client_req']:,} polls; "
                f"{live['answers']['5xx']} 5xx)",
            )
        story, static = news["spike"]["story"], news["nginx"]["story"]
        times = story["p99_ms"] / static["p99_ms"]
        add(
            f"Story page p99 through the proxy ≤ {STORY_P99_VS_STATIC_MAX}× nginx static "
            "(same readers)",
            size,
            times <= STORY_P99_VS_STATIC_MAX,
            f"{times:.2f}×: p99 {story['p99_ms']:,.1f} ms against {static['p99_ms']:,.1f} ms "
            f"(p50 {story['p50_ms']:,.2f} ms against {static['p50_ms']:,.2f} ms); "
            f"{news['quiet']['story']['p99_ms'] / static['p99_ms']:.2f}× while nothing changes",
        )
    return targets


def live_markdown(live: dict, settings: dict) -> list[str]:
    if not live.get("measured"):
        return [f"Not measured: {live['why']}.", ""]
    page = live["readers"]["live"]
    counters = live["counters"]
    lines = [
        f"The same {settings['readers']} readers poll the live address of the section's "
        f"next story (`{live['path']}`), as open pages do, through the proxy, for "
        f"{page['seconds']:g} s, while an editor posts {len(live['posts'])} updates on "
        "the post's own admin page (Post an update), after starting its live coverage. "
        f"Pollers: {page['rps']:,.0f} req/s, p50 {page['p50_ms']:,.2f} ms, p99 "
        f"{page['p99_ms']:,.1f} ms, {page['status']['5xx']} 5xx, "
        f"{page['socket_errors'] + page['timeouts']} socket errors. Varnish: "
        f"{counters['cache_hit']:,} hits, {counters['cache_miss']:,} misses, "
        f"{counters['busy_sleep']:,} waiting for a fetch under way; **"
        f"{counters['backend_req']:,} requests to the app, {live['backend_rps']:,.2f} "
        "req/s**.",
        "",
        "| # | at s | save ms | through the app s | through the proxy s |",
        "|---:|---:|---:|---:|---:|",
    ]
    for number, post in enumerate(live["posts"], 1):
        if "error" in post:
            lines.append(f"| {number} | {post['at_s']:.1f} | **error**: {post['error']} | | |")
            continue
        lines.append(
            f"| {number} | {post['at_s']:.1f} | {post['save_ms']:,.0f} "
            f"| {seen(post['app_s'])} | {seen(post['proxy_s'])} |"
        )
    return [
        *lines,
        "",
        f"Through the app: {seconds_text(live['app_s'])}. Through the proxy: "
        f"**{seconds_text(live['proxy_s'])}**.",
        "",
    ]


def breaking_markdown(results: dict) -> str:
    settings = results["settings"]
    lines = [
        "# Breaking news through the proxy",
        "",
        f"Run of {results['started'][:16].replace('T', ' ')} UTC, {results['minutes']} minutes, "
        f"{results['machine']['cpus']} CPU cores shared by everything below and the load "
        "generator (compare ratios, not absolute figures, across runs). "
        f"{settings['readers']} readers on loopback, through Varnish with the repository's VCL "
        "(as compose runs it), share the hot story, the front page and its section: one "
        f"`wrk -t{THREADS}` a page, each reader asking for gzip and asking again as soon as "
        "it has its answer (bench/spike.lua counts the answers by status), all on one core "
        "at the lowest CPU priority (the load generator stands for readers' own machines), "
        "for "
        f"{settings['spike_seconds']:g} s or until the desk's last change has shown. Behind "
        f"it gunicorn with `gunicorn.conf.py` and {WORKERS} gevent workers, the app's page "
        "cache in Redis, PostgreSQL; the app purges Varnish by key (`PURGE_VARNISH_URLS`) "
        "from a Celery worker (`--concurrency 2`) and `celery beat` (`PURGE_SWEEP_SECONDS=1`) "
        "on a Redis queue of the run's own. Before the spike the same readers, with the same "
        "wrk settings and for as long, read each page's bytes as a static file from nginx, "
        "then the pages through the proxy while nothing changes (no changes).",
        "",
    ]
    for size, data in results["sizes"].items():
        news = data["breaking"]
        proxy, counters = news["proxy"], news["proxy"]["counters"]
        lines += [
            f"## {int(size):,} stories",
            "",
            "### Readers during the spike",
            "",
            "| page | readers | req/s | p50 ms | p99 ms | max ms | 2xx | 3xx | 4xx | 5xx "
            "| socket errors | no changes: p99 ms | nginx static: req/s | p99 ms "
            "| p99 × nginx | no changes: p99 × nginx |",
            "|---|" + "---:|" * 15,
        ]
        for name, page in news["spike"].items():
            static, quiet = news["nginx"][name], news["quiet"][name]
            status = page["status"]
            lines.append(
                f"| {name} (`{page['path']}`) | {page['connections']} | {page['rps']:,.0f} "
                f"| {page['p50_ms']:,.2f} | {page['p99_ms']:,.1f} | {page['max_ms']:,.0f} "
                f"| {status['2xx']:,} | {status['3xx']:,} | {status['4xx']:,} "
                f"| {status['5xx']:,} | {page['socket_errors'] + page['timeouts']:,} "
                f"| {quiet['p99_ms']:,.1f} | {static['rps']:,.0f} | {static['p99_ms']:,.1f} "
                f"| {page['p99_ms'] / static['p99_ms']:.2f}× "
                f"| {quiet['p99_ms'] / static['p99_ms']:.2f}× |"
            )
        lines += [
            "",
            f"Varnish over the spike ({proxy['seconds']:g} s): {counters['client_req']:,} "
            f"requests, {counters['cache_hit']:,} hits and {counters['cache_miss']:,} misses "
            f"(hit ratio {proxy['hit_ratio']:.3%}), {counters['backend_req']:,} requests to "
            f"the app ({proxy['backend_rps']:,.1f} req/s), {counters['busy_sleep']:,} readers "
            "waiting for a fetch already under way rather than asking the app themselves.",
            "",
            "### The desk's changes during the spike",
            "",
            f"An editor signed in to the admin makes {len(news['changes'])} changes, spread "
            "over the spike (or one after another when they take longer), each through its "
            "form over HTTP (gunicorn's port), so that the save queues the purge job when it "
            "commits. Each is timed from the save's "
            "answer (after the commit) until the page shows it, asked every "
            f"{POLL_SECONDS * 1000:.0f} ms through the app and through the proxy: a new "
            "headline on the section page, the correction or the 410 on the hot story's page.",
            "",
            "| # | at s | change | save ms | through the app s | through the proxy s |",
            "|---:|---:|---|---:|---:|---:|",
        ]
        for number, change in enumerate(news["changes"], 1):
            if "error" in change:
                lines.append(
                    f"| {number} | {change['at_s']:.1f} | {CHANGE_LABELS[change['kind']]} "
                    f"| **error**: {change['error']} | | |"
                )
                continue
            lines.append(
                f"| {number} | {change['at_s']:.1f} | {CHANGE_LABELS[change['kind']]} "
                f"| {change['save_ms']:,.0f} | {seen(change['app_s'])} "
                f"| {seen(change['proxy_s'])} |"
            )
        lines += [
            "",
            f"Through the app: {seconds_text(news['visible']['app_s'])}. Through the proxy: "
            f"**{seconds_text(news['visible']['proxy_s'])}**.",
            "",
            "### Scheduled stories",
            "",
            f"One after another, under the same {settings['readers']} readers: an editor "
            f"schedules a story (the admin's Schedule, to the second) {SCHEDULE_LEAD_SECONDS} s "
            "ahead (further when the form refused a time its slow save let pass), and the "
            f"front page is asked every {POLL_SECONDS * 1000:.0f} ms until it shows the story; "
            "seconds after its time.",
            "",
            "| # | time | save ms | save answered, s before the time | through the app s "
            "| through the proxy s |",
            "|---:|---|---:|---:|---:|---:|",
        ]
        scheduled = news["scheduled"]
        for number, story in enumerate(scheduled["stories"], 1):
            if "error" in story:
                lines.append(f"| {number} | **error**: {story['error']} | | | | |")
                continue
            lines.append(
                f"| {number} | {story['at'][11:19]} | {story['save_ms']:,.0f} "
                f"| {-story['answered_s']:.2f} | {seen(story['app_s'])} "
                f"| {seen(story['proxy_s'])} |"
            )
        lines += [
            "",
            f"Through the proxy: {seconds_text(scheduled['proxy_s'])}. Readers meanwhile: "
            f"{scheduled['answers']['5xx']} 5xx, {scheduled['answers']['socket_errors']} "
            "socket errors.",
            "",
            "### Live posts",
            "",
        ]
        lines += live_markdown(news["live"], settings)
    lines += ["## Targets", "", "| target | stories | result | figure |", "|---|---|---|---|"]
    for target in results["targets"]:
        verdict = "met" if target["met"] else "**missed**"
        lines.append(f"| {target['target']} | {target['size']} | {verdict} | {target['figure']} |")
    return "\n".join(lines) + "\n"


def write_results(results: dict, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / f"{name}.md").write_text(report(results))


def report(results: dict) -> str:
    return breaking_markdown(results) if results.get("breaking") else markdown(results)


def targets(results: dict) -> list[dict]:
    return evaluate_breaking(results) if results.get("breaking") else evaluate(results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        help="Archive sizes, comma-separated (1000,100000; with --breaking, 1000).",
    )
    parser.add_argument("--duration", type=float, default=5, help="Seconds of load per page.")
    parser.add_argument(
        "--saves", type=int, default=40, help="Admin saves of a published story, per size."
    )
    parser.add_argument(
        "--name",
        help="Results in bench/results/NAME.md and NAME.json (latest; with --breaking, breaking).",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="Generate the archives again, ignoring snapshots."
    )
    parser.add_argument(
        "--report", action="store_true", help="Only write NAME.md again from NAME.json."
    )
    breaking = parser.add_argument_group(
        "breaking news", "Readers crowding three pages through the proxy while the desk works."
    )
    breaking.add_argument(
        "--breaking",
        action="store_true",
        help="Measure breaking news (instead of the pages, layer by layer).",
    )
    breaking.add_argument(
        "--spike-seconds", type=float, default=60, help="Seconds of the readers' spike."
    )
    breaking.add_argument(
        "--readers", type=int, default=300, help="Readers (connections) during the spike."
    )
    breaking.add_argument(
        "--changes", type=int, default=20, help="The desk's changes during the spike."
    )
    breaking.add_argument("--schedules", type=int, default=5, help="Scheduled stories timed.")
    breaking.add_argument(
        "--posts", type=int, default=5, help="Live posts while readers poll the live address."
    )
    args = parser.parse_args()
    args.name = args.name or ("breaking" if args.breaking else "latest")
    if args.report:
        results = json.loads((RESULTS / f"{args.name}.json").read_text())
        results["targets"] = targets(results)
        write_results(results, args.name)
        return 0
    sizes = [
        int(size)
        for size in (args.sizes or ("1000" if args.breaking else "1000,100000")).split(",")
    ]

    ensure_tools()
    # Stopped with SIGTERM, the run still drops its database and deletes its keys.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    # nginx's workers (www-data) read the static file under it.
    work.chmod(0o755)
    (work / "static").mkdir(mode=0o755)
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production-use-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "WEB_CONCURRENCY": str(WORKERS),
        "BENCH_FLOOR_FILE": str(work / "floor.html"),
        # Background jobs to a queue, as deployed (docker-compose.yml), of this run's
        # own (the name prefixes its keys). No worker takes them: the benchmark
        # measures what readers and editors wait for (--breaking runs a worker on a
        # queue of its own).
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_QUEUE": f"{CACHE_PREFIX}_jobs",
    }
    env.pop("PORT", None)
    log(f"Work files in {work}; database {DATABASE}, Redis keys {CACHE_PREFIX}_*")
    started = datetime.datetime.now(datetime.UTC)
    results = {
        "started": started.isoformat(timespec="seconds"),
        "duration": args.duration,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1],
            "nginx": subprocess.run(
                [nginx_binary(), "-v"], capture_output=True, text=True
            ).stderr.strip(),
            "varnish": subprocess.run(
                [varnishd_binary(), "-V"], capture_output=True, text=True
            ).stderr.split("\n")[0],
        },
        "settings": {
            "threads": THREADS,
            "connections": CONNECTIONS,
            "workers": WORKERS,
            "admin_saves": args.saves,
        },
        "sizes": {},
    }
    if args.breaking:
        results["breaking"] = True
        results["settings"] = {
            "threads": THREADS,
            "workers": WORKERS,
            "readers": args.readers,
            "spike_seconds": args.spike_seconds,
            "changes": args.changes,
            "schedules": args.schedules,
            "posts": args.posts,
        }
    failed = False
    try:
        manage(env, "collectstatic", "--noinput", "-v0")
        for size in sizes:
            if args.breaking:
                data = run_breaking(size, args, env, work)
                news = data["breaking"]
                # A change or scheduled story never seen leaves its figures incomplete.
                failed = failed or any(
                    figures["missing"]
                    for figures in (
                        *news["visible"].values(),
                        news["scheduled"]["proxy_s"],
                        news["live"]["proxy_s"],
                    )
                )
            else:
                data = run_size(size, args, env, work)
                failed = (
                    failed
                    or any("error" in data.get(key, {}) for key in SAVES)
                    or any(
                        "error" in page
                        for layer in data["layers"].values()
                        for page in layer.values()
                    )
                )
            results["sizes"][str(size)] = data
    finally:
        clean_up()
    finished = datetime.datetime.now(datetime.UTC)
    results["finished"] = finished.isoformat(timespec="seconds")
    results["minutes"] = round((finished - started).total_seconds() / 60, 1)
    results["targets"] = targets(results)
    write_results(results, args.name)
    print(report(results))
    log(f"Wrote {RESULTS / args.name}.md and .json in {results['minutes']} minutes")
    if failed:
        log("FAILED: some pages answered errors or changes never showed (see above).")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
