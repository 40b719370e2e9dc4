"""The newsroom's own rules for the junk that extractors leave in republished copy.

A block is junk when one rule matches the whole of it, so a sentence of news that
merely mentions a newsletter or a phone call is never touched. Contact blocks are the
exception that needs context: an address line alone is not always recognisable, so the
short non-sentences at the very start or end of the copy that lead up to (or follow) a
clear contact cue go with it.
"""

import re
from dataclasses import dataclass

from .document import Block


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    # Longer blocks are never junk under this rule: real copy is rarely this short.
    max_words: int = 30

    def matches(self, text: str, word_count: int) -> bool:
        return word_count <= self.max_words and self.pattern.fullmatch(text) is not None


def _rule(name, pattern, max_words=30):
    return Rule(name, re.compile(pattern, re.IGNORECASE), max_words)


# A UK postcode or a US state and ZIP code: an address line, not a sentence.
_POSTCODE = r"(?-i:\b[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}\b|\b[A-Z]{2} \d{5}(?:-\d{4})?\b)"
# A phone number has spaces, a "+" or brackets; "23.10.2018" is a date.
_PHONE = r"(?:(?=[\d+(])(?=[^ ]* |\+|\()\+?\(?\d[\d ().-]{7,}\d)"
_EMAIL = r"(?:[\w.+-]+@[\w-]+\.[\w.-]+)"

# Journalists' roles in de/en/fr/pt/es (German compounds too: "Wirtschaftsredakteurin").
_ROLE = (
    r"(?:\w*(?:redakteur|korrespondent|reporter|journalist|autor)(?:in)?|correspondent|editor"
    r"|writer|columnist|author|contributor|journaliste|rédact(?:eur|rice)|correspondante?"
    r"|chroniqueu(?:r|se)|envoyée? spéciale?|repórter|correspondente|jornalista|redatora?"
    r"|colunista|editora"
    r"|periodista|corresponsal|redactora?|reporter[oa]|columnista)"
)
# The preposition (or German genitive article) that ties the role to a desk or a paper.
_ROLE_LINK = (
    r"(?:in|im|bei|beim|für|der|des|at|for|on|with|à|au|aux|de|du|des|chez|pour|en|da|do|das"
    r"|dos|em|no|na|para|del|al)\b"
)
# What may follow: names (capitalised), abbreviations and the little words between them,
# never a lower-case word that could be a verb ("Correspondents in Moscow said …").
_FUNCTION_WORDS = (
    r"in|im|am|an|auf|aus|bei|beim|für|von|vom|zu|zum|zur|mit|nach|über|und|sowie|der|die|das"
    r"|des|dem|den|at|for|on|of|the|and|with|a|an|à|au|aux|de|du|la|le|les|pour|en|et"
    r"|chez|sur|da|do|dos|das|em|no|na|nos|nas|para|e|o|pela|pelo|del|el|los|las|y|al|por"
)
_NOUN_PHRASE = rf"(?:,?\s+(?:(?:{_FUNCTION_WORDS})\b|(?:[ld]['’])?(?-i:[A-ZÀ-ÖØ-Þ0-9][\w.'’&-]*)))*"

RULES = [
    # Contact blocks: "Contact Information", an address with a postcode, a phone number.
    _rule(
        "contact heading",
        r"(?:contact (?:information|info|details|us)|get in touch|find us"
        r"|our (?:address|office)|office hours|opening hours)\s*:?",
    ),
    _rule("address", rf"[^.!?]*{_POSTCODE}[^.!?]*", max_words=15),
    _rule(
        "phone",
        rf"{_PHONE}|(?:tel|telephone|phone|call|mob|mobile|fax|t|m)\s*[:.]?\s*"
        r"\+?\(?\d[\d ().-]{7,}\d",
    ),
    _rule("email", rf"(?:e-?mail\s*:?\s*)?{_EMAIL}"),
    # Calls to action: "We Are Available 24/ 7. Call Now.", "Call us today".
    _rule(
        "call to action",
        r"(?:we(?:'re|’re| are) (?:available|open|here)[^.!?]{0,40}[.!]?\s*)?"
        r"(?:call|phone|ring|contact|email|text|book|order|shop|buy|donate)"
        r"(?: us| now| today| online| here)+\s*[.!]?",
        max_words=15,
    ),
    _rule(
        "available around the clock",
        r"we(?:'re|’re| are) (?:available|open) 24\s*/\s*7\b.*",
        max_words=15,
    ),
    # Newsletter and subscription promos.
    _rule(
        "newsletter promo",
        r"(?:unlock|get|receive|join|sign up|subscribe|register)\b.{0,80}"
        r"\bnewsletters?\b.{0,80}",
        max_words=25,
    ),
    _rule(
        "sign up",
        r"(?:sign up|subscribe|register)(?: now| today| here| for free)?"
        r"(?: (?:to|for)\b.{0,100})?\s*[.!]?",
        max_words=20,
    ),
    # Paywall prompts.
    _rule(
        "paywall",
        r"(?:subscribe|sign in|log in|register) to (?:continue|keep) reading\b.*"
        r"|this (?:article|story|content|post) is (?:only )?(?:for|available to|reserved for)"
        r" (?:paying )?(?:subscribers|members)\b.*"
        r"|already (?:a subscriber|a member|have an account)\?.*"
        r"|to (?:continue|keep) reading\b.{0,80}\b(?:subscribe|sign in|log in|register)\b.*",
        max_words=40,
    ),
    # Where the copy was lifted from, and links out.
    _rule(
        "source link",
        r"(?:source link|source|original source|view (?:the )?original"
        r"|read (?:the )?(?:full|original) (?:article|story)(?: here)?)\s*[.:]?",
    ),
    _rule(
        "read more",
        r"\[?(?:read more|read|continue reading|related|see also|more on this"
        r"|related (?:articles|stories|posts|content|coverage)"
        # The same in the languages of the test pages: de, fr, pt and es.
        r"|lesen sie (?:auch|mehr)|mehr zum thema|weiterlesen|lire aussi|à lire aussi"
        r"|lire la suite|leia (?:mais|também)|lee también|leer más)"
        r"\s*(?::.*|\.{3}|…)?\]?",
        max_words=25,
    ),
    # A magazine's pointer to the whole piece elsewhere: "Den kompletten Beitrag lesen
    # Sie in der neuen Ausgabe …".
    _rule(
        "read elsewhere",
        r"(?:den (?:kompletten|ganzen|vollständigen) (?:beitrag|artikel) lesen sie"
        r"|read the (?:full|whole|complete) (?:article|story|piece) in\b).*",
    ),
    # A publisher's standing line under every story.
    _rule("publisher's standards", r"our standards\s*:.*", max_words=12),
    # Comment forms.
    _rule(
        "comment form",
        r"(?:leave a (?:reply|comment)|add a comment|post(?: a)? comment"
        r"|submit comment|cancel reply|comments?|\d+ comments?|no comments(?: yet)?\.?"
        r"|join the (?:conversation|discussion))\s*[.:]?",
    ),
    _rule(
        "comment notes",
        r"(?:your email address will not be published\.?\s*)?"
        r"(?:required fields are marked\s*\*?\.?)?"
        r"|you must be (?:logged in|registered) to post a comment\.?"
        r"|save my name, email, and website in this browser for the next time i comment\.?",
    ),
    # Share prompts: "Share this article", "Click to share on Twitter".
    _rule(
        "share prompt",
        r"(?:share (?:this|on|via|the)\b.{0,60}|share\s*:?"
        r"|click to (?:share|email|print)\b.{0,80})",
    ),
    _rule(
        "share buttons",
        r"(?:(?:share|tweet|email|print|facebook|twitter|x|linkedin|whatsapp"
        r"|reddit|pinterest|telegram|bluesky|threads|copy link|pin it)\s*[|,·•/]?\s*)+",
        max_words=12,
    ),
    # Cookie notices.
    _rule("cookie notice", r".*\b(?:we|this (?:web)?site) uses? cookies\b.*", max_words=60),
    _rule(
        "cookie buttons",
        r"(?:accept|reject|manage)(?: all)? cookies|cookie (?:policy|settings"
        r"|preferences)",
    ),
    # Page furniture that leaks into the copy.
    _rule(
        "furniture",
        r"advertisement|advert|sponsored(?: content)?|skip to (?:main )?content"
        r"|back to top|print this (?:page|article)",
    ),
    _rule("copyright line", r".{0,100}\ball rights reserved\b.{0,100}", max_words=25),
    # An author's one-line bio from an author box: a role, a preposition and the desk or
    # paper, nothing that could be a verb ("Redakteur in der Wirtschaft der F.A.S.").
    _rule(
        "author bio", rf"(?:[\w'’.-]+,?\s+){{0,2}}{_ROLE}\s+{_ROLE_LINK}{_NOUN_PHRASE}\s*\.?", 15
    ),
]

_LONGEST = max(rule.max_words for rule in RULES)

# User handles that stand for no one: a byline or a lone line "administrator".
HANDLES = frozenset({"admin", "administrator", "editor", "webmaster", "staff", "guest", "author"})

# What marks a run of short lines at the edge of the copy as a contact block.
_CONTACT_CUES = {
    "contact heading",
    "address",
    "phone",
    "email",
    "call to action",
    "available around the clock",
}

_SENTENCE_END = re.compile(r"[.!?][\"'”’»)\]]*$")


def junk_rule(text: str) -> str:
    """The name of the first rule that makes this block junk, or ""."""
    word_count = len(text.split())
    if word_count > _LONGEST:
        return ""
    for rule in RULES:
        if rule.matches(text, word_count):
            return rule.name
    return ""


def is_handle(text: str) -> bool:
    """A lone user name such as "administrator" or "@newsdesk": one token, no capitals."""
    token = text.strip()
    if token.casefold() in HANDLES:
        return True
    return bool(re.fullmatch(r"@?[a-z0-9_.-]{2,30}", token)) and not token.isdigit()


def is_short_non_sentence(text: str) -> bool:
    return len(text.split()) <= 12 and not _SENTENCE_END.search(text)


def clean_blocks(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    """The blocks that are news copy, and the text of those removed as junk, in order."""
    names = [junk_rule(block.text) for block in blocks]
    junk = [bool(name) for name in names]
    edge = [
        bool(name) or is_short_non_sentence(block.text)
        for block, name in zip(blocks, names, strict=True)
    ]

    # Leading run: everything up to the last contact cue in it goes.
    lead = 0
    while lead < len(blocks) and edge[lead]:
        lead += 1
    cues = [i for i in range(lead) if names[i] in _CONTACT_CUES]
    if cues:
        for i in range(cues[-1] + 1):
            junk[i] = True

    # Trailing run: from the first contact cue to the end; lone handles near other junk.
    tail = len(blocks)
    while tail > 0 and edge[tail - 1]:
        tail -= 1
    cues = [i for i in range(tail, len(blocks)) if names[i] in _CONTACT_CUES]
    if cues:
        for i in range(cues[0], len(blocks)):
            junk[i] = True
    if any(names[tail:]) or tail == len(blocks) - 1:
        for i in range(tail, len(blocks)):
            if is_handle(blocks[i].text):
                junk[i] = True

    kept = [block for block, flag in zip(blocks, junk, strict=True) if not flag]
    removed = [block.text for block, flag in zip(blocks, junk, strict=True) if flag]
    return kept, removed
