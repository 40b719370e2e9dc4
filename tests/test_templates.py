"""The readers' template environment (newsroom/jinja2.py)."""

import datetime
import zoneinfo

import pytest
from django.template import defaultfilters
from django.utils import timezone, translation

from newsroom.dates import date

FORMATS = [
    "c",
    "j F Y, H:i",
    "j F Y, H:i T",
    "j M Y",
    "l j F Y",
    "D d/m/Y n",
    "F Y",
    "Y",
    # Needs Django's own parser: other letters, escapes, named formats.
    "jS F Y, P",
    r"j \o\f F",
    "DATE_FORMAT",
]
UTC = datetime.UTC
MOMENTS = [
    datetime.datetime(2025, 2, 12, 16, 5, tzinfo=UTC),
    datetime.datetime(2026, 7, 1, 0, 0, 30, tzinfo=UTC),  # summer time in London
    datetime.datetime(2024, 10, 27, 1, 30, tzinfo=UTC),  # the hour London repeats
    datetime.datetime(999, 12, 31, 23, 59, tzinfo=UTC),
]


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "UTC"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_date_filter_matches_djangos(settings, zone, language):
    settings.TIME_ZONE = zone
    with timezone.override(zoneinfo.ZoneInfo(zone)), translation.override(language):
        for moment in MOMENTS:
            for format_string in FORMATS:
                expected = defaultfilters.date(timezone.template_localtime(moment), format_string)
                assert date(moment, format_string) == expected, (moment, format_string)
        # Dates without a time, and no date at all, as Django's filter has them.
        assert (
            date(datetime.date(2025, 2, 12), "j F Y")
            == "12 " + str(defaultfilters.date(datetime.date(2025, 2, 12), "F")) + " 2025"
        )
        assert date(None, "j F Y") == ""
