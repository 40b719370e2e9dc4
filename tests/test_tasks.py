"""Background jobs on real Celery workers and the real broker (Redis), with the
processes production has: one that saves content and hands jobs to the broker,
and workers that do them, sharing a database of their own."""

import contextlib
import json
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
        # Pictures on disk, shared by the processes as object storage would be.
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
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


def editor(env, script: str):
    """Run ``script`` in a process of the site (``desk``, ``upload_picture`` and the models
    at hand); what it assigns to ``result`` comes back."""
    prelude = (
        "import json\n"
        "from django.utils import timezone\n"
        "from articles.models import Image, Story\n"
        "from tests.jobs import desk, upload_picture\n"
        "from tests.pictures import photo\n"
    )
    output = manage(
        env, "shell", "--verbosity=0", "-c", f"{prelude}{script}\nprint(json.dumps(result))"
    )
    return json.loads(output.splitlines()[-1])


def media_files(env, folder: str) -> set[str]:
    root = Path(env["MEDIA_ROOT"])
    return {str(p.relative_to(root)) for p in (root / folder).rglob("*") if p.is_file()}


def stored_renditions(env, image_id: int) -> dict:
    [(stored,)] = query(env, "SELECT renditions FROM articles_image WHERE id = ?", image_id)
    return json.loads(stored) if isinstance(stored, str) else stored  # text on SQLite


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


def test_pictures_uploaded_in_the_admin_are_resized_by_a_worker(environment, start_worker):
    # The editor uploads a picture and publishes two stories: no worker is running yet.
    before = editor(
        environment,
        "client = desk()\n"
        "image = upload_picture(client, photo((1000, 600)))\n"
        "now = timezone.now()\n"
        "story = Story.objects.create(headline='Talks in Riyadh', slug='riyadh',\n"
        "    status='published', published_at=now, lead_image=image)\n"
        "plain = Story.objects.create(headline='Talks end', slug='talks-end',\n"
        "    status='published', published_at=now)\n"
        "page = client.get(story.get_absolute_url())\n"
        "admin = client.get(f'/admin/articles/image/{image.pk}/change/').text\n"
        "result = dict(image=image.pk, file=image.file.name, path=story.get_absolute_url(),\n"
        "    card=f'cards/{plain.pk}-{plain.card_digest()}.png', status=page.status_code,\n"
        "    page=page.text, preparing='Being prepared' in admin)",
    )
    image = before["image"]
    # Saved at once, without its renditions; readers get the story without it meanwhile.
    assert before["status"] == 200 and "<img" not in before["page"]
    assert before["preparing"]
    assert stored_renditions(environment, image) == {}
    assert media_files(environment, f"renditions/{image}") == set()

    start_worker()

    assert wait_for(lambda: stored_renditions(environment, image).get("source") == before["file"])
    made = stored_renditions(environment, image)
    names = {name for kind in ("webp", "jpeg") for _, _, name in made[kind]} | {made["share"]}
    names |= {name for _, _, name in made["crops"].values()}
    assert media_files(environment, f"renditions/{image}") == names
    after = editor(environment, f"result = desk().get({before['path']!r}).text")
    assert f"/media/renditions/{image}/" in after and "<picture" in after
    # The story without a picture has its share card drawn by the worker too.
    assert wait_for(lambda: (Path(environment["MEDIA_ROOT"]) / before["card"]).exists())


def test_a_worker_skips_the_jobs_of_replaced_and_deleted_pictures(
    environment, start_worker, tmp_path
):
    before = editor(
        environment,
        "client = desk()\n"
        "replaced = upload_picture(client, photo((900, 600)))\n"
        "old = replaced.file.name\n"
        "deleted = upload_picture(client, photo((700, 500)))\n"
        "response = client.post(f'/admin/articles/image/{deleted.pk}/delete/', {'post': 'yes'})\n"
        "assert response.status_code == 302\n"
        "upload_picture(client, photo((800, 500)), image=replaced)\n"
        "replaced.refresh_from_db()\n"
        "result = dict(replaced=replaced.pk, old=old, new=replaced.file.name,\n"
        "    deleted=deleted.pk)",
    )
    replaced, deleted = before["replaced"], before["deleted"]
    start_worker()

    # Jobs are taken in the order they were sent: this one was sent last.
    assert wait_for(lambda: stored_renditions(environment, replaced).get("source") == before["new"])
    log = (tmp_path / "worker-0.log").read_text()
    assert log.count("make_image_renditions") >= 3 and "Traceback" not in log, log
    assert media_files(environment, f"renditions/{deleted}") == set()
    # The share card, a WebP and a JPEG at each of three widths, and three crops.
    assert len(media_files(environment, f"renditions/{replaced}")) == 1 + 2 * 4 + 3
    root = Path(environment["MEDIA_ROOT"])
    assert not (root / before["old"]).exists() and (root / before["new"]).exists()
