"""Readable differences between two revisions of a story, word by word."""

import difflib
import re

from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe

COMPARED_FIELDS = [
    ("kicker", "Kicker"),
    ("headline", "Headline"),
    ("dek", "Standfirst"),
    ("body", "Body"),
]

BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption)>|<br\s*/?>", re.IGNORECASE)


def readable_text(html: str) -> str:
    """Body HTML as plain text, one paragraph per line."""
    text = BLOCK_END.sub("\n", html or "")
    return "\n".join(line.strip() for line in strip_tags(text).splitlines() if line.strip())


def word_diff(old: str, new: str):
    """HTML with removed words in <del> and added words in <ins>."""
    old_words, new_words = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(old_words[a1:a2])))
            continue
        if op in {"delete", "replace"}:
            parts.append(format_html("<del>{}</del>", "".join(old_words[a1:a2])))
        if op in {"insert", "replace"}:
            parts.append(format_html("<ins>{}</ins>", "".join(new_words[b1:b2])))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 - every part is escaped


def compare_versions(old: dict, new: dict) -> list[dict]:
    """For each compared field: its label, whether it changed, and the marked-up difference."""
    changes = []
    for name, label in COMPARED_FIELDS:
        before, after = old.get(name) or "", new.get(name) or ""
        if name == "body":
            before, after = readable_text(before), readable_text(after)
        changes.append(
            {"label": label, "changed": before != after, "diff": word_diff(before, after)}
        )
    return changes
