import datetime
import random
import re
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db import connection, connections, transaction
from django.urls import path
from django.utils import timezone

from articles.management.commands.generate_stories import Writer
from articles.models import Section, Source, Story
from ingest import similar
from ingest.admin_feeds import FeedItemAdmin, PartnerFeedAdmin
from ingest.document import IngestError
from ingest.feeds import poll, read_feed
from ingest.models import FeedItem, PartnerFeed
from ingest.tasks import poll_feed, poll_feeds
from tests.factories import SectionFactory, StoryFactory

WIRE = Path(__file__).parent / "data" / "ingest" / "wire"
SEED = Path(__file__).parent.parent / "articles" / "demo" / "trump-putin-call.txt"


def fixture(name: str) -> bytes:
    return (WIRE / name).read_bytes()


def seed_paragraphs() -> list[str]:
    return [p for p in SEED.read_text().split("\n\n") if len(p.split()) > 25]


# SimHash


def test_the_same_copy_with_other_whitespace_quotes_and_punctuation_has_the_same_fingerprint():
    text = SEED.read_text()
    retyped = re.sub(r"\s+", "  ", text).replace("“", '"').replace("”", '"').replace("’", "'")
    retyped = retyped.replace("—", " - ")
    assert similar.distance(similar.fingerprint(text), similar.fingerprint(retyped)) == 0


def test_a_story_with_one_word_corrected_is_near_identical():
    text = SEED.read_text()
    corrected = text.replace("did not included", "did not include")
    assert corrected != text
    assert similar.distance(similar.fingerprint(text), similar.fingerprint(corrected)) <= 3
    # Wherever the changed word is, the story stays close.
    words = text.split(" ")
    distances = []
    for i in range(5, len(words), len(words) // 25):
        changed = words[:i] + ["banana"] + words[i + 1 :]
        distances.append(
            similar.distance(similar.fingerprint(text), similar.fingerprint(" ".join(changed)))
        )
    assert sum(d <= 3 for d in distances) >= 0.9 * len(distances)
    assert max(distances) <= 6


def test_different_stories_are_far_apart():
    paragraphs = seed_paragraphs()
    invented = [
        "The district council on Wednesday approved a scheme of flood defences for the lower "
        "town, where more than 200 homes and businesses were flooded three times in the last "
        "five years, after residents packed the public gallery.",
        "The last buses of the evening on three routes through the valley will stop running "
        "from March, the bus company said on Wednesday, blaming a fall in passengers since "
        "the pandemic and the price of fuel.",
    ]
    prints = [similar.fingerprint(text) for text in paragraphs + invented]
    for i, a in enumerate(prints):
        for b in prints[i + 1 :]:
            assert similar.distance(a, b) > 10


def test_fingerprints_are_signed_64_bit_and_stable():
    value = similar.fingerprint("Peskov said Putin had invited Trump to Moscow.")
    assert -(2**63) <= value < 2**63
    assert value == similar.fingerprint("Peskov said Putin had invited Trump to Moscow.")
    assert similar.fingerprint("") == 0
    assert similar.distance(-1, 0) == 64


# Reading feeds


def test_rss2_entries_carry_full_text_byline_date_and_categories():
    entries = read_feed(fixture("partner-rss2.xml"), url="https://valleycourier.example.com/feed/")
    assert [e.guid for e in entries] == [
        "https://valleycourier.example.com/?p=48213",
        "https://valleycourier.example.com/?p=48190",
        "https://valleycourier.example.com/?p=48170",
    ]
    first = entries[0].extracted
    assert first.kind == "feed-item"
    assert first.headline == "Council approves £4m flood defences for the lower town"
    assert first.dek.startswith("Homes along the river that flooded three times")
    assert first.authors == ["Amira Haddad"]
    assert first.published_at == datetime.datetime(2025, 2, 12, 17, 5, tzinfo=datetime.UTC)
    assert first.publisher == "Valley Courier"
    assert first.url == entries[0].link
    assert first.url.endswith("/council-approves-flood-defences/")
    assert first.language == "en-GB"
    assert first.keywords == ["Local", "Flooding", "Council"]
    tags = [b.tag for b in first.blocks]
    assert tags == ["p", "p", "h2", "p", "blockquote", "p", "p", "ul", "ul", "ul", "p"]
    assert first.blocks[2].text == "“We have waited long enough”"
    assert first.blocks[8].text == "two pumping stations, at Mill Lane and the old tannery;"
    # The plugin's footer line is junk; the picture's caption is not body copy.
    assert "appeared first on" not in first.text
    assert first.removed and "appeared first on Valley Courier" in first.removed[0]
    assert "Photo: Valley Courier" not in first.text
    assert entries[1].extracted.authors == ["Tom Okafor", "Amira Haddad"]
    # An item with a description only is read from it.
    assert entries[2].extracted.paragraphs == [
        "A reader caught the first light on the frozen weir at Eastbridge on Monday morning."
    ]
    assert entries[2].extracted.dek == ""


def test_atom_entries_in_french_with_content_or_summary():
    entries = read_feed(fixture("partner-atom.xml"))
    ferry, budget = (e.extracted for e in entries)
    assert entries[0].guid == "tag:journal-du-lac.example.org,2025-02-12:/traversier-reprise"
    assert ferry.language == "fr"
    assert ferry.publisher == "Le Journal du Lac"
    assert ferry.authors == ["Claire Dubois"]
    assert ferry.published_at == datetime.datetime(2025, 2, 12, 14, 45, tzinfo=datetime.UTC)
    assert (
        ferry.dek
        == "Le bateau qui relie les deux rives avait été immobilisé par une panne de moteur."
    )
    assert [b.tag for b in ferry.blocks] == ["p", "p", "h3", "p"]
    assert ferry.keywords == ["Transports", "Lac"]
    # No published date: the updated one.
    assert budget.published_at == datetime.datetime(2025, 2, 11, 20, 30, tzinfo=datetime.UTC)
    assert budget.paragraphs == [
        "Le budget a été adopté par 19 voix contre 8, après quatre heures de débat.",
        "L'opposition a dénoncé la hausse de la taxe sur les déchets.",
    ]


def test_rss1_items_with_dublin_core():
    entries = read_feed(fixture("partner-rss1.xml"))
    assert len(entries) == 2
    fares = entries[0].extracted
    assert entries[0].guid == "https://harbour-gazette.example.net/news/2025/02/ferry-fares"
    assert fares.headline == "Island ferry fares to rise by 9 per cent"
    assert fares.authors == ["Sean Murphy"]
    assert fares.published_at == datetime.datetime(2025, 2, 12, 8, 0, tzinfo=datetime.UTC)
    assert fares.language == "en"
    assert len(fares.paragraphs) == 2


def test_an_entry_without_id_or_link_is_known_by_its_text():
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>One</title><description>First text.</description></item>"
        b"<item><title>Two</title><description>Second text.</description></item>"
        b"</channel></rss>"
    )
    first, second = read_feed(feed)
    assert first.guid != second.guid
    assert first.guid == read_feed(feed)[0].guid


def test_an_id_longer_than_the_record_holds_is_known_by_its_digest():
    long_id = "https://partner.example.com/?" + "x" * 2500
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"<item><guid>{long_id}</guid><title>One</title><description>Text.</description></item>"
        "</channel></rss>"
    ).encode()
    (entry,) = read_feed(feed)
    assert entry.guid.startswith("sha256:") and len(entry.guid) < 100
    assert read_feed(feed)[0].guid == entry.guid


def test_an_empty_feed_has_no_entries():
    assert read_feed(fixture("partner-empty.xml")) == []


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "it is empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "it is not XML"),
        (b'{"items": []}', "it is not XML"),
        (b'<?xml version="1.0"?><catalog><book/></catalog>', "no <rss>, <rdf:RDF> or <feed>"),
    ],
)
def test_what_is_not_a_feed_is_refused_with_the_reason(data, why):
    with pytest.raises(IngestError) as raised:
        read_feed(data, url="https://partner.example.com/feed")
    message = str(raised.value)
    assert message.startswith("https://partner.example.com/feed is not an RSS or Atom feed")
    assert why in message


def test_a_web_page_given_as_a_feed_is_refused():
    with pytest.raises(IngestError, match="is not an RSS or Atom feed: it is a web page"):
        read_feed(fixture("not-a-feed.html"))


def rss_with_doctype(declarations: str, title: str, description: str, encoding="utf-8"):
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE rss [{declarations}]>'
        '<rss version="2.0"><channel><title>T</title><item><guid>g</guid>'
        f"<title>{title}</title><description>{description}</description></item>"
        "</channel></rss>"
    ).encode(encoding)


LAUGHS = '<!ENTITY lol1 "lol">' + "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(2, 10)
)


@pytest.mark.parametrize(
    "declarations",
    [
        LAUGHS,  # on one line, past feedparser's own stripping
        LAUGHS.replace("><", ">\n<"),
        '<!ENTITY lol9 SYSTEM "file:///etc/passwd">',
        '<!ENTITY % lol9 SYSTEM "https://attacker.example.com/x.dtd"> %lol9;',
        f'<!ENTITY lol9 "{"lol" * 100_000}">',
    ],
)
def test_a_feed_declaring_entities_that_expand_or_read_files_is_refused(declarations):
    for encoding in ("utf-8", "utf-16"):
        feed = rss_with_doctype(declarations, "A &lol9; B", "Text &lol9;", encoding)
        started = time.monotonic()
        with pytest.raises(IngestError, match="its DOCTYPE declares entities"):
            read_feed(feed)
        assert time.monotonic() - started < 0.1


def test_a_feed_naming_a_character_as_an_entity_is_read():
    feed = rss_with_doctype(
        '\n<!ENTITY nbsp "&#160;">\n<!ENTITY mdash "&#8212;">\n',
        "Fares&nbsp;rise",
        "Up 9 per cent &mdash; from April.",
    )
    (entry,) = read_feed(feed)
    assert entry.extracted.headline == "Fares rise"
    assert entry.extracted.text == "Up 9 per cent — from April."


# Polling


def feed_answer(body: bytes, status: int = 200, headers=None):
    return SimpleNamespace(url="", status=status, headers=headers or {}, body=body)


@pytest.fixture
def partner(db):
    return PartnerFeed.objects.create(
        name="Valley Courier",
        url="https://valleycourier.example.com/feed/",
        section=SectionFactory(name="Local", slug="local"),
    )


@pytest.fixture
def fetched(monkeypatch):
    """What the partner's server answers, and the requests it was sent."""
    server = SimpleNamespace(answer=feed_answer(fixture("partner-rss2.xml")), requests=[])

    def fetch(url, *, max_bytes, timeout, headers=None):
        server.requests.append({"url": url, "headers": dict(headers or {})})
        if isinstance(server.answer, Exception):
            raise server.answer
        return server.answer

    monkeypatch.setattr("ingest.fetch.fetch", fetch)
    return server


@pytest.fixture
def pipeline(monkeypatch):
    """The drafts made, and the headlines the pipeline refuses."""
    made = SimpleNamespace(calls=[], refuse=set())

    def ingest(extracted, *, origin_kind, given_as, section=None, publisher=None, **options):
        if extracted.headline in made.refuse:
            raise IngestError("The page has no text to make a draft of.")
        story = StoryFactory(draft=True, headline=extracted.headline, section=section)
        made.calls.append({"extracted": extracted, "kind": origin_kind, "given_as": given_as})
        return SimpleNamespace(story=story)

    monkeypatch.setattr("ingest.pipeline.ingest", ingest)
    return made


def test_new_items_become_drafts_oldest_first(partner, fetched, pipeline):
    result = poll(partner)
    assert (result.new, result.duplicates, result.errors) == (3, 0, [])
    assert [c["extracted"].headline for c in pipeline.calls] == [
        "Photo of the week: frost on the weir",
        "Bus company cuts evening services on three routes",
        "Council approves £4m flood defences for the lower town",
    ]
    assert {c["kind"] for c in pipeline.calls} == {"feed"}
    assert pipeline.calls[-1]["given_as"].endswith("/council-approves-flood-defences/")
    items = FeedItem.objects.filter(feed=partner)
    assert items.count() == 3
    assert all(item.story.status == Story.Status.DRAFT for item in items)
    assert all(item.story.section == partner.section for item in items)
    partner.refresh_from_db()
    assert partner.last_result == "3 new, 0 duplicates"
    assert partner.polled_at is not None and partner.failures == 0


def test_polling_again_adds_nothing(partner, fetched, pipeline):
    poll(partner)
    result = poll(partner)
    assert (result.new, result.duplicates) == (0, 0)
    assert FeedItem.objects.count() == 3
    assert Story.objects.count() == 3


def test_an_item_republished_under_a_new_id_is_a_duplicate(partner, fetched, pipeline):
    poll(partner)
    original = FeedItem.objects.get(guid="https://valleycourier.example.com/?p=48213")
    republished = (
        fixture("partner-rss2.xml")
        .replace(b"?p=48213", b"?p=50001")
        .replace(b"&#8220;We have waited long enough,&#8221;", b'"We have waited long enough,"')
    )
    fetched.answer = feed_answer(republished)
    result = poll(partner)
    assert (result.new, result.duplicates) == (0, 1)
    copy = FeedItem.objects.get(feed=partner, guid="https://valleycourier.example.com/?p=50001")
    assert copy.duplicate_of == original
    assert copy.story is None
    assert Story.objects.count() == 3


def test_the_same_items_in_another_partners_feed_are_duplicates(partner, fetched, pipeline):
    poll(partner)
    syndicate = PartnerFeed.objects.create(
        name="Syndicate", url="https://syndicate.example.net/rss"
    )
    result = poll(syndicate)
    assert (result.new, result.duplicates) == (0, 3)
    copies = FeedItem.objects.filter(feed=syndicate)
    assert {c.duplicate_of.feed for c in copies} == {partner}
    assert Story.objects.count() == 3


def test_an_old_item_is_not_matched_after_thirty_days(partner, fetched, pipeline):
    poll(partner)
    FeedItem.objects.update(seen_at=timezone.now() - datetime.timedelta(days=31))
    fetched.answer = feed_answer(fixture("partner-rss2.xml").replace(b"?p=48213", b"?p=50001"))
    result = poll(partner)
    assert (result.new, result.duplicates) == (1, 0)


def test_a_failing_item_does_not_stop_the_others(partner, fetched, pipeline):
    pipeline.refuse.add("Bus company cuts evening services on three routes")
    result = poll(partner)
    assert result.new == 2
    assert len(result.errors) == 1
    assert Story.objects.count() == 2
    partner.refresh_from_db()
    assert partner.last_result.startswith("2 new, 0 duplicates, 1 failed: ")
    assert "bus-company-cuts-evening-services/: The page has no text" in partner.last_result
    assert partner.failures == 0
    # Not recorded: tried again at the next poll.
    pipeline.refuse.clear()
    assert poll(partner).new == 1


def test_a_feed_unchanged_since_the_last_poll_adds_nothing(partner, fetched, pipeline):
    fetched.answer = feed_answer(
        fixture("partner-rss2.xml"),
        headers={"ETag": '"abc123"', "last-modified": "Wed, 12 Feb 2025 18:40:11 GMT"},
    )
    poll(partner)
    partner.refresh_from_db()
    assert partner.etag == '"abc123"'
    fetched.answer = feed_answer(b"", status=304)
    result = poll(partner)
    assert (result.new, result.duplicates, result.errors) == (0, 0, [])
    sent = fetched.requests[-1]["headers"]
    assert sent["If-None-Match"] == '"abc123"'
    assert sent["If-Modified-Since"] == "Wed, 12 Feb 2025 18:40:11 GMT"
    partner.refresh_from_db()
    assert partner.last_result == "Unchanged since the last poll."
    assert Story.objects.count() == 3


def test_a_fetch_error_is_recorded_on_the_feed(partner, fetched, pipeline):
    fetched.answer = IngestError("The server did not answer within 20 seconds.")
    result = poll(partner)
    assert result.new == 0 and len(result.errors) == 1
    partner.refresh_from_db()
    assert partner.failures == 1
    assert partner.last_result == (
        "Could not fetch the feed: The server did not answer within 20 seconds."
    )
    poll(partner)
    partner.refresh_from_db()
    assert partner.failures == 2
    fetched.answer = feed_answer(fixture("partner-rss2.xml"))
    poll(partner)
    partner.refresh_from_db()
    assert partner.failures == 0


def test_a_partner_page_instead_of_a_feed_is_a_failure(partner, fetched, pipeline):
    fetched.answer = feed_answer(fixture("not-a-feed.html"))
    poll(partner)
    partner.refresh_from_db()
    assert partner.failures == 1
    assert "is not an RSS or Atom feed: it is a web page" in partner.last_result
    assert not Story.objects.exists()


def test_a_hundred_different_items_make_a_hundred_drafts(partner, fetched, pipeline):
    writer = Writer(random.Random(19))
    people = [{"name": "Ada Lind", "title": "Minister of Transport"}]
    items = []
    for n in range(100):
        body = writer.body(people, [{"name": "Reuters"}])
        items.append(
            f"<item><title>Story {n}</title><guid>urn:partner:{n}</guid>"
            f"<pubDate>Wed, 12 Feb 2025 {n // 60:02d}:{n % 60:02d}:00 +0000</pubDate>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    fetched.answer = feed_answer(
        (
            '<?xml version="1.0"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            "<title>Partner</title>" + "".join(reversed(items)) + "</channel></rss>"
        ).encode()
    )
    started = time.monotonic()
    result = poll(partner)
    assert time.monotonic() - started < 30
    assert (result.new, result.duplicates) == (100, 0)
    assert [c["extracted"].headline for c in pipeline.calls][:3] == [
        "Story 0",
        "Story 1",
        "Story 2",
    ]


# The background job


def test_the_job_polls_feeds_that_are_due_and_active_only(db, fetched, pipeline):
    now = timezone.now()
    never = PartnerFeed.objects.create(name="Never polled", url="https://a.example.com/feed")
    due = PartnerFeed.objects.create(name="Due", url="https://b.example.com/feed", poll_minutes=15)
    recent = PartnerFeed.objects.create(name="Recent", url="https://c.example.com/feed")
    paused = PartnerFeed.objects.create(
        name="Paused", url="https://d.example.com/feed", active=False
    )
    PartnerFeed.objects.filter(pk=due.pk).update(polled_at=now - datetime.timedelta(minutes=16))
    PartnerFeed.objects.filter(pk=recent.pk).update(polled_at=now - datetime.timedelta(minutes=5))
    poll_feeds()
    polled = {r["url"] for r in fetched.requests}
    assert polled == {never.url, due.url}
    for feed in (recent, paused):
        feed.refresh_from_db()
        assert feed.last_result == ""
    assert paused.polled_at is None


def test_a_poll_now_polls_before_the_feed_is_due_but_not_twice_at_once(partner, fetched, pipeline):
    assert poll_feed(partner.pk) == "3 new, 0 duplicates"
    assert poll_feed(partner.pk) is None  # not due
    assert poll_feed(partner.pk, force=True) is None  # a poll began a moment ago
    PartnerFeed.objects.filter(pk=partner.pk).update(
        polled_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    assert poll_feed(partner.pk, force=True) == "0 new, 0 duplicates"
    assert len(fetched.requests) == 2


# The admin, on a site of its own (the project's registers it in ingest.admin)

site = admin.AdminSite(name="admin")
site.register(PartnerFeed, PartnerFeedAdmin)
site.register(FeedItem, FeedItemAdmin)
site.register(Story)
site.register(Section, search_fields=["name"])
site.register(Source, search_fields=["name"])
urlpatterns = [path("admin/", site.urls)]


@pytest.fixture
def admin_client_here(client, admin_user, settings):
    settings.ROOT_URLCONF = __name__
    client.force_login(admin_user)
    return client


def test_the_feed_list_shows_each_feeds_last_poll(admin_client_here, partner, fetched, pipeline):
    poll(partner)
    PartnerFeed.objects.create(name="Harbour Gazette", url="https://harbour.example.net/rss")
    page = admin_client_here.get("/admin/ingest/partnerfeed/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Valley Courier" in html and "Harbour Gazette" in html
    assert "3 new, 0 duplicates" in html
    change = admin_client_here.get(f"/admin/ingest/partnerfeed/{partner.pk}/change/")
    assert change.status_code == 200
    assert "3 new, 0 duplicates" in change.content.decode()


def test_poll_now_polls_the_chosen_active_feeds(admin_client_here, partner, fetched, pipeline):
    paused = PartnerFeed.objects.create(
        name="Paused", url="https://paused.example.net/rss", active=False
    )
    answer = admin_client_here.post(
        "/admin/ingest/partnerfeed/",
        {"action": "poll_now", "_selected_action": [partner.pk, paused.pk]},
        follow=True,
    )
    said = [str(m) for m in answer.context["messages"]]
    assert said[0].startswith("Polling 1 feed: see each one's last result.")
    assert said[1] == "1 inactive feed not polled: make it active first."
    assert [r["url"] for r in fetched.requests] == [partner.url]
    assert FeedItem.objects.filter(feed=partner).count() == 3


def test_feed_items_are_shown_with_their_drafts_and_cannot_be_edited(
    admin_client_here, partner, fetched, pipeline
):
    poll(partner)
    item = FeedItem.objects.filter(story__isnull=False).first()
    page = admin_client_here.get("/admin/ingest/feeditem/")
    html = page.content.decode()
    assert f'href="/admin/articles/story/{item.story_id}/change/"' in html
    assert item.story.headline in html
    assert admin_client_here.get("/admin/ingest/feeditem/add/").status_code == 403
    view = admin_client_here.get(f"/admin/ingest/feeditem/{item.pk}/change/")
    assert view.status_code == 200
    assert 'name="guid"' not in view.content.decode()
    assert (
        admin_client_here.post(
            f"/admin/ingest/feeditem/{item.pk}/change/", {"guid": "changed"}
        ).status_code
        == 403
    )


def test_the_admins_pass_djangos_checks():
    assert PartnerFeedAdmin(PartnerFeed, site).check() == []
    assert FeedItemAdmin(FeedItem, site).check() == []


def test_a_feed_added_without_a_scheme_is_taken_as_https(admin_client_here, db):
    answer = admin_client_here.post(
        "/admin/ingest/partnerfeed/add/",
        {"name": "Harbour Gazette", "url": "harbour.example.net/rss", "poll_minutes": 30},
    )
    assert answer.status_code == 302
    feed = PartnerFeed.objects.get()
    assert feed.url == "https://harbour.example.net/rss"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_a_feed_another_worker_is_polling_is_skipped_not_waited_for(fetched, pipeline):
    feed = PartnerFeed.objects.create(name="Partner", url="https://partner.example.com/rss")
    held, done = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                PartnerFeed.objects.select_for_update().get(pk=feed.pk)
                held.set()
                done.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        assert poll_feed(feed.pk) is None
        assert time.monotonic() - started < 5
        assert fetched.requests == []
    finally:
        done.set()
        thread.join(10)
    assert poll_feed(feed.pk) == "3 new, 0 duplicates"
