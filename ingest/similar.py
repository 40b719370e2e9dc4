"""Near-identical copy: a 64-bit SimHash of a text, and the distance between two.

The same item republished by a partner under a new id differs at most in whitespace,
typographic quotes, punctuation or a word or two; its SimHash then differs in a few
bits, while two different stories differ in about half of them (32 of 64).

Normalising: Unicode compatibility form, lower case, and every run of characters that
is not a letter or a digit is one space, so quotes, dashes and punctuation do not count.
Digits do count: "90 minutes" and "60 minutes" are different copy, though one changed
number moves the hash by only a few bits, as any one word does.
"""

import hashlib
import re
import unicodedata
from collections import Counter

BITS = 64
SHINGLE = 3
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The text's words, normalised as the module docstring says."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _hash(shingle: str) -> int:
    # blake2b is the same in every process and on every machine; Python's hash() is not.
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")


def fingerprint(text: str) -> int:
    """The SimHash of ``text`` over word 3-shingles, as a signed 64-bit integer (so that
    it fits a ``BigIntegerField``). A text of fewer than three words is one shingle;
    an empty text is 0."""
    tokens = words(text)
    if not tokens:
        return 0
    shingles = Counter(
        " ".join(tokens[i : i + SHINGLE]) for i in range(max(len(tokens) - SHINGLE + 1, 1))
    )
    votes = [0] * BITS
    for shingle, count in shingles.items():
        value = _hash(shingle)
        for bit in range(BITS):
            votes[bit] += count if value >> bit & 1 else -count
    unsigned = sum(1 << bit for bit in range(BITS) if votes[bit] > 0)
    return unsigned - (1 << BITS) if unsigned >= 1 << (BITS - 1) else unsigned


def distance(a: int, b: int) -> int:
    """How many of the 64 bits differ between two fingerprints (Hamming distance)."""
    return ((a ^ b) & ((1 << BITS) - 1)).bit_count()
