"""Story bodies are HTML from editors' hands and pasted copy: keep newsroom markup only."""

import re

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from articles.body import unnest_notes
from articles.embeds import DID, PROVIDERS, find_provider
from articles.text import xml_text

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "q", "cite",
    "a", "strong", "em", "b", "i", "u", "s", "sub", "sup", "small", "abbr", "mark",
    "figure", "figcaption", "pre", "code", "aside",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite", "class"},
    "aside": {"class"},
    # A library picture by id; an embed by provider and address (see articles.body).
    "figure": {
        "class",
        "data-image-id",
        "data-embed-provider",
        "data-embed-url",
        "data-embed-id",
    },
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


# The classes an editor can set: a blockquote styled as a pull quote, an editor's
# note (never shown to readers), a library picture and an embed.
ALLOWED_CLASSES = {
    ("blockquote", "pull-quote"),
    ("aside", "editors-note"),
    ("figure", "library-image"),
    ("figure", "embed"),
}
IMAGE_ID = re.compile(r"[1-9][0-9]{0,9}")

# What the story editor offers; everything it makes passes sanitize_html().
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "NodeClass": {
        "cssClasses": {"blockquote": [{"className": "pull-quote", "title": "Pull quote"}]},
    },
    "HardBreak": True,
    "HorizontalRule": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    # The newsroom's own (static/articles/admin/body_editor.js).
    "EditorsNote": True,
    "LibraryImage": {"chooserUrl": reverse_lazy("admin:articles_image_chooser")},
    "Embed": {"embedUrl": reverse_lazy("admin:articles_story_embed")},
    "History": True,
    # The browser's spelling check, which the editor turns off by default.
    "NoSpellCheck": False,
}


# The site's own pages: the story editor's tools, less the library's pictures and
# embeds, whose choosers belong to the story form.
PAGE_EDITOR_EXTENSIONS = {
    name: config
    for name, config in BODY_EDITOR_EXTENSIONS.items()
    if name not in {"LibraryImage", "Embed"}
}


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [name for name in value.split() if (tag, name) in ALLOWED_CLASSES]
        return " ".join(kept) or None
    if attribute == "data-image-id":
        return value if IMAGE_ID.fullmatch(value) else None
    if attribute == "data-embed-provider":
        return value if value in PROVIDERS else None
    if attribute == "data-embed-url":
        # Readers' frames are worked out from this address: only a provider's own.
        return value if find_provider(value) else None
    if attribute == "data-embed-id":
        return value if DID.fullmatch(value) else None
    # No "<" or ">" in attribute values: what reads notes out of a body by pattern
    # (the search index's trigger) then cannot be misled by a forged "</aside>".
    if attribute == "href":
        return value.replace("<", "%3C").replace(">", "%3E")
    return value.replace("<", "").replace(">", "")


def sanitize_html(html: str) -> str:
    """Drop scripts, event handlers, styles, frames, any link that is not http(s) or
    mailto, any embed not from a known provider, and the characters XML cannot carry
    (the body goes into feeds). Editors' notes are kept, one level deep."""
    if not html:
        return ""
    cleaned = nh3.clean(
        xml_text(html, multiline=True),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    # Character references such as &#11; come out of the parser as the characters.
    cleaned = unnest_notes(xml_text(cleaned, multiline=True))
    # The editor saves an empty document as one empty paragraph.
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


def sanitized_body(html: str) -> str:
    """``sanitize_html(html)``, refused when it is larger than STORY_BODY_MAX_BYTES.

    Measured after sanitising: a megabyte of unclosed tags grows fourfold as the
    sanitiser closes them.
    """
    cleaned = sanitize_html(html)
    size, limit = len(cleaned.encode()), settings.STORY_BODY_MAX_BYTES
    if size > limit:
        raise ValidationError(
            "The body is too long: %(size)s of text and markup once cleaned, and a story "
            "holds at most %(limit)s. Split it into parts, or paste it again as plain text.",
            code="body_too_long",
            params={"size": f"{size / 1000:,.0f} kB", "limit": f"{limit / 1000:,.0f} kB"},
        )
    return cleaned
