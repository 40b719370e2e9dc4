"""The app's log lines: one line per event, whatever a logged value holds."""

import json
import logging

from newsroom.middleware import OneLineFormatter

# What a reader can put in a path or a form field, and a log message can carry.
HOSTILE = 'a\x00b\rc\x1b[2Jd\u2028e\u202ef\x85g"h\\i\U000e0001j'


def test_a_logged_value_with_control_characters_stays_on_its_line_and_reads_back():
    record = logging.LogRecord("articles", logging.WARNING, __file__, 1, "%s", (HOSTILE,), None)
    line = OneLineFormatter().format(record)

    # No control, separator or direction character is left to act on a reader.
    assert line.isprintable()
    quoted = line.split(" message=", 1)[1]
    assert json.loads(quoted) == HOSTILE


def test_plain_words_are_written_as_they_are():
    record = logging.LogRecord("articles", logging.INFO, __file__, 1, "published", None, None)
    assert (
        OneLineFormatter()
        .format(record)
        .endswith("level=info logger=articles request_id=- message=published")
    )
