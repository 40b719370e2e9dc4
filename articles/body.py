"""A story's body as readers, feeds and search get it.

The stored body (sanitised by ``articles.sanitize``) holds, besides text:

- ``<aside class="editors-note">``: notes for the desk, which nobody outside it sees;
- ``<figure class="library-image" data-image-id="…">``: a picture from the library,
  drawn here from the picture's current renditions, caption and credit;
- ``<figure class="embed" data-embed-provider="…" data-embed-url="…">``: a post or
  video, kept as a link with a caption; readers load the provider's frame only
  when they ask for it (``static/js/embeds.js``);
- tables, which scroll sideways on narrow screens.
"""

import re
from html import escape
from html.parser import HTMLParser

from articles.embeds import find_provider

NOTE_CLASS = "editors-note"
EMBED_CLASS = "embed"
VOID = frozenset({"br", "hr", "img", "source", "wbr"})
# The sanitiser keeps notes unnested and no "<" or ">" in attribute values, so the
# first "</aside>" after a note's start ends it (the search trigger relies on it too).
NOTE = re.compile(r'<aside class="editors-note">.*?</aside>', re.DOTALL)
IMAGE_ID = re.compile(r'data-image-id="(\d{1,10})"')
TAG = re.compile(r"<[^>]*>")
PICTURE_SIZES = "(min-width: 42rem) 40rem, 100vw"


class Raw(str):
    """Markup made here, written out as it is."""


class Element:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict):
        self.tag, self.attrs, self.children = tag, attrs, []

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> list:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root.children


def serialise(nodes) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, Raw):
            parts.append(node)
            continue
        if isinstance(node, str):
            parts.append(escape(node, quote=False))
            continue
        attrs = "".join(f' {name}="{escape(value)}"' for name, value in node.attrs.items())
        parts.append(f"<{node.tag}{attrs}>")
        if node.tag not in VOID:
            parts.append(serialise(node.children))
            parts.append(f"</{node.tag}>")
    return "".join(parts)


def text_of(nodes) -> str:
    return " ".join(
        " ".join(node.split()) if isinstance(node, str) else text_of(node.children)
        for node in nodes
    ).strip()


def is_note(node) -> bool:
    return isinstance(node, Element) and node.tag == "aside" and node.has_class(NOTE_CLASS)


ASIDE_TAG = re.compile(r'<aside( class="editors-note")?>|</aside>')


def unnest_notes(html: str) -> str:
    """Sanitised ``html`` with every aside that is not a note, or is inside one, unwrapped
    (its content kept): a note is one aside, never nested.

    Read tag by tag, not as a tree: however deep the markup, this takes one pass.
    """
    if "<aside" not in html:
        return html
    parts, position, kept, in_note = [], 0, [], 0
    for found in ASIDE_TAG.finditer(html):
        parts.append(html[position : found.start()])
        position = found.end()
        if found.group(0) == "</aside>":
            if kept and kept.pop():
                in_note -= 1
                parts.append("</aside>")
        else:
            keep = bool(found.group(1)) and not in_note
            kept.append(keep)
            if keep:
                in_note += 1
                parts.append(found.group(0))
    parts.append(html[position:])
    return "".join(parts)


def strip_notes(html: str) -> str:
    """The body without its editors' notes."""
    return NOTE.sub("", html) if "editors-note" in html else html


def image_ids(html: str) -> set[int]:
    """The ids of the library pictures a body shows."""
    return {int(found) for found in IMAGE_ID.findall(strip_notes(html))}


def public_text(html: str) -> str:
    """What readers can read of a body, as plain text (no notes, no markup)."""
    html = strip_notes(html)
    try:
        return text_of(parse(html))
    except RecursionError:
        return " ".join(TAG.sub(" ", html).split())


def _picture_html(image, *, for_feed: bool, absolute) -> str:
    fallback = image.fallback() if image.ready else None
    if fallback is None:
        return ""  # its renditions are still being made: shown once they are
    width, height = image.ratio_width, image.ratio_height
    alt = escape(image.alt_text)
    if for_feed:
        picture = (
            f'<img src="{escape(absolute(fallback[2]))}" width="{fallback[0]}" '
            f'height="{fallback[1]}" alt="{alt}">'
        )
    else:
        picture = (
            f'<picture><source type="image/webp" srcset="{escape(image.srcset("webp"))}" '
            f'sizes="{PICTURE_SIZES}"><img src="{escape(fallback[2])}" '
            f'srcset="{escape(image.srcset("jpeg"))}" sizes="{PICTURE_SIZES}" width="{width}" '
            f'height="{height}" alt="{alt}" loading="lazy" decoding="async"></picture>'
        )
    caption = escape(image.caption)
    if image.credit:
        caption = f'{caption} <span class="credit">{escape(image.credit)}</span>'.strip()
    caption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="body-image">{picture}{caption}</figure>'


def _embed_parts(node: Element):
    """The provider, URL, title and author an embed figure carries."""
    url = node.attrs.get("data-embed-url", "")
    provider = find_provider(url)
    link = next((n for n in _descendants(node) if n.tag == "a"), None)
    caption = next((n for n in _descendants(node) if n.tag == "figcaption"), None)
    title = text_of(link.children) if link else ""
    author = text_of(caption.children) if caption else ""
    return provider, url, title, author


def _descendants(node: Element):
    for child in node.children:
        if isinstance(child, Element):
            yield child
            yield from _descendants(child)


def _embed_html(node: Element, *, for_feed: bool) -> str:
    provider, url, title, author = _embed_parts(node)
    if provider is None:
        # Not an address a provider serves (altered by hand): its text only.
        inner = serialise(node.children)
        return f"<figure>{inner}</figure>" if inner else ""
    kind = "video" if provider.kind == "video" else "post"
    title = title if title and title != url else f"A {kind} on {provider.name}"
    caption = f"{author} on {provider.name}" if author else provider.name
    link = f'<a href="{escape(url)}">{escape(title)}</a>'
    if for_feed:
        caption = f"<figcaption>{escape(caption)}</figcaption>"
        return f'<figure class="embed"><p>{link}</p>{caption}</figure>'
    frame = provider.frame_url(url, node.attrs.get("data-embed-id", ""))
    consent = ""
    if frame:
        consent = (
            f'<p class="embed-consent" hidden><button type="button" class="embed-show">'
            f"Show the {kind} from {escape(provider.name)}</button> "
            f'<span class="embed-host">This loads content from {escape(provider.host)}.</span></p>'
        )
    return (
        f'<figure class="embed embed--{kind}" data-embed-frame="{escape(frame or "")}" '
        f'data-embed-title="{escape(f"{provider.name}: {title}")}">'
        f'<div class="embed-card"><p class="embed-link">{link}</p>{consent}</div>'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def render_body(html: str, images: dict, *, for_feed: bool = False, absolute=None) -> str:
    """The body for readers' pages (``for_feed`` False) or feeds: notes left out,
    library pictures from ``images`` (id → Image; a picture not there is left out),
    embeds as a link readers may swap for the provider's frame (in feeds, a link),
    tables scrolling sideways on narrow screens (pages only)."""
    if not html:
        return ""
    if not any(marker in html for marker in ("<aside", "<figure", "<table")):
        # Nothing to leave out or draw: the stored (sanitised) body as it is, with
        # no parse (a few milliseconds a story, seconds for a body megabytes long).
        return html
    tables = 0

    def walk(nodes) -> list:
        nonlocal tables
        result = []
        for node in nodes:
            if isinstance(node, str):
                result.append(node)
            elif is_note(node):
                continue
            elif node.tag == "figure" and "data-image-id" in node.attrs:
                image_id = node.attrs["data-image-id"]
                image = images.get(int(image_id)) if image_id.isdigit() else None
                if image is not None:
                    result.append(Raw(_picture_html(image, for_feed=for_feed, absolute=absolute)))
            elif node.tag == "figure" and node.has_class(EMBED_CLASS):
                result.append(Raw(_embed_html(node, for_feed=for_feed)))
            else:
                node.children = walk(node.children)
                if node.tag == "table" and not for_feed:
                    tables += 1
                    _mark_header_row(node)
                    wrapper = Element("div", {"class": "table-scroll", "role": "region"})
                    wrapper.attrs.update({"aria-label": f"Table {tables}", "tabindex": "0"})
                    wrapper.children = [node]
                    node = wrapper
                result.append(node)
        return result

    try:
        return serialise(walk(parse(html)))
    except RecursionError:
        # Markup nested deeper than any editor writes (stored by a script, say):
        # shown as it is stored, without its notes, which is safe as it is sanitised.
        return strip_notes(html)


def _mark_header_row(table: Element) -> None:
    """Header cells in a table's first row head their columns."""
    first_row = next((n for n in _descendants(table) if n.tag == "tr"), None)
    for cell in first_row.children if first_row else ():
        if isinstance(cell, Element) and cell.tag == "th":
            cell.attrs.setdefault("scope", "col")


def has_embeds(html: str) -> bool:
    return 'class="embed"' in strip_notes(html)


def outside_notes(term: str) -> str:
    """A regular expression (Python's, as SQLite runs it) finding ``term`` in a body
    anywhere but in its editors' notes."""
    note = r'<aside class="editors-note">(?:(?!</aside>).)*</aside>'
    return r"(?s)^(?:[^<]|<(?!aside class=\"editors-note\">)|" + note + r")*?" + re.escape(term)


def load_images(ids):
    """The library pictures with ``ids``, by id, in one query."""
    from articles.models import Image

    if not ids:
        return {}
    return {image.pk: image for image in Image.objects.filter(pk__in=ids)}
