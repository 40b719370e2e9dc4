"""How long ingest takes on large input, through the whole pipeline (read, clean,
suggest, save the draft and its suggestions):

    .venv/bin/python bench/ingest_speed.py

- a 2 MB web page (goal: under 2 s): a real page of tests/data/ingest/pages/ grown
  to 2 MB as news pages grow (inline state, menus, related cards), and the worst
  case, 2 MB of article text;
- a partner feed of 100 different items of about 1,000 words each, polled once (goal: under
  30 s), then polled again (nothing new: every item is known by its id).

The database is an in-memory SQLite with the demo's records (the directory that
attribution matches against), made for the run; the feed is served to the poll
from memory. Each figure is the best of three runs.
"""

import json
import os
import random
import re
import sys
import time
from email.message import Message
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings_test")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils.html import escape  # noqa: E402

import ingest.fetch  # noqa: E402
from articles.models import Story  # noqa: E402
from ingest import pipeline  # noqa: E402
from ingest.feeds import poll  # noqa: E402
from ingest.models import FeedItem, PartnerFeed  # noqa: E402

PAGES = ROOT / "tests" / "data" / "ingest" / "pages"
PAGE = PAGES / "guardian-casual-academics.html"
CLEAN = ROOT / "articles" / "demo" / "trump-putin-call.txt"


def heavy_page(size: int = 2_000_000) -> bytes:
    """A real article page grown to ``size`` the way news pages grow: an inline
    script holding the app's state, a mega-menu and hundreds of related-story cards
    around the same article."""
    html = PAGE.read_text(encoding="utf-8")
    cards = "".join(
        f'<li class="card"><a href="/story/{n}"><img src="/i/{n}.jpg" alt="">'
        f"<span>Related story number {n}, with a headline of ordinary length</span></a></li>"
        for n in range(300)
    )
    menu = "".join(f'<li><a href="/section/{n}">Section {n}</a></li>' for n in range(400))
    filler = size - len(html) - len(cards) - len(menu)
    state = '{"items": [' + ",".join(['{"id": 1, "kind": "teaser"}'] * (filler // 28)) + "]}"
    head_end = html.index("</head>")
    body_end = html.rindex("</body>")
    return (
        html[:head_end]
        + f"<script>window.__STATE__ = {state};</script>"
        + html[head_end:body_end]
        + f"<nav><ul>{menu}</ul></nav><aside><ul>{cards}</ul></aside>"
        + html[body_end:]
    ).encode()


def text_page(size: int = 2_000_000) -> bytes:
    """The worst case: 2 MB of article text (some 170,000 words), the same page's
    first paragraph again and again inside its article."""
    html = PAGE.read_text(encoding="utf-8")
    start = html.index("<p>", html.index("<article") if "<article" in html else 0)
    end = html.index("</p>", start) + 4
    paragraph = html[start:end]
    repeated = paragraph * ((size - len(html)) // len(paragraph) + 1)
    return (html[:end] + repeated + html[end:]).encode()


def feed(items: int = 100) -> bytes:
    """An RSS feed of ``items`` different stories of about 1,000 words, each made of
    sentences drawn from the demo text and the annotated pages' kept sentences."""
    pool = re.split(r"(?<=[.”])\s+", " ".join(CLEAN.read_text(encoding="utf-8").split()))
    for annotation in PAGES.glob("*.json"):
        pool += json.loads(annotation.read_text(encoding="utf-8")).get("must_keep", [])
    entries = []
    for number in range(items):
        chosen = random.Random(number).sample(pool, 45)
        body = "".join(
            f"<p>{escape(' '.join(chosen[i : i + 3]))}</p>" for i in range(0, len(chosen), 3)
        )
        entries.append(
            f"<item><title>Story number {number}</title>"
            f"<link>https://partner.example/{number}</link>"
            f"<guid>https://partner.example/{number}</guid>"
            f"<pubDate>Mon, 07 Dec 2026 {number % 24:02d}:00:00 GMT</pubDate>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Partner</title><link>https://partner.example/</link>"
        f"{''.join(entries)}</channel></rss>"
    ).encode()


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main():
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", verbosity=0, stdout=quiet)
    for label, page in (("a 2 MB news page", heavy_page()), ("2 MB of text", text_page())):
        seconds = best_of(3, lambda page=page: pipeline.ingest_bytes(page, filename="big.html"))
        words = len(Story.objects.order_by("-pk").first().body.split())
        print(f"{label} ({len(page) / 1e6:.1f} MB, {words:,} words kept): {seconds:.2f} s")

    body = feed()
    answer = ingest.fetch.FetchResult("https://partner.example/feed", 200, Message(), body)
    partner = PartnerFeed.objects.create(name="Partner", url="https://partner.example/feed")

    def poll_fresh():
        FeedItem.objects.all().delete()
        return poll(partner)

    with mock.patch("ingest.fetch.fetch", return_value=answer):
        seconds = best_of(3, poll_fresh)
        new = FeedItem.objects.exclude(story=None).count()
        print(f"feed of 100 items ({len(body) / 1e3:.0f} kB, {new} drafts): {seconds:.2f} s")
        seconds = best_of(3, lambda: poll(partner))
        print(f"the same feed again (nothing new): {seconds:.2f} s")


if __name__ == "__main__":
    main()
