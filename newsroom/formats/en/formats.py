# The desk reads times on the 24-hour clock, as the site shows them ("05:28",
# not "5:28 a.m."): Django's English formats with the time as H:i.
from django.conf.locale.en.formats import *  # noqa: F403

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "N j, Y, H:i"
SHORT_DATETIME_FORMAT = "m/d/Y H:i"
