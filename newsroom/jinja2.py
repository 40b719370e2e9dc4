"""The Jinja2 environment of the reader-facing pages.

Readers' pages (``reader_templates/``) render with Jinja2: the same page costs a fraction
of the CPU of Django's template engine, which matters for every request that
misses the page cache. The admin keeps Django's templates (``templates/``).
"""

import datetime

from django.conf import settings
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment, pass_context

from articles import jsonld
from articles.cache import fragment
from articles.models import Section


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def date(value, format_string: str = "") -> str:
    """Django's ``date`` filter, in the site's time zone as in Django's templates."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return defaultfilters.date(value, format_string or None)


def now(format_string: str) -> str:
    return date(timezone.now(), format_string)


def pluralize(value, suffix: str = "s") -> str:
    return defaultfilters.pluralize(value, suffix)


def linebreaks(value) -> str:
    return defaultfilters.linebreaks_filter(value, autoescape=True)


@pass_context
def section_list(context) -> list[Section]:
    """The site's sections in the desk's order, for the header navigation."""
    request = context.get("request")
    if request is None:
        return list(Section.objects.only("name", "slug"))
    return fragment(request, "sections", lambda: list(Section.objects.only("name", "slug")))


@pass_context
def story_structured_data(context, page):
    """JSON-LD NewsArticle and BreadcrumbList for a public story (a ``StoryPage``)."""
    request = context["request"]
    article = jsonld.script(jsonld.story_article(request, page))
    return article + jsonld.script(jsonld.story_breadcrumbs(request, page.story))


@pass_context
def person_structured_data(context, person):
    return jsonld.script(jsonld.person_profile(context["request"], person))


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(
        url=url,
        static=static,
        now=now,
        section_list=section_list,
        story_structured_data=story_structured_data,
        person_structured_data=person_structured_data,
        LANGUAGE_CODE=settings.LANGUAGE_CODE,
    )
    env.filters.update(date=date, pluralize=pluralize, linebreaks=linebreaks)
    return env
