"""Dates as Django's ``date`` filter writes them, without its format parser.

A page of cards formats forty dates, and the parser took a tenth of the page's
time; the letters the reader templates use are read directly, with the same
output (see tests/test_templates.py).
"""

import datetime
import functools
import re

from django.template import defaultfilters
from django.utils.dateformat import DateFormat
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.timezone import template_localtime

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
    if quick_format(format_string) is not None and isinstance(value, datetime.datetime):
        return format_local(template_localtime(value), format_string)
    return defaultfilters.date(template_localtime(value), format_string or None)


def format_local(value: datetime.datetime, format_string: str) -> str:
    """``value``, already in the time zone to show, as ``format_string`` says
    (one of the formats ``quick_format`` reads)."""
    pieces = quick_format(format_string)
    return "".join(piece if type(piece) is str else piece(value) for piece in pieces)
