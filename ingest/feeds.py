"""Partners' RSS and Atom feeds: each entry read into an ``Extracted``, and a feed polled
for the entries it has not given before.

Safety of the XML: feedparser is given the bytes as a stream, never as bytes it would
take for a file name to open. It turns off external entities in its SAX parser, and it
strips ``<!ENTITY>`` declarations, but only those at the start of a line: declarations
written on one line reach expat, whose amplification limit then stops a "billion laughs"
only after hundreds of thousands of expansions (most of a second per feed, and up to a
hundred times a document's size in memory). So a feed whose DTD declares any entity but
a short plain one (``<!ENTITY nbsp "&#160;">``) is refused before feedparser sees it.
"""

import calendar
import datetime
import hashlib
import io
import logging
import re
from dataclasses import dataclass, field

import feedparser
import lxml.html
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from lxml import etree

from ingest import similar
from ingest.document import Block, Extracted, IngestError
from ingest.models import FeedItem, PartnerFeed

logger = logging.getLogger(__name__)

# An item within this many bits of one seen in the window is the same copy again.
NEAR_IDENTICAL_BITS = 3
DUPLICATE_WINDOW = datetime.timedelta(days=30)
# Below this many words a fingerprint says too little: such items are told apart by id only.
FINGERPRINT_MIN_WORDS = 20
GUID_MAX = FeedItem._meta.get_field("guid").max_length
# How many entries' errors last_result spells out.
ERRORS_SHOWN = 5

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)
# Element names of XHTML and of NITF (a wire item's body may be either), as blocks.
HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3", "h6": "h3", "hl2": "h2"}
PARAGRAPHS = {"p", "pre", "dd", "dt"}
QUOTES = {"blockquote", "bq"}
CONTAINERS = {"div", "section", "article", "main", "header", "footer", "body", "html"}
CONTAINERS |= {"li", "table", "tbody", "tr", "td", "th", "block", "body.content"}
DROPPED = {"script", "style", "noscript", "iframe", "object", "embed", "figure", "form", "nav"}
DROPPED |= {"head", "body.head", "body.end", "media", "credit"}
# The line WordPress SEO plugins add to every item of a feed.
APPEARED_FIRST = re.compile(r"^The post .+ appeared first on .+\.$")
_BLANK_LINES = re.compile(r"\n\s*\n")
_ENTITY = re.compile(r"<!ENTITY")
# A declaration an old feed may carry: a name for one character or a few plain ones.
_PLAIN_ENTITY = re.compile(
    r"""<!ENTITY\s+[A-Za-z_][\w.-]*\s+(?:"(?:&#\w+;|[^&%<"]{0,20})"|'(?:&#\w+;|[^&%<']{0,20})')\s*>"""
)


@dataclass
class FeedEntry:
    guid: str
    link: str
    extracted: Extracted


@dataclass
class PollResult:
    new: int = 0
    duplicates: int = 0
    # One message per entry (or for the whole feed) that could not be taken in.
    errors: list[str] = field(default_factory=list)

    def __str__(self):
        said = f"{self.new} new, {self.duplicates} duplicate{'s' * (self.duplicates != 1)}"
        if self.errors:
            said += f", {len(self.errors)} failed: " + " ".join(self.errors[:ERRORS_SHOWN])
            if len(self.errors) > ERRORS_SHOWN:
                said += f" (and {len(self.errors) - ERRORS_SHOWN} more)"
        return said


def _squash(text: str) -> str:
    return " ".join(text.split())


def text_paragraphs(text: str) -> list[str]:
    return [p for p in (_squash(chunk) for chunk in _BLANK_LINES.split(text)) if p]


def html_blocks(html: str) -> list[Block]:
    """The blocks of a feed entry's HTML content: paragraphs, headings, list items and
    quotes as they are marked up; loose text between them split at blank lines or at
    two line breaks in a row."""
    if not html.strip():
        return []
    if "<" not in html:
        return [Block("p", p) for p in text_paragraphs(html)]
    return element_blocks(lxml.html.fragment_fromstring(html, create_parent="div"))


def element_blocks(root) -> list[Block]:
    """The blocks of an (X)HTML or NITF element tree, whatever its namespace."""
    blocks: list[Block] = []
    _walk(root, blocks, quote=False)
    return blocks


def _text(element) -> str:
    return _squash(element.xpath("string()"))


def _walk(element, blocks: list[Block], *, quote: bool) -> None:
    loose: list[str] = []

    def flush():
        for text in text_paragraphs("".join(loose)):
            blocks.append(Block("blockquote" if quote else "p", text))
        loose.clear()

    loose.append(element.text or "")
    for child in element:
        tag = etree.QName(child).localname.lower() if isinstance(child.tag, str) else None
        if tag is None or tag in DROPPED:
            pass
        elif tag == "br":
            loose.append("\n\n" if loose and loose[-1].endswith("\n") else "\n")
        elif tag in PARAGRAPHS or tag in HEADINGS:
            flush()
            text = _text(child)
            if text:
                kind = HEADINGS.get(tag, "blockquote" if quote else "p")
                blocks.append(Block(kind, text))
        elif tag in ("ul", "ol"):
            flush()
            for item in child:
                if isinstance(item.tag, str) and etree.QName(item).localname.lower() == "li":
                    text = _text(item)
                    if text:
                        blocks.append(Block(tag, text))
        elif tag in QUOTES:
            flush()
            _walk(child, blocks, quote=True)
        elif tag in CONTAINERS:
            flush()
            _walk(child, blocks, quote=quote)
        else:  # inline: a, em, strong, b, i, q, abbr, time…
            loose.append(child.xpath("string()"))
        loose.append(child.tail or "")
    flush()


def _when(parsed) -> datetime.datetime | None:
    # feedparser gives dates as time.struct_time in UTC.
    if not parsed:
        return None
    return datetime.datetime.fromtimestamp(calendar.timegm(parsed), tz=datetime.UTC)


def _authors(entry) -> list[str]:
    names = [_squash(a.get("name", "")) for a in entry.get("authors", [])]
    if not any(names) and entry.get("author"):
        names = [_squash(entry.author)]
    return list(dict.fromkeys(n for n in names if n))


def _content(entry) -> tuple[str, str]:
    """The entry's fullest content and its type, else its summary."""
    contents = [c for c in entry.get("content", []) if c.get("value", "").strip()]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        return best["value"], best.get("type", "text/html")
    detail = entry.get("summary_detail") or {}
    return entry.get("summary", ""), detail.get("type", "text/html")


def _plain(value: str, kind: str) -> list[Block]:
    if "html" in kind:
        return html_blocks(value)
    return [Block("p", p) for p in text_paragraphs(value)]


def entry_extracted(entry, feed_info) -> Extracted:
    value, kind = _content(entry)
    blocks = _plain(value, kind)
    removed = []
    if blocks and APPEARED_FIRST.match(blocks[-1].text):
        removed.append(blocks.pop().text)
    dek = ""
    if entry.get("content") and entry.get("summary"):
        # A summary beside full content is the dek, unless it is the content's opening
        # cut short (as most CMSs make it).
        summary = [b.text for b in _plain(entry.summary, "text/html")]
        summary = [p for p in summary if not APPEARED_FIRST.match(p)]
        body = _squash(" ".join(b.text for b in blocks))
        opening = _squash(" ".join(summary))[:60].rstrip(".… ")
        if summary and opening and opening not in body:
            dek = " ".join(summary)
    language = feed_info.get("language", "") or (entry.get("title_detail") or {}).get(
        "language", ""
    )
    return Extracted(
        kind="feed-item",
        blocks=blocks,
        headline=_squash(entry.get("title", "")),
        dek=dek,
        authors=_authors(entry),
        published_at=_when(entry.get("published_parsed") or entry.get("updated_parsed")),
        publisher=_squash(feed_info.get("title", "")),
        url=entry.get("link", ""),
        language=language or "",
        keywords=list(
            dict.fromkeys(t["term"].strip() for t in entry.get("tags", []) if t.get("term"))
        ),
        removed=removed,
    )


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _guid(entry) -> str:
    guid = entry.get("id") or entry.get("link")
    if not guid:
        return _digest(f"{entry.get('title', '')}\n{entry.get('summary', '')}")
    # An id longer than the record holds is known by its digest.
    return guid if len(guid) <= GUID_MAX else _digest(guid)


def xml_markup(data: bytes) -> str:
    # Enough of a decoding to see the markup: UTF-16 and UTF-32 by their byte order
    # marks or their "<?xml", anything else as the ASCII it is compatible with.
    for marks, encoding in (
        ((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\x00<", b"<\x00\x00\x00"), "utf-32"),
        ((b"\xfe\xff", b"\xff\xfe"), "utf-16"),
        ((b"\x00<\x00?",), "utf-16-be"),
        ((b"<\x00?\x00",), "utf-16-le"),
    ):
        if data.startswith(marks):
            if encoding == "utf-32" and data[:1] == b"<":
                encoding = "utf-32-le"
            elif encoding == "utf-32" and data[:3] == b"\x00\x00\x00":
                encoding = "utf-32-be"
            return data.decode(encoding, "replace")
    return data.decode("latin-1")


def _unsafe_entities(data: bytes) -> bool:
    """Whether the document declares an entity that could expand it or read a file."""
    text = xml_markup(data)
    root = re.search(r"<[A-Za-z_]", text)
    prologue = text[: root.start()] if root else text
    declared = len(_ENTITY.findall(prologue))
    return declared > len(_PLAIN_ENTITY.findall(prologue))


def read_feed(data: bytes, *, url: str = "") -> list[FeedEntry]:
    """The entries of an RSS (0.9x, 1.0, 2.0) or Atom feed, in the feed's order.

    Raises ``IngestError`` when ``data`` is not a feed; a feed with no entries is an
    empty list."""
    name = url or "The file"
    if not data.strip():
        raise IngestError(f"{name} is not an RSS or Atom feed: it is empty.")
    if _unsafe_entities(data):
        raise IngestError(
            f"{name} is not an RSS or Atom feed we will read: its DOCTYPE declares entities "
            "that could expand it or read files, which a feed never needs."
        )
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=True)
    if not parsed.entries:
        if parsed.version:
            return []
        head = data[:1024].lstrip().lower()
        if b"<html" in head or b"<!doctype html" in head:
            why = "it is a web page (HTML). Give the address of the partner's feed instead."
        elif parsed.bozo and not head.startswith(b"<"):
            why = "it is not XML."
        elif parsed.bozo:
            why = f"the XML is broken ({parsed.bozo_exception})."
        else:
            why = "it has no <rss>, <rdf:RDF> or <feed> element."
        raise IngestError(f"{name} is not an RSS or Atom feed: {why}")
    return [
        FeedEntry(guid=_guid(e), link=e.get("link", ""), extracted=entry_extracted(e, parsed.feed))
        for e in parsed.entries
    ]


def _oldest_first(entries: list[FeedEntry]) -> list[FeedEntry]:
    # Feeds list the newest first; when an entry has no date, the order given is all we know.
    if all(e.extracted.published_at for e in entries):
        return sorted(entries, key=lambda e: e.extracted.published_at)
    return entries[::-1]


def _header(headers, name: str) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return ""


def _failed(feed: PartnerFeed, now, message: str) -> PollResult:
    feed.polled_at, feed.last_result = now, message
    feed.failures += 1
    feed.save(update_fields=["polled_at", "last_result", "failures"])
    logger.warning("Partner feed %s: %s", feed.name, message)
    return PollResult(errors=[message])


def poll(feed: PartnerFeed, *, now=None) -> PollResult:
    """Fetch ``feed`` (conditionally: an unchanged feed answers 304) and make a draft of
    each entry not seen before, oldest first, each in its own transaction.

    An entry whose id was seen in this feed is skipped; one whose text is near-identical
    (SimHash within ``NEAR_IDENTICAL_BITS``) to an item any feed gave in the last 30 days
    is recorded as a duplicate of it, without a draft. An entry that cannot be ingested
    is reported in ``last_result`` and tried again at the next poll; the others go on."""
    import ingest.fetch
    import ingest.pipeline
    from ingest.attribution import Directory

    now = now or timezone.now()
    headers = {"Accept": ACCEPT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        answer = ingest.fetch.fetch(
            feed.url,
            max_bytes=settings.INGEST_MAX_BYTES,
            timeout=settings.INGEST_FETCH_TIMEOUT,
            headers=headers,
        )
    except IngestError as error:
        return _failed(feed, now, f"Could not fetch the feed: {error}")
    if answer.status == 304:
        feed.polled_at, feed.failures = now, 0
        feed.last_result = "Unchanged since the last poll."
        feed.save(update_fields=["polled_at", "last_result", "failures"])
        return PollResult()
    if not 200 <= answer.status < 300:
        return _failed(feed, now, f"Could not fetch the feed: the server answered {answer.status}.")
    try:
        entries = read_feed(answer.body, url=feed.url)
    except IngestError as error:
        return _failed(feed, now, str(error))

    result = PollResult()
    guids = [e.guid for e in entries]
    seen = set(FeedItem.objects.filter(feed=feed, guid__in=guids).values_list("guid", flat=True))
    recent = list(
        FeedItem.objects.filter(seen_at__gte=now - DUPLICATE_WINDOW, duplicate_of__isnull=True)
        .exclude(fingerprint=0)
        .values_list("pk", "fingerprint")
    )
    directory = None
    for entry in _oldest_first(entries):
        if entry.guid in seen:
            continue
        seen.add(entry.guid)
        extracted = entry.extracted
        text = f"{extracted.headline}\n\n{extracted.text}"
        mark = similar.fingerprint(text) if len(similar.words(text)) >= FINGERPRINT_MIN_WORDS else 0
        original = None
        if mark:
            near = [(similar.distance(mark, other), pk) for pk, other in recent]
            near = [match for match in near if match[0] <= NEAR_IDENTICAL_BITS]
            original = min(near)[1] if near else None
        try:
            with transaction.atomic():
                if original is not None:
                    FeedItem.objects.create(
                        feed=feed, guid=entry.guid, fingerprint=mark, duplicate_of_id=original
                    )
                    result.duplicates += 1
                    continue
                # The newsroom's records, read once for the whole poll.
                if directory is None:
                    directory = Directory.from_db()
                made = ingest.pipeline.ingest(
                    extracted,
                    origin_kind="feed",
                    given_as=entry.link or entry.guid,
                    section=feed.section,
                    publisher=feed.publisher,
                    directory=directory,
                )
                item = FeedItem.objects.create(
                    feed=feed, guid=entry.guid, fingerprint=mark, story=made.story
                )
        except IngestError as error:
            result.errors.append(f"{entry.link or entry.guid}: {error}")
            continue
        except IntegrityError:
            continue  # taken in by another poll meanwhile
        result.new += 1
        if mark:
            recent.append((item.pk, mark))

    feed.polled_at, feed.failures, feed.last_result = now, 0, str(result)
    feed.etag = _header(answer.headers, "ETag")[:500]
    feed.last_modified = _header(answer.headers, "Last-Modified")[:100]
    feed.save(update_fields=["polled_at", "failures", "last_result", "etag", "last_modified"])
    return result
