"""The site's own pages (About, Contact, Masthead, the ethics and corrections
policies): the list that every page's footer, the publisher's structured data
and the pages' addresses are read from, kept as a fragment under the content's
state, so that a page served from kept markup reads none of it again."""

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from articles import body
from articles.cache import fragment
from articles.models import Page


def site_pages(request) -> list[Page]:
    """Every page in the footer's order, without its body; read once a request."""
    if request is None:
        return list(Page.objects.defer("body"))
    found = getattr(request, "site_pages", None)
    if found is None:
        found = request.site_pages = fragment(
            request, "site-pages", lambda: list(Page.objects.defer("body"))
        )
    return found


@dataclass(frozen=True)
class PageView:
    """A page as readers get it: the page, its body drawn for them and a summary."""

    page: Page
    body: SafeString
    summary: str


def page_view(request, slug: str) -> PageView | None:
    """The page at /<slug>/, or None: an unknown address reads nothing once the
    list of pages is kept, however many of them crawlers try."""
    if not any(page.slug == slug for page in site_pages(request)):
        return None

    def build():
        page = Page.objects.filter(slug=slug).first()
        if page is None:
            return None
        # Sanitised on save; render_body escapes what it adds.
        drawn = mark_safe(body.render_body(page.body, body.load_images(body.image_ids(page.body))))
        return PageView(page, drawn, summary(page.body))

    return fragment(request, f"page:{slug}", build)


def summary(html: str, limit: int = 160) -> str:
    """The page's opening words for search engines and link previews: at most
    ``limit`` characters, cut between words."""
    text = " ".join(body.public_text(html).split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
