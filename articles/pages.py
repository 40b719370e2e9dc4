"""The site's own pages (About, Contact, Masthead, the ethics and corrections
policies): the list that every page's footer, the publisher's structured data
and the pages' addresses are read from, kept as a fragment under the content's
state, so that a page served from kept markup reads none of it again."""

from dataclasses import dataclass

from django.db.models import BooleanField, CharField, Value
from django.utils.safestring import SafeString, mark_safe

from articles import body
from articles.cache import fragment
from articles.models import Page, Section


@dataclass(frozen=True)
class Furniture:
    """What every page's header and footer show: the sections and the site's own pages."""

    sections: list[Section]
    pages: list[Page]


def read_furniture() -> Furniture:
    """Sections and pages in one query (a UNION of the two lists' columns), so that
    the footer's pages cost a page made anew no more queries than the header alone."""
    text, flag = CharField(), BooleanField()
    # Each without its own order (a compound statement takes none); sorted below.
    sections = Section.objects.order_by().values_list(
        Value("section", output_field=text),
        "pk",
        "name",
        "slug",
        "position",
        Value("", output_field=text),
        Value(False, output_field=flag),
    )
    pages = Page.objects.order_by().values_list(
        Value("page", output_field=text), "pk", "title", "slug", "position", "kind", "in_footer"
    )
    found = Furniture([], [])
    for table, pk, name, slug, position, kind, in_footer in sections.union(pages, all=True):
        if table == "section":
            found.sections.append(Section(pk=pk, name=name, slug=slug, position=position))
        else:
            found.pages.append(
                Page(
                    pk=pk, title=name, slug=slug, position=position, kind=kind, in_footer=in_footer
                )
            )
    # In each model's own order (Meta.ordering), which a UNION does not keep.
    found.sections.sort(key=lambda section: (section.position, section.name))
    found.pages.sort(key=lambda page: (page.position, page.title))
    return found


def furniture(request) -> Furniture:
    """The header's and footer's lists, read once a request and kept as a fragment."""
    if request is None:
        return read_furniture()
    found = getattr(request, "site_furniture", None)
    if found is None:
        found = request.site_furniture = fragment(request, "site-furniture", read_furniture)
    return found


def site_pages(request) -> list[Page]:
    """Every page in the footer's order, without its body."""
    return furniture(request).pages


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
