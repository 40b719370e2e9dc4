"""NewsML-G2 (IPTC, 2.x) text items read into an ``Extracted``.

A ``newsItem``, or the first text ``newsItem`` of a ``newsMessage``. Where the fields come
from, in the order tried:

- headline: ``contentMeta/headline`` without a role or with role ``…:main``; else
  ``itemMeta/title``.
- dek: ``headline`` with a ``…:subhead`` role; else ``description`` role ``drol:summary``.
- authors: ``contentMeta/creator`` (``name``, else ``literal``); else ``contentMeta/by``.
- publisher: ``itemMeta/provider`` (``name``, else ``literal``); else
  ``rightsInfo/copyrightHolder/name``; else the code of the provider's qcode.
- published_at: ``contentMeta/contentCreated``, else (or when that is a date without a
  time) ``itemMeta/firstCreated``; a time without a zone is taken as UTC.
- url: ``itemMeta/link`` with rel ``irel:canonical``; else the item's guid if it is an
  http(s) address.
- language: the item's ``xml:lang``, else ``contentMeta/language/@tag``.
- keywords: the names of ``contentMeta/subject`` (in the item's language when given) and
  ``contentMeta/keyword``.
- section: the name of the first subject that is a top-level IPTC Media Topic or Subject
  Code (``medtop:NN000000``, ``subj:NN000000``): "politics", "sport", "labour". Not the
  genre, which says what form the copy takes (interview, analysis), not what it is about.
- blocks: ``contentSet/inlineXML`` (XHTML or NITF), else ``inlineData`` (plain text,
  paragraphs at blank lines; HTML as HTML).

A canceled or withheld item is refused; an embargoed one is read (``embargoed_until``
says until when). The XML is parsed without a DTD, entities, network or huge trees, and
a document that declares a DTD is refused before it is parsed.
"""

import base64
import binascii
import datetime
import re

from lxml import etree

from ingest.document import Block, Extracted, IngestError
from ingest.feeds import element_blocks, html_blocks, text_paragraphs, xml_markup

NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NS = {"g": NAR}
TOP_LEVEL_TOPIC = re.compile(r"^(medtop|subj):\d{2}000000$")
# An embargo without a time: held until the provider lifts it.
UNTIL_LIFTED = datetime.datetime.max.replace(tzinfo=datetime.UTC)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def _document(data: bytes):
    if not data.strip():
        raise IngestError("The wire item is empty.")
    markup = xml_markup(data)
    root = re.search(r"<[A-Za-z_]", markup)
    if "<!DOCTYPE" in markup[: root.start() if root else None]:
        raise IngestError(
            "The wire item declares a DTD (<!DOCTYPE>); NewsML-G2 has none, and we do not "
            "read one, as it could expand entities or read files."
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise IngestError(f"The wire item is not well-formed XML: {error}.") from None
    if root.getroottree().docinfo.doctype:
        raise IngestError("The wire item declares a DTD, which we do not read.")
    return root


def _local(element) -> str:
    return etree.QName(element).localname


def _item(root):
    """The newsItem to read: the root, or the first text item of a newsMessage."""
    qname = etree.QName(root)
    if qname.namespace != NAR or qname.localname not in ("newsItem", "newsMessage"):
        raise IngestError(
            f"The file is not a NewsML-G2 news item: its root element is <{qname.localname}>"
            + (f" in namespace {qname.namespace}" if qname.namespace else " with no namespace")
            + f", not <newsItem> or <newsMessage> in {NAR}."
        )
    if qname.localname == "newsItem":
        items = [root]
    else:
        items = root.findall("g:itemSet/g:newsItem", NS)
        if not items:
            raise IngestError("The NewsML-G2 message carries no news item.")
    for item in items:
        if _item_class(item) in ("text", ""):
            return item
    raise IngestError(
        f"The NewsML-G2 {'message' if len(items) > 1 else 'item'} has no text item, only "
        + ", ".join(sorted({_item_class(i) for i in items}))
        + " (we make drafts of text only)."
    )


def _item_class(item) -> str:
    found = item.find("g:itemMeta/g:itemClass", NS)
    if found is None:
        return ""
    code = found.get("qcode") or found.get("uri") or ""
    return re.split(r"[:/]", code)[-1].lower()


def _code(qcode: str | None) -> str:
    return (qcode or "").rpartition(":")[2]


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _name(element) -> str:
    """A party's or concept's name: its ``name`` child, else its ``literal``."""
    if element is None:
        return ""
    return _text(element.find("g:name", NS)) or " ".join((element.get("literal") or "").split())


def _when(value: str) -> datetime.datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise IngestError(f"The wire item has a date that is not a date: {value!r}.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _role(element) -> str:
    return _code(element.get("role")).lower()


def _headlines(meta) -> tuple[str, str]:
    main = dek = ""
    for headline in meta.findall("g:headline", NS) if meta is not None else []:
        role = _role(headline)
        if not main and role in ("", "main"):
            main = _text(headline)
        elif not dek and role.startswith("sub"):
            dek = _text(headline)
    if not dek and meta is not None:
        for description in meta.findall("g:description", NS):
            if _role(description) == "summary":
                dek = _text(description)
                break
    return main, dek


def _status(item, headline: str) -> None:
    element = item.find("g:itemMeta/g:pubStatus", NS)
    status = _code(element.get("qcode")) if element is not None else "usable"
    note = _text(item.find("g:itemMeta/g:edNote", NS))
    what = headline or item.get("guid", "")
    if status == "canceled":
        raise IngestError(
            f"The wire item is canceled: {what!r} was withdrawn by its provider and must not "
            "be used." + (f" Note: {note}" if note else "")
        )
    if status == "withheld":
        raise IngestError(
            f"The wire item is withheld: {what!r} must not be used until its provider "
            "releases it again." + (f" Note: {note}" if note else "")
        )


def _blocks(item) -> list[Block]:
    content = item.find("g:contentSet", NS)
    if content is None:
        return []
    for inline in content.findall("g:inlineXML", NS):
        bodies = [child for child in inline if isinstance(child.tag, str)]
        for body in bodies:
            found = body.xpath(".//*[local-name()='body.content' or local-name()='body']")
            blocks = element_blocks(found[0] if found else body)
            if blocks:
                return blocks
    for inline in content.findall("g:inlineData", NS):
        text = inline.text or ""
        if (inline.get("encoding") or "").lower() == "base64":
            try:
                raw = base64.b64decode(text, validate=False)
            except (binascii.Error, ValueError):
                raise IngestError("The wire item's text is not valid base64.") from None
            charset = re.search(r"charset=([\w-]+)", inline.get("contenttype") or "")
            text = raw.decode(charset.group(1) if charset else "utf-8", "replace")
        if "html" in (inline.get("contenttype") or ""):
            blocks = html_blocks(text)
        else:
            blocks = [Block("p", p) for p in text_paragraphs(text)]
        if blocks:
            return blocks
    return []


def _keywords(meta, language: str) -> tuple[list[str], str]:
    keywords, section = [], ""
    if meta is None:
        return keywords, section
    for subject in meta.findall("g:subject", NS):
        names = subject.findall("g:name", NS)
        chosen = next((n for n in names if n.get(XML_LANG) == language), None)
        chosen = chosen if chosen is not None else next(iter(names), None)
        name = _text(chosen) or " ".join((subject.get("literal") or "").split())
        if not name:
            continue
        keywords.append(name)
        if not section and TOP_LEVEL_TOPIC.match(subject.get("qcode") or ""):
            section = name
    keywords += [_text(k) for k in meta.findall("g:keyword", NS) if _text(k)]
    return list(dict.fromkeys(keywords)), section


def read_newsml(data: bytes) -> Extracted:
    """The copy and metadata of a NewsML-G2 text item (see the module's docstring).

    Raises ``IngestError`` for what is not XML, not NewsML-G2, not text, canceled or
    withheld, declares a DTD, or has no text."""
    item = _item(_document(data))
    item_meta = item.find("g:itemMeta", NS)
    meta = item.find("g:contentMeta", NS)
    headline, dek = _headlines(meta)
    if not headline and item_meta is not None:
        headline = _text(item_meta.find("g:title", NS))
    _status(item, headline)
    blocks = _blocks(item)
    if not blocks:
        raise IngestError(
            f"The wire item {headline or item.get('guid', '')!r} has no text of its own "
            "(no inlineXML or inlineData in its contentSet)."
        )

    language = item.get(XML_LANG) or ""
    if not language and meta is not None:
        tag = meta.find("g:language", NS)
        language = tag.get("tag", "") if tag is not None else ""
    authors = [_name(c) for c in meta.findall("g:creator", NS)] if meta is not None else []
    authors = [a for a in authors if a]
    if not authors and meta is not None:
        byline = re.sub(r"^by\s+", "", _text(meta.find("g:by", NS)), flags=re.IGNORECASE)
        authors = [byline] if byline else []
    provider = item_meta.find("g:provider", NS) if item_meta is not None else None
    publisher = (
        _name(provider)
        or _text(item.find("g:rightsInfo/g:copyrightHolder/g:name", NS))
        or (_code(provider.get("qcode")) if provider is not None else "")
    )
    created = item.findtext("g:contentMeta/g:contentCreated", "", NS).strip()
    first = _when(item.findtext("g:itemMeta/g:firstCreated", "", NS))
    # A creation date without a time says less than the item's first version does.
    published = first if first and len(created) <= 10 else _when(created) or first
    url = ""
    for link in item_meta.findall("g:link", NS) if item_meta is not None else []:
        if _code(link.get("rel")).lower() == "canonical" and link.get("href"):
            url = link.get("href")
            break
    guid = item.get("guid", "")
    if not url and re.match(r"^https?://", guid):
        url = guid
    keywords, section = _keywords(meta, language)
    return Extracted(
        kind="newsml",
        blocks=blocks,
        headline=headline,
        dek=dek,
        authors=list(dict.fromkeys(authors)),
        published_at=published,
        publisher=publisher,
        url=url,
        language=language,
        section=section,
        keywords=keywords,
    )


def embargoed_until(data: bytes) -> datetime.datetime | None:
    """When the item read by ``read_newsml`` may be published, if it is embargoed: its
    ``itemMeta/embargoed`` time, or ``UNTIL_LIFTED`` for an embargo without a time."""
    element = _item(_document(data)).find("g:itemMeta/g:embargoed", NS)
    if element is None:
        return None
    return _when(element.text or "") or UNTIL_LIFTED
