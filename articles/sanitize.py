"""Story bodies are HTML from editors' hands and pasted copy: keep newsroom markup only."""

import nh3

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
}


def _keep_allowed_classes(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "class":
        return value
    kept = [name for name in value.split() if (tag, name) in ALLOWED_CLASSES]
    return " ".join(kept) or None


def sanitize_html(html: str) -> str:
    """Drop scripts, event handlers, styles and any link that is not http(s) or mailto."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_allowed_classes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    # The editor saves an empty document as one empty paragraph.
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned
