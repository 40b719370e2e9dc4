"""The Jinja2 environment of the reader-facing pages.

Readers' pages (``reader_templates/``) render with Jinja2: the same page costs a fraction
of the CPU of Django's template engine, which matters for every request that
misses the page cache. The admin keeps Django's templates (``templates/``).
"""

import datetime

from django.conf import settings
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import to_locale
from jinja2 import Environment, nodes, pass_context
from jinja2.ext import Extension

from articles import jsonld
from articles.cache import fragment
from articles.models import Page, Section
from articles.pages import furniture, site_pages


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def date(value, format_string: str = "") -> str:
    """Django's ``date`` filter, in the site's time zone as in Django's templates."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return defaultfilters.date(value, format_string or None)


def machine_time(value) -> str:
    """A moment as a ``<time datetime>`` takes it: HTML allows at most three digits
    of a second's fraction, so whole seconds, in the site's time zone."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def now(format_string: str) -> str:
    return date(timezone.now(), format_string)


def pluralize(value, suffix: str = "s") -> str:
    return defaultfilters.pluralize(value, suffix)


def linebreaks(value) -> str:
    return defaultfilters.linebreaks_filter(value, autoescape=True)


@pass_context
def section_list(context) -> list[Section]:
    """The site's sections in the desk's order, for the header navigation."""
    return furniture(context.get("request")).sections


@pass_context
def footer_pages(context) -> list[Page]:
    """The site's own pages the footer links to, in the desk's order."""
    return [page for page in site_pages(context.get("request")) if page.in_footer]


@pass_context
def story_structured_data(context, page):
    """JSON-LD NewsArticle and BreadcrumbList for a public story (a ``StoryPage``)."""
    request = context["request"]
    article = jsonld.script(jsonld.story_article(request, page, site_pages(request)))
    return article + jsonld.script(jsonld.story_breadcrumbs(request, page.story))


@pass_context
def site_structured_data(context):
    """JSON-LD for the front page: the newsroom (Organization) and the site (WebSite)."""
    request = context["request"]
    newsroom = jsonld.organization(request, site_pages(request))
    return jsonld.script(newsroom) + jsonld.script(jsonld.website(request))


@pass_context
def page_structured_data(context, page, summary=""):
    """JSON-LD for one of the site's own pages (AboutPage, ContactPage, WebPage)."""
    return jsonld.script(jsonld.site_page(context["request"], page, summary))


@pass_context
def person_structured_data(context, person):
    return jsonld.script(jsonld.person_profile(context["request"], person))


class FragmentCacheExtension(Extension):
    """``{% cache "name", part, ... %}...{% endcache %}``: the markup between, made
    once and kept as a fragment (``articles.cache.fragment``) for every request
    with the same template, name and parts.

    Django's ``{% cache %}`` tag for the readers' Jinja2 templates, built as
    Jinja's documentation shows, but filed under the content's state instead of
    a timeout: a change to the content makes the markup again on the next
    request. The parts name all the block shows that is not content (the
    address, a page number); they must come from a bounded set, such as pages
    that exist.
    """

    tags = {"cache"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        parts = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            parts.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        call = self.call_method("_cached", [nodes.ContextReference(), nodes.List(parts)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    @staticmethod
    def _cached(context, parts, caller):
        request = context.get("request")
        if request is None:
            return caller()
        # Links in the markup follow the script prefix the site is served under.
        name = ":".join(["html", get_script_prefix(), context.name or "", *map(str, parts)])
        return fragment(request, name, caller)


def environment(**options) -> Environment:
    options["extensions"] = [*options.get("extensions", ()), FragmentCacheExtension]
    env = Environment(**options)
    env.globals.update(
        url=url,
        static=static,
        now=now,
        section_list=section_list,
        footer_pages=footer_pages,
        story_structured_data=story_structured_data,
        person_structured_data=person_structured_data,
        site_structured_data=site_structured_data,
        page_structured_data=page_structured_data,
        LANGUAGE_CODE=settings.LANGUAGE_CODE,
        # Open Graph's form of the language: en_GB for en-gb.
        OG_LOCALE=to_locale(settings.LANGUAGE_CODE),
    )
    env.filters.update(
        date=date, machine_time=machine_time, pluralize=pluralize, linebreaks=linebreaks
    )
    return env
