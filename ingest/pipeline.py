"""Any input into a draft: read it, clean it, suggest its attribution, save it whole.

Nothing is published and nothing is attached on the strength of a rule: the people,
sources, tags and section that the text suggests are stored as ``Suggestion`` rows
for an editor to accept, change or reject (``ingest.decisions``).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from articles.models import Section, Source, Story
from articles.ninjs import NinjsError, absolute, ninjs_import, ninjs_parse
from ingest import attribution
from ingest.document import Block, Extracted, IngestError
from ingest.extract import read_document, sniff
from ingest.feeds import html_blocks
from ingest.fetch import fetch, too_large
from ingest.models import Origin, Suggestion
from ingest.newsml import UNTIL_LIFTED, embargoed_until, read_newsml

# Longer addresses stay on the Origin record only.
CANONICAL_MAX = Story._meta.get_field("canonical_url").max_length
UNTITLED = "untitled-draft"


@dataclass
class Result:
    story: Story
    origin: Origin
    suggestions: list[Suggestion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def admin_url(self) -> str:
        return absolute(reverse("admin:articles_story_change", args=[self.story.pk]))

    def as_json(self) -> dict:
        """The draft and what was suggested for it, for scripts and wire desks."""
        by_kind = {kind: [] for kind in Suggestion.Kind.values}
        for suggestion in self.suggestions:
            by_kind[suggestion.kind].append(suggestion)
        section = self.story.section or next(
            (s.section for s in by_kind[Suggestion.Kind.SECTION] if s.section), None
        )
        return {
            "story": self.story.pk,
            "admin_url": self.admin_url,
            "headline": self.story.headline,
            "people": [
                {
                    "name": s.name,
                    "title": s.title,
                    "person": s.person_id,
                    "evidence": s.evidence,
                }
                for s in by_kind[Suggestion.Kind.PERSON]
            ],
            "sources": [
                {
                    "name": s.name,
                    "kind": s.source_kind,
                    "detail": s.detail,
                    "anonymous": s.anonymous,
                    "source": s.source_id,
                    "evidence": s.evidence,
                }
                for s in by_kind[Suggestion.Kind.SOURCE]
            ],
            "tags": [{"name": s.name, "tag": s.tag_id} for s in by_kind[Suggestion.Kind.TAG]],
            "bylines": [
                {"name": s.name, "role": s.detail, "person": s.person_id}
                for s in by_kind[Suggestion.Kind.BYLINE]
            ],
            "section": section.name if section else None,
            "removed": self.origin.removed,
            "notes": self.notes,
        }


def find_section(value: str) -> Section:
    """The section an editor named, by slug or name; IngestError if there is none."""
    section = (
        Section.objects.filter(slug=value).first()
        or Section.objects.filter(name__iexact=value).first()
    )
    if section is None:
        names = ", ".join(Section.objects.values_list("slug", flat=True)) or "none yet"
        raise IngestError(f"There is no section “{value}” (sections: {names}).")
    return section


def ingest_url(url: str, *, section: Section | None = None, user=None) -> Result:
    fetched = fetch(url)
    return ingest_bytes(
        fetched.body,
        content_type=fetched.content_type,
        url=fetched.url,
        given_as=url,
        section=section,
        user=user,
    )


def ingest_bytes(
    data: bytes,
    *,
    filename: str = "",
    content_type: str = "",
    url: str = "",
    given_as: str = "",
    section: Section | None = None,
    user=None,
) -> Result:
    """A draft from the bytes of a page, a text, a ninjs or NewsML-G2 item."""
    if len(data) > settings.INGEST_MAX_BYTES:
        raise IngestError(too_large(settings.INGEST_MAX_BYTES))
    kind = sniff(data, filename=filename, content_type=content_type)
    given_as = given_as or url or filename
    if kind == "ninjs":
        return ingest_ninjs(data, given_as=given_as, section=section, user=user)
    embargo = None
    if kind == "newsml":
        extracted = read_newsml(data)
        embargo = embargoed_until(data)
    elif kind == "feed":
        raise IngestError(
            "This is an RSS or Atom feed, not a story: add it under Ingest › Partner feeds, "
            "and each new item becomes a draft."
        )
    else:
        extracted = read_document(data, filename=filename, content_type=content_type, url=url)
    result = ingest(extracted, origin_kind=kind, given_as=given_as, section=section, user=user)
    if embargo is not None:
        until = (
            "until the agency lifts it"
            if embargo == UNTIL_LIFTED
            else f"until {timezone.localtime(embargo):%-d %B %Y, %H:%M %Z}"
        )
        result.notes.insert(0, f"The wire item is embargoed {until}: do not publish it before.")
    return result


def ingest(
    extracted: Extracted,
    *,
    origin_kind: str,
    given_as: str = "",
    section: Section | None = None,
    publisher: Source | None = None,
    user=None,
    directory: attribution.Directory | None = None,
) -> Result:
    """Save ``extracted`` as a draft with its origin and suggestions, in one transaction.
    ``directory``: the newsroom's records, when a caller ingests many items at once."""
    body = blocks_html(extracted.blocks)
    if not body:
        raise IngestError("There is no text to make a story of.")
    if directory is None:
        directory = attribution.Directory.from_db()
    found = attribution.suggest(
        extracted.paragraphs,
        directory=directory,
        keywords=extracted.keywords,
        section_hint=extracted.section,
        language=extracted.language,
    )
    publisher = publisher or publisher_record(directory, extracted.publisher)
    url = extracted.url if len(extracted.url) <= CANONICAL_MAX else ""
    story = Story(
        headline=extracted.headline[:255],
        slug=slugify(extracted.headline)[:255] or UNTITLED,
        dek=extracted.dek[:300],
        body=body,
        status=Story.Status.DRAFT,
        section=section,
        original_publisher=publisher,
        canonical_url=url,
        created_by=user,
        updated_by=user,
    )
    with transaction.atomic():
        story.save()
        origin = save_origin(story, extracted, origin_kind, given_as, user)
        suggestions = save_suggestions(story, found, with_section=section is None)
        suggestions += save_bylines(story, extracted, directory)
    return Result(story, origin, suggestions, notes(extracted, story))


def ingest_ninjs(data: bytes, *, given_as: str, section: Section | None, user) -> Result:
    """A wire item in ninjs: the syndication import, then suggestions from its text."""
    try:
        with transaction.atomic():
            document = ninjs_parse(data)
            imported = ninjs_import(document, user=user)
            story = imported.story
            if imported.outcome == "unchanged":
                origin = Origin.objects.filter(story=story).first()
                kept = list(story.suggestions.all())
                return Result(story, origin or Origin(story=story), kept, imported.notes)
            if section is not None:
                story.section = section
                story.save(update_fields=["section"])
            extracted = Extracted(
                kind="ninjs",
                blocks=html_blocks(story.body),
                headline=story.headline,
                url=story.canonical_url,
            )
            found = attribution.suggest(
                extracted.paragraphs,
                directory=attribution.Directory.from_db(),
                keywords=list(story.tags.names()),
                language=document.get("language", ""),
            )
            story.suggestions.filter(state=Suggestion.State.PENDING).delete()
            Origin.objects.filter(story=story).delete()
            origin = save_origin(story, extracted, "ninjs", given_as, user)
            suggestions = save_suggestions(story, found, with_section=story.section is None)
    except NinjsError as error:
        raise IngestError("\n".join(error.messages)) from error
    return Result(story, origin, suggestions, imported.notes)


def blocks_html(blocks: list[Block]) -> str:
    """Paragraphs as paragraphs, headings, quotes and lists as themselves."""
    html, open_list = [], None
    for block in blocks:
        text = " ".join(block.text.split())
        if not text:
            continue
        if block.tag in ("ul", "ol"):
            if open_list != block.tag:
                if open_list:
                    html.append(f"</{open_list}>")
                html.append(f"<{block.tag}>")
                open_list = block.tag
            html.append(f"<li>{escape(text)}</li>")
            continue
        if open_list:
            html.append(f"</{open_list}>")
            open_list = None
        if block.tag == "blockquote":
            html.append(f"<blockquote><p>{escape(text)}</p></blockquote>")
        else:
            tag = block.tag if block.tag in ("h2", "h3") else "p"
            html.append(f"<{tag}>{escape(text)}</{tag}>")
    if open_list:
        html.append(f"</{open_list}>")
    return "\n".join(html)


def publisher_record(directory, name: str) -> Source | None:
    """The newsroom's record of the original publisher, when it has one."""
    if not name:
        return None
    source = directory.source(name)
    if source and source.kind in (Source.Kind.PUBLICATION, Source.Kind.AGENCY):
        return source
    return None


def save_origin(story, extracted: Extracted, kind: str, given_as: str, user) -> Origin:
    return Origin.objects.create(
        story=story,
        kind=kind,
        url=extracted.url[:2000],
        publisher=extracted.publisher[:200],
        published_at=extracted.published_at,
        authors=", ".join(extracted.authors)[:500],
        given_as=given_as[:2000],
        removed=extracted.removed,
        ingested_by=user,
    )


def save_suggestions(story, found, *, with_section: bool) -> list[Suggestion]:
    rows = [
        Suggestion(
            story=story,
            kind=Suggestion.Kind.PERSON,
            order=order,
            name=hint.name[:200],
            title=hint.title[:200],
            person=hint.person,
            evidence=hint.evidence,
        )
        for order, hint in enumerate(found.people)
    ]
    rows += [
        Suggestion(
            story=story,
            kind=Suggestion.Kind.SOURCE,
            order=order,
            name=hint.name[:200],
            source_kind=hint.kind,
            detail=hint.detail[:300],
            anonymous=hint.anonymous,
            source=hint.source,
            person=None if hint.anonymous else hint.person,
            evidence=hint.evidence,
        )
        for order, hint in enumerate(found.sources)
    ]
    rows += [
        Suggestion(
            story=story,
            kind=Suggestion.Kind.TAG,
            order=order,
            name=hint.name[:200],
            tag=hint.tag,
            evidence=hint.evidence,
        )
        for order, hint in enumerate(found.tags)
    ]
    if with_section and (found.section or found.section_name):
        rows.append(
            Suggestion(
                story=story,
                kind=Suggestion.Kind.SECTION,
                name=(found.section.name if found.section else found.section_name)[:200],
                section=found.section,
            )
        )
    return Suggestion.objects.bulk_create(rows)


def save_bylines(story, extracted: Extracted, directory) -> list[Suggestion]:
    """The original byline's names, for the editor to credit (or not)."""
    source = {"ninjs": "wire item", "newsml": "wire item", "feed": "feed item"}
    evidence = (
        f"The byline of the {source.get(extracted.kind, 'page')}: {', '.join(extracted.authors)}"
    )
    names = list(
        dict.fromkeys(" ".join(name.split()) for name in extracted.authors if name.strip())
    )
    return Suggestion.objects.bulk_create(
        Suggestion(
            story=story,
            kind=Suggestion.Kind.BYLINE,
            order=order,
            name=name[:200],
            person=directory.person(name),
            evidence=evidence[:1000],
        )
        for order, name in enumerate(names)
    )


def notes(extracted: Extracted, story: Story) -> list[str]:
    """What the editor should know about the draft."""
    said = []
    if not story.headline:
        said.append("The input states no headline: write one.")
    if extracted.url:
        earlier = (
            Origin.objects.filter(url=extracted.url)
            .exclude(story=story)
            .values_list("story_id", flat=True)
            .first()
        )
        if earlier:
            link = reverse("admin:articles_story_change", args=[earlier])
            said.append(f"{extracted.url} was imported before, as the draft at {link}.")
    if story.canonical_url:
        said.append(
            "Its original address is the canonical URL (Advanced): search engines are "
            "pointed to the original. Clear it if the story becomes the newsroom's own."
        )
    if extracted.publisher and story.original_publisher is None:
        said.append(
            f"The original publisher, “{extracted.publisher}”, is not among the sources: "
            "add it as a publication to credit it."
        )
    if extracted.removed:
        said.append(f"{len(extracted.removed)} pieces of page furniture were removed.")
    return said
