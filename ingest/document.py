"""What every kind of input is read into before it becomes a draft."""

import datetime
from dataclasses import dataclass, field

# Block tags a draft's body is made of; consecutive "ul"/"ol" items form one list.
BLOCK_TAGS = ("p", "h2", "h3", "blockquote", "ul", "ol")


class IngestError(Exception):
    """Input that cannot become a draft; the message says why, for the editor."""


@dataclass(frozen=True)
class Block:
    tag: str
    text: str


@dataclass
class Extracted:
    """The news copy of one input and what its metadata says, nothing invented:
    what the input does not state stays empty."""

    kind: str  # "html", "text", "ninjs", "newsml", "feed-item"
    blocks: list[Block] = field(default_factory=list)
    headline: str = ""
    dek: str = ""
    # Names from the byline or the metadata's author, as given.
    authors: list[str] = field(default_factory=list)
    published_at: datetime.datetime | None = None
    # The original publisher's name (og:site_name, JSON-LD publisher, the wire).
    publisher: str = ""
    # The original address: canonical link, og:url, or where it was fetched.
    url: str = ""
    language: str = ""
    # The source's own section and keywords, for suggesting a section and tags.
    section: str = ""
    keywords: list[str] = field(default_factory=list)
    # Junk that the cleaning rules removed, for the editor and for the tests.
    removed: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [block.text for block in self.blocks]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)
