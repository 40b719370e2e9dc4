"""Web pages and plain text into an `Extracted`: the news copy and what the page states.

`sniff` tells what kind of input some bytes are (or refuses them with a reason an
editor can act on); `read_document` reads the two kinds handled here, "html" and
"text". The article body comes from trafilatura; the metadata is read from the page
itself (Open Graph, JSON-LD, canonical link), because trafilatura guesses where the
page is silent and a draft must not carry guesses.
"""

import codecs
import copy
import datetime
import json
import math
import re
from urllib.parse import urljoin, urlsplit

import charset_normalizer
import lxml.etree
import lxml.html
import trafilatura
from django.conf import settings

from .document import Block, Extracted, IngestError
from .junk import HANDLES, clean_blocks

NEWSML_NAMESPACE = "http://iptc.org/std/nar/2006-10-01/"
NEWSML_ROOTS = {"newsItem", "newsMessage", "packageItem"}
FEED_ROOTS = {"rss", "feed", "RDF"}
FEED_CONTENT_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}

# Magic numbers of the files editors most often upload by mistake, and what to say.
_BINARY_SIGNATURES = [
    (b"%PDF", "a PDF file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Microsoft Office file (.doc, .xls)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg audio file"),
    (b"fLaC", "a FLAC audio file"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
]

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

_HTML_TAGS = {
    "html", "head", "body", "meta", "title", "link", "script", "style", "div", "p", "span",
    "article", "section", "main", "header", "footer", "nav", "aside", "h1", "h2", "h3", "h4",
    "h5", "h6", "ul", "ol", "li", "a", "b", "i", "em", "strong", "br", "table", "blockquote",
    "figure", "img", "pre", "base", "noscript", "iframe", "form", "center", "font",
}  # fmt: skip

ARTICLE_TYPES = {
    "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
    "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting",
    "LiveBlogPosting", "Report", "ScholarlyArticle", "TechArticle", "SatiricalArticle",
}  # fmt: skip

_WS = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def max_bytes() -> int:
    return settings.INGEST_MAX_BYTES


def _size(n: int) -> str:
    # Decimal units, as the setting is given; rounded up, so that a file over the limit
    # never reads as the limit itself.
    if n >= 1_000_000:
        return f"{math.ceil(n / 100_000) / 10:g} MB"
    return f"{math.ceil(n / 1000)} KB"


def _check_size(data: bytes) -> None:
    limit = max_bytes()
    if len(data) > limit:
        raise IngestError(
            f"This file is {_size(len(data))}, more than the {_size(limit)} limit for a story. "
            "Paste the article's text instead."
        )
    if not data.strip():
        raise IngestError("This is empty: there is no text to make a draft from.")


def _binary_kind(data: bytes, content_type: str) -> str:
    """What binary file this is, or "" when it may be text."""
    for magic, kind in _BINARY_SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "a WebP image"
    if data[4:12] in (b"ftypisom", b"ftypmp42", b"ftypheic", b"ftypavif", b"ftypM4A "):
        return "a video, audio or image file"
    if data.startswith(b"PK\x03\x04"):
        head = data[:4096]
        if b"word/" in head:
            return "a Word document"
        if b"xl/" in head:
            return "an Excel spreadsheet"
        if b"ppt/" in head:
            return "a PowerPoint presentation"
        if b"opendocument" in head:
            return "an OpenDocument file"
        if b"META-INF/container.xml" in head or b"epub" in head:
            return "an EPUB book"
        return "a ZIP archive"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return ""  # UTF-16 text with its byte order mark
    if b"\x00" in data[:65536]:
        return "a binary file"
    main_type = content_type.split(";")[0].strip().lower()
    if main_type.startswith(("image/", "audio/", "video/", "font/")):
        return f"a file of type {main_type}"
    if main_type in ("application/pdf", "application/zip", "application/octet-stream"):
        return f"a file of type {main_type}"
    return ""


def _refuse_binary(data: bytes, content_type: str) -> None:
    kind = _binary_kind(data, content_type)
    if kind:
        raise IngestError(
            f"This is {kind}, not a web page or text: paste its text instead, "
            "or give the address of the article's web page."
        )


# -- Encodings ---------------------------------------------------------------------------

_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)


def _codec(name: str) -> str:
    """Python's codec for a declared charset; Latin-1 and ASCII mean Windows-1252 on the
    web, as browsers read them."""
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return ""
    if codec in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return codec


def _declared_charset(data: bytes, content_type: str) -> str:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    if match and _codec(match.group(1)):
        return _codec(match.group(1))
    match = _DECLARED.search(data[:4096])
    if match:
        return _codec((match.group(1) or match.group(2)).decode("ascii"))
    return ""


def _cp1252_fallback(error: UnicodeDecodeError):
    """Stray bytes in otherwise UTF-8 text: most often Windows-1252 pasted into a page."""
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("ingest-cp1252", _cp1252_fallback)

# Windows-1252 bytes that have no character; a mangled text carries them as C1 controls.
_C1_UNDEFINED = {"\x81": 0x81, "\x8d": 0x8D, "\x8f": 0x8F, "\x90": 0x90, "\x9d": 0x9D}
_MOJIBAKE_RUN = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d"
                           "\u017e\u0192\u02c6\u02dc\u2013-\u2122]+")  # fmt: skip
# What is left when the repair could not work: "â€" with its third byte lost.
_MOJIBAKE_LEFT = re.compile("â€|Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]")


def _unmangle(match: re.Match) -> str:
    run = match.group(0)
    try:
        raw = bytes(_C1_UNDEFINED.get(ch) or ch.encode("cp1252")[0] for ch in run)
        return raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run


def repair_mojibake(text: str) -> str:
    """UTF-8 that was read as Windows-1252 ("â€™" for "’") turned back into what it said."""
    if not _MOJIBAKE_RUN.search(text):
        return text
    return _MOJIBAKE_RUN.sub(_unmangle, text)


def _looks_like_text(text: str, guessed: bool = False) -> bool:
    """Garbage has control characters, private-use and replacement characters, and when
    the encoding was a guess, few letters."""
    sample = text[:200000]
    if not sample.strip():
        return True
    odd = sum(
        1
        for ch in sample
        if (ch < " " and ch not in "\t\n\r\f") or "\x7f" <= ch <= "\x9f" or ch == "\ufffd"
        or "\ue000" <= ch <= "\uf8ff"
    )  # fmt: skip
    letters = sum(1 for ch in sample if ch.isalpha())
    return odd <= len(sample) * 0.005 and (not guessed or letters >= len(sample.strip()) * 0.3)


_UNREADABLE = (
    "This cannot be read as text: it is not in an encoding we recognise, or it is not "
    "text at all. Save it as UTF-8, or paste the article's text instead."
)


def decode(data: bytes, content_type: str = "") -> str:
    """The text of some bytes, whatever their encoding, or IngestError.

    The order is a byte order mark, then a UTF-8 that reads cleanly (even when the page
    declares something else, which old templates often do wrongly), then the declared
    charset, then UTF-8 with stray Windows-1252 bytes, then detection.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise IngestError(_UNREADABLE) from None
            return _checked(text.lstrip("\ufeff"))
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data, content_type)
    if declared and declared not in ("utf-8", "utf-8-sig"):
        try:
            return _checked(data.decode(declared))
        except (UnicodeDecodeError, LookupError):
            pass
    # Mostly UTF-8, with a few bytes from elsewhere: keep both readable.
    utf8 = data.decode("utf-8", errors="replace")
    bad = utf8.count("\ufffd")
    multibyte = sum(1 for ch in utf8 if ch > "\x7f" and ch != "\ufffd")
    if multibyte and bad <= max(3, len(data) // 500):
        return _checked(data.decode("utf-8", errors="ingest-cp1252"))
    best = charset_normalizer.from_bytes(data[:200000]).best()
    if best is None:
        raise IngestError(_UNREADABLE)
    try:
        return _checked(data.decode(best.encoding), guessed=True)
    except (UnicodeDecodeError, LookupError):
        raise IngestError(_UNREADABLE) from None


def _checked(text: str, guessed: bool = False) -> str:
    text = repair_mojibake(text)
    if _MOJIBAKE_LEFT.search(text):
        raise IngestError(
            "This text is garbled by a wrong character encoding (it has “â€” or “Ã” where "
            "quotation marks or accented letters should be). Copy it again from the "
            "original page, or save it as UTF-8."
        )
    if not _looks_like_text(text, guessed):
        raise IngestError(_UNREADABLE)
    return text


# -- What kind of input ------------------------------------------------------------------

_MARKUP_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>]*>)\s*)*"
    r"<([A-Za-z][\w.:-]*)",
    re.DOTALL | re.IGNORECASE,
)


def _xml_root(text: str) -> tuple[str, str]:
    """The namespace and local name of an XML document's root, without reading it all."""
    parser = lxml.etree.XMLPullParser(
        events=("start",), resolve_entities=False, no_network=True, load_dtd=False
    )
    try:
        parser.feed(re.sub(r"\A\s*<\?xml[^>]*\?>", "", text[:65536]).encode("utf-8"))
        for _event, element in parser.read_events():
            qname = lxml.etree.QName(element)
            return qname.namespace or "", qname.localname
    except lxml.etree.XMLSyntaxError:
        pass
    return "", ""


def _kind_of(text: str, filename: str, content_type: str) -> str:
    main_type = content_type.split(";")[0].strip().lower()
    name = filename.lower()
    if main_type in FEED_CONTENT_TYPES:
        return "feed"
    start = text.lstrip()[:1]
    json_hint = main_type.endswith("json") or name.endswith(".json")
    if start in ("{", "[") or json_hint:
        try:
            value = json.loads(text)
        except ValueError as error:
            if json_hint:
                raise IngestError(f"This JSON file cannot be read: {error}.") from None
        else:
            if isinstance(value, dict):
                return "ninjs"
            raise IngestError("This is JSON, but not a wire item: a ninjs item is one object.")
    match = _MARKUP_START.match(text)
    if not match:
        return "text"
    tag = match.group(1)
    local = tag.rsplit(":", 1)[-1]
    head = text.lstrip()[:1024].lower()
    if head.startswith("<!doctype html") or tag.lower() in _HTML_TAGS:
        return "html"
    if local in FEED_ROOTS or local in NEWSML_ROOTS or head.startswith("<?xml"):
        namespace, local = _xml_root(text)
        if local in FEED_ROOTS:
            return "feed"
        if local in NEWSML_ROOTS and namespace == NEWSML_NAMESPACE:
            return "newsml"
        if local == "html":
            return "html"
        if local in NEWSML_ROOTS:
            raise IngestError(
                f"This <{local}> is not in the NewsML-G2 namespace ({NEWSML_NAMESPACE}), "
                "so it cannot be read as a NewsML-G2 item."
            )
        if not local:
            raise IngestError("This looks like XML but is not well-formed, so it cannot be read.")
        raise IngestError(
            f"This XML file is not a web page, a NewsML-G2 item or an RSS/Atom feed "
            f"(its root element is <{local}>)."
        )
    return "html"


def sniff(data: bytes, *, filename: str = "", content_type: str = "") -> str:
    """One of "html", "text", "ninjs", "newsml", "feed", or IngestError saying what the
    input is instead (a PDF, an image, empty, too large, unreadable)."""
    _check_size(data)
    _refuse_binary(data, content_type)
    return _kind_of(decode(data, content_type), filename, content_type)


# -- Reading -----------------------------------------------------------------------------


def read_document(
    data: bytes, *, filename: str = "", content_type: str = "", url: str = ""
) -> Extracted:
    """The news copy and stated metadata of a web page or a plain text."""
    _check_size(data)
    _refuse_binary(data, content_type)
    text = decode(data, content_type)
    kind = _kind_of(text, filename, content_type)
    if kind == "html":
        extracted = _read_html(text, url)
    elif kind == "text":
        extracted = _read_text(text, url)
    else:
        raise IngestError(f"This is a {kind} item, not a web page or text.")
    blocks, removed = clean_blocks(extracted.blocks)
    if not any(block.text for block in blocks):
        raise IngestError(
            "This page is all boilerplate: once menus, contact details, promos, share "
            "buttons and comment forms are taken out, no news text is left."
        )
    extracted.blocks = blocks
    extracted.removed = removed
    if kind == "text" and not extracted.headline:
        extracted.headline, extracted.blocks = _text_headline(blocks)
    return extracted


def clean(text: str) -> str:
    return _WS.sub(" ", _INVISIBLE.sub("", text)).strip()


# -- Plain text --------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*•·–]|(\d{1,3})[.)])\s+")


def _text_blocks(paragraph: str) -> list[Block]:
    lines = [line for line in paragraph.split("\n") if line.strip()]
    bullets = [_BULLET.match(line) for line in lines]
    if lines and all(bullets):
        tag = "ol" if bullets[0].group(1) else "ul"
        return [
            Block(tag, clean(line[match.end() :]))
            for line, match in zip(lines, bullets, strict=True)
        ]
    if lines and all(line.lstrip().startswith(">") for line in lines):
        return [Block("blockquote", clean(" ".join(line.lstrip()[1:] for line in lines)))]
    return [Block("p", clean(paragraph))]


def _read_text(text: str, url: str) -> Extracted:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\n[ \t]*\n", text):
        paragraphs = re.split(r"\n[ \t\f\v]*\n\s*", text)
    else:
        paragraphs = text.split("\n")
    blocks = [block for p in paragraphs if p.strip() for block in _text_blocks(p)]
    return Extracted(kind="text", blocks=[b for b in blocks if b.text], url=_http_url(url))


def _text_headline(blocks: list[Block]) -> tuple[str, list[Block]]:
    """A first block that is clearly a title, and the blocks after it.

    Clearly a title: short (at most 15 words), more than one word, no closing
    punctuation, not all lower case, and followed by copy.
    """
    if len(blocks) < 2 or blocks[0].tag != "p":
        return "", blocks
    first = blocks[0].text.lstrip("#").strip()
    words = first.split()
    if (
        2 <= len(words) <= 15
        and len(first) <= 150
        and not re.search(r"[.,;:!?…]$", first)
        and first != first.lower()
    ):
        return first, blocks[1:]
    return "", blocks


# -- Web pages ---------------------------------------------------------------------------


def _parse_html(text: str) -> lxml.html.HtmlElement:
    # lxml refuses a str that still carries an XML encoding declaration.
    text = re.sub(r"\A\s*<\?xml[^>]*\?>", "", text)
    try:
        return lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        raise IngestError(
            "This web page cannot be read: its HTML is broken beyond repair."
        ) from None


def _read_html(text: str, url: str) -> Extracted:
    tree = _parse_html(text)
    meta = _Metadata(tree, url)
    extracted = Extracted(
        kind="html",
        headline=meta.headline(),
        dek=meta.dek(),
        authors=meta.authors(),
        published_at=meta.published_at(),
        publisher=meta.publisher(),
        url=meta.url(),
        language=meta.language(),
        section=meta.section(),
        keywords=meta.keywords(),
    )
    # Bylines that trafilatura finds in the page are the last resort for authors.
    body, byline = _article_blocks(tree, extracted.url, extracted.headline)
    if not extracted.authors and byline:
        extracted.authors = _names(byline.split(";"))
    if body and extracted.headline and _is_title(body[0], extracted.headline):
        body = body[1:]
    extracted.blocks = body
    return extracted


def _is_title(block: Block, headline: str) -> bool:
    """The page's own title at the head of the copy: the headline, or a heading that is the
    headline with its kicker ("Kicker : Headline")."""
    text = clean(block.text)
    return text == headline or (block.tag in ("h2", "h3") and _is_part(headline, text))


def _article_blocks(tree, url: str, headline: str = "") -> tuple[list[Block], str]:
    """The article's blocks as trafilatura finds them, with their structure."""
    options = dict(  # noqa: C408
        output_format="xml",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_formatting=False,
        url=url or None,
    )
    xml = trafilatura.extract(tree, **options)
    if xml is None:
        # A short pasted fragment may be too small for the default; ask for recall.
        xml = trafilatura.extract(_parse_html(lxml.html.tostring(tree, encoding="unicode")),
                                  favor_recall=True, **options)  # fmt: skip
    if xml is None:
        return [], ""
    blocks, byline = _parsed(xml)
    marked = _marked_article(tree)
    if marked is not None and _strays_outside(blocks, marked) and _headed(marked, headline, blocks):
        # Without metadata: the page's own was read above, and guessing a date is slow.
        xml = trafilatura.extract(_only(tree, marked), **{**options, "with_metadata": False})
        narrowed, _ = _parsed(xml) if xml else ([], "")
        # Read alone, the article must still give what the page-wide pass took from it.
        wanted = _shingles(" ".join(block.text for block in _inside(blocks, marked)))
        got = _shingles(" ".join(block.text for block in narrowed))
        if len(wanted & got) >= 0.8 * len(wanted):
            blocks = narrowed
    return blocks, byline


def _parsed(xml: str) -> tuple[list[Block], str]:
    doc = lxml.etree.fromstring(xml.encode("utf-8"))
    main = doc.find("main")
    blocks = []
    for element in main if main is not None else []:
        blocks.extend(_blocks_of(element))
    return [b for b in blocks if b.text], doc.get("author") or ""


# -- The article the page marks ----------------------------------------------------------
#
# On a portal page with a long stream of other stories, trafilatura finds the <article>
# first, but when that is short beside the page's text it retries for recall and takes a
# page-wide pass instead, teasers and all. When the page marks its article (one
# itemprop=articleBody, else one <article>) and the extraction holds much from outside it,
# the article is read on its own.


def _marked_article(tree):
    """The element the page marks as its article, when it marks exactly one."""
    for path in ('//*[@itemprop="articleBody"]', "//article"):
        found = tree.xpath(path)
        if found:
            # Several are a list of teasers, not one article.
            return found[0] if len(found) == 1 else None
    return None


def _headed(element, headline: str, blocks: list[Block]) -> bool:
    """The headline stands in the element or in a container of it that holds none of the
    other text taken (a related story's card or a pull quote has its own heading)."""
    if not headline:
        return False
    wanted = _shingles(headline)
    inside = {id(block) for block in _inside(blocks, element)}
    strays = _shingles(" ".join(block.text for block in blocks if id(block) not in inside))
    while element is not None and element.tag != "html":
        text = _shingles(" ".join(element.itertext()))
        if len(strays & text) > 0.5 * len(strays):
            return False
        if wanted <= text:
            return True
        element = element.getparent()
    return False


def _shingles(text: str) -> set[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text.casefold())
    return {tuple(tokens[i : i + 3]) for i in range(max(1, len(tokens) - 2))}


def _words(blocks: list[Block]) -> int:
    return sum(len(block.text.split()) for block in blocks)


def _inside(blocks: list[Block], element) -> list[Block]:
    """The blocks whose text is (mostly) the element's: word triples, so that a dropped
    footnote mark or a respaced link does not count as another text."""
    inner = _shingles(" ".join(element.itertext()))
    inside = []
    for block in blocks:
        own = _shingles(block.text)
        if len(own & inner) >= 0.6 * len(own):
            inside.append(block)
    return inside


def _strays_outside(blocks: list[Block], element) -> bool:
    """Much of the extraction comes from outside the marked element, and the element holds
    a story's worth of it (an <article> round the header alone is no article)."""
    total = _words(blocks)
    inside = _words(_inside(blocks, element))
    return total - inside >= max(50, 0.25 * total) and inside >= 100


def _only(tree, element):
    """A copy of the page with the marked element as the whole of its body."""
    page = lxml.html.document_fromstring("<html><head></head><body></body></html>")
    head = tree.find("head")
    if head is not None:
        page.replace(page.find("head"), copy.deepcopy(head))
    page.find("body").append(copy.deepcopy(element))
    return page


def _blocks_of(element) -> list[Block]:
    tag = element.tag
    if tag == "head":
        level = element.get("rend", "h2")
        return [Block("h3" if level in ("h3", "h4", "h5", "h6") else "h2", _text(element))]
    if tag == "list":
        kind = "ol" if element.get("rend") == "ol" else "ul"
        return [Block(kind, _text(item)) for item in element.iter("item")]
    if tag == "quote":
        paragraphs = element.findall("p")
        if paragraphs:
            return [Block("blockquote", _text(p)) for p in paragraphs]
        return [Block("blockquote", _text(element))]
    if tag in ("p", "code"):
        return [Block("p", _text(element))]
    if tag in ("graphic", "ref", "table"):
        return []
    # A container (trafilatura keeps some of the page's divs): its blocks, and any loose
    # text in it as paragraphs of their own.
    blocks = [Block("p", clean(element.text))] if (element.text or "").strip() else []
    for child in element:
        blocks.extend(_blocks_of(child))
        if (child.tail or "").strip():
            blocks.append(Block("p", clean(child.tail)))
    return blocks


def _text(element) -> str:
    return clean(" ".join(element.itertext()))


def _http_url(value: str) -> str:
    value = (value or "").strip()
    return value if urlsplit(value).scheme in ("http", "https") else ""


def _names(values) -> list[str]:
    """Author names as given, without URLs, e-mail addresses or user handles."""
    names = []
    for value in values:
        name = clean(str(value))
        name = re.sub(r"^by\s+", "", name, flags=re.IGNORECASE)
        if (
            not name
            or "@" in name
            or urlsplit(name).scheme
            or name.casefold() in HANDLES
            or re.fullmatch(r"[a-z0-9_.-]+", name)
            or name in names
        ):
            continue
        names.append(name)
    return names


def _parse_datetime(value) -> datetime.datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    # A time without a zone is taken as UTC: aware, and never far out.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


class _Metadata:
    """What the page's head says about the article: meta tags, JSON-LD, links."""

    def __init__(self, tree, url: str):
        self.tree = tree
        self.given_url = url
        self.meta: dict[str, list[str]] = {}
        for element in tree.iter("meta"):
            key = element.get("property") or element.get("name") or element.get("itemprop") or ""
            content = clean(element.get("content") or "")
            if key and content:
                self.meta.setdefault(key.strip().lower(), []).append(content)
        self.nodes = self._json_ld()
        self.by_id = {node["@id"]: node for node in self.nodes if isinstance(node.get("@id"), str)}
        articles = [node for node in self.nodes if _types(node) & ARTICLE_TYPES]
        # The news article itself rather than a page or a list of them.
        articles.sort(key=lambda node: "NewsArticle" not in " ".join(_types(node)))
        self.article = articles[0] if articles else {}

    def first(self, *keys: str) -> str:
        for key in keys:
            if self.meta.get(key):
                return self.meta[key][0]
        return ""

    def _json_ld(self) -> list[dict]:
        nodes = []

        def collect(value):
            if isinstance(value, list):
                for item in value:
                    collect(item)
            elif isinstance(value, dict):
                nodes.append(value)
                if "@graph" in value:
                    collect(value["@graph"])

        for script in self.tree.xpath("//script[@type]"):
            if script.get("type", "").strip().lower() != "application/ld+json":
                continue
            try:
                collect(json.loads(script.text or "", strict=False))
            except ValueError:
                continue  # Broken JSON-LD says nothing.
        return nodes

    def resolve(self, value):
        if isinstance(value, dict) and set(value) == {"@id"}:
            return self.by_id.get(value["@id"], value)
        return value

    def ld(self, key: str):
        return self.article.get(key)

    def ld_text(self, key: str) -> str:
        value = self.ld(key)
        if isinstance(value, list):
            value = next((item for item in value if isinstance(item, str)), "")
        return clean(value) if isinstance(value, str) else ""

    def headline(self) -> str:
        ld = self.ld_text("headline")
        # A social title that is the site's own name says nothing of the article.
        sites = self.site_names()
        social = next(
            (
                value
                for value in (self.first("og:title"), self.first("twitter:title"))
                if value and value.casefold() not in sites
            ),
            "",
        )
        if social:
            # og:title often repeats the site's name after the headline.
            social = _strip_site(social, self.publisher(), any_bar=False)
            # "Kicker: Headline" where JSON-LD gives the headline alone.
            if ld and _is_part(ld, social):
                return ld
            return social
        if ld:
            return _strip_site(ld, self.publisher(), any_bar=False)
        h1 = self.tree.find(".//h1")
        h1 = clean(h1.text_content()) if h1 is not None else ""
        title = self.tree.find(".//title")
        title = (
            _strip_site(clean(title.text_content()), self.publisher()) if title is not None else ""
        )
        # An <h1> that the <title> does not contain is often the site's or a section's name.
        if h1 and (not title or h1.casefold() in title.casefold()):
            return h1
        return title

    def site_names(self) -> set[str]:
        names = [self.publisher()]
        names += [self.first(key) for key in ("application-name", "apple-mobile-web-app-title")]
        return {name.casefold() for name in names if name}

    def dek(self) -> str:
        return self.first("og:description", "description", "twitter:description") or self.ld_text(
            "description"
        )

    def authors(self) -> list[str]:
        found = []
        value = self.ld("author")
        for author in value if isinstance(value, list) else [value]:
            author = self.resolve(author)
            if isinstance(author, dict):
                found.append(author.get("name") or "")
            elif isinstance(author, str):
                found.append(author)
        if not any(found):
            found = self.meta.get("author", []) + self.meta.get("article:author", [])
        return _names(found)

    def published_at(self) -> datetime.datetime | None:
        for value in [
            self.first("article:published_time"),
            self.ld("datePublished"),
            self.first("datepublished", "date", "dc.date.issued", "parsely-pub-date"),
        ]:
            moment = _parse_datetime(value)
            if moment:
                return moment
        return None

    def publisher(self) -> str:
        if self.first("og:site_name"):
            return self.first("og:site_name")
        publisher = self.resolve(self.ld("publisher"))
        if isinstance(publisher, list) and publisher:
            publisher = self.resolve(publisher[0])
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return clean(publisher["name"])
        return clean(publisher) if isinstance(publisher, str) else ""

    def url(self) -> str:
        for link in self.tree.iter("link"):
            if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
                found = _http_url(urljoin(self.given_url, link.get("href").strip()))
                if found:
                    return found
        ld_url = self.ld("url") if isinstance(self.ld("url"), str) else ""
        for value in (self.first("og:url"), ld_url, self.given_url):
            found = _http_url(urljoin(self.given_url, value)) if value else ""
            if found:
                return found
        return ""

    def language(self) -> str:
        value = self.tree.get("lang") or self.first("og:locale") or self.ld_text("inLanguage")
        return clean(value).replace("_", "-")

    def section(self) -> str:
        return self.first("article:section") or self.ld_text("articleSection")

    def keywords(self) -> list[str]:
        values = []
        for value in self.meta.get("keywords", []) + self.meta.get("news_keywords", []):
            values.extend(value.split(","))
        values.extend(self.meta.get("article:tag", []))
        ld = self.ld("keywords")
        if isinstance(ld, str):
            values.extend(ld.split(","))
        elif isinstance(ld, list):
            values.extend(item for item in ld if isinstance(item, str))
        keywords, seen = [], set()
        for value in values:
            value = clean(value)
            if value and value.casefold() not in seen:
                seen.add(value.casefold())
                keywords.append(value)
        return keywords


def _types(node: dict) -> set[str]:
    value = node.get("@type")
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {item for item in value if isinstance(item, str)}
    return set()


_SEPARATED = r"(.*\S)\s*(?:[:|]|\s[–—-])\s+(.+)"


def _is_part(headline: str, title: str) -> bool:
    """The headline is one side of the title, the other a kicker or the site's name:
    "Kicker: Headline", "Headline | Site", "Headline - Site"."""
    match = re.fullmatch(_SEPARATED, title)
    parts = match.groups() if match else ()
    return headline.casefold() in (part.casefold() for part in parts)


def _strip_site(title: str, site: str, any_bar: bool = True) -> str:
    """A <title>'s "Headline | Site" to "Headline"; any separator goes when the site is
    named after it."""
    match = re.fullmatch(r"(.*\S)\s+([|–—-])\s+(.+)", title)
    if not match:
        return title
    head, separator, last = match.groups()
    if (any_bar and separator == "|") or (site and last.casefold() == site.casefold()):
        return head
    return title
