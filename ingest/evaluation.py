"""How well ingest reads real pages: the hand annotations in tests/data/ingest/pages/
(one ``<slug>.json`` beside each ``<slug>.html``) against what extraction and
attribution make of the page. The rules were tuned on those pages; the ones in
tests/data/ingest/heldout/, annotated the same way, were never used to tune them and
give the honest figures.

Matching is deliberately lenient about the form of a name and strict about who it is:
a suggestion and an expected name match when they are the same once folded (case,
diacritics, honorifics), when one's words are all in the other ("Trump" in "Donald J.
Trump"), or when one contains the other's surname ("Mr. Reeves"). Anonymous sources
match by their head noun ("one western official" ~ "a western official"), and only
when the suggestion is anonymous too. Each suggestion is paired with at most one
expected entry and the other way round, best pairs first, so a person suggested twice
costs precision and one surname cannot stand for two people.
"""

import json
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES_DIR = ROOT / "tests" / "data" / "ingest" / "pages"
HELDOUT_DIR = ROOT / "tests" / "data" / "ingest" / "heldout"
# The rules are tuned on "tuning" and measured on "heldout".
SETS = {"tuning": PAGES_DIR, "heldout": HELDOUT_DIR}

ANNOTATION_KEYS = {
    "origin": str,
    "taken_from": str,
    "language": str,
    "shape": list,
    "headline": str,
    "people": list,
    "sources": list,
    "must_keep": list,
    "junk": list,
}
SOURCE_KINDS = {"official", "government", "publication", "agency", "platform", "document"}
SOURCE_KINDS_ALL = SOURCE_KINDS | {"anonymous"}

# Words before a name that say what someone is, not who.
HONORIFICS = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "prof",
    "professor", "president", "the", "m", "mme", "herr", "frau", "sr", "sra", "don", "dona",
}  # fmt: skip
NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
# Where the description of an anonymous source stops: its head noun is just before
# ("a senior member | of the team"), or, in languages that put adjectives after the
# noun, the first word that is not a determiner ("une | source du Quai d'Orsay").
HEAD_STOPS = {
    "of", "in", "with", "who", "whom", "familiar", "close", "involved", "from", "at", "for",
    "on", "to", "that", "told", "said", "says", "speaking", "briefed", "knowledgeable",
    "according", "under", "inside", "within", "near", "by", "aware",
    # fr, es, pt, it, de
    "de", "du", "des", "d", "qui", "proche", "proches", "selon", "del", "que", "do", "da",
    "dos", "das", "di", "della", "der", "aus", "von", "vom", "im", "mit", "die",
}  # fmt: skip
DETERMINERS = {
    "a", "an", "the", "one", "two", "three", "several", "some", "many", "few", "un", "une",
    "les", "le", "la", "l", "deux", "plusieurs", "um", "uma", "uns", "umas", "o", "os", "as",
    "unos", "unas", "el", "los", "las", "dos", "ein", "eine", "einer", "zwei", "mehrere",
    "haut", "hauts", "haute", "grand", "ancien", "alto", "alta", "altos", "ex",
}  # fmt: skip
ADJECTIVE_AFTER_NOUN = {"fr", "es", "pt", "it", "ca", "ro"}
HEAD_SYNONYMS = {
    "people": "person",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "aides": "aide",
}
ARTICLES = {"the", "a", "an"}


def normalize_space(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def fold(text: str) -> str:
    """Lower case, no diacritics, straight apostrophes, words separated by one space."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\- ]+", " ", text)
    return " ".join(text.split())


def name_tokens(name: str) -> list[str]:
    tokens = [t for t in fold(name).split() if t not in NAME_SUFFIXES]
    while len(tokens) > 1 and tokens[0] in HONORIFICS:
        tokens = tokens[1:]
    return tokens


def surname(name: str) -> str:
    tokens = name_tokens(name)
    return tokens[-1] if tokens else ""


def _singular(word: str) -> str:
    if word in HEAD_SYNONYMS:
        return HEAD_SYNONYMS[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(ss|sh|ch|x)es$", word):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def head_noun(description: str, language: str = "en") -> str:
    """The noun an anonymous source is described by: "a senior member of the team"
    -> "member", "people involved in the efforts" -> "person"; in French "une source
    diplomatique" -> "source"."""
    words = []
    for word in fold(description).split():
        if word in HEAD_STOPS and words:
            break
        words.append(word)
    if language in ADJECTIVE_AFTER_NOUN:
        words = [w for w in words if w not in DETERMINERS]
        return _singular(words[0]) if words else ""
    return _singular(words[-1]) if words else ""


def _person_level(suggested: str, expected: str) -> int:
    a, b = name_tokens(suggested), name_tokens(expected)
    if not a or not b:
        return 0
    if a == b:
        return 3
    if set(a) <= set(b) or set(b) <= set(a):
        return 2
    # Same surname, other given names: "Donald Trump" and "Donald John Trump" are
    # caught above; "Josh Earnest" and "Joshua Earnest" here.
    if a[-1] == b[-1]:
        return 1
    return 0


def _organisation_level(suggested: str, expected: str) -> int:
    a = [t for t in fold(suggested).split() if t not in ARTICLES]
    b = [t for t in fold(expected).split() if t not in ARTICLES]
    if not a or not b:
        return 0
    if a == b:
        return 3
    a_text, b_text = f" {' '.join(a)} ", f" {' '.join(b)} "
    if a_text in b_text or b_text in a_text:
        return 2
    return _person_level(suggested, expected)


def _anonymous_level(suggested: str, expected: str, language: str = "en") -> int:
    if fold(suggested) == fold(expected):
        return 3
    head = head_noun(expected, language)
    return 2 if head and head == head_noun(suggested, language) else 0


@dataclass
class Match:
    """One page's suggestions against its annotation."""

    suggested: int
    expected: int
    # (suggested name, expected name) pairs, best first.
    pairs: list[tuple[str, str]] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def correct(self) -> int:
        return len(self.pairs)

    @property
    def precision(self) -> float | None:
        return self.correct / self.suggested if self.suggested else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.expected if self.expected else None


def _pair(suggested: list[str], expected: list[str], level) -> Match:
    candidates = []
    for i in range(len(suggested)):
        for j in range(len(expected)):
            strength = level(i, j)
            if strength:
                candidates.append((-strength, i, j))
    used_s, used_e, pairs = set(), set(), []
    for _, i, j in sorted(candidates):
        if i in used_s or j in used_e:
            continue
        used_s.add(i)
        used_e.add(j)
        pairs.append((i, j))
    return Match(
        suggested=len(suggested),
        expected=len(expected),
        pairs=[(suggested[i], expected[j]) for i, j in pairs],
        extra=[s for i, s in enumerate(suggested) if i not in used_s],
        missing=[e for j, e in enumerate(expected) if j not in used_e],
    )


def _name(item) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        return item["name"]
    return item.name


def _anonymous(item) -> bool:
    if isinstance(item, dict):
        return bool(item.get("anonymous"))
    if isinstance(item, tuple):
        return bool(item[1])
    return bool(getattr(item, "anonymous", False))


def match_people(suggested: Iterable, expected: Iterable) -> Match:
    """Suggested people (names, or objects with ``.name``) against the expected ones
    (dicts with "name", or names)."""
    s_names = [_name(item) for item in suggested]
    e_names = [_name(item) for item in expected]
    return _pair(s_names, e_names, lambda i, j: _person_level(s_names[i], e_names[j]))


def match_sources(suggested: Iterable, expected: Iterable, *, language: str = "en") -> Match:
    """Suggested sources (objects with ``.name`` and ``.anonymous``, dicts, or
    ``(name, anonymous)`` tuples) against the expected ones (dicts); ``language`` says
    where the head noun of an anonymous source's description is."""
    suggested, expected = list(suggested), list(expected)
    s_names = [item[0] if isinstance(item, tuple) else _name(item) for item in suggested]
    e_names = [_name(item) for item in expected]
    # An expected source may be called several things in one story ("Roscosmos", "the
    # Russian space agency"): any of its names matches.
    e_aliases = [
        [e_names[j], *(item.get("aliases", []) if isinstance(item, dict) else [])]
        for j, item in enumerate(expected)
    ]
    s_anon = [_anonymous(item) for item in suggested]
    e_anon = [_anonymous(item) for item in expected]

    def level(i, j):
        if s_anon[i] != e_anon[j]:
            return 0
        if e_anon[j]:
            return max(_anonymous_level(s_names[i], n, language) for n in e_aliases[j])
        return max(_organisation_level(s_names[i], n) for n in e_aliases[j])

    return _pair(s_names, e_names, level)


# Pages


@dataclass
class Page:
    slug: str
    path: Path  # the page itself (HTML or text)
    annotation: dict

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()

    @property
    def filename(self) -> str:
        return self.path.name


def load_pages(directory: Path = PAGES_DIR) -> list[Page]:
    """Every annotated page: ``<slug>.json`` with ``<slug>.html`` beside it, or a
    "file" key naming a file in the repository (the seed)."""
    pages = []
    for annotation_path in sorted(Path(directory).glob("*.json")):
        annotation = json.loads(annotation_path.read_text(encoding="utf-8"))
        slug = annotation_path.stem
        if "file" in annotation:
            path = ROOT / annotation["file"]
        else:
            path = annotation_path.with_suffix(".html")
        pages.append(Page(slug=slug, path=path, annotation=annotation))
    return pages


def load_set(name: str) -> list[Page]:
    """The pages of one set ("tuning", "heldout") or of both ("all"), tuning first."""
    if name == "all":
        return [page for directory in SETS.values() for page in load_pages(directory)]
    if name not in SETS:
        raise ValueError(f"no set {name!r}: {', '.join([*SETS, 'all'])}")
    return load_pages(SETS[name])


def _decode(data: bytes) -> str:
    declared = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.I)
    encodings = [declared.group(1).decode("ascii")] if declared else []
    for encoding in [*encodings, "utf-8"]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def page_text(page: Page) -> str:
    """Everything a reader of the page could see, as one line of text: the haystack the
    annotation's must_keep and junk strings are taken from."""
    text = _decode(page.data)
    if page.path.suffix.lower() in {".html", ".htm"}:
        import lxml.html

        doc = lxml.html.document_fromstring(text)
        for element in doc.xpath("//script|//style|//noscript|//template"):
            element.drop_tree()
        text = doc.text_content()
    return normalize_space(text)


def check_annotation(page: Page) -> list[str]:
    """What is wrong with a page's annotation, in words; empty when it is well formed."""
    a, problems = page.annotation, []
    for key, kind in ANNOTATION_KEYS.items():
        if not isinstance(a.get(key), kind):
            problems.append(f"{key!r} missing or not a {kind.__name__}")
    if problems:
        return problems
    if not page.path.is_file():
        problems.append(f"no page at {page.path}")
        return problems
    # A text of the repository's own (the seed) may state no address: none is invented.
    if "file" in a and not a["origin"]:
        pass
    elif not re.fullmatch(r"https?://[^\s/]+\.[^\s/]+(/\S*)?", a["origin"]):
        problems.append(f"origin is not an absolute http(s) address: {a['origin']!r}")
    if not a["language"] or not re.fullmatch(r"[a-z]{2}", a["language"]):
        problems.append(f"language is not a two-letter code: {a['language']!r}")
    for person in a["people"]:
        if not isinstance(person, dict) or not isinstance(person.get("name"), str):
            problems.append(f"person without a name: {person!r}")
        elif not isinstance(person.get("title"), str):
            problems.append(f"person without a title string: {person!r}")
    for source in a["sources"]:
        if not isinstance(source, dict) or not isinstance(source.get("name"), str):
            problems.append(f"source without a name: {source!r}")
            continue
        if not isinstance(source.get("anonymous"), bool):
            problems.append(f"source without anonymous true/false: {source['name']!r}")
        if source.get("kind") not in SOURCE_KINDS_ALL:
            problems.append(f"source of unknown kind: {source!r}")
        elif (source["kind"] == "anonymous") and not source.get("anonymous"):
            problems.append(f"source of kind anonymous not marked anonymous: {source['name']!r}")
    if not 3 <= len(a["must_keep"]) <= 6:
        problems.append(f"{len(a['must_keep'])} must_keep sentences, not 3 to 6")
    if not 3 <= len(a["junk"]) <= 6:
        problems.append(f"{len(a['junk'])} junk strings, not 3 to 6")
    text = page_text(page)
    for sentence in a["must_keep"]:
        if normalize_space(sentence) not in text:
            problems.append(f"must_keep not in the page: {sentence[:60]!r}")
    for junk in a["junk"]:
        if normalize_space(junk) not in text:
            problems.append(f"junk not in the page: {junk[:60]!r}")
    return problems


# Running extraction and attribution over the pages


def _empty_directory():
    from ingest.attribution import Directory

    empty = getattr(Directory, "empty", None)
    return empty() if callable(empty) else Directory()


def evaluate_page(page: Page, *, directory=None) -> dict:
    """Read one page, suggest its people and sources, and compare with the annotation."""
    from ingest.attribution import suggest
    from ingest.extract import read_document

    started = time.perf_counter()
    extracted = read_document(page.data, filename=page.filename)
    attribution = suggest(
        extracted.paragraphs,
        directory=directory if directory is not None else _empty_directory(),
        keywords=extracted.keywords,
        language=extracted.language,
    )
    elapsed = time.perf_counter() - started

    a = page.annotation
    draft = normalize_space(" ".join(extracted.paragraphs))
    draft_folded = draft.casefold()
    kept = [s for s in a["must_keep"] if normalize_space(s) in draft]
    junk_left = [j for j in a["junk"] if normalize_space(j).casefold() in draft_folded]
    people = match_people(attribution.people, a["people"])
    sources = match_sources(attribution.sources, a["sources"], language=a["language"])
    return {
        "slug": page.slug,
        "language": a["language"],
        "headline_ok": fold(extracted.headline) == fold(a["headline"]),
        "people": people,
        "sources": sources,
        "must_keep": (len(kept), len(a["must_keep"])),
        "must_keep_lost": [s for s in a["must_keep"] if s not in kept],
        "junk_left": (len(junk_left), len(a["junk"])),
        "junk_found": junk_left,
        "words": len(draft.split()),
        "seconds": elapsed,
    }


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def totals(rows: list[dict]) -> dict:
    """Micro-averaged figures over the rows of ``evaluate_page``."""

    def summed(key, attribute):
        return sum(getattr(row[key], attribute) for row in rows)

    result = {"pages": len(rows)}
    for key in ("people", "sources"):
        correct = summed(key, "correct")
        result[key] = {
            "precision": _ratio(correct, summed(key, "suggested")),
            "recall": _ratio(correct, summed(key, "expected")),
            "correct": correct,
            "suggested": summed(key, "suggested"),
            "expected": summed(key, "expected"),
        }
    result["must_keep"] = tuple(sum(row["must_keep"][i] for row in rows) for i in (0, 1))
    result["junk_left"] = tuple(sum(row["junk_left"][i] for row in rows) for i in (0, 1))
    result["words"] = sum(row["words"] for row in rows)
    result["seconds"] = sum(row["seconds"] for row in rows)
    result["headline_ok"] = sum(1 for row in rows if row["headline_ok"])
    return result


def score(pages: list[Page], *, directory=None) -> dict:
    """Evaluate every page; ``{"pages": [row, ...], "totals": {...}}``."""
    rows = [evaluate_page(page, directory=directory) for page in pages]
    return {"pages": rows, "totals": totals(rows)}
