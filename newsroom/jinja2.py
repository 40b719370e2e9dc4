"""The Jinja2 environment of the reader-facing pages.

Readers' pages (``reader_templates/``) render with Jinja2: the same page costs a fraction
of the CPU of Django's template engine, which matters for every request that
misses the page cache. The admin keeps Django's templates (``templates/``).
"""

import datetime
import functools
import re
from typing import NamedTuple

from django.conf import settings
from django.template import defaultfilters
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dateformat import DateFormat
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.timezone import template_localtime
from jinja2 import Environment, pass_context

from articles import jsonld
from articles.models import Section
from articles.paths import path_for
from articles.search import related_stories

# Format letters read without Django's format parser, with the same output: a page
# of cards formats forty dates, and the parser took a tenth of the page's time.
QUICK_LETTERS = {
    "c": datetime.datetime.isoformat,
    "d": lambda value: f"{value.day:02d}",
    "D": lambda value: str(WEEKDAYS_ABBR[value.weekday()]),
    "F": lambda value: str(MONTHS[value.month]),
    "H": lambda value: f"{value.hour:02d}",
    "i": lambda value: f"{value.minute:02d}",
    "j": lambda value: str(value.day),
    "l": lambda value: str(WEEKDAYS[value.weekday()]),
    "m": lambda value: f"{value.month:02d}",
    "M": lambda value: str(MONTHS_3[value.month]).title(),
    "n": lambda value: str(value.month),
    "T": lambda value: DateFormat(value).T(),
    "Y": lambda value: f"{value.year:04d}",
}
FORMAT_LETTERS = re.compile(r"([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")


@functools.lru_cache(maxsize=64)
def quick_format(format_string: str) -> tuple | None:
    """The pieces of ``format_string`` (text, or a function of the date), or None
    when it needs Django's parser (escapes, other letters, named formats)."""
    if not format_string or "\\" in format_string or format_string.endswith("_FORMAT"):
        return None
    pieces = []
    for index, piece in enumerate(FORMAT_LETTERS.split(format_string)):
        if index % 2:
            if piece not in QUICK_LETTERS:
                return None
            pieces.append(QUICK_LETTERS[piece])
        elif piece:
            pieces.append(piece)
    return tuple(pieces)


def date(value, format_string: str = "") -> str:
    """Django's ``date`` filter, in the site's time zone like Django's templates."""
    pieces = quick_format(format_string)
    if pieces is not None and isinstance(value, datetime.datetime):
        value = template_localtime(value)
        return "".join(piece if type(piece) is str else piece(value) for piece in pieces)
    return defaultfilters.date(template_localtime(value), format_string or None)


def now(format_string: str) -> str:
    return date(timezone.now(), format_string)


def pluralize(value, suffix: str = "s") -> str:
    return defaultfilters.pluralize(value, suffix)


def linebreaks(value) -> str:
    return defaultfilters.linebreaks_filter(value, autoescape=True)


class NavLink(NamedTuple):
    name: str
    url: str


def section_list() -> list[NavLink]:
    """The site's sections, for the header navigation: names and addresses only."""
    return [
        NavLink(name, path_for("articles:section", slug=slug))
        for name, slug in Section.objects.values_list("name", "slug")
    ]


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
        url=path_for,
        static=static,
        now=now,
        section_list=section_list,
        related_stories=related_stories,
        story_structured_data=story_structured_data,
        person_structured_data=person_structured_data,
        LANGUAGE_CODE=settings.LANGUAGE_CODE,
    )
    env.filters.update(date=date, pluralize=pluralize, linebreaks=linebreaks)
    return env
