"""Finding stories: full-text search over published stories, and related stories.

On PostgreSQL, search matches ``Story.search_vector`` (kept up to date by the
triggers of migrations 0006 and 0009) and ranks by weight. On SQLite it looks
for every word in the same fields and names. Either way the snippet is cut and
highlighted in Python; the page looks the same.
"""

import html
import re
from operator import itemgetter

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, connections, transaction
from django.db.models import (
    Case,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.body import outside_notes
from articles.models import Story

# Must match CONFIG in migration 0005_readers.
SEARCH_CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
SNIPPET_WORDS = 30
# Matches ranked per search; one more than the search page's count limit, so the
# page can say "more than 500". Readers rarely page past the first few pages,
# and ranking a thousand matches cost twice the time.
SEARCH_WINDOW = 501
# Private-use characters mark matches, so the text can be escaped as a whole
# before the marks become <mark> elements.
MARK_START, MARK_STOP = "\ue000", "\ue001"
TAG = re.compile(r"<[^>]*>")
# A heading has no full stop of its own: one is put in, so that a snippet does not run
# "What happens next" into the next sentence.
HEADING_END = re.compile(r"(?<=[^.!?:;…\s])\s*</h[2-6]>")


def clean_query(raw: str) -> str:
    """The query as searched: no NUL bytes (PostgreSQL refuses them), short, trimmed."""
    return " ".join(raw.replace("\x00", " ").split())[:MAX_QUERY_LENGTH]


def query_terms(query: str) -> list[str]:
    return re.findall(r"\w+", query)[:MAX_TERMS]


def uses_postgresql() -> bool:
    return connection.vendor == "postgresql"


def story_search(query: str):
    """Published stories matching ``query`` (unordered on PostgreSQL)."""
    stories = Story.objects.published()
    if not query_terms(query):
        return stories.none()
    if uses_postgresql():
        return stories.filter(search_vector=search_query(query))
    return fallback_search(stories, query_terms(query))


def search_query(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


def search_results(query: str) -> list[int]:
    """Ids of the published stories matching ``query``, best first.

    At most SEARCH_WINDOW: on PostgreSQL the most recent matches are ranked (a
    common word matches most of the archive, and ranking all of it took seconds
    at 100,000 stories), in the one scan that finds them.
    """
    matches = story_search(query)
    if not uses_postgresql():
        return list(matches.values_list("pk", flat=True)[:SEARCH_WINDOW])
    rows = (
        matches.order_by("-published_at", "-pk")
        .annotate(rank=SearchRank(F("search_vector"), search_query(query)))
        .values_list("rank", "pk")[:SEARCH_WINDOW]
    )
    with (
        transaction.atomic(using=rows.db, savepoint=False),
        connections[rows.db].cursor() as cursor,
    ):
        # Planned for its words every time, never with a generic plan: a prepared
        # statement gets one after five runs, made without knowing how many stories
        # the words match, and for a search that plan joins every public story to
        # the matches (13 ms for a rare word, 66 ms for a common one at 100,000
        # stories, against 0.5 and 4 ms planned for the words).
        cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        rows = list(rows)
    # Best first; equal ranks stay newest first (a stable sort keeps their order).
    return [pk for rank, pk in sorted(rows, key=itemgetter(0), reverse=True)]


def fallback_search(stories, terms: list[str]):
    """Every word somewhere in the story's text or names; headline matches first."""
    names = [
        "people__name",
        "bylines__person__name",
        "citations__source__name",
        "tags__name",
    ]
    rank = Value(0)
    for term in terms:
        in_names = [
            Q(pk__in=Story.objects.filter(**{f"{name}__icontains": term}).values("pk"))
            for name in names
        ]
        in_text = [Q(**{f"{field}__icontains": term}) for field in ("headline", "kicker", "dek")]
        # Editors' notes are no reader's to find.
        in_text.append(Q(body__iregex=outside_notes(term)))
        stories = stories.filter(Q(*in_text + in_names, _connector=Q.OR))
        rank = rank + Case(
            When(headline__icontains=term, then=3),
            When(dek__icontains=term, then=2),
            default=1,
            output_field=IntegerField(),
        )
    return stories.annotate(rank=rank).order_by("-rank", "-published_at", "-pk")


def term_words(terms: list[str]) -> re.Pattern:
    """Words starting with any of ``terms``, in any case."""
    return re.compile(r"\b(?:" + "|".join(map(re.escape, terms)) + r")\w*", re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> SafeString:
    """``text`` escaped, with words starting with a search term in <mark>."""
    if terms:
        text = term_words(terms).sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_STOP}", text)
    return marks_to_html(text)


def marks_to_html(marked: str) -> SafeString:
    escaped = escape(marked)
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))


def snippet(text: str, query: str) -> SafeString:
    """A few words of ``text`` (a story's dek and body) around the first match, highlighted.

    Cut in Python from the page's 20 stories: PostgreSQL's ts_headline parses
    each whole body again and took 2-3 ms a story.
    """
    terms = query_terms(query)
    # The body is sanitised HTML: dropping tags by pattern is safe here, and much
    # quicker than strip_tags' parser; the text is escaped again below.
    text = html.unescape(TAG.sub(" ", HEADING_END.sub(". ", text)))
    match = term_words(terms).search(text) if terms else None
    # Split off only the words around the match, not the whole body: up to a
    # third of the snippet before it, the rest from it on.
    cut = match.start() if match else 0
    before, after = text[:cut], text[cut:]
    lead = SNIPPET_WORDS // 3
    head = before.rsplit(None, lead)
    more_before = len(head) > lead
    if more_before:
        del head[0]
    tail = after.split(None, SNIPPET_WORDS)
    if head and tail and not before[-1].isspace() and not after[0].isspace():
        # The match starts inside a word, as in "(word": one word, as split() has it.
        head[-1] += tail.pop(0)
    room = SNIPPET_WORDS - len(head)
    text = " ".join(head + tail[:room])
    prefix = "… " if more_before else ""
    suffix = " …" if len(tail) > room else ""
    return mark_safe(prefix + highlight(text, terms) + suffix)
