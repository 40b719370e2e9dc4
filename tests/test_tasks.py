"""Background jobs on real Celery workers and the real broker (Redis), with the
processes production has: one that saves content and hands jobs to the broker,
and workers that do them, sharing a database of their own."""

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url
import psycopg
import pytest
import redis

from tests.names import postgres_database, run_name

ROOT = Path(__file__).resolve().parent.parent
BROKER = "redis://127.0.0.1:6379/0"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    """What every process of the site is started with: a migrated database of
    this run's own, and this run's own queue on the broker."""
    queue = run_name("jobs")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="1",
        CELERY_BROKER_URL=BROKER,
        CELERY_QUEUE=queue,
        # A job taken by a worker that dies is given to another after this long.
        CELERY_VISIBILITY_TIMEOUT="2",
    )
    with contextlib.ExitStack() as stack:
        if ON_POSTGRES:
            config = stack.enter_context(postgres_database("jobs", os.environ["DATABASE_URL"]))
            env["DATABASE_URL"] = config["URL"]
        else:
            env["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('jobs') / 'db.sqlite3'}"
        manage(env, "migrate", "--noinput")
        yield env
        client = redis.Redis.from_url(BROKER)
        for key in client.scan_iter(f"{queue}:*"):
            client.delete(key)


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def query(env, sql, *params):
    if ON_POSTGRES:
        with psycopg.connect(env["DATABASE_URL"]) as db:
            return db.execute(sql.replace("?", "%s"), params).fetchall()
    with contextlib.closing(
        sqlite3.connect(dj_database_url.parse(env["DATABASE_URL"])["NAME"])
    ) as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture
def start_worker(environment, tmp_path):
    """Starts ``celery -A newsroom worker`` processes on this run's queue."""
    workers = []

    def start():
        path = tmp_path / f"worker-{len(workers)}.log"
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "newsroom", "worker", "--pool", "solo",
             "-Q", environment["CELERY_QUEUE"], "--without-gossip", "--without-mingle",
             "--include", "tests.jobs", "--loglevel", "INFO"],
            cwd=ROOT, env=environment, stdout=path.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        workers.append(worker)
        # Jobs sent earlier would wait for it; this keeps the timings about the job.
        assert wait_for(lambda: "ready." in path.read_text()), path.read_text()
        return worker

    yield start
    for worker in workers:
        with contextlib.suppress(ProcessLookupError):
            worker.terminate()
        worker.wait(timeout=20)


def test_related_stories_are_counted_by_a_worker_after_the_save(
    environment, start_worker, tmp_path
):
    start_worker()
    # An editor's process: it saves two stories on one topic and hands the
    # counting of their related stories to the queue.
    created = manage(
        environment,
        "shell",
        "--verbosity=0",
        "-c",
        "from django.utils import timezone\n"
        "from articles.models import Section, Story\n"
        "world, _ = Section.objects.get_or_create(slug='world', defaults={'name': 'World'})\n"
        "ids = []\n"
        "for n in (1, 2):\n"
        "    story = Story.objects.create(headline=f'Talks {n}', slug=f'talks-{n}',\n"
        "        section=world, status='published', published_at=timezone.now())\n"
        "    story.tags.add('Diplomacy')\n"
        "    ids.append(story.pk)\n"
        "print(*ids)",
    )
    first, second = map(int, created.split())

    def suggested():
        return query(
            environment, "SELECT suggested_id FROM articles_suggestion WHERE story_id = ?", second
        )

    assert wait_for(lambda: suggested() == [(first,)])
    assert "recount_suggestions" in (tmp_path / "worker-0.log").read_text()


def test_a_job_whose_worker_is_killed_is_done_by_another(environment, start_worker, tmp_path):
    done = tmp_path / "done"
    first = start_worker()
    manage(
        environment,
        "shell",
        "--verbosity=0",
        "-c",
        f"from tests.jobs import mark_slowly; mark_slowly.delay({str(done)!r}, 3)",
    )
    assert wait_for(Path(f"{done}.started").exists), (tmp_path / "worker-0.log").read_text()
    first.kill()  # as the OOM killer or a lost machine would: no chance to hand it back
    first.wait()
    assert not done.exists()

    # Redis hands a job back once it has been out for the visibility timeout; a
    # worker starting after that takes it at once (a running one looks now and then).
    time.sleep(2.5)
    start_worker()
    assert wait_for(done.exists, 40), (tmp_path / "worker-1.log").read_text()
