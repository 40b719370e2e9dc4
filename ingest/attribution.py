"""Suggested attribution: the people in a story, the sources of its information,
tags from the newsroom's vocabulary and a section, found by rules and the
newsroom's own records (people, sources and their name variants).

No language model: names come from capitalised words with structural evidence (a
title before them, an appositive after them, a speech verb), sources from
attribution phrases ("X said", "told the FT", "according to", "said one official").
Every suggestion carries the sentence it came from, for the editor to judge.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from taggit.models import Tag

from articles.models import Person, Section, Source
from ingest import names as vocab

# --- Text helpers -------------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lowercase, without diacritics and with straight apostrophes, for comparing names.
    Kept for the words seen last: a text repeats most of its words many times."""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return text.replace("’", "'").replace("‘", "'").casefold()


def name_key(name: str) -> str:
    """A name as compared with records: folded, without "the", a possessive or dots."""
    key = fold(name).strip()
    key = re.sub(r"'s?$", "", key)
    key = re.sub(r"^the\s+", "", key)
    key = key.replace(".", "")
    return " ".join(key.split())


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


SMALL_WORDS = vocab.word_set("of for the and to on in at a an")


def _title_case(words: list[str]) -> str:
    out = []
    for index, word in enumerate(words):
        if index and word.lower() in SMALL_WORDS:
            out.append(word.lower())
        elif any(char.isupper() for char in word):
            out.append(word)
        else:
            out.append("-".join(_capitalise(part) for part in word.split("-")))
    return " ".join(out)


# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = vocab.word_set("""
    mr mrs ms dr st sr jr prof gen col lt sgt capt cmdr adm gov sen rep rev hon pres
    no nos vs etc inc ltd co corp dept est approx fig jan feb mar apr jun jul aug sep sept
    oct nov dec mt ft ave blvd
    """)
# Words that start a sentence after "U.S." and the like; otherwise the stop is kept inside.
SENTENCE_STARTERS = vocab.word_set(
    "the a an in on at he she it they we i but and this that there his her its their "
    "when while after before as if for"
)
SENTENCE_END = re.compile(r"[.!?…]+[”’\"')\]]*(?=\s+[“‘\"'(\[]?[A-Z0-9À-Ý])")


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph; quotes, abbreviations (Mr., U.S.) and initials kept whole."""
    text = " ".join(paragraph.split())
    sentences, start = [], 0
    for match in SENTENCE_END.finditer(text):
        stop = match.group()
        if stop.startswith(".") and len(stop.rstrip("”’\"')]")) == 1:
            word = re.search(r"([\w.]+)$", text[start : match.start()])
            word = word.group(1) if word else ""
            following = text[match.end() :].split(maxsplit=1)[0].strip("“‘\"'([").lower()
            if word.lower() in ABBREVIATIONS:
                continue
            if re.fullmatch(r"[A-Z]", word):
                continue  # an initial, as in "John F. Kennedy"
            if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word) and following not in (
                SENTENCE_STARTERS
            ):
                continue  # "U.S." inside a sentence
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


# --- Tokens and capitalised runs ----------------------------------------------------------

TOKEN_RE = re.compile(r"(?:[A-Z]\.){1,3}(?![\w])|[^\W\d_]\w*(?:['’‐-]\w+)*")
APOSTROPHES = "'’"


@dataclass
class Token:
    text: str  # without a possessive ending
    start: int
    end: int  # end of the whole word, possessive included
    possessive: bool
    folded: str

    @property
    def capitalised(self) -> bool:
        if self.text[:1].isupper():
            return True
        head, _, tail = self.text.partition("-")
        return head in ("al", "el", "bin", "ibn") and tail[:1].isupper()

    @property
    def acronym(self) -> bool:
        head = self.text.split("-")[0].replace(".", "")
        return len(head) >= 2 and head.isupper()

    @property
    def initial(self) -> bool:
        return bool(re.fullmatch(r"(?:[A-Z]\.)+", self.text))


ELISION_RE = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’](?=[^\W\d_])", re.IGNORECASE)


def tokenize(sentence: str, *, elision: bool = False) -> list[Token]:
    """Words of a sentence; with elision, French "d’Orsay" is two ("d’", "Orsay")."""
    tokens = []
    for match in TOKEN_RE.finditer(sentence):
        text, end = match.group(), match.end()
        elided = ELISION_RE.match(text) if elision else None
        if elided:
            cut = match.start() + elided.end()
            tokens.append(Token(elided.group(), match.start(), cut, False, fold(elided.group())))
            text = text[elided.end() :]
            match_start = cut
        else:
            match_start = match.start()
        possessive = False
        if len(text) > 2 and text[-2] in APOSTROPHES and text[-1] in "sS":
            text, possessive = text[:-2], True
        elif text.endswith("s") and sentence[end : end + 1] in APOSTROPHES:
            possessive = True
        tokens.append(Token(text, match_start, end, possessive, fold(text).replace(".", "")))
    return tokens


def _joined(sentence: str, left: Token, right: Token) -> bool:
    gap = sentence[left.end : right.start]
    if left.possessive:
        return False
    if not gap and left.text[-1:] in APOSTROPHES:
        return True  # "Quai d’Orsay"
    if gap in (" ", " & "):
        return True
    # "Dr. Jane Smith": the honorific's full stop does not break the name.
    return left.folded in vocab.HONORIFICS and gap == ". "


def _particles_lead_to_name(
    sentence: str, tokens: list[Token], index: int, words=vocab.PARTICLES
) -> bool:
    """Whether the particles from index on ("von der") lead to a capitalised word."""
    while index + 1 < len(tokens) and _joined(sentence, tokens[index], tokens[index + 1]):
        index += 1
        if tokens[index].capitalised:
            return True
        if tokens[index].text not in words:
            return False
    return False


def capitalised_runs(
    sentence: str, tokens: list[Token], *, particles: bool = True, words=vocab.PARTICLES
) -> list[list[int]]:
    """Indexes of tokens forming runs of capitalised words, particles kept inside (not in
    German, where "Liste der Künstler" is capitalised nouns)."""
    runs, current = [], []
    for index, token in enumerate(tokens):
        if token.capitalised:
            if current and _joined(sentence, tokens[current[-1]], token):
                current.append(index)
            else:
                if current:
                    runs.append(current)
                current = [index]
        elif (
            current
            and particles
            and token.text in words
            and _joined(sentence, tokens[current[-1]], token)
            and _particles_lead_to_name(sentence, tokens, index, words)
        ):
            current.append(index)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _is_place(key: str) -> bool:
    return key in vocab.COUNTRIES or key in vocab.CITIES


def _known_thing(key: str) -> bool:
    """A name that is an institution, a place, a platform or an outlet, never a person."""
    return (
        key in vocab.NOT_PEOPLE
        or key in vocab.NOT_PEOPLE_WORDS
        or _is_place(key)
        or key in vocab.AGENCIES
        or key in vocab.PLATFORMS
        or key in vocab.PUBLICATIONS
        or key in vocab.GOVERNMENT
    )


# --- The newsroom's records ---------------------------------------------------------------


class Directory:
    """People, sources, tags and sections of the newsroom, indexed by name and alias."""

    def __init__(self, people=(), sources=(), tags=(), sections=()):
        self.people = list(people)
        self.sources = list(sources)
        self.tags = list(tags)
        self.sections = list(sections)
        self.people_by_id = {person.pk: person for person in self.people}
        self._person_names: dict[str, set] = {}
        self._person_last: dict[str, set] = {}
        for person in self.people:
            for name in [person.name, *person.alias_list]:
                key = name_key(name)
                if not key:
                    continue
                self._person_names.setdefault(key, set()).add(person.pk)
                self._person_last.setdefault(key.split()[-1], set()).add(person.pk)
        self._source_names: dict[str, set] = {}
        self._source_by_person: dict[int, Source] = {}
        for source in self.sources:
            for name in [source.name, *source.alias_list]:
                key = name_key(name)
                if key:
                    self._source_names.setdefault(key, set()).add(source.pk)
            if source.person_id and source.person_id not in self._source_by_person:
                self._source_by_person[source.person_id] = source
        self.sources_by_id = {source.pk: source for source in self.sources}

    @classmethod
    def from_db(cls) -> Directory:
        return cls(
            people=Person.objects.only("pk", "name", "title", "aliases"),
            sources=Source.objects.only("pk", "name", "kind", "aliases", "person"),
            tags=Tag.objects.all(),
            sections=Section.objects.all(),
        )

    def person(self, name: str) -> Person | None:
        """The person a name refers to, by name or alias; a surname alone when only one
        person has it; None when unknown or ambiguous."""
        key = name_key(name)
        words = key.split()
        while len(words) > 1 and (
            words[0] in vocab.TITLE_HEADS
            or words[0] in vocab.TITLE_MODIFIERS
            or words[0] in vocab.HONORIFICS
        ):
            words = words[1:]  # "President Donald Trump"
        if not words:
            return None
        found = self._person_names.get(" ".join(words)) or self._person_names.get(key)
        if not found:
            by_last = self._person_last.get(words[-1], set())
            if len(words) == 1:
                found = by_last
            else:
                # "Volodymyr Zelensky" for "Volodymyr Zelenskyy" (alias "Zelensky").
                found = {
                    pk for pk in by_last if fold(self.people_by_id[pk].name).split()[0] == words[0]
                }
        if found and len(found) == 1:
            return self.people_by_id[next(iter(found))]
        return None

    def source(self, name: str) -> Source | None:
        found = self._source_names.get(name_key(name))
        if found and len(found) == 1:
            return self.sources_by_id[next(iter(found))]
        return None

    def source_for_person(self, person: Person) -> Source | None:
        return self._source_by_person.get(person.pk)

    def section(self, hint: str) -> Section | None:
        key = name_key(hint)
        if not key:
            return None
        slug = re.sub(r"[^a-z0-9]+", "-", key).strip("-")
        for section in self.sections:
            if name_key(section.name) == key or section.slug == slug:
                return section
        return None


# --- Suggestions --------------------------------------------------------------------------


@dataclass
class PersonHint:
    name: str
    title: str
    person: Person | None
    evidence: str


@dataclass
class SourceHint:
    name: str
    kind: str
    detail: str
    anonymous: bool
    source: Source | None
    person: Person | None
    evidence: str


@dataclass
class TagHint:
    name: str
    tag: Tag | None
    evidence: str


@dataclass
class Attribution:
    people: list[PersonHint] = field(default_factory=list)
    sources: list[SourceHint] = field(default_factory=list)
    tags: list[TagHint] = field(default_factory=list)
    section: Section | None = None
    section_name: str = ""


# --- People -------------------------------------------------------------------------------

AUXILIARIES = (
    r"has|have|had|also|later|previously|earlier|separately|then|once|recently|publicly|"
    r"privately|repeatedly|already|subsequently|further|again|would|will|was|were|is|did|"
    r"not|never|reportedly|originally|initially|first|last"
)
SPEECH = "|".join(sorted(vocab.SPEECH_VERBS))
# Outlets report; people say. "reported" is no evidence of a person.
PERSON_SPEECH = "|".join(sorted(vocab.SPEECH_VERBS - {"reported", "reports"}))
REPORTS_AFTER_RE = re.compile(rf"^\s+(?:(?:{AUXILIARIES})\s+)*report(?:ed|s)\b")
SPEECH_AFTER_RE = re.compile(rf"^\s+(?:(?:{AUXILIARIES})\s+)*(?:{PERSON_SPEECH})\b")
APPOSITIVE_RE = re.compile(
    r"^,\s+(?:(?P<det>the|a|an|his|her|their|its)\s+|"
    r"(?P<owner>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)['’]s\s+|(?=[A-Z][a-z]+\s))"
    r"(?P<body>[^,.;:“”\"()—]{1,80}?)\s*(?=,|\.|;|$|\)|—)"
)
OF_PLACE_RE = re.compile(r"^,?\s+of\s+(?P<place>(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2})")
RELATIONAL_HEADS = frozenset({"counterpart"})


@dataclass
class TitleCandidate:
    words: list[str]
    head: str
    owner: str = ""  # "Putin" in "Putin’s spokesman"
    of_place: str = ""  # "Russia" in "President Vladimir Putin of Russia"
    sentence: int = 0

    @property
    def score(self) -> tuple:
        if self.head in RELATIONAL_HEADS:
            rank = 1
        elif self.head in vocab.OFFICE_HEADS:
            rank = 3
        else:
            rank = 2
        return (rank, bool(self.of_place or self.owner), len(self.words))


@dataclass
class Mention:
    sentence: int
    start: int
    end: int
    words: list[str]  # the name as the text spells it
    keys: list[str]  # folded words
    title: TitleCandidate | None = None
    honorific: bool = False
    speaks: bool = False
    first_name: bool = False
    name_shaped: bool = False


@dataclass
class PersonEntry:
    words: list[str]
    keys: list[str]
    first: tuple[int, int]
    mentions: list[Mention] = field(default_factory=list)
    titles: list[TitleCandidate] = field(default_factory=list)
    person: Person | None = None

    @property
    def name(self) -> str:
        return self.person.name if self.person else " ".join(self.words)

    @property
    def last(self) -> str:
        return _surname(self.keys[-1])


def _surname(key: str) -> str:
    return re.sub(r"^(?:al|el|bin|ibn)-", "", key)


def _title_before(
    sentence: str, tokens: list[Token], index: int, end: int
) -> TitleCandidate | None:
    """A title right before the token at index: "secretary of state", "CIA director"."""
    words: list[Token] = []
    head = ""
    position = tokens[index].start
    closes = bool(re.match(r"^\s*(?:[.,;)]|$)", sentence[end:]))
    j = index - 1
    while j >= 0 and len(words) < 8:
        token = tokens[j]
        gap = sentence[token.end : position]
        key = token.folded
        # "his Ukraine envoy, Keith Kellogg.": a comma only right before a name that
        # closes the clause, not "the Russian leader, Trump was…".
        comma_title = gap.strip() == "," and not words and key in vocab.TITLE_HEADS and closes
        if gap.strip() and not comma_title:
            break
        if token.possessive and words:
            break
        if key in vocab.TITLE_HEADS and not head:
            head = key
        elif key in vocab.HONORIFICS or not (
            key in vocab.TITLE_MODIFIERS
            or key in vocab.TITLE_HEADS
            or (key in ("of", "for") and words)
            or (head and (token.capitalised or token.acronym) and key not in vocab.STOPWORDS)
            or (token.capitalised and key in vocab.NATIONALITIES)
        ):
            break
        words.insert(0, token)
        position = token.start
        j -= 1
    while words and words[0].folded in ("of", "for"):
        words.pop(0)
    if not head or not words:
        return None
    # A title of lowercase modifiers only before the head is fine; a title whose
    # nearest word is a capitalised non-title ("Trump Marco") is not one.
    return TitleCandidate([token.text for token in words], head)


def _title_after(sentence: str, end: int) -> TitleCandidate | None:
    """An appositive after a name: "Dmitry Peskov, Putin’s spokesman,"."""
    match = APPOSITIVE_RE.match(sentence[end:])
    if not match:
        return None
    body = match.group("body").split()
    keys = [fold(word) for word in body]
    if len(body) > 10 or any(key in vocab.SPEECH_VERBS or key == "who" for key in keys):
        return None
    heads = [key for key in keys if key in vocab.TITLE_HEADS]
    if not heads:
        return None
    return TitleCandidate(body, heads[0], owner=match.group("owner") or "")


def _format_title(title: TitleCandidate, resolve) -> str:
    words = list(title.words)
    office = title.head in vocab.OFFICE_HEADS and len(words) <= 6
    if title.owner:
        owner = resolve(title.owner)
        text = _title_case(words) if office else _capitalise(" ".join(words))
        return f"{text} for {owner}"
    if title.of_place:
        words += ["of", *title.of_place.split()]
    return _title_case(words) if office else _capitalise(" ".join(words))


class _Text:
    """A story's sentences with their tokens and capitalised runs, read once."""

    def __init__(self, paragraphs: list[str], language: str = ""):
        self.sentences: list[str] = []
        for paragraph in paragraphs:
            self.sentences.extend(split_sentences(paragraph))
        code = language_code(language) or guess_language(" ".join(self.sentences))
        # German, French, Portuguese, Spanish: their own rules; anything else reads as before.
        self.rules = vocab.LANGUAGES.get(code)
        self.language = code
        elision = code == "fr"
        self.tokens = [tokenize(sentence, elision=elision) for sentence in self.sentences]

        # Words also written in lowercase are common words when they open a sentence.
        self.lowercase = {
            token.folded for tokens in self.tokens for token in tokens if token.text[:1].islower()
        }
        # Bare capitalised pairs read as names only in English copy: German capitalises
        # every noun, and other languages' institutions are not in the vocabularies.
        words = [token.folded for tokens in self.tokens for token in tokens]
        common = sum(word in ENGLISH_WORDS for word in words)
        self.english = bool(words) and common >= 0.15 * len(words) and self.rules is None
        # Particles ("da Silva", "d’Orsay") join names, but not in German ("Liste der Künstler").
        particles = self.english or (self.rules is not None and code != "de")
        self.runs = [
            capitalised_runs(
                sentence,
                tokens,
                particles=particles,
                words=vocab.PARTICLES if self.rules is None else FOREIGN_PARTICLES,
            )
            for sentence, tokens in zip(self.sentences, self.tokens, strict=True)
        ]


NAME_SUFFIXES = vocab.word_set("jr sr ii iii iv")
# "Palácio do Planalto", "Quai d’Orsay": not in English, where "What do Americans" is no name.
FOREIGN_PARTICLES = vocab.PARTICLES | vocab.word_set("do das")


ENGLISH_WORDS = vocab.word_set(
    "the of and to in a is that for was on with as by at from his her it he she said has "
    "have were are be this which but not an they their who"
)


def _strip_run(text: _Text, number: int, run: list[int]) -> list[int]:
    """The run without leading words that cannot start a name (articles, titles,
    nationalities, sentence-initial common words)."""
    tokens = text.tokens[number]
    run = list(run)
    while run:
        token = tokens[run[0]]
        key = token.folded
        following = tokens[run[1]].folded if len(run) > 1 else ""
        title_next = following in vocab.TITLE_HEADS or following in vocab.TITLE_MODIFIERS
        if (
            key in vocab.STOPWORDS
            or token.text in vocab.PARTICLES
            or (run[0] == 0 and key in vocab.PARTICLES)
            or key in vocab.HONORIFICS
            or key in vocab.TITLE_HEADS
            or key in vocab.TITLE_MODIFIERS
            or key in vocab.MONTHS
            or key in vocab.WEEKDAYS
            or key in vocab.NOT_PEOPLE_WORDS
            or token.acronym
            or (run[0] == 0 and key in text.lowercase)
            or (
                (key in vocab.NATIONALITIES or _is_place(key))
                and (key not in vocab.FIRST_NAMES or title_next)
            )
        ):
            run.pop(0)
        else:
            break
    while run and tokens[run[-1]].folded in vocab.MONTHS | vocab.WEEKDAYS:
        run.pop()
    # "Shasta County Sheriff Tom Bosenko": the name follows the last title word.
    for position in range(len(run) - 2, -1, -1):
        if tokens[run[position]].folded in vocab.TITLE_HEADS:
            rest = run[position + 1 :]
            if any(tokens[i].folded not in NAME_SUFFIXES for i in rest):
                return _strip_run(text, number, rest) if rest != run else rest
            break
    return run


def _could_be_person(tokens: list[Token]) -> bool:
    keys = [token.folded for token in tokens]
    phrase = " ".join(keys)
    if _known_thing(phrase):
        return False
    if any(token.acronym and not token.initial for token in tokens):
        return False
    if any(key in vocab.NOT_PEOPLE_WORDS for key in keys):
        return False
    last = keys[-1]
    if (
        last in vocab.NATIONALITIES
        or last in vocab.MONTHS
        or last in vocab.WEEKDAYS
        or _is_place(last)
        or (
            any(form in BODY_NOUNS for form in (last, *_singular(last)))
            and keys[0] not in vocab.FIRST_NAMES
        )
    ):
        return False
    # "Bank of England", "Ministry of Defence" are cut at "of"; what is left must not be
    # a lone title or a common word.
    return not (len(keys) == 1 and (last in vocab.TITLE_HEADS or last in vocab.STOPWORDS))


def _headline_case(tokens: list[Token]) -> bool:
    """A heading in title case ("Student Dies After Diet Pills…"): its capitals say nothing."""
    words = [token for token in tokens if token.folded not in SMALL_WORDS]
    return len(words) >= 5 and sum(token.capitalised for token in words) >= 0.9 * len(words)


def _name_shaped(tokens: list[Token], sentence: str, text: _Text) -> bool:
    """Two to four capitalised words that read as a name and not as a place or a body:
    not after "in"/"at", not before "hospital" or "police", no word also used in lowercase."""
    if not text.english or not 2 <= len(tokens) <= 4:
        return False
    if any(not re.fullmatch(r"[A-Z][^\W\d_]*(?:['’-][^\W\d_]+)*", t.text) for t in tokens):
        return False
    if any(t.folded in text.lowercase or t.folded in vocab.TITLE_MODIFIERS for t in tokens):
        return False
    previous = re.search(r"(\w+)\s*$", sentence[: tokens[0].start])
    if previous and previous.group(1).lower() in PLACE_PREPOSITIONS:
        return False
    following = re.match(r"^\s+([a-z]+)", sentence[tokens[-1].end :])
    return not (following and following.group(1) in BODY_NOUNS)


PLACE_PREPOSITIONS = vocab.word_set("in at near from across outside inside into via around")
BODY_NOUNS = (
    vocab.ORG_WORDS
    | vocab.GOVERNMENT_WORDS
    | vocab.word_set("hospital community region province county area")
)


# "Heba Habib contributed to this report.": the newsroom's staff, not the story's people.
CONTRIBUTORS_RE = re.compile(
    r"\bcontributed\s+(?:reporting\s+)?(?:to|from)\b"
    r"|^(?:additional\s+)?(?:reporting|editing|writing)\s+by\b|;\s*editing\s+by\b",
    re.IGNORECASE,
)


def _a_thing(sentence: str, first: Token, last: Token) -> bool:
    """Capitals that name a thing: "the Golden Globes", a title in quotes (“Marriage Story”)."""
    before = sentence[: first.start]
    if re.search(r"\bthe\s+$", before, re.IGNORECASE):
        return True
    # "Institute for Fiscal Studies", "Bank of Canada": the end of an institution's name.
    owner = re.search(r"\b([A-Z][\w’'-]*)\s+(?:for|of)\s+$", before)
    if owner and owner.group(1).lower() in vocab.ORG_WORDS:
        return True
    return bool(re.search(r"[“\"]$", before) and re.match(r"^[.,]?[”\"]", sentence[last.end :]))


def _mentions(text: _Text) -> list[Mention]:
    mentions = []
    for number, sentence in enumerate(text.sentences):
        tokens = text.tokens[number]
        if _headline_case(tokens) or CONTRIBUTORS_RE.search(sentence):
            continue
        for run in text.runs[number]:
            honorific = any(tokens[i].folded in vocab.HONORIFICS for i in run)
            kept = _strip_run(text, number, run)
            if not kept:
                continue
            name_tokens = [tokens[i] for i in kept]
            if not _could_be_person(name_tokens):
                continue
            if _a_thing(sentence, tokens[run[0]], name_tokens[-1]):
                continue
            first, last = name_tokens[0], name_tokens[-1]
            mention = Mention(
                sentence=number,
                start=first.start,
                end=last.end,
                words=[token.text for token in name_tokens],
                keys=[token.folded for token in name_tokens],
                honorific=honorific
                or (kept[0] > 0 and tokens[kept[0] - 1].folded in vocab.HONORIFICS),
                first_name=first.folded in vocab.FIRST_NAMES
                or any(token.initial for token in name_tokens[:-1])
                or any(token.text in vocab.PARTICLES for token in name_tokens),
            )
            name_end = last.start + len(last.text)
            following = re.match(r"^\s+([a-z]+)", sentence[last.end :])
            if (
                len(name_tokens) == 1
                and following
                and following.group(1) in BODY_NOUNS | vocab.TITLE_HEADS
            ):
                continue  # "Wikipedia editor", "Trump administration": a modifier
            mention.name_shaped = _name_shaped(name_tokens, sentence, text)
            mention.title = _title_before(sentence, tokens, kept[0], name_end)
            if not last.possessive:
                appositive = _title_after(sentence, name_end)
                of_place = OF_PLACE_RE.match(sentence[name_end:])
                if appositive and (mention.title is None or appositive.score > mention.title.score):
                    mention.title = appositive
                elif (
                    of_place
                    and mention.title is not None
                    and mention.title.head in vocab.OFFICE_HEADS
                ):
                    mention.title.of_place = of_place.group("place")
                rest = sentence[name_end:]
                skip = re.match(r"^,\s+[^,]{1,80},", rest) if appositive else None
                rest = rest[skip.end() :] if skip else rest
                mention.speaks = bool(SPEECH_AFTER_RE.match(rest))
                # "Il Fatto Quotidiano reported": an outlet, unless the text says otherwise.
                if REPORTS_AFTER_RE.match(rest):
                    mention.name_shaped = False
            if mention.title:
                mention.title.sentence = number
            mentions.append(mention)
    return mentions


class People:
    """The people of a story: mentions merged by name, surname and the directory."""

    def __init__(self, text: _Text, directory: Directory):
        self.text = text
        self.directory = directory
        self.entries: list[PersonEntry] = []
        self._by_position: dict[tuple[int, int], PersonEntry] = {}
        self._build(_foreign_mentions(text) if text.rules else _mentions(text))

    def _build(self, mentions: list[Mention]) -> None:
        cache: dict[str, Person | None] = {}

        def record(words: list[str]) -> Person | None:
            name = " ".join(words)
            if name not in cache:
                cache[name] = self.directory.person(name)
            return cache[name]

        singles = [m for m in mentions if len(m.keys) == 1]
        spoken_surnames = {m.keys[0] for m in singles if m.speaks or m.title or m.honorific}
        by_full: dict[tuple, PersonEntry] = {}
        for mention in mentions:
            if len(mention.keys) < 2:
                continue
            strong = (
                mention.title
                or mention.honorific
                or mention.first_name
                or mention.speaks
                or mention.name_shaped
                or mention.keys[-1] in spoken_surnames
                or record(mention.words)
            )
            key = tuple(mention.keys)
            entry = by_full.get(key)
            if entry is None:
                # "Vladimir Putin" again as "Vladimir Vladimirovich Putin": same first and last.
                entry = next(
                    (e for e in self.entries if e.keys[0] == key[0] and e.keys[-1] == key[-1]),
                    None,
                )
            if entry is None:
                if not strong:
                    continue
                entry = PersonEntry(mention.words, mention.keys, (mention.sentence, mention.start))
                self.entries.append(entry)
            by_full[key] = entry
            if len(mention.words) > len(entry.words):
                entry.words, entry.keys = mention.words, mention.keys
            self._attach(entry, mention)
        for mention in singles:
            entry = self._surname_entry(mention)
            spoken = self.text.rules is not None and mention.speaks
            if entry is None and (
                mention.title or mention.honorific or spoken or record(mention.words)
            ):
                entry = PersonEntry(mention.words, mention.keys, (mention.sentence, mention.start))
                self.entries.append(entry)
            if entry is not None:
                self._attach(entry, mention)
        # "her mother, Fiona" and later "Fiona Parry": one person.
        for entry in [e for e in self.entries if len(e.keys) == 1]:
            fuller = [e for e in self.entries if len(e.keys) > 1 and e.keys[0] == entry.keys[0]]
            if len(fuller) == 1:
                for mention in entry.mentions:
                    self._attach(fuller[0], mention)
                fuller[0].first = min(fuller[0].first, entry.first)
                self.entries.remove(entry)
        # The directory may tie two spellings to one person ("Zelensky", "Zelenskyy").
        merged: dict[int, PersonEntry] = {}
        for entry in list(self.entries):
            entry.person = record(entry.words)
            if entry.person is None:
                continue
            other = merged.get(entry.person.pk)
            if other is None:
                merged[entry.person.pk] = entry
                continue
            for mention in entry.mentions:
                self._attach(other, mention)
            other.first = min(other.first, entry.first)
            self.entries.remove(entry)
        self.entries.sort(key=lambda entry: entry.first)

    def _attach(self, entry: PersonEntry, mention: Mention) -> None:
        entry.mentions.append(mention)
        if mention.title:
            entry.titles.append(mention.title)
        self._by_position[(mention.sentence, mention.start)] = entry

    def _surname_entry(self, mention: Mention) -> PersonEntry | None:
        """The person a surname alone refers to: the latest one named before it with
        that surname, else the first named after it."""
        candidates = [entry for entry in self.entries if entry.last == _surname(mention.keys[0])]
        if not candidates:
            return None
        position = (mention.sentence, mention.start)
        before = [entry for entry in candidates if entry.first <= position]
        return before[-1] if before else candidates[0]

    def at(self, sentence: int, start: int) -> PersonEntry | None:
        return self._by_position.get((sentence, start))

    def find(self, name: str) -> PersonEntry | None:
        """The entry a name as written refers to (full name or surname)."""
        keys = name_key(name).split()
        if not keys:
            return None
        for entry in self.entries:
            if entry.keys == keys:
                return entry
        matches = [entry for entry in self.entries if entry.last == keys[-1]]
        return matches[0] if len(matches) == 1 else None

    def full_name(self, name: str) -> str:
        entry = self.find(name)
        return entry.name if entry else name

    def hints(self) -> list[PersonHint]:
        hints = []
        for entry in self.entries:
            title, evidence = "", self.text.sentences[entry.first[0]]
            if entry.titles:
                best = max(entry.titles, key=lambda t: (t.score, -t.sentence))
                title = _format_title(best, self.full_name)
                evidence = self.text.sentences[best.sentence]
            hints.append(PersonHint(entry.name, title, entry.person, evidence))
        return hints


# --- Sources ------------------------------------------------------------------------------

ROLES = "|".join(sorted(vocab.ANONYMOUS_ROLES, key=len, reverse=True))
QUANTIFIERS = (
    r"a number of|a handful of|a group of|a|an|one|two|three|four|five|six|seven|several|"
    r"some|many|other|multiple|both"
)
NOT_MODIFIERS = vocab.word_set(
    "the his her their its this that these those who which had has have was were is are "
    "said told and or but to"
)
ANONYMOUS_NP_RE = re.compile(
    rf"^(?:(?P<quantifier>{QUANTIFIERS})\s+)?(?P<mods>(?:[\w’'-]+\s+){{0,4}}?)"
    rf"(?P<role>{ROLES})\b"
    r"(?P<post>\s+(?:of|in|at|for|from|with|familiar|involved|close|who|speaking|briefed|"
    r"knowledgeable|on|within|inside|near|based|working|representing)\b[^;:]{0,120})?$",
    re.IGNORECASE,
)
# After the verb ("said one western official in response to…") a post-modifier is only
# one of these, so that the rest of the clause stays the detail.
ANONYMOUS_AFTER_RE = re.compile(
    rf"^\s+(?P<np>(?:{QUANTIFIERS})\s+(?:[\w’'-]+\s+){{0,3}}?(?:{ROLES})\b"
    r"(?:\s+(?:familiar with|involved in|close to|with knowledge of|who|speaking on|"
    r"briefed on|of)\b[^,.;:“”\"]{0,100})?)",
    re.IGNORECASE,
)
CLAUSE_BOUNDARY_RE = re.compile(
    r"(?:[,;:(“”\"—–]|\b(?:and|but|while|as|because|after|before|when|since|so)\b)\s*"
)
LOWER_BODY_RE = re.compile(
    r"(?:^|\b)(?P<det>the|a|an|its|their)\s+(?P<mods>(?:[\w’'-]+\s+){0,3}?)"
    r"(?P<head>ministry|department|government|embassy|police|army|military|commission|"
    r"council|agency|company|firm|court|prosecutors|report|statement|filing|indictment|"
    r"complaint|lawsuit|document|documents|memo|letter|study|survey|office|authorities|"
    r"regulator|union|bank|party|institute|university|organisation|organization|association|"
    r"charity|board|federation|committee|watchdog|opposition|group|airline|"
    r"ruling|judgment|poll|analysis)\s*$",
    re.IGNORECASE,
)
BARE_BODY_RE = re.compile(
    r"(?:^|[,;:(“”\"—–]\s*|\b(?:and|but)\s+)(?P<np>(?:[A-Z][\w’'-]*\s+|[a-z]+\s+){0,2}"
    r"(?:authorities|prosecutors|police|investigators))\s*$"
)
SPOKESPERSON_RE = re.compile(
    r"\b(?i:a|an|the)\s+(?:[\w-]+\s+)?spokes(?:man|woman|person)\s+(?:for|of|at)\s+"
    r"(?P<org>(?:the\s+)?[^,;:“”\"]{1,60}?)\s*$"
)
SPOKESPERSON_OF_RE = re.compile(
    r"\b(?:a|an|the)\s+(?P<org>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})\s+"
    r"spokes(?:man|woman|person)\s*$"
)
PLATFORM_RE = re.compile(
    r"^\s+(?:in\s+a\s+(?:post|message|video|statement)\s+)?on\s+(?:his|her|their|its|the)?\s*"
    r"(?P<platform>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2})"
    r"(?P<suffix>\s+(?:platform|account|page|channel|feed|site|network))?"
)
TOLD_RE = re.compile(
    r"^\s+(?P<object>(?:the\s+)?[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3}|"
    r"(?:a\s+(?:news|press)\s+conference|reporters|journalists|lawmakers|parliament|"
    r"the\s+(?:press|media|court|audience|crowd)|state\s+(?:media|television|tv)))"
)
SETTING_RE = re.compile(
    r"^\s+(?P<setting>(?:in|at|during|on)\s+(?:a|an|the|his|her|its|their)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:statement|interview|news conference|press conference|briefing|"
    r"speech|letter|email|video|filing|message|address|podcast|post|television interview|"
    r"radio interview|press release))\b",
)
INVERTED_DOCUMENT_RE = re.compile(
    r"^\s+(?P<doc>(?:a|an|the)\s+(?:new\s+|recent\s+|latest\s+)?"
    r"(?:report|study|survey|statement|analysis|review|investigation))\b"
    r"(?:\s+(?:by|from|of)\s+(?P<by>(?:the\s+)?[A-Z][\w’'.-]*(?:\s+(?:[A-Z][\w’'.-]*|and|of|for))*"
    r"))?"
)
ACCORDING_RE = re.compile(r"\baccording to\s+(?P<rest>[^;]+)", re.IGNORECASE)
DOCUMENT_RE = re.compile(
    r"^(?P<doc>(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:reports?|statements?|filings?|documents?|data|surveys?|study|studies|memos?|"
    r"letters?|indictments?|complaints?|lawsuits?|records|transcripts?|figures|estimates))"
    r"(?:\s+(?:by|from|of|in|published by|seen by|released by|issued by)\s+"
    r"(?P<by>(?:the\s+)?[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,4}))?"
)
DATELINE_RE = re.compile(
    r"\((?P<agency>Reuters|AP|AFP|Bloomberg|dpa|DPA|PA|Xinhua|TASS|Tass|Interfax|EFE|ANSA)\)"
)
INVERTED_VERBS = vocab.word_set(
    "said says added adds wrote writes stated noted explained warned claimed insisted "
    "acknowledged argued declared stressed commented replied responded announced confirmed"
)
QUOTED_BY_RE = re.compile(
    r"\b(?:was|were|is|are)\s+quoted\s+(?:as\s+saying\s+)?(?:[\w’'-]+\s+){0,3}?by\s+"
    r"(?:the\s+)?(?P<by>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3})"
)
GAP_WORDS = vocab.word_set("was were is are had has have would will could might may should lasted")
LEADING_AUX_RE = re.compile(rf"(?:\s+(?:{AUXILIARIES}))+\s*$")
PREPOSITIONS = vocab.word_set(
    "from of with to by for at on in about against than like between after before over "
    "under into toward towards"
)

# Verbs that attribute only with the right subject (see Sources._other_verb); "is
# concerned" and "pointed out" as phrases. SPEECH comes first, so "said" stays a speech verb.
OTHER_VERBS = vocab.STATEMENT_VERBS | vocab.FINDING_VERBS | vocab.STANCE_VERBS
SOURCE_VERB_RE = re.compile(
    rf"\b({SPEECH}|saying|adding|pointed out|"
    + "|".join(sorted(OTHER_VERBS - vocab.SPEECH_VERBS, key=len, reverse=True))
    + r")\b|\b(?:is|are|was|were|remains?)\s+(?:also\s+|deeply\s+|very\s+|increasingly\s+)?"
    r"(concerned|worried)\s+(?=that\b|about\b|by\b)"
)
# "prices are expected to rise": a passive has no source for a subject.
PASSIVE_BEFORE_RE = re.compile(r"\b(?:is|are|was|were|be|been|being|get|gets|got)\s+$")
# A document as the subject: "a report by the Institute for Fiscal Studies", "the study,
# published in Nature,", "figures from the Office for National Statistics", "the ruling".
DOCUMENT_HEADS = (
    r"reports?|stud(?:y|ies)|surveys?|polls?|papers?|analys[ie]s|reviews?|rulings?|"
    r"judg(?:e)?ments?|verdicts?|filings?|statements?|data|figures|statistics|estimates|"
    r"findings|research|audits?|inquiry|investigation|assessment|documents?|records|memos?|"
    r"indictments?|complaints?|lawsuits?"
)
ORG_NAME = r"(?:the\s+)?[A-Z][\w’'.&-]*(?:\s+(?:[A-Z][\w’'.&-]*|of|for|and|on|on))*"
DOCUMENT_SUBJECT_RE = re.compile(
    r"(?:^|[,;:(“”\"—–]\s*|\b(?:and|but)\s+)"
    r"(?P<np>(?P<det>(?:(?:a|an|the|its|their|this|these|new|latest|recent)\s+)*)"
    r"(?P<mods>(?:[\w’'-]+\s+){0,2}?)"
    rf"(?P<head>{DOCUMENT_HEADS})"
    r"(?:\s+(?P<prep>by|from|of|for|published by|commissioned by|released by|"
    r"seen by|obtained by)\s+"
    rf"(?P<by>(?-i:{ORG_NAME})))?"
    r"(?:,\s+(?P<aside>(?:published|released|issued|seen|commissioned|conducted|"
    r"carried out|obtained)\b[^,]{1,80}),)?)\s*$",
    re.IGNORECASE,
)
ASIDE_BY_RE = re.compile(rf"\b(?:in|by)\s+(?P<by>{ORG_NAME})")
NOT_DOCUMENT_MODIFIERS = NOT_MODIFIERS | PREPOSITIONS | vocab.word_set("it he she they we i")

# How informative a detail is: "told reporters" beats "said".
RANK_TOLD, RANK_SETTING, RANK_CLAUSE, RANK_VERB = 4, 3, 2, 1


@dataclass
class SourceFind:
    key: tuple
    name: str
    kind: str
    anonymous: bool
    detail: str
    rank: int
    sentence: int
    entry: PersonEntry | None = None


def _clause(text: str, limit: int = 20) -> str:
    """The start of a clause: up to the first stop, semicolon or ", but"."""
    text = re.split(
        r"(?<!\b[A-Z])(?<!\bMrs)(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)[.;:!?](?:\s|$)"
        r"|,\s+(?:but|and|while|which|adding|saying)\b",
        text,
    )[0]
    text = re.sub(r"^\s*that\s+", "", text).strip(" ,")
    words = text.split()
    if len(words) > limit:
        return " ".join(words[:limit]) + "…"
    return " ".join(words)


def _antecedent(before: str) -> str:
    """The noun a relative clause hangs on: "the call" in "the call, which the Kremlin said"."""
    before = re.sub(r"\s*\bthe\s*$", "", before)
    before = re.sub(r",?\s*(?:which|that)?\s*$", "", before)
    match = re.search(
        r"\b(?:the|a|an|this|that|his|her|its|their)\s+((?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*)$",
        before,
    )
    return f"the {match.group(1)}" if match else ""


def _kind_of(key: str, verb: str = "") -> str:
    last = key.split()[-1] if key else ""
    if key in vocab.PLATFORMS:
        return Source.Kind.PLATFORM
    if key in vocab.AGENCIES:
        return Source.Kind.AGENCY
    if key in vocab.PUBLICATIONS:
        return Source.Kind.PUBLICATION
    if key in vocab.GOVERNMENT or _is_place(key) or last in vocab.GOVERNMENT_WORDS:
        return Source.Kind.GOVERNMENT
    if last in vocab.PUBLICATION_WORDS or verb in ("reported", "reports"):
        return Source.Kind.PUBLICATION
    if last in vocab.DOCUMENT_WORDS:
        return Source.Kind.DOCUMENT
    return Source.Kind.OFFICIAL


def _display(name: str, had_the: bool, kind: str) -> str:
    key = name_key(name)
    if key in vocab.CANONICAL_SOURCES:
        return vocab.CANONICAL_SOURCES[key]
    if key == "financial times":
        return "Financial Times"
    if had_the and kind in (Source.Kind.GOVERNMENT, Source.Kind.DOCUMENT):
        return f"The {name}"
    return _capitalise(name)


class Sources:
    def __init__(self, text: _Text, people: People):
        self.text = text
        self.people = people
        self.found: dict[tuple, SourceFind] = {}
        self.order: list[tuple] = []
        if text.rules is not None:
            ForeignSources(self, text, people)
            return
        for number, sentence in enumerate(text.sentences):
            self._sentence(number, sentence)

    # Recording ------------------------------------------------------------------------

    def _add(self, find: SourceFind) -> None:
        current = self.found.get(find.key)
        if current is None:
            self.found[find.key] = find
            self.order.append(find.key)
        elif find.rank > current.rank:
            find.name = current.name if current.entry else find.name
            self.found[find.key] = find

    def _named(self, name: str, had_the: bool, number: int, detail: str, rank: int, verb=""):
        entry = self.people.find(name)
        if entry is not None:
            self._add(
                SourceFind(
                    ("person", id(entry)),
                    entry.name,
                    Source.Kind.OFFICIAL,
                    False,
                    detail,
                    rank,
                    number,
                    entry,
                )
            )
            return
        key = name_key(name)
        if not key or key in vocab.STOPWORDS:
            return
        kind = _kind_of(key, verb)
        self._add(
            SourceFind(
                ("named", key), _display(name, had_the, kind), kind, False, detail, rank, number
            )
        )

    def _document(self, name: str, number: int, detail: str) -> None:
        self._add(
            SourceFind(
                ("named", name_key(name)),
                name,
                Source.Kind.DOCUMENT,
                False,
                detail,
                RANK_SETTING,
                number,
            )
        )

    def _anonymous(self, np: str, number: int, detail: str, rank: int) -> None:
        np = " ".join(np.split()).strip(" ,")
        np = re.sub(r"^one\s+", "a ", np, flags=re.IGNORECASE)
        np = re.sub(r"^a(?=\s+[aeiou])", "an", np, flags=re.IGNORECASE)
        name = _capitalise(np)
        self._add(
            SourceFind(
                ("anonymous", name_key(name)),
                name,
                Source.Kind.ANONYMOUS,
                True,
                detail,
                rank,
                number,
            )
        )

    # Reading ----------------------------------------------------------------------------

    def _sentence(self, number: int, sentence: str) -> None:
        for match in DATELINE_RE.finditer(sentence):
            self._named(match.group("agency"), False, number, "wire report", RANK_VERB)
        for match in ACCORDING_RE.finditer(sentence):
            self._according(number, match.group("rest"))
        previous_end = 0
        for match in SOURCE_VERB_RE.finditer(sentence):
            verb = match.group(1) or match.group(2)
            if verb in vocab.SPEECH_VERBS or verb in ("saying", "adding"):
                self._verb(number, sentence, match, previous_end)
            else:
                self._other_verb(number, sentence, match, verb, previous_end)
            previous_end = match.end()
        for match in QUOTED_BY_RE.finditer(sentence):
            by = match.group("by")
            self._named(by, False, number, "quoted", RANK_SETTING, "reported")
            subject = self._subject(number, sentence[: match.start()].rstrip())
            if subject and subject[0] == "named":
                detail = f"quoted by {_display(by, False, _kind_of(name_key(by)))}"
                self._named(subject[1], subject[2], number, detail, RANK_SETTING)

    def _run_ending_at(self, number: int, end: int):
        """The capitalised run whose last word ends at end, and whether "the" precedes it."""
        tokens = self.text.tokens[number]
        for run in self.text.runs[number]:
            if (
                tokens[run[-1]].end == end
                or tokens[run[-1]].start + len(tokens[run[-1]].text) == end
            ):
                return run
        return None

    def _run_name(self, number: int, run: list[int]) -> tuple[str, bool, int]:
        """A run as a source's name: a person's name, or an institution's without "the"."""
        tokens = self.text.tokens[number]
        kept = _strip_run(self.text, number, run)
        if kept:
            entry = self.people.at(number, tokens[kept[0]].start)
            if entry is not None:
                return entry.name, False, tokens[kept[0]].start
        words = list(run)
        while words and tokens[words[0]].folded in vocab.STOPWORDS:
            words.pop(0)
        if not words:
            return "", False, 0
        start = tokens[words[0]].start
        sentence = self.text.sentences[number]
        had_the = bool(re.search(r"\bthe\s*$", sentence[:start], re.IGNORECASE))
        return " ".join(tokens[i].text for i in words), had_the, start

    def _verb(self, number: int, sentence: str, match: re.Match, previous_end: int) -> None:
        verb = match.group(1)
        before, after = sentence[: match.start()], sentence[match.end() :]
        stripped = LEADING_AUX_RE.sub("", before).rstrip()
        if not stripped.strip():
            return
        if verb in ("saying", "adding") or re.search(r"\band$", stripped):
            if verb in ("saying", "adding") and not stripped.endswith(","):
                return
            subject = self._clause_subject(number, stripped)
        else:
            subject = self._subject(number, stripped)
        if subject is None and re.search(r"[,”\"’]$", stripped) and verb in INVERTED_VERBS:
            self._inverted(number, verb, after)
            return
        if subject is None:
            return
        kind, name, had_the, start = subject
        # "South Africa said Mr Mugabe had told…": speech reported inside speech.
        between = sentence[previous_end:start]
        if previous_end and not re.search(r"[,;:“”\"]|\b(?:and|but|while)\b", between):
            return
        detail, rank = self._detail(verb, after, sentence[:start])
        platform = (
            PLATFORM_RE.match(after) if verb in ("wrote", "posted", "said", "tweeted") else None
        )
        if platform and (
            name_key(platform.group("platform")) in vocab.PLATFORMS or platform.group("suffix")
        ):
            poster = name if kind == "named" else ""
            label = platform.group("platform")
            display = _display(label, False, Source.Kind.PLATFORM)
            detail = f"{poster}’s post on {display}" if poster else f"A post on {display}"
            self._add(
                SourceFind(
                    ("named", name_key(label)),
                    display,
                    Source.Kind.PLATFORM,
                    False,
                    detail,
                    RANK_TOLD,
                    number,
                )
            )
            return
        if kind == "anonymous":
            self._anonymous(name, number, detail, rank)
        elif kind == "spokesperson":
            self._named(name, had_the, number, f"a spokesperson {verb}", RANK_SETTING)
        else:
            self._named(name, had_the, number, detail, rank, verb)

    def _document_subject(self, number: int, before: str, verb: str, after: str) -> bool:
        """ "A report by the IFS found…", "the study, published in Nature, shows…", "the
        ruling says…": the author or journal when named, else the document itself."""
        doc = DOCUMENT_SUBJECT_RE.search(before)
        if not doc:
            return False
        mods = doc.group("mods").split()
        if {word.lower() for word in mods} & NOT_DOCUMENT_MODIFIERS:
            return False
        words = " ".join([*mods, doc.group("head")])
        aside = doc.group("aside") or ""
        tail = f" {aside}" if aside else ""
        clause = _clause(after)
        detail = f"{words}{tail} {verb} {clause}".strip() if clause else f"{words}{tail} {verb}"
        by, prep = doc.group("by"), (doc.group("prep") or "").lower()
        if by and prep not in ("seen by", "obtained by"):
            had_the = by.lower().startswith("the ")
            by = re.sub(r"^the\s+", "", by, flags=re.IGNORECASE)
            self._named(by, had_the, number, detail, RANK_SETTING)
            return True
        if by:
            detail = f"{words} {prep} {by}"
        published = ASIDE_BY_RE.search(aside)
        if published:
            journal = re.sub(r"^the\s+", "", published.group("by"), flags=re.IGNORECASE)
            key = name_key(journal)
            kind = _kind_of(key)
            self._add(
                SourceFind(
                    ("named", key),
                    _display(journal, False, kind),
                    kind if kind != Source.Kind.OFFICIAL else Source.Kind.PUBLICATION,
                    False,
                    detail,
                    RANK_SETTING,
                    number,
                )
            )
            return True
        had_the = "the" in doc.group("det").lower().split()
        name = words.lower() if had_the and not mods else _capitalise(words)
        self._document(_display(name, had_the, Source.Kind.DOCUMENT), number, detail)
        return True

    def _other_verb(
        self, number: int, sentence: str, match: re.Match, verb: str, previous_end: int
    ) -> None:
        """Verbs other than speech: "Microsoft pledged to…", "the union has warned that…",
        "the ministry is concerned that…", "analysts expect…", "the study found…". Only a
        document, an organisation, a government or a described group is their source,
        and a person only for acts of stating ("denied", "pledged", "pointed out")."""
        before, after = sentence[: match.start()], sentence[match.end() :]
        if verb not in ("concerned", "worried") and PASSIVE_BEFORE_RE.search(before):
            return
        if not after.strip(" .") or re.match(r"^\s*(?:by|of)\b", after):
            return
        stripped = LEADING_AUX_RE.sub("", before).rstrip()
        if not stripped:
            return
        if re.match(r"^\s*(?:[,.;:)]|(?:is|are|was|were|has|have|had|will|would|be|of)\b)", after):
            return  # "the government plan is…": a noun, not a verb
        if re.search(rf",\s+[^,;“”\"]{{1,80}}\b(?:{PERSON_SPEECH})\b[^,;]*$", after):
            return  # "the government plans to…, officials said": the officials are the source
        shown = " ".join(sentence[match.start() : match.end()].split())
        if verb in ("concerned", "worried"):
            shown = re.sub(r"^(?:\w+\s+)(?:\w+\s+)?(?=concerned|worried)", "is ", shown)
        stating = verb in vocab.STATEMENT_VERBS or verb == "pointed out"
        if verb not in vocab.STANCE_VERBS and self._document_subject(
            number, stripped, shown, after
        ):
            return
        subject = self._subject(number, stripped)
        if subject is None:
            return
        kind, name, had_the, start = subject
        if (
            previous_end
            and previous_end <= start
            and not re.search(r"[,;:“”\"]|\b(?:and|but|while)\b", sentence[previous_end:start])
        ):
            return  # "X said the company plans to…": the company is reported, not a source
        plural = kind == "anonymous" or name.lower().endswith("s")
        if not re.search(r"(?:s|ed|out|concerned|worried|found|told)$", verb) and not plural:
            return  # "the union say" is rare; "the government plan" is a noun
        detail, rank = self._detail(shown, after, sentence[:start])
        if kind == "spokesperson":
            if stating:
                self._named(name, had_the, number, f"a spokesperson {shown}", RANK_SETTING)
            return
        if kind == "anonymous":
            role = ANONYMOUS_NP_RE.match(name)
            expert = role and role.group("role").lower() in vocab.EXPERT_ROLES
            if stating or expert:
                self._anonymous(name, number, detail, rank)
            return
        key = name_key(name)
        if not key or key in vocab.STOPWORDS or key in vocab.NOBODY:
            return
        if self.people.find(name) is not None:
            if stating:
                self._named(name, had_the, number, detail, rank, verb)
            return
        if start == 0 and name[:1].isupper() and key.split()[0] in self.text.lowercase:
            return  # "Demand wants…": a common word that opens the sentence
        if verb in vocab.STANCE_VERBS and not self._organisation(key, name):
            return  # "Trump wants…": a person's wish is not a source's information
        if verb in vocab.FINDING_VERBS and not re.match(r"^\s*that\b", after):
            return  # "Police found a body": a body's finding only with "that"
        self._named(name, had_the, number, detail, rank, verb)

    @staticmethod
    def _organisation(key: str, name: str) -> bool:
        """Whether a subject that is no person reads as an organisation or a government."""
        words = key.split()
        return bool(
            _known_thing(key)
            or _kind_of(key) != Source.Kind.OFFICIAL
            or words[-1] in vocab.ORG_WORDS
            or words[-1] in vocab.GOVERNMENT_WORDS
            or re.fullmatch(r"[A-Z]{2,}", name)
            or not name[:1].isupper()  # "the union": a body named by its kind
            or {"of", "for"} & set(words[1:-1])
        )

    def _named_subject(self, number: int, before: str):
        """A name right before the verb, or before its appositives and relative clauses
        ("Dmitry Peskov, Putin’s spokesman, said", "Chi Onwurah, the Labour MP, who…,
        said", "her mother, Fiona, said"). False when the name is not the speaker."""
        tokens = self.text.tokens[number]
        ends = [len(before)]
        if before.endswith(","):
            ends.append(len(before) - 1)
        rest = before
        for _ in range(3):
            appositive = re.search(r",\s+[^,]{1,100},$", rest)
            if not appositive:
                break
            rest = rest[: appositive.start()]
            ends.append(len(rest))
        for end in ends:
            run = self._run_ending_at(number, end)
            if run is None:
                continue
            first = tokens[run[0]]
            if run[0] == 0 and len(run) == 1 and first.folded in vocab.ANONYMOUS_ROLES:
                return None  # "Analysts said": unnamed
            previous = re.search(r"(\w+)\s*$", before[: first.start])
            owner = re.search(
                r"\b(?:the\s+)?([A-Z][\w’'-]*)\s+(?:of|for)\s+$", before[: first.start]
            )
            if owner and owner.group(1).lower() in vocab.ORG_WORDS:
                # "The Bank of England expects…": one institution's name.
                had_the = owner.group().lower().startswith("the ")
                name = " ".join(before[owner.start(1) : tokens[run[-1]].end].split())
                return "named", name, had_the, owner.start()
            if previous and previous.group(1).lower() in PREPOSITIONS:
                return False  # "The announcement from Trump confirmed…": not the speaker
            name, had_the, start = self._run_name(number, run)
            if name and not (tokens[run[-1]].possessive and end == tokens[run[-1]].end):
                return "named", name, had_the, start
        return None

    def _clause_subject(self, number: int, before: str):
        """The speaker of "X condemned the attack and said…" / "…, saying…": the first
        name of the clause that is not after a preposition."""
        tokens = self.text.tokens[number]
        clause_start = max(before.rfind(";"), before.rfind("“"), before.rfind("”")) + 1
        for run in self.text.runs[number]:
            first = tokens[run[0]]
            if first.start < clause_start or first.end > len(before):
                continue
            previous = re.search(r"(\w+)\s*$", before[: first.start])
            if previous and previous.group(1).lower() in PREPOSITIONS:
                continue
            name, had_the, start = self._run_name(number, run)
            if name and self.people.find(name):
                return "named", name, had_the, start
        return None

    def _subject(self, number: int, before: str):
        """Who speaks, from the text right before the verb: (kind, name, had_the, start)."""
        spokes = SPOKESPERSON_RE.search(before) or SPOKESPERSON_OF_RE.search(before)
        if spokes:
            org = spokes.group("org")
            had_the = org.lower().startswith("the ")
            org = re.sub(r"^the\s+", "", org, flags=re.IGNORECASE)
            org = re.sub(r"\s*\([^)]*\)", "", org)
            return "spokesperson", org, had_the, spokes.start()
        named = self._named_subject(number, before)
        if named is not None:
            return named or None
        lower = LOWER_BODY_RE.search(before)
        if lower and not (set(lower.group("mods").lower().split()) & NOT_MODIFIERS):
            words = f"{lower.group('mods')}{lower.group('head')}".strip()
            return (
                "named",
                words,
                lower.group("det").lower() in ("the", "its", "their"),
                lower.start(),
            )
        bare = BARE_BODY_RE.search(before)
        if bare:
            return "named", bare.group("np"), False, bare.start("np")
        chunk_start = 0
        for boundary in CLAUSE_BOUNDARY_RE.finditer(before):
            chunk_start = boundary.end()
        chunk = before[chunk_start:].strip()
        np = ANONYMOUS_NP_RE.match(chunk)
        if np and len(chunk.split()) <= 16:
            mods = {word.lower() for word in np.group("mods").split()}
            plural = np.group("role").lower().endswith("s") or np.group("role").lower() in (
                "people",
                "staff",
            )
            if not mods & NOT_MODIFIERS and (np.group("quantifier") or plural):
                return "anonymous", chunk, False, chunk_start
        return None

    def _inverted(self, number: int, verb: str, after: str) -> None:
        """“…,” said one western official in response to… / “…,” said Dmitry Peskov."""
        report = INVERTED_DOCUMENT_RE.match(after)
        if report:
            doc = " ".join(report.group("doc").split())
            if report.group("by"):
                by = re.sub(r"^the\s+", "", report.group("by"), flags=re.IGNORECASE)
                self._named(by, False, number, f"{doc} {verb}", RANK_SETTING)
            else:
                self._document(_capitalise(doc), number, f"{verb} {doc}")
            return
        anonymous = ANONYMOUS_AFTER_RE.match(after)
        if anonymous:
            rest = _clause(after[anonymous.end() :])
            self._anonymous(
                anonymous.group("np"), number, rest or verb, RANK_SETTING if rest else RANK_VERB
            )
            return
        sentence = self.text.sentences[number]
        offset = len(sentence) - len(after)
        tokens = self.text.tokens[number]
        for run in self.text.runs[number]:
            first = tokens[run[0]]
            if first.start < offset:
                continue
            between = sentence[offset : first.start]
            words = between.split()
            if len(words) > 4 or any(
                word.lower() not in ("the", "a", "an")
                and word.lower() not in vocab.TITLE_HEADS
                and word.lower() not in vocab.TITLE_MODIFIERS
                for word in words
            ):
                return
            name, had_the, _ = self._run_name(number, run)
            if not name:
                return
            end = tokens[run[-1]].end
            rest = re.sub(r"^,\s+[^,]{1,80}(?:,|$)", "", sentence[end:])
            detail = _clause(rest)
            self._named(
                name, had_the, number, detail or verb, RANK_SETTING if detail else RANK_VERB, verb
            )
            return

    def _detail(self, verb: str, after: str, before_subject: str) -> tuple[str, int]:
        if verb in ("told", "tells"):
            told = TOLD_RE.match(after)
            if told:
                spoken_to = told.group("object")
                if not re.search(r"(?:[A-Z]\.)+$", spoken_to):
                    spoken_to = spoken_to.rstrip(".")
                return f"{verb} {spoken_to}", RANK_TOLD
        setting = SETTING_RE.match(after)
        if setting:
            return f"{verb} {setting.group('setting')}", RANK_SETTING
        clause = _clause(after)
        if not clause:
            return verb, RANK_VERB
        first = clause.split()[0].lower()
        if first in GAP_WORDS or (first.endswith("ed") and len(first) > 4):
            antecedent = _antecedent(before_subject)
            if antecedent:
                clause = f"{antecedent} {clause}"
        return f"{verb} {clause}", RANK_CLAUSE

    def _according(self, number: int, rest: str) -> None:
        rest = rest.strip()
        anonymous = ANONYMOUS_AFTER_RE.match(" " + rest)
        if anonymous:
            self._anonymous(anonymous.group("np"), number, "according to them", RANK_SETTING)
            return
        document = DOCUMENT_RE.match(rest)
        if document:
            doc = " ".join(document.group("doc").split())
            by = document.group("by")
            if by:
                had_the = by.lower().startswith("the ")
                by = re.sub(r"^the\s+", "", by, flags=re.IGNORECASE)
                self._named(by, had_the, number, f"according to {doc}", RANK_SETTING)
            else:
                name = _capitalise(re.sub(r"^(?:a|an|the)\s+", "", doc, flags=re.IGNORECASE))
                self._document(name, number, f"according to {doc}")
            return
        name = re.match(
            r"(?:the\s+)?([A-Z][\w’'.-]*(?:\s+(?:[A-Z][\w’'.-]*|of|for|de|van|von))*)", rest
        )
        if name:
            text = re.sub(r"(?:\s+(?:of|for|de|van|von))+$", "", name.group(1))
            text = re.sub(r"['’]s$", "", text)
            if not re.search(r"(?:[A-Z]\.)+$", text):
                text = text.rstrip(".")
            had_the = rest.lower().startswith("the ")
            entry = self.people.find(text)
            self._named(entry.name if entry else text, had_the, number, "according to", RANK_VERB)

    def hints(self, directory: Directory) -> list[SourceHint]:
        hints = []
        for key in self.order:
            find = self.found[key]
            person = find.entry.person if find.entry else None
            source = None
            if person is not None:
                source = directory.source_for_person(person)
            if source is None:
                source = directory.source(find.name)
            kind = source.kind if source else find.kind
            name = source.name if source else find.name
            hints.append(
                SourceHint(
                    name=name,
                    kind=kind,
                    detail=find.detail,
                    anonymous=kind == Source.Kind.ANONYMOUS,
                    source=source,
                    person=person,
                    evidence=self.text.sentences[find.sentence],
                )
            )
        return hints


# --- Tags and section ---------------------------------------------------------------------

WORD_RE = re.compile(r"\w+")
MAX_TAGS = 10


def _singular(word: str) -> list[str]:
    forms = []
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        forms.append(word[:-2])
    if word.endswith("s") and len(word) > 2:
        forms.append(word[:-1])
    return forms


class TagIndex:
    """Tag names and slugs as word sequences, for finding them in text in one pass."""

    def __init__(self, tags: list[Tag]):
        self.by_words: dict[tuple, list[tuple[Tag, tuple]]] = {}
        self.longest = 1
        for tag in tags:
            name_words = WORD_RE.findall(tag.name)
            variants = [name_words]
            slug_words = tag.slug.split("-")
            has_acronym = any(len(word) > 1 and word.isupper() for word in name_words)
            if [w.lower() for w in slug_words] != [
                w.lower() for w in name_words
            ] and not has_acronym:
                variants.append(slug_words)
            for words in variants:
                if not words:
                    continue
                key = tuple(fold(word) for word in words)
                self.by_words.setdefault(key, []).append((tag, tuple(words)))
                self.longest = max(self.longest, len(key))

    def find(self, words: list[str]) -> Counter:
        """How often each tag occurs in a list of words (with their original case)."""
        counts: Counter = Counter()
        folded = [fold(word) for word in words]
        for start in range(len(words)):
            for size in range(1, min(self.longest, len(words) - start) + 1):
                key = folded[start : start + size]
                options = [tuple(key)] + [(*key[:-1], singular) for singular in _singular(key[-1])]
                for option in options:
                    for tag, spelled in self.by_words.get(option, ()):
                        original = words[start : start + size]
                        # Acronyms match as the vocabulary writes them: "US", never "us".
                        if all(
                            not (len(want) > 1 and want.isupper()) or got == want
                            for want, got in zip(spelled, original, strict=False)
                        ):
                            counts[tag] += 1
        return counts

    def lookup(self, name: str) -> Tag | None:
        key = tuple(fold(word) for word in WORD_RE.findall(name))
        found = self.by_words.get(key)
        return found[0][0] if found else None


def _suggest_tags(text: _Text, directory: Directory, keywords) -> list[TagHint]:
    index = TagIndex(directory.tags)
    counts: Counter = Counter()
    evidence: dict[int, str] = {}
    for sentence in text.sentences:
        # "’s" and "'s" split off as their own word, so "Russia’s" is "Russia".
        found = index.find(WORD_RE.findall(sentence.replace("’", " ").replace("'", " ")))
        for tag in found:
            evidence.setdefault(tag.pk, sentence)
        counts.update(found)
    hints: dict[int, TagHint] = {}
    new: list[TagHint] = []
    for keyword in keywords:
        keyword = " ".join(str(keyword).split())
        if not keyword:
            continue
        tag = index.lookup(keyword)
        if tag is None:
            if name_key(keyword) not in {name_key(hint.name) for hint in new}:
                new.append(TagHint(keyword, None, f"Keyword given by the source: {keyword}"))
            continue
        counts[tag] += 1
        evidence.setdefault(tag.pk, f"Keyword given by the source: {keyword}")
    for tag, _count in sorted(counts.items(), key=lambda item: (-item[1], item[0].name)):
        hints[tag.pk] = TagHint(tag.name, tag, evidence[tag.pk])
    return (list(hints.values()) + new)[:MAX_TAGS]


def _suggest_section(directory: Directory, tags: list[TagHint], hint: str):
    section = directory.section(hint) if hint else None
    if section is not None:
        return section, section.name
    tag_ids = [t.tag.pk for t in tags if t.tag is not None]
    if tag_ids and directory.sections:
        section = (
            Section.objects.filter(stories__tags__in=tag_ids)
            .annotate(overlap=Count("stories__tags"))
            .order_by("-overlap", "position", "name")
            .first()
        )
        if section is not None:
            return section, section.name
    return None, hint.strip()


# --- Other languages ----------------------------------------------------------------------
# German, French, Portuguese and Spanish copy: names need the same structural evidence
# as in English (a title, a speech verb before or after, a known first name, an
# appositive); German capitalises every noun, so capitals alone never make a person.


def language_code(language: str) -> str:
    """ "pt-BR" -> "pt"."""
    return re.split(r"[-_]", language.strip().lower())[0] if language else ""


def guess_language(text: str) -> str:
    """The language whose function words the text uses most; English when none stands out."""
    # "von der Leyen", "da Silva": particles of names say nothing of the language.
    text = re.sub(
        r"(?<![\w’'])(?:(?:von|van|der|den|de|da|du|des|del|dos|la|le|di)\s+)+(?=[A-Z])",
        " ",
        text[:20000],
    )
    words = Counter(fold(word) for word in WORD_RE.findall(text))
    scores = {"en": sum(words[word] for word in ENGLISH_WORDS)}
    for code, rules in vocab.LANGUAGES.items():
        scores[code] = sum(words[word] for word in rules.function_words)
    best = max(scores, key=lambda code: (scores[code], code == "en"))
    return best if scores[best] >= 1 else "en"


def _same_length_fold(text: str) -> str:
    """Lowercase without diacritics, character for character, so offsets still hold."""
    return "".join(
        (fold(char) or char)[:1] if len(fold(char)) == 1 else char.lower() for char in text
    )


def _head_of(rules: vocab.Language, key: str) -> str:
    """The title a word is ("ex-presidente" -> "presidente", "Bundeskanzler"), or ""."""
    if key in rules.title_heads:
        return key
    last = key.split("-")[-1]
    if "-" in key and last in rules.title_heads:
        return last
    for suffix in rules.title_suffixes:
        if last.endswith(suffix) and len(last) >= len(suffix):
            return suffix
    return ""


def _foreign_strip(text: _Text, number: int, run: list[int]) -> list[int]:
    rules, tokens = text.rules, text.tokens[number]
    run = list(run)
    while run:
        token = tokens[run[0]]
        key = token.folded
        if (
            key in rules.stopwords
            or key in rules.articles
            or key in rules.honorifics
            or _head_of(rules, key)
            or key in rules.title_modifiers
            or key in rules.months
            or key in rules.weekdays
            or key in vocab.NOT_PEOPLE_WORDS
            or token.text in vocab.PARTICLES
            or token.acronym
            or (run[0] == 0 and key in text.lowercase)
            or (
                (key in rules.nationalities or key in rules.places or _is_place(key))
                and key not in rules.first_names
            )
        ):
            run.pop(0)
        else:
            break
    while run and tokens[run[-1]].text in vocab.PARTICLES:
        run.pop()
    return run


def _german_noun(rules: vocab.Language, key: str) -> bool:
    return any(key.endswith(suffix) and len(key) > len(suffix) + 2 for suffix in rules.org_suffixes)


def _foreign_could_be_person(rules: vocab.Language, tokens: list[Token]) -> bool:
    keys = [token.folded for token in tokens]
    if _known_thing(" ".join(keys)) or " ".join(keys) in rules.canonical:
        return False
    if any(token.acronym and not token.initial for token in tokens):
        return False
    if any(key in vocab.NOT_PEOPLE_WORDS for key in keys):
        return False
    first, last = keys[0], keys[-1]
    if first in rules.org_words or last in rules.org_words or last in vocab.ORG_WORDS:
        return False
    if first in rules.government_words or last in rules.publication_words:
        return False
    if first in rules.anonymous_roles:
        return False  # "Fuentes del Gobierno": unnamed people
    if (
        first not in rules.first_names
        and first not in vocab.FIRST_NAMES
        and _german_noun(rules, last)
    ):
        return False
    places = rules.places | rules.nationalities | rules.months | rules.weekdays
    if last in places or _is_place(last) or last in vocab.NATIONALITIES:
        return False
    return not (
        len(keys) == 1
        and (_head_of(rules, last) or last in rules.stopwords or last in rules.anonymous_roles)
    )


def _foreign_title_before(text: _Text, number: int, index: int) -> TitleCandidate | None:
    """ "o presidente eleito Jair Bolsonaro", "le ministre des Affaires étrangères Laurent
    Fabius", "Geschäftsführer Christian Hanisch"; not "comandante do Brasil"."""
    rules, tokens, sentence = text.rules, text.tokens[number], text.sentences[number]
    if index == 0 or tokens[index - 1].folded in rules.connectors | rules.articles:
        return None
    words: list[Token] = []
    position = tokens[index].start
    j = index - 1
    while j >= 0 and len(words) < 8:
        token = tokens[j]
        gap = sentence[token.end : position]
        if gap != " " and not (not gap and token.text[-1:] in APOSTROPHES):
            break
        key = token.folded
        if not (
            _head_of(rules, key)
            or key in rules.title_modifiers
            or key in rules.connectors
            or key in rules.nationalities
            or key in vocab.NATIONALITIES
            or (token.capitalised and key not in rules.stopwords and words)
            or (
                token.acronym
                and token.text.isalpha()
                and j > 0
                and tokens[j - 1].folded in rules.articles
            )
        ):
            break
        words.insert(0, token)
        position = token.start
        j -= 1
    while words and not (
        _head_of(rules, words[0].folded) or (words[0].acronym and words[0].text.isalpha())
    ):
        words.pop(0)
    if not words:
        return None
    # "l'UMP Laure de la Raudière": a party's acronym stands as the title.
    head = _head_of(rules, words[0].folded) or words[0].text
    return TitleCandidate([token.text for token in words], head)


def _foreign_title_after(text: _Text, number: int, end: int) -> TitleCandidate | None:
    """An appositive: "Gaby Allendorf, die als Sprecherin der Initiative fungiert",
    "Laurent Fabius, ministre des Affaires étrangères,"."""
    rules = text.rules
    rest = text.sentences[number][end:]
    articles = "|".join(re.escape(word) for word in rules.articles)
    opening = re.match(rf"^,\s+(?:(?:der|die)\s+als\s+|(?:{articles})\s+)?", rest, re.IGNORECASE)
    if not opening or not opening.group():
        return None
    words, head = [], ""
    for raw in rest[opening.end() :].split()[:10]:
        word = raw.strip(',.;:!?»«“”"()')
        key = fold(word)
        if not head:
            if key in rules.title_modifiers:
                words.append(word)
            elif _head_of(rules, key):
                head = _head_of(rules, key)
                words.append(word)
            else:
                return None
        elif (
            key in rules.connectors
            or key in rules.title_modifiers
            or word[:1].isupper()
            or (words and fold(words[-1]) in rules.connectors and key in rules.articles)
        ):
            words.append(word)
        else:
            break
        if word != raw and not raw.endswith("’"):
            break  # punctuation ends the appositive
    while words and fold(words[-1]) in rules.connectors | rules.articles:
        words.pop()
    return TitleCandidate(words, head) if head else None


def _is_verb_token(rules: vocab.Language, tokens: list[Token], index: int) -> bool:
    key = tokens[index].folded
    if key in rules.speech_verbs:
        return True
    return key in rules.participles and index > 0 and tokens[index - 1].folded in rules.auxiliaries


def _foreign_speaks(text: _Text, number: int, first: int, last: int) -> bool:
    """A speech verb right after the name ("Tite declarou", "Hanisch sagte") or right
    before it, past adverbs and a title ("sagte Gaby Allendorf", "a ajouté Laurent Fabius")."""
    rules, tokens, sentence = text.rules, text.tokens[number], text.sentences[number]
    j = last + 1
    while j < len(tokens) and tokens[j].folded in rules.auxiliaries | rules.adverbs:
        j += 1
    gap = sentence[tokens[last].end : tokens[j].start] if j < len(tokens) else "."
    if not gap.strip() and _is_verb_token(rules, tokens, j):
        return True
    j = first - 1
    while j >= 0 and (
        tokens[j].folded in rules.adverbs | rules.articles | rules.connectors
        or _head_of(rules, tokens[j].folded)
        or tokens[j].folded in rules.title_modifiers
    ):
        j -= 1
    if j < 0 or re.search(r"[.;:]", sentence[tokens[j].end : tokens[first].start]):
        return False
    return _is_verb_token(rules, tokens, j)


def _foreign_mentions(text: _Text) -> list[Mention]:
    rules = text.rules
    mentions = []
    for number, tokens in enumerate(text.tokens):
        for run in text.runs[number]:
            kept = _foreign_strip(text, number, run)
            if not kept:
                continue
            name_tokens = [tokens[i] for i in kept]
            if not _foreign_could_be_person(rules, name_tokens):
                continue
            if (
                text.language == "de"
                and kept[0] > 0
                and tokens[kept[0] - 1].folded in rules.articles
            ):
                continue  # "sagt die Liste": German names take no article, nouns do
            first, last = name_tokens[0], name_tokens[-1]
            mention = Mention(
                sentence=number,
                start=first.start,
                end=last.end,
                words=[token.text for token in name_tokens],
                keys=[token.folded for token in name_tokens],
                honorific=kept[0] > 0 and tokens[kept[0] - 1].folded in rules.honorifics,
                first_name=len(name_tokens) > 1
                and (first.folded in rules.first_names or first.folded in vocab.FIRST_NAMES),
            )
            mention.title = _foreign_title_before(text, number, kept[0])
            appositive = _foreign_title_after(text, number, last.end)
            if appositive and mention.title is None:
                mention.title = appositive
            mention.speaks = _foreign_speaks(text, number, kept[0], kept[-1])
            if mention.title:
                mention.title.sentence = number
            mentions.append(mention)
    return mentions


class ForeignSources:
    """Sources in German, French, Portuguese or Spanish copy: speech verbs with the speaker
    before or after them, "selon X"/"laut X"/"segundo X"/"según X", "X zufolge", and the
    German perfect ("hatte die Zeitung berichtet")."""

    def __init__(self, sources: Sources, text: _Text, people: People):
        self.sources = sources
        self.text = text
        self.rules = text.rules
        self.people = people
        for number, sentence in enumerate(text.sentences):
            self._sentence(number, sentence)

    # Noun phrases ------------------------------------------------------------------------

    def _index_at(self, number: int, offset: int) -> int | None:
        tokens, sentence = self.text.tokens[number], self.text.sentences[number]
        for index, token in enumerate(tokens):
            if token.start >= offset:
                return index if not sentence[offset : token.start].strip() else None
        return None

    def _skip(self, number: int, index: int, words: frozenset) -> int:
        tokens, sentence = self.text.tokens[number], self.text.sentences[number]
        while (
            index < len(tokens) - 1
            and tokens[index].folded in words
            and not sentence[tokens[index].end : tokens[index + 1].start].strip()
        ):
            index += 1
        return index

    def _extent(self, number: int, index: int) -> int:
        """The last token of a noun phrase's complements: "source | du Quai d’Orsay",
        "Sprecher | des Ministeriums", "fontes | do governo"."""
        rules, tokens, sentence = self.rules, self.text.tokens[number], self.text.sentences[number]
        end = index
        j = index + 1
        after_link = False
        while j < len(tokens) and j - index < 10:
            gap = sentence[tokens[j - 1].end : tokens[j].start]
            if gap.strip():
                break
            key = tokens[j].folded
            if _is_verb_token(rules, tokens, j) or (
                key in rules.auxiliaries
                and j + 1 < len(tokens)
                and tokens[j + 1].folded in rules.participles
            ):
                break  # "une source du Quai d’Orsay | a indiqué"
            if key in rules.connectors or key in ("a", "au", "aux", "al", "ao", "zu", "à"):
                after_link = True
            elif key in rules.articles and after_link:
                pass
            elif tokens[j].capitalised or after_link:
                end, after_link = j, False
            elif (
                j == end + 1
                and self.text.language != "de"
                and key not in rules.stopwords
                and not _is_verb_token(rules, tokens, j)
                and key not in rules.participles | rules.auxiliaries
            ):
                end = j  # an adjective after a noun: "source diplomatique", "Affaires étrangères"
            else:
                break
            j += 1
        return end

    def _span(self, number: int, first: int, last: int) -> str:
        tokens = self.text.tokens[number]
        return self.text.sentences[number][tokens[first].start : tokens[last].end]

    def _np_at(self, number: int, offset: int):
        """What a noun phrase starting at offset names: (kind, name, end offset) with kind
        "person", "named", "publication", "government", "document", "anonymous",
        "pronoun"; None when it names no source."""
        rules, tokens = self.rules, self.text.tokens[number]
        index = self._index_at(number, offset)
        if index is None:
            return None
        index = self._skip(number, index, rules.adverbs | rules.weekdays)
        token = tokens[index]
        if token.text.lower() in rules.pronouns:
            return "pronoun", token.text, token.end
        determiner = ""
        if token.folded in rules.articles and index + 1 < len(tokens):
            determiner = token.folded
            index += 1
            token = tokens[index]
        key = token.folded
        head = key.split("-")[-1]
        if key in rules.anonymous_roles or (
            self.text.language == "de"
            and any(key.endswith(r) for r in ("informationen", "kreisen"))
        ):
            end = self._extent(number, index)
            start = tokens[index - 1].start if determiner else token.start
            return (
                "anonymous",
                self.text.sentences[number][start : tokens[end].end],
                tokens[end].end,
            )
        government = key in rules.government_words or (
            self.text.language == "de"
            and any(key.endswith(word) for word in rules.government_words if len(word) > 5)
        )
        if government or key in rules.document_words:
            end = self._extent(number, index)
            name = self._span(number, index, end)
            kind = "government" if government else "document"
            if not government and end > index:
                # "laut einem Bericht der Zeitung X": the outlet is the source.
                by = self._np_at(number, tokens[index + 1].start)
                if by and by[0] in ("person", "named", "publication", "government"):
                    return by
            return kind, name, tokens[end].end
        if determiner and key in rules.org_words and not token.capitalised:
            # "le syndicat", "la empresa": a body named by its kind.
            end = self._extent(number, index)
            return "named", self._span(number, index - 1, end), tokens[end].end
        if key in rules.publication_words and index + 1 < len(tokens):
            # "das Magazin Technology Review", "le journal Le Monde": the title after the noun.
            run = next((r for r in self.text.runs[number] if index + 1 in r), None)
            if run is not None:
                last = tokens[run[-1]]
                return "publication", self._span(number, index + 1, run[-1]), last.end
        if _head_of(rules, head) or key in rules.title_modifiers:
            j = index
            while j < len(tokens) - 1 and not tokens[j + 1].capitalised and j - index < 6:
                j += 1
            # "le ministre des Affaires étrangères Laurent Fabius": the name after the title.
            for k in range(index + 1, min(len(tokens), j + 6)):
                entry = self.people.at(number, tokens[k].start)
                if entry is not None:
                    run = next((r for r in self.text.runs[number] if k in r), [k])
                    return "person", entry.name, tokens[run[-1]].end
            return None
        return self._name_at(number, index)

    def _name_at(self, number: int, index: int):
        tokens = self.text.tokens[number]
        entry = self.people.at(number, tokens[index].start)
        run = next((r for r in self.text.runs[number] if index in r), None)
        if entry is not None and run is not None:
            return "person", entry.name, tokens[run[-1]].end
        if run is None:
            return None
        if run[0] == index - 1 and tokens[run[0]].folded in self.rules.articles:
            run = run[1:]  # "El Banco Central", "L’UMP Laure …": the article opens the sentence
        if run[0] != index:
            return None
        kept = _foreign_strip(self.text, number, run) or run
        if kept and self.people.at(number, tokens[kept[0]].start):
            found = self.people.at(number, tokens[kept[0]].start)
            return "person", found.name, tokens[run[-1]].end
        # A name of one capitalised German word is a noun unless the text says otherwise.
        words = [tokens[i] for i in run]
        if words[0].folded in self.rules.stopwords:
            return None
        if (
            self.text.language == "de"
            and len(words) == 1
            and not (words[0].acronym or words[0].initial or _known_thing(words[0].folded))
        ):
            return None
        return "named", self._span(number, run[0], run[-1]), tokens[run[-1]].end

    def _np_before(self, number: int, end: int):
        """A noun phrase that ends at end and starts its clause."""
        sentence = self.text.sentences[number]
        before = sentence[:end]
        folded = _same_length_fold(before)
        start = 0
        for boundary in re.finditer(
            r"[,;:«»“”\"(—–]\s*|\b(?:que|dass|und|et|e|y|mais|aber|pero|mas)\s+", folded
        ):
            start = boundary.end()
        found = self._np_at(number, start)
        if found and found[2] == len(before.rstrip()):
            return found
        # "Gaby Allendorf, Sprecherin der Initiative, sagte": past one appositive.
        appositive = re.search(r",\s+[^,]{1,100},\s*$", before)
        if appositive:
            return self._np_before(number, appositive.start())
        return None

    # Recording ---------------------------------------------------------------------------

    def _record(self, number: int, found, detail: str, rank: int, verb: str = "") -> None:
        if not found:
            return
        kind, name, _ = found
        if kind == "pronoun":
            entry = self._last_person(number)
            if entry is not None:
                self.sources._named(entry.name, False, number, detail, rank)
            return
        if kind == "anonymous":
            name = _capitalise(" ".join(name.split()))
            self.sources._add(
                SourceFind(
                    ("anonymous", name_key(name)), name, Source.Kind.ANONYMOUS, True, detail,
                    rank, number,
                )
            )  # fmt: skip
            return
        if kind == "person":
            self.sources._named(name, False, number, detail, rank)
            return
        key = name_key(name)
        key = self.rules.same_sources.get(key, key)
        display = self.rules.canonical.get(key) or _capitalise(name)
        if kind == "government" or key in self.rules.canonical:
            source_kind = Source.Kind.GOVERNMENT
        elif kind == "document":
            source_kind = Source.Kind.DOCUMENT
        elif kind == "publication" or fold(verb) in self.rules.report_verbs:
            source_kind = Source.Kind.PUBLICATION
        else:
            source_kind = _kind_of(key, verb)
        self.sources._add(
            SourceFind(("named", key), display, source_kind, False, detail, rank, number)
        )

    def _last_person(self, number: int) -> PersonEntry | None:
        latest = None
        for entry in self.people.entries:
            for mention in entry.mentions:
                if number - 2 <= mention.sentence <= number and (
                    latest is None or (mention.sentence, mention.start) > latest[0]
                ):
                    latest = ((mention.sentence, mention.start), entry)
        return latest[1] if latest else None

    # Reading -----------------------------------------------------------------------------

    def _sentence(self, number: int, sentence: str) -> None:
        rules, tokens = self.rules, self.text.tokens[number]
        folded = _same_length_fold(sentence)
        for pattern in rules.according:
            for match in re.finditer(rf"(?<![\w’'])(?:{pattern})\s+", folded):
                self._according(number, match)
        for pattern in rules.opinion:
            opening = re.match(rf"^(?:{pattern})\s+", folded)
            found = self._np_at(number, opening.end()) if opening else None
            if found and found[0] != "pronoun" and sentence[found[2] :].startswith(","):
                self._record(number, found, f"{opening.group().strip()} …", RANK_SETTING)
        for pattern in rules.according_after:
            for match in re.finditer(rf"\s+{pattern}\b", folded):
                found = self._np_before(number, match.start())
                self._record(number, found, pattern, RANK_SETTING)
        for index, token in enumerate(tokens):
            aux = None
            if token.folded in rules.participles:
                aux = next(
                    (
                        j
                        for j in range(index - 1, max(-1, index - 8), -1)
                        if tokens[j].folded in rules.auxiliaries
                        and not any(
                            re.search(r"[,;:.!?]", sentence[tokens[k].end : tokens[k + 1].start])
                            for k in range(j, index)
                        )
                    ),
                    None,
                )
            if aux == index - 1:
                self._verb(number, aux, index)  # "a déclaré"
            elif aux is not None:
                # German perfect: "hatte gerade die F.A.S. berichtet".
                for j in range(aux + 1, index):
                    if tokens[j].folded in rules.articles or tokens[j].capitalised:
                        found = self._np_at(number, tokens[j].start)
                        if found and found[2] <= token.start:
                            self._record(number, found, token.text, RANK_VERB, token.text)
                        break
            elif token.folded in rules.speech_verbs:
                self._verb(number, index, index)

    def _according(self, number: int, match: re.Match) -> None:
        sentence = self.text.sentences[number]
        trigger = " ".join(sentence[match.start() : match.end()].split())
        rest = sentence[match.end() :]
        if re.match(r"^(?:von|des|der)\s+", rest) and fold(trigger).startswith("nach"):
            # "nach Angaben von X" / "nach Angaben des Ministeriums"
            found = self._np_at(number, match.end() + len(rest) - len(rest.split(None, 1)[1]))
            if found is None or found[0] not in ("anonymous",):
                found = self._np_at(number, match.end())
        elif re.fullmatch(r"de\s+source", fold(trigger)):
            # "de source policière": an unnamed source described by its side.
            side = re.match(r"^([^\W\d_A-Z][\w’'-]*)", rest)
            if side is None:
                return
            found = ("anonymous", f"source {side.group(1)}", match.end() + side.end())
        elif fold(trigger).startswith("nach"):
            if "informationen" not in fold(trigger) and "angaben" not in fold(trigger):
                return
            word = trigger.split()[-1]
            if fold(word) in ("angaben", "informationen"):
                return  # "nach Angaben" with no one named
            found = ("anonymous", word, match.end())
        else:
            found = self._np_at(number, match.end())
        if found and fold(trigger) in ("so",) and found[0] in ("document", "named", "publication"):
            return  # "so das Ziel der Initiative": not a source
        self._record(number, found, trigger.lower(), RANK_SETTING)

    def _verb(self, number: int, first: int, last: int) -> None:
        rules, tokens, sentence = self.rules, self.text.tokens[number], self.text.sentences[number]
        verb = self._span(number, first, last)
        if fold(tokens[last].text).startswith("teilt") and not re.match(
            r"^[^,.;:]*\bmit\b", sentence[tokens[last].end :]
        ):
            return  # "teilte … mit" says; "teilte" alone shares
        before = sentence[: tokens[first].start].rstrip()
        before = re.sub(r"(?:\s+(?:" + "|".join(rules.adverbs) + r"))+$", "", before)
        found = (
            self._np_before(number, len(before))
            if before and not re.search(r"[,«»“”\"]$", before)
            else None
        )
        if found is None:
            # "a-t-il dit": the pronoun is part of the verb's word.
            if re.search(r"-t-(?:il|elle)$", fold(tokens[first].text)):
                found = ("pronoun", "", tokens[first].end)
            else:
                found = self._np_at(number, tokens[last].end)
        self._record(number, found, verb, RANK_VERB, tokens[last].text)


# --- Entry point --------------------------------------------------------------------------


def suggest(
    paragraphs: list[str],
    *,
    directory: Directory | None = None,
    keywords: list[str] = (),
    section_hint: str = "",
    language: str = "",
) -> Attribution:
    """People, sources, tags and a section for a story's paragraphs, for an editor to
    accept or reject. Without a directory nothing is matched to records. The language
    ("de", "fr-FR", …) picks the rules; without it, the text's function words tell."""
    directory = directory if directory is not None else Directory()
    text = _Text([p for p in paragraphs if p and p.strip()], language)
    people = People(text, directory)
    sources = Sources(text, people)
    tags = _suggest_tags(text, directory, keywords)
    section, section_name = _suggest_section(directory, tags, section_hint)
    return Attribution(
        people=people.hints(),
        sources=sources.hints(directory),
        tags=tags,
        section=section,
        section_name=section_name,
    )
