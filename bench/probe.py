"""The benchmark's work inside Django, against the benchmark database (see run.py).

    probe.py setup OUT.json      pick the URLs, make a signed-in session, count SQL queries,
                                 make an editor who signs in with a password, pick the
                                 published story they save
    probe.py publish OUT.json    publish a new story now (as an editor would, through save())
    probe.py remove STORY_ID     delete that story again
    probe.py breaking OUT.json DRAFTS SCHEDULED
                                 breaking news: the hot story and its section, an editor
                                 who signs in with a password, drafts for them to
                                 publish and to schedule, and a story to cover live

Results go to OUT.json: the app's own log lines go to standard output.
"""

import json
import math
import os
import secrets
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.management.commands.generate_stories import (  # noqa: E402
    COMMON_WORD,
    RARE_WORDS,
)
from articles.models import Byline, Person, Section, Story  # noqa: E402
from articles.search import story_search  # noqa: E402

ADMIN_USERNAME = "bench-admin"
EDITOR_USERNAME = "bench-editor"
PAGE_SIZE = 20
DEEP_PAGE = 50


def signed_in_session() -> str:
    """A session key for a superuser, as if they had signed in."""
    user, _ = User.objects.get_or_create(
        username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def editor_with_password() -> dict:
    """An editor of the Editor group (the roles' migration makes it), with a new password."""
    user, _ = User.objects.get_or_create(
        username=EDITOR_USERNAME, defaults={"is_staff": True, "first_name": "Bench"}
    )
    password = secrets.token_urlsafe(16)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name="Editor"))
    return {"username": user.username, "password": password, "login_url": reverse("admin:login")}


def story_to_save() -> dict:
    """A published story like the one measured, but not that one: its page stays as it was."""
    story = Story.objects.published().order_by("-published_at")[6:7].get()
    return {
        "id": story.pk,
        "admin_url": reverse("admin:articles_story_change", args=[story.pk]),
        "bylines": story.bylines.count(),
        "tags": story.tags.count(),
        "body_bytes": len(story.body.encode()),
    }


def busiest_section(published) -> Section:
    return (
        Section.objects.filter(stories__in=published)
        .annotate(n=Count("stories"))
        .order_by("-n")
        .first()
    )


def pick_urls() -> tuple[dict, list[str], dict]:
    """The pages to measure: the busiest section, tag and person make the honest case."""
    published = Story.objects.published()
    notes, facts = [], {"published_stories": published.count()}
    story = published.order_by("-published_at")[5:6].get()
    section = busiest_section(published)
    tag = (
        Tag.objects.filter(articles_taggedstory_items__content_object__in=published)
        .annotate(n=Count("articles_taggedstory_items"))
        .order_by("-n")
        .first()
    )
    author = (
        Byline.objects.filter(story__in=published)
        .values("person")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    person = Person.objects.get(pk=author["person"])
    facts.update(section_stories=section.n, tag_stories=tag.n, person_bylines=author["n"])
    rare = next(word for word in RARE_WORDS if story_search(word).exists())
    facts.update(
        common_word=COMMON_WORD,
        common_matches=story_search(COMMON_WORD).count(),
        rare_word=rare,
        rare_matches=story_search(rare).count(),
    )
    urls = {
        "front page": "/",
        "story": story.get_absolute_url(),
        "section": section.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": tag.slug}),
        "person": person.get_absolute_url(),
    }
    pages = math.ceil(section.n / PAGE_SIZE)
    if pages >= DEEP_PAGE:
        urls[f"page {DEEP_PAGE}"] = f"{section.get_absolute_url()}?page={DEEP_PAGE}"
    else:
        notes.append(
            f"No page {DEEP_PAGE} to measure: the largest section ({section.name}) has "
            f"{section.n:,} stories, {pages} pages."
        )
    urls.update(
        {
            "search, common word": f"/search/?q={COMMON_WORD}",
            "search, rare word": f"/search/?q={rare}",
            "feed": "/feed/",
            "sitemap index": "/sitemap.xml",
            "sitemap page": reverse("articles:sitemap-section", kwargs={"section": "stories"}),
            "news sitemap": "/news-sitemap.xml",
            "admin story list": "/admin/articles/story/",
        }
    )
    return urls, notes, facts


@override_settings(PAGE_CACHE=False, FRAGMENT_CACHE=False)
def count_queries(urls: dict, session_key: str) -> dict:
    """SQL queries of each page, rendered in this process with the caches off
    (the page cache and its fragments: a page's own queries).

    The first request warms up what every process loads once; the second is counted.
    A query gets as long as gunicorn gives a whole request (GUNICORN_TIMEOUT).
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{os.environ.get('GUNICORN_TIMEOUT', '30')}s'")
    counts = {}
    for name, url in urls.items():
        client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
        if name.startswith("admin"):
            client.cookies["sessionid"] = session_key
        started = time.perf_counter()
        first = client.get(url)
        if first.status_code != 200:
            # A timed-out query gives a 500 here; counting again would only time out again.
            counts[name] = {
                "queries": None,
                "status": first.status_code,
                "ms_in_process": round((time.perf_counter() - started) * 1000, 1),
            }
            continue
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        counts[name] = {
            "queries": len(queries),
            "status": response.status_code,
            "ms_in_process": round(elapsed * 1000, 1),
            "bytes": len(response.content),
        }
    return counts


def setup(out: Path) -> None:
    urls, notes, facts = pick_urls()
    session_key = signed_in_session()
    result = {
        "urls": urls,
        "notes": notes,
        "facts": facts,
        "session": session_key,
        "queries": count_queries(urls, session_key),
        "editor": editor_with_password(),
        "save_story": story_to_save(),
    }
    out.write_text(json.dumps(result, indent=2))


def publish(out: Path) -> None:
    token = uuid.uuid4().hex[:10]
    story = Story.objects.create(
        headline=f"Breaking story {token} published during the benchmark",
        slug=f"breaking-story-{token}",
        dek="A story published while readers are on the site.",
        body="<p>It must reach readers at once through the app.</p>",
        status=Story.Status.PUBLISHED,
        published_at=timezone.now(),
        section=Section.objects.order_by("position").first(),
    )
    out.write_text(json.dumps({"id": story.pk, "headline": story.headline, "token": token}))


def breaking(out: Path, drafts: int, scheduled: int) -> None:
    """The breaking-news scenario's cast: the busiest section, its newest story (the
    hot one, on the front page), an editor, drafts in that section, each with a
    headline of its own to look for on the pages, and the section's next story, to
    cover live (signed by its first author)."""
    published = Story.objects.published()
    section = busiest_section(published)
    hot, live = published.filter(section=section).order_by("-published_at")[:2]
    token = uuid.uuid4().hex[:8]

    def draft(name: str) -> dict:
        story = Story.objects.create(
            headline=f"Flash {name} {token}: ministers meet overnight",
            slug=f"flash-{name}-{token}",
            dek="Filed as the news broke.",
            body="<p>More follows.</p>",
            section=section,
        )
        return {"id": story.pk, "headline": story.headline}

    result = {
        "editor": editor_with_password(),
        "section": section.get_absolute_url(),
        "story": {
            "id": hot.pk,
            "path": hot.get_absolute_url(),
            "headline": hot.headline,
            "admin_url": reverse("admin:articles_story_change", args=[hot.pk]),
        },
        "drafts": [draft(f"d{n}") for n in range(drafts)],
        "scheduled": [draft(f"s{n}") for n in range(scheduled)],
        "live": {
            "id": live.pk,
            "path": live.get_live_url(),
            "author": live.bylines.order_by("order").values_list("person", flat=True).first()
            or Person.objects.values_list("pk", flat=True).first(),
        },
    }
    out.write_text(json.dumps(result, indent=2))


def remove(story_id: str) -> None:
    Story.objects.filter(pk=int(story_id)).delete()


if __name__ == "__main__":
    task, argument = sys.argv[1], sys.argv[2]
    if task == "setup":
        setup(Path(argument))
    elif task == "publish":
        publish(Path(argument))
    elif task == "remove":
        remove(argument)
    elif task == "breaking":
        breaking(Path(argument), int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(f"Unknown task {task!r}: setup, publish, remove or breaking.")
