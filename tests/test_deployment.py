"""docker-compose.yml, the Dockerfile, .env.example and the README agree with the code."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.serving import VARNISHD_PARAMETERS

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
GUNICORN_CONF = (ROOT / "gunicorn.conf.py").read_text()
SERVICES = COMPOSE["services"]

# Read only by `make run`'s local accounts, or by the scripts themselves.
DEVELOPMENT_ONLY = {"ADMIN_USERNAME", "ADMIN_PASSWORD", "PYTHON", "BENCH_FLOOR_FILE"}


def variables_read_by_the_code() -> set[str]:
    patterns = [
        r"\benviron\.get\(\s*\"([A-Z][A-Z0-9_]+)\"",
        r"os\.environ\[\s*[\"']([A-Z][A-Z0-9_]+)[\"']\s*\]",
        r"env_(?:bool|list)\(\s*\"([A-Z][A-Z0-9_]+)\"",
        r"\benv=\"([A-Z][A-Z0-9_]+)\"",
        r"\$\{([A-Z][A-Z0-9_]+)",
    ]
    files = [
        ROOT / "newsroom" / "settings.py",
        ROOT / "gunicorn.conf.py",
        ROOT / "bin" / "serve",
        *(ROOT / "articles").rglob("*.py"),
    ]
    found = set()
    for path in files:
        text = path.read_text()
        for pattern in patterns:
            found.update(re.findall(pattern, text))
    return found - {"DJANGO_SETTINGS_MODULE"}


def test_every_setting_from_the_environment_is_in_env_example_and_the_reference():
    variables = variables_read_by_the_code()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ADMIN_URL", "PORT"} <= variables
    example = (ROOT / ".env.example").read_text()
    reference = (ROOT / "docs" / "configuration.md").read_text()
    in_example = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert variables - DEVELOPMENT_ONLY - in_example == set()
    assert {v for v in variables if f"`{v}`" not in reference} == set()


def test_compose_runs_postgres_redis_and_the_web_service_with_health_checks():
    assert set(SERVICES) >= {"db", "redis", "web", "proxy"}
    major = int(re.match(r"postgres:(\d+)", SERVICES["db"]["image"])[1])
    assert major >= 16
    assert "pg_isready" in " ".join(SERVICES["db"]["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in SERVICES["db"]["volumes"])
    assert "postgres-data" in COMPOSE["volumes"]
    assert "ping" in SERVICES["redis"]["healthcheck"]["test"]
    web = SERVICES["web"]
    assert web["build"] == "."
    assert web["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    assert web["env_file"] == ".env"


def test_a_worker_from_the_same_image_does_the_jobs_from_a_queue_that_keeps_them():
    web, worker, queue = SERVICES["web"], SERVICES["worker"], SERVICES["queue"]
    assert worker["image"] == web["image"] and worker["build"] == web["build"]
    assert worker["command"][:4] == ["celery", "-A", "newsroom", "worker"]
    broker = web["environment"]["CELERY_BROKER_URL"]
    assert (
        broker.startswith("redis://queue:6379")
        and worker["environment"]["CELERY_BROKER_URL"] == broker
    )
    assert worker["environment"]["DATABASE_URL"] == web["environment"]["DATABASE_URL"]
    assert worker["depends_on"]["web"] == {"condition": "service_healthy"}
    assert "inspect ping" in " ".join(worker["healthcheck"]["test"])
    # Jobs survive a restart of the queue and are never evicted to make room.
    assert "--appendonly" in queue["command"] and "noeviction" in queue["command"]
    assert any(volume.endswith(":/data") for volume in queue["volumes"])


def test_one_scheduler_sweeps_purges_and_every_app_process_purges_the_proxy():
    beat = SERVICES["beat"]
    assert beat["image"] == SERVICES["web"]["image"]
    assert beat["command"][:4] == ["celery", "-A", "newsroom", "beat"]
    assert (
        beat["environment"]["CELERY_BROKER_URL"]
        == SERVICES["worker"]["environment"]["CELERY_BROKER_URL"]
    )
    assert "deploy" not in beat or beat["deploy"].get("replicas", 1) == 1
    # Its schedule file lives where the unprivileged user may write.
    schedule = beat["command"][beat["command"].index("--schedule") + 1]
    assert any(schedule.startswith(path) for path in beat["tmpfs"])
    purge = varnishd_options(SERVICES["proxy"]["command"], "-a")
    assert "purge=:6091,HTTP" in purge and "6091" in SERVICES["proxy"]["expose"]
    assert not any("6091" in port for port in SERVICES["proxy"]["ports"])
    # The web service sends long-lived pages only when it can purge them.
    for name in ("web", "worker"):
        assert SERVICES[name]["environment"]["PURGE_VARNISH_URLS"] == "http://proxy:6091"


def varnishd_options(command: list[str], flag: str) -> list[str]:
    return [command[i + 1] for i, word in enumerate(command[:-1]) if word == flag]


def test_readers_reach_the_app_through_the_caching_proxy():
    proxy, web = SERVICES["proxy"], SERVICES["web"]
    assert "ports" not in web and web["expose"] == ["8000"]
    assert re.fullmatch(r"varnish:7\.\d+", proxy["image"])
    assert proxy["depends_on"] == {"web": {"condition": "service_healthy"}}
    assert "/healthz" in " ".join(proxy["healthcheck"]["test"])
    # The VCL of the repository, which the tests and the benchmark run too.
    assert "./deploy/varnish:/etc/varnish:ro" in proxy["volumes"]
    command = proxy["command"]
    assert command[:2] == ["varnishd", "-F"]
    assert varnishd_options(command, "-f") == ["/etc/varnish/default.vcl"]
    assert varnishd_options(command, "-p") == VARNISHD_PARAMETERS
    backend = (ROOT / "deploy" / "varnish" / "backend.vcl").read_text()
    assert '.host = "web";' in backend and '.port = "8000";' in backend
    # Readers on the published port; purges on a port only the compose network reaches.
    public, purge = varnishd_options(command, "-a")
    assert public == "${VARNISH_LISTENER:-lb}=:8000,HTTP"
    assert purge == "purge=:6091,HTTP"
    assert proxy["ports"] == ["${WEB_PORT:-8000}:8000"] and proxy["expose"] == ["6091"]
    vcl = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
    for name in ("lb", "purge"):
        assert f'local.socket == "{name}"' in vcl


def test_the_proxy_lets_go_of_idle_connections_to_gunicorn_before_gunicorn_does():
    keepalive = int(re.search(r"^keepalive = (\d+)", GUNICORN_CONF, re.MULTILINE)[1])
    [idle] = [p for p in VARNISHD_PARAMETERS if p.startswith("backend_idle_timeout=")]
    assert float(idle.split("=")[1]) < keepalive


def test_the_health_checks_ask_for_a_host_the_app_allows():
    # The proxy's probe asks for localhost (deploy/varnish/default.vcl): the app must
    # allow it, or Varnish would think it down and send it nothing.
    vcl = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
    assert '"Host: localhost"' in vcl
    web = SERVICES["web"]
    assert web["environment"]["ALLOWED_HOSTS"].split(",")[-1] == "localhost"
    assert "//localhost:8000/healthz" in " ".join(web["healthcheck"]["test"])
    assert "Host: localhost" in " ".join(SERVICES["proxy"]["healthcheck"]["test"])


def test_web_service_runs_the_entrypoint_script_against_the_compose_services():
    web = SERVICES["web"]
    assert web["command"] == ["bin/serve"]
    assert 'CMD ["bin/serve"]' in DOCKERFILE
    assert "@db:5432/" in web["environment"]["DATABASE_URL"]
    assert web["environment"]["REDIS_URL"].startswith("redis://redis:6379")
    serve = ROOT / "bin" / "serve"
    assert os.access(serve, os.X_OK)
    assert "0.0.0.0:{os.environ.get('PORT', '8000')}" in (ROOT / "gunicorn.conf.py").read_text()
    assert "wait_for_db" in serve.read_text() and "migrate" in serve.read_text()


def dockerfile_instructions() -> list[str]:
    """One string per instruction, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_dockerfile_is_slim_cached_unprivileged_and_has_no_secrets():
    lines = dockerfile_instructions()
    # The image runs the newest Python that CI runs the suite on.
    base = next(line for line in lines if line.startswith("FROM"))
    tested = re.findall(r"PYENV_VERSION=(3\.\d+)", (ROOT / ".ci" / "run").read_text())
    newest = max(tested, key=lambda version: tuple(map(int, version.split("."))))
    assert re.match(rf"FROM python:{re.escape(newest)}-slim", base)
    # Dependencies are installed before the code is copied, so that layer is cached.
    assert DOCKERFILE.index("COPY pyproject.toml") < DOCKERFILE.index("pip install -r")
    assert DOCKERFILE.index("pip install -r") < DOCKERFILE.index("COPY . .")
    assert "collectstatic" in DOCKERFILE
    user = next(line for line in lines if line.startswith("USER "))
    assert user.split()[1] not in {"root", "0"}
    assert any(line.startswith("HEALTHCHECK") for line in lines)
    baked = [line for line in lines if line.startswith(("ENV", "ARG", "LABEL"))]
    assert not [line for line in baked if "SECRET" in line or "PASSWORD" in line]
    assert "PASSWORD" not in DOCKERFILE
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".git", ".venv", "db.sqlite3", "media"} <= set(ignored)


def test_env_example_gives_a_production_configuration():
    example = dict(
        re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", (ROOT / ".env.example").read_text(), re.MULTILINE)
    )
    assert example["DEBUG"] == "0"
    assert example["SECRET_KEY"] == ""  # filled in by the operator, never shipped
    assert example["TRUST_X_FORWARDED_PROTO"] == "1"
    assert example["POSTGRES_PASSWORD"] == ""


# Run in a Python of its own: loading gunicorn.conf.py patches the process for gevent.
GUNICORN_HOOKS = """
import gc, json, runpy, sys
config = runpy.run_path(sys.argv[1])
frozen = {}
# pre_fork(server, worker) in the master, post_worker_init(worker) in each worker.
for hook, arguments in {"pre_fork": (None, None), "post_worker_init": (None,)}.items():
    gc.unfreeze()
    config[hook](*arguments)
    frozen[hook] = gc.get_freeze_count()
print(json.dumps({"preload_app": config["preload_app"], "frozen": frozen}))
"""


def test_gunicorn_workers_fork_from_a_loaded_app_set_aside_from_garbage_collection():
    run = subprocess.run(
        [sys.executable, "-c", GUNICORN_HOOKS, str(ROOT / "gunicorn.conf.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    config = json.loads(run.stdout)
    assert config["preload_app"] is True
    assert all(count > 1000 for count in config["frozen"].values()), config["frozen"]


def test_env_example_works_on_a_bare_host_too_container_paths_are_the_images():
    example = (ROOT / ".env.example").read_text()
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", example, re.MULTILINE))
    assert {name for name, value in values.items() if value.startswith("/app")} == set()
    assert "COLLECTSTATIC" not in values
    for setting in ["COLLECTSTATIC=0", "STATIC_ROOT=/app/staticfiles", "MEDIA_ROOT=/app/media"]:
        assert setting in DOCKERFILE
