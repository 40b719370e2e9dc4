"""Readable differences between two revisions of a story: every field, every
relation (people, sources with their detail, bylines with roles and order,
tags, section, pictures, corrections, live posts) and the body block by block,
word by word."""

import difflib
import re
from html.parser import HTMLParser

from django.contrib.contenttypes.models import ContentType
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from taggit.models import Tag

from articles.body import IMAGE_ID, public_text
from articles.models import (
    Byline,
    Citation,
    Correction,
    Image,
    LivePost,
    Person,
    Section,
    Source,
    Story,
    TaggedStory,
)

# Field, label, and the model a stored id stands for (None: text).
TEXT_FIELDS = [
    ("story_type", "Type"),
    ("kicker", "Kicker"),
    ("headline", "Headline"),
    ("slug", "Slug"),
    ("dek", "Standfirst"),
]
# Keyed as revisions keep them: foreign keys by their column.
ONE_OF = [
    ("section_id", "Section", Section),
    ("lead_image_id", "Lead image", Image),
    ("original_publisher_id", "Original publisher", Source),
]
MANY_OF = [
    ("people", "People in the story", Person),
    ("related", "Related stories", Story),
]
LATER_TEXT_FIELDS = [
    ("canonical_url", "Canonical address"),
    ("seo_title", "Search title"),
    ("seo_description", "Search description"),
]

# How the body's blocks are named in the comparison.
BLOCKS = {
    "p": "Paragraph",
    "h2": "Heading",
    "h3": "Subheading",
    "h4": "Subheading",
    "li": "List item",
    "blockquote": "Quote",
    "pre": "Code",
    "figcaption": "Caption",
    "tr": "Table row",
    "caption": "Table caption",
    "hr": "Rule",
}
INNER_BLOCKS = {"p", "h2", "h3", "h4", "li", "pre", "figcaption", "tr", "caption"}


class BodyBlocks(HTMLParser):
    """The body as a list of (kind, text): one entry per paragraph, heading, list
    item, quote, table row, picture, embed…; a paragraph in a quote is a quote,
    one in an editor's note a note."""

    def __init__(self, pictures: dict[int, str] | None = None):
        super().__init__(convert_charrefs=True)
        self.pictures = pictures or {}
        self.blocks: list[tuple[str, str]] = []
        self.open: list[str] = []
        self.text: list[str] = []
        self.quote = 0
        self.pull_quote = False
        self.note = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "blockquote":
            self.quote += 1
            self.pull_quote = "pull-quote" in (attrs.get("class") or "")
        elif tag == "aside":
            self.flush()
            self.note += 1
        elif tag == "figure" and attrs.get("data-image-id"):
            self.flush()
            number = attrs["data-image-id"]
            name = self.pictures.get(int(number)) if number.isdigit() else None
            self.blocks.append(("Picture", name or f"#{number} (not in the library)"))
        elif tag == "figure" and attrs.get("data-embed-url"):
            self.flush()
            self.blocks.append(("Embed", attrs["data-embed-url"]))
        elif tag == "hr":
            self.blocks.append(("Rule", "―"))
        elif tag == "br":
            self.text.append(" ")
        elif tag in {"td", "th"} and self.text:
            self.text.append(" | ")
        if tag in INNER_BLOCKS:
            self.flush()
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in INNER_BLOCKS and self.open:
            self.flush(self.open.pop())
        elif tag == "blockquote":
            self.flush("blockquote")
            self.quote = max(0, self.quote - 1)
        elif tag == "aside":
            self.flush()
            self.note = max(0, self.note - 1)

    def handle_data(self, data):
        self.text.append(data)

    def flush(self, tag="p"):
        text = " ".join("".join(self.text).split())
        self.text = []
        if not text:
            return
        kind = BLOCKS.get(tag, "Paragraph")
        if self.quote and tag in {"p", "blockquote"}:
            kind = "Pull quote" if self.pull_quote else "Quote"
        if self.note:
            kind = "Editor’s note"
        self.blocks.append((kind, text))

    def close(self):
        super().close()
        self.flush()


def body_blocks(html: str, pictures: dict[int, str] | None = None) -> list[tuple[str, str]]:
    parser = BodyBlocks(pictures)
    parser.feed(html or "")
    parser.close()
    return parser.blocks


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


def block(kind: str, content, state: str = ""):
    return format_html(
        '<div class="diff-block{}"><span class="diff-kind">{}</span> {}</div>',
        f" diff-{state}" if state else "",
        kind,
        content,
    )


def body_diff(old_html: str, new_html: str):
    """The body block by block: blocks taken out, put in, and changed word by word;
    library pictures by what they show."""
    # Every picture, notes' too: a note's changes are shown as well.
    ids = {int(pk) for pk in IMAGE_ID.findall(f"{old_html}{new_html}")}
    pictures = names_of(Image, ids) if ids else {}
    old, new = body_blocks(old_html, pictures), body_blocks(new_html, pictures)
    parts = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.extend(block(kind, text) for kind, text in old[a1:a2])
            continue
        removed, added = old[a1:a2], new[b1:b2]
        if op == "replace":
            # Blocks of the same kind in the same place are the same block, edited.
            while removed and added and removed[0][0] == added[0][0]:
                (kind, before), (_, after) = removed.pop(0), added.pop(0)
                parts.append(block(kind, word_diff(before, after), "changed"))
        parts.extend(
            block(kind, format_html("<del>{}</del>", text), "removed") for kind, text in removed
        )
        parts.extend(
            block(kind, format_html("<ins>{}</ins>", text), "added") for kind, text in added
        )
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped


def lines_diff(old: list[str], new: list[str]):
    """A list of lines (one per person, source, tag…) with lines taken out and put in."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    lines = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            lines.extend(escape(line) for line in old[a1:a2])
            continue
        lines.extend(format_html("<del>{}</del>", line) for line in old[a1:a2])
        lines.extend(format_html("<ins>{}</ins>", line) for line in new[b1:b2])
    if not lines:
        return mark_safe("<em>None.</em>")
    return format_html(
        "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in lines))
    )


class Snapshot:
    """One revision of a story: its own fields and those of what was saved with it."""

    def __init__(self, version):
        self.fields = version.field_dict
        saved_with = list(version.revision.version_set.all())
        self.related: dict[type, list[dict]] = {}
        # What else a revision holds (a model no longer followed, say) is not compared.
        for model in (Byline, Citation, Correction, TaggedStory, LivePost):
            content_type = ContentType.objects.get_for_model(model)
            self.related[model] = [
                related.field_dict
                for related in saved_with
                if related.content_type_id == content_type.pk
            ]

    def ids(self, model, field: str) -> set[int]:
        return {row[field] for row in self.related[model] if row.get(field) is not None}

    def many(self, name: str) -> list[int]:
        return [int(pk) for pk in self.fields.get(name) or []]


def names_of(model, ids) -> dict[int, str]:
    """What each object is called now; one that has since been deleted says so."""
    ids = {pk for pk in ids if pk is not None}
    found = {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}
    return {pk: found.get(pk, f"#{pk} (since deleted)") for pk in ids}


def relation_lines(snapshot: Snapshot, names) -> dict[str, list[str]]:
    """The story's relations in one revision, as the lines the comparison shows."""
    bylines = sorted(
        snapshot.related[Byline], key=lambda row: (row.get("order", 0), row["person_id"])
    )
    citations = sorted(
        snapshot.related[Citation], key=lambda row: (row.get("order", 0), row["source_id"])
    )
    corrections = sorted(snapshot.related[Correction], key=lambda row: str(row.get("created_at")))
    posts = sorted(
        snapshot.related[LivePost],
        key=lambda row: (str(row.get("published_at")), row.get("id") or 0),
        reverse=True,
    )
    return {
        "Bylines": [
            f"{position}. {names[Person][row['person_id']]}"
            + (f", {row['role']}" if row.get("role") else "")
            for position, row in enumerate(bylines, 1)
        ],
        "Sources": [
            f"{names[Source][row['source_id']]}"
            + (f": {row['detail']}" if row.get("detail") else "")
            for row in citations
        ],
        "Tags": sorted(names[Tag][row["tag_id"]] for row in snapshot.related[TaggedStory]),
        "Corrections": [row.get("text", "") for row in corrections],
        "Live posts": [post_line(row, names) for row in posts],
    }


def post_line(row: dict, names) -> str:
    """A live post in one line: "12:04, Jane Doe (key event): Headline. Its text."."""
    flags = [flag for flag in ("pinned", "key_event") if row.get(flag)]
    said = ", ".join(flag.replace("_", " ") for flag in flags)
    author = names[Person].get(row.get("author_id"), "")
    head = ", ".join(filter(None, [moment(row.get("published_at")), author]))
    text = " ".join(filter(None, [row.get("headline", ""), public_text(row.get("body") or "")]))
    return f"{head}{f' ({said})' if said else ''}: {text}"


def moment(value) -> str:
    if not value:
        return ""
    return date_format(value, "j F Y, H:i") if hasattr(value, "hour") else str(value)


def compare_versions(older, newer) -> list[dict]:
    """For each field and relation of the story: its label, whether it changed
    between revisions ``older`` and ``newer``, and the marked-up difference."""
    before, after = Snapshot(older), Snapshot(newer)
    both = (before, after)
    wanted = {
        Person: set().union(
            *(s.ids(Byline, "person_id") for s in both),
            *(s.ids(LivePost, "author_id") for s in both),
        ),
        Source: set().union(*(s.ids(Citation, "source_id") for s in both)),
        Tag: set().union(*(s.ids(TaggedStory, "tag_id") for s in both)),
    }
    for name, _, model in ONE_OF:
        wanted.setdefault(model, set()).update(s.fields.get(name) for s in both)
    for name, _, model in MANY_OF:
        wanted.setdefault(model, set()).update(*(s.many(name) for s in both))
    names = {model: names_of(model, ids) for model, ids in wanted.items()}
    types = dict(Story.Type.choices)

    changes = []

    def text(label, old, new, diff=word_diff):
        old, new = old or "", new or ""
        changes.append({"label": label, "changed": old != new, "diff": diff(old, new)})

    def lines(label, old, new):
        changes.append({"label": label, "changed": old != new, "diff": lines_diff(old, new)})

    for name, label in TEXT_FIELDS:
        old, new = before.fields.get(name), after.fields.get(name)
        if name == "story_type":
            old, new = types.get(old, old), types.get(new, new)
        text(label, old, new)
    text("Body", before.fields.get("body"), after.fields.get("body"), diff=body_diff)
    text(
        "Publication time",
        moment(before.fields.get("published_at")),
        moment(after.fields.get("published_at")),
    )
    for name, label, model in ONE_OF:
        old, new = before.fields.get(name), after.fields.get(name)
        text(label, names[model].get(old, ""), names[model].get(new, ""))
    for name, label, model in MANY_OF:
        old = sorted(names[model][pk] for pk in before.many(name))
        new = sorted(names[model][pk] for pk in after.many(name))
        lines(label, old, new)
    old_lines, new_lines = relation_lines(before, names), relation_lines(after, names)
    for label in old_lines:
        lines(label, old_lines[label], new_lines[label])
    for name, label in LATER_TEXT_FIELDS:
        text(label, before.fields.get(name), after.fields.get(name))
    if any(s.fields.get("live_from") or s.related[LivePost] for s in both):
        text("Live coverage", coverage(before.fields), coverage(after.fields))
    else:
        # Never covered live: nothing to name.
        changes = [change for change in changes if change["label"] != "Live posts"]
    return changes


def coverage(fields: dict) -> str:
    began, ended = fields.get("live_from"), fields.get("live_until")
    if not began:
        return "Not covered live"
    return f"From {moment(began)}" + (f" until {moment(ended)}" if ended else " (open)")
