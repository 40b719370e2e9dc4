"""Story bodies are HTML from editors' hands and pasted copy: keep newsroom markup only."""

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError

from articles.text import xml_text

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "q", "cite",
    "a", "strong", "em", "b", "i", "u", "s", "sub", "sup", "small", "abbr", "mark",
    "figure", "figcaption", "pre", "code",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite", "class"},
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


# The only class an editor can set: a blockquote styled as a pull quote.
ALLOWED_CLASSES = {("blockquote", "pull-quote")}

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
    "History": True,
    # The browser's spelling check, which the editor turns off by default.
    "NoSpellCheck": False,
}


def _keep_allowed_classes(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "class":
        return value
    kept = [name for name in value.split() if (tag, name) in ALLOWED_CLASSES]
    return " ".join(kept) or None


def sanitize_html(html: str) -> str:
    """Drop scripts, event handlers, styles, any link that is not http(s) or mailto,
    and the characters XML cannot carry (the body goes into feeds)."""
    if not html:
        return ""
    cleaned = nh3.clean(
        xml_text(html, multiline=True),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_allowed_classes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    # Character references such as &#11; come out of the parser as the characters.
    cleaned = xml_text(cleaned, multiline=True)
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
