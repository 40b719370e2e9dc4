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
    "blockquote": {"cite"},
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


def sanitize_html(html: str) -> str:
    """Drop scripts, event handlers, styles and any link that is not http(s) or mailto."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
