"""Values for key=value log lines, written so that no value can start a line of its own.

A value that is a plain word is written as it is; any other is quoted, with
backslashes, quotes and every control or invisible formatting character (new
lines, NUL, a terminal's escape, a right-to-left override) escaped as in JSON,
so a quoted value reads back with ``json.loads``. The app's log formatter and
gunicorn's access log both write their values with ``quote``.
"""

import re
import unicodedata

# Printable ASCII but space, quote, equals sign and backslash: safe unquoted.
BARE = re.compile(r"[!#-<>-\[\]-~]+")
# Printable ASCII but quote and backslash, and any character above it, may need a look.
SUSPECT = re.compile(r"[^ !#-\[\]-~]")
SHORT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Line and paragraph separators end a line for some readers, as controls do.
INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def escape_character(match: re.Match) -> str:
    character = match[0]
    if character in SHORT:
        return SHORT[character]
    if unicodedata.category(character) not in INVISIBLE:
        return character
    code = ord(character)
    if code > 0xFFFF:
        # JSON writes characters beyond the BMP as a surrogate pair.
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` with backslashes, quotes and control characters escaped, as in JSON."""
    return SUSPECT.sub(escape_character, text)


def quote(value) -> str:
    """``value`` as a log value: as it is when a plain word, else quoted and escaped."""
    text = str(value)
    if BARE.fullmatch(text):
        return text
    return f'"{escape(text)}"'
