"""Stories as IPTC ninjs 2.2 documents, and ninjs documents as draft stories.

``story_to_ninjs`` writes the document partners get (the API, webhooks);
``ninjs_import`` makes or updates a draft from one (``manage.py import_ninjs``,
ingest). Every document is checked against IPTC's published schema, shipped in
``articles/schemas/``. The mapping and the import rules: docs/ninjs.md.
"""

import datetime
import functools
import hashlib
import http.client
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape, strip_tags
from django.utils.text import slugify
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from taggit.models import Tag

from articles import body
from articles.models import Byline, Citation, LivePost, Person, Section, Source, Story
from articles.sanitize import sanitized_body
from articles.text import xml_text
from newsroom import outbound

NINJS_VERSION = "2.2"
SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
# The places' "geojson" refers to GeoJSON's schema by its address: read from the
# shipped copy, never fetched.
GEOJSON_URI = "https://geojson.org/schema/GeoJSON.json"

MEDIA_TYPE = "application/ninjs+json"
# IPTC Information Source Role: the party whose information the story reports.
SOURCE_ROLE = "http://cv.iptc.org/newscodes/infosourcerole/originfo"
# The party that published the story first (a republished or syndicated story).
PUBLISHER_ROLE = "https://schema.org/publisher"
GENRES = "http://cv.iptc.org/newscodes/genre/"
# Story types with a concept in IPTC's Genre NewsCodes; the others go as literals.
GENRE_CODES = {
    Story.Type.ANALYSIS: "Analysis",
    Story.Type.OPINION: "Opinion",
    Story.Type.INTERVIEW: "Interview",
    Story.Type.REVIEW: "Review",
    Story.Type.OBITUARY: "Obituary",
}
AUTHOR = "author"
ABOUT = "about"
SECTION = "section"
CORRECTION = "correction"
CANONICAL = "canonical"
SAME_AS = "sameAs"
MAX_MESSAGES = 20
MAX_REDIRECTS = 5


# Exporting ---------------------------------------------------------------------------


def for_ninjs(stories):
    """``stories`` (a queryset) with what ``story_to_ninjs`` reads, in a fixed number
    of queries for any number of stories (pictures shown inside bodies cost one
    query a story that has any; see ``ninjs_documents`` for a list in one)."""
    return stories.select_related("section", "lead_image", "original_publisher").prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("person")),
        "people",
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
        "corrections",
        "tags",
        Prefetch("live_posts", queryset=LivePost.objects.select_related("author")),
    )


def ninjs_documents(stories) -> list[dict]:
    """The documents of ``stories`` (a queryset), every picture their bodies show
    read in one query."""
    stories = list(for_ninjs(stories))
    images = body.load_images(set().union(*(body_image_ids(story) for story in stories)))
    return [story_to_ninjs(story, images=images) for story in stories]


def story_to_ninjs(story, *, pubstatus: str | None = None, images: dict | None = None) -> dict:
    """``story`` as a ninjs 2.2 document (a dict ready for ``json.dumps``).

    ``pubstatus`` overrides the status the story's state gives (``usable``,
    ``withheld`` for a withdrawn story or one not published yet), e.g. ``canceled``
    for a story taken back. A story that is not usable carries its metadata but
    not its text or pictures. ``images`` are the library pictures its bodies show,
    by id (read here when not given).
    """
    status = pubstatus or ("usable" if story.status == Story.Status.PUBLISHED else "withheld")
    document = {
        "uri": story.uri,
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": SCHEMA_URI},
        "type": "text",
        "representationtype": "full",
        "firstcreated": timestamp(story.created_at),
        "versioncreated": timestamp(story.updated_at),
        "pubstatus": status,
        "language": language_tag(settings.LANGUAGE_CODE),
        "slugline": story.slug,
        "headlines": headlines(story),
        "genres": [genre(story.story_type)],
    }
    if story.is_scheduled():
        document["embargoed"] = timestamp(story.published_at)
    if story.status == Story.Status.WITHDRAWN and story.withdrawal_reason:
        document["ednote"] = story.withdrawal_reason
    descriptions = []
    if story.dek:
        descriptions.append({"role": "summary", "contenttype": "text/plain", "value": story.dek})
    if story.seo_description:
        descriptions.append(
            {"role": "seo", "contenttype": "text/plain", "value": story.seo_description}
        )
    # ninjs has no corrections: each is a description with its own role, newest first.
    descriptions += [
        {"role": CORRECTION, "contenttype": "text/plain", "value": correction.text}
        for correction in story.corrections.all()
    ]
    if descriptions:
        document["descriptions"] = descriptions
    bylines = list(story.bylines.all())
    if bylines:
        document["by"] = by_line(bylines)
    people = [person_entry(b.person, AUTHOR, literal=b.role) for b in bylines]
    people += [person_entry(person, ABOUT) for person in story.people.all()]
    if people:
        document["people"] = people
    citations = list(story.citations.all())
    organisations = [
        organisation_entry(c.source)
        for c in citations
        if c.source.person_id is None
        and c.source.kind
        in {
            Source.Kind.PUBLICATION,
            Source.Kind.AGENCY,
            Source.Kind.PLATFORM,
            Source.Kind.GOVERNMENT,
        }
    ]
    if organisations:
        document["organisations"] = organisations
    infosources = [infosource_entry(c.source, SOURCE_ROLE, detail=c.detail) for c in citations]
    if story.original_publisher_id:
        infosources.append(infosource_entry(story.original_publisher, PUBLISHER_ROLE))
    if infosources:
        document["infosources"] = infosources
    subjects = [
        {"name": tag.name, "rel": ABOUT, "uri": absolute(reverse("articles:tag", args=[tag.slug]))}
        for tag in story.tags.all()
    ]
    if story.section_id:
        subjects.append(
            {
                "name": story.section.name,
                "rel": SECTION,
                "uri": absolute(story.section.get_absolute_url()),
            }
        )
    if subjects:
        document["subjects"] = subjects
    altids = []
    if story.get_absolute_url():
        altids.append({"role": "url", "value": absolute(story.get_absolute_url())})
    if story.canonical_url:
        altids.append({"role": CANONICAL, "value": story.canonical_url})
    if altids:
        document["altids"] = altids
    if status != "usable":
        return document
    if images is None:
        images = body.load_images(body_image_ids(story))
    if story.body:
        html = body.render_body(story.body, images, for_feed=True, absolute=absolute)
        document["bodies"] = [
            {
                "role": "main",
                "contenttype": "text/html",
                "value": html,
                "wordcount": len(body.public_text(story.body).split()),
            }
        ]
    associations = []
    if story.lead_image_id:
        associations.append(picture_entry(story.lead_image))
    if story.has_live_coverage():
        associations += [live_post_entry(story, post, images) for post in story.live_posts.all()]
    if associations:
        document["associations"] = associations
    return document


def body_image_ids(story) -> set[int]:
    ids = body.image_ids(story.body)
    if story.has_live_coverage():
        ids = ids.union(*(body.image_ids(post.body) for post in story.live_posts.all()))
    return ids


def absolute(url: str) -> str:
    """``url`` (a path, or already absolute as a bucket's are) from SITE_URL."""
    return urljoin(f"{settings.SITE_URL}/", url)


def timestamp(moment) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def language_tag(code: str) -> str:
    """A Django language code as a BCP 47 tag: ``en-gb`` → ``en-GB``."""
    language, _, region = code.partition("-")
    if len(region) == 2:
        region = region.upper()
    return f"{language}-{region}" if region else language


def headlines(story) -> list[dict]:
    found = [{"role": "main", "contenttype": "text/plain", "value": story.headline}]
    if story.kicker:
        found.append({"role": "kicker", "contenttype": "text/plain", "value": story.kicker})
    if story.seo_title:
        found.append({"role": "seo", "contenttype": "text/plain", "value": story.seo_title})
    return found


def genre(story_type: str) -> dict:
    entry = {"name": Story.Type(story_type).label, "literal": story_type}
    if story_type in GENRE_CODES:
        entry["uri"] = f"{GENRES}{GENRE_CODES[story_type]}"
    return entry


def by_line(bylines) -> str:
    names = [f"{b.person.name} {b.role}".strip() for b in bylines]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def person_entry(person, rel: str, *, literal: str = "") -> dict:
    entry = {"name": person.name, "rel": rel, "uri": absolute(person.get_absolute_url())}
    if literal:
        entry["literal"] = literal
    if person.same_as_urls:
        entry["contactinfo"] = [
            {"type": "web", "role": SAME_AS, "value": url} for url in person.same_as_urls
        ]
    return entry


def web_address(source) -> list[dict]:
    return [{"type": "web", "role": "website", "value": source.url}] if source.url else []


def organisation_entry(source) -> dict:
    entry = {"name": source.name, "rel": "source", "uri": absolute(source.get_absolute_url())}
    if source.url:
        entry["contactinfo"] = web_address(source)
    return entry


def infosource_entry(source, role: str, *, detail: str = "") -> dict:
    """A source: its name, page and the citation's detail (``literal``, the one
    free-text place an infosource has). An anonymous source goes without a name or
    page: ``literal`` is how the story describes it, with the detail after a comma."""
    if source.is_anonymous():
        return {"role": role, "literal": ", ".join(filter(None, [source.name, detail]))}
    entry = {"name": source.name, "role": role, "uri": absolute(source.get_absolute_url())}
    if detail:
        entry["literal"] = detail
    if source.url:
        entry["contactinfo"] = web_address(source)
    return entry


def image_uri(image) -> str:
    return f"tag:{settings.URI_AUTHORITY},{image.created_at:%Y-%m-%d}:image-{image.pk}"


def picture_entry(image) -> dict:
    """The lead picture, as an associated picture item: its renditions, caption,
    alternative text, credit (``by``) and copyright notice."""
    entry = {"name": "leadimage", "uri": image_uri(image), "type": "picture"}
    entry["representationtype"] = "partial"
    descriptions = [{"role": "alt", "contenttype": "text/plain", "value": image.alt_text}]
    if image.caption:
        descriptions.insert(
            0, {"role": "caption", "contenttype": "text/plain", "value": image.caption}
        )
    entry["descriptions"] = descriptions
    if image.credit:
        entry["by"] = image.credit
    if image.copyright:
        entry["copyrightnotice"] = image.copyright
    renditions = [
        {
            "name": f"{kind}-{width}",
            "href": absolute(url),
            "contenttype": f"image/{kind}",
            "width": width,
            "height": height,
        }
        for kind in ("jpeg", "webp")
        for width, height, url in image.sources(kind)
    ]
    crops = image.renditions.get("crops", {})
    storage = image.file.storage
    renditions += [
        {
            "name": f"crop-{shape}",
            "href": absolute(storage.url(name)),
            "contenttype": "image/jpeg",
            "width": width,
            "height": height,
        }
        for shape, (width, height, name) in crops.items()
    ]
    if renditions:
        entry["renditions"] = renditions
    return entry


def live_post_entry(story, post, images: dict) -> dict:
    entry = {
        "name": f"post-{post.pk}",
        "uri": f"{story.uri}:post-{post.pk}",
        "type": "text",
        "firstcreated": timestamp(post.published_at),
        "versioncreated": timestamp(post.updated_at),
        "by": post.author.name,
        "people": [person_entry(post.author, AUTHOR)],
        "bodies": [
            {
                "role": "main",
                "contenttype": "text/html",
                "value": body.render_body(post.body, images, for_feed=True, absolute=absolute),
            }
        ],
    }
    if post.headline:
        entry["headlines"] = [{"role": "main", "contenttype": "text/plain", "value": post.headline}]
    return entry


# Checking ----------------------------------------------------------------------------

FORMATS = FormatChecker(formats=())
RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


@FORMATS.checks("date-time", raises=ValueError)
def is_date_time(value) -> bool:
    # RFC 3339, as the schema's "date-time" means; the standard library reads it.
    if not isinstance(value, str):
        return True
    return bool(RFC3339.fullmatch(value)) and bool(datetime.datetime.fromisoformat(value))


@FORMATS.checks("uri")
def is_uri(value) -> bool:
    # An absolute URI: a scheme, then no spaces or control characters.
    if not isinstance(value, str):
        return True
    scheme, colon, rest = value.partition(":")
    return bool(SCHEME.fullmatch(scheme) and colon and rest) and not re.search(
        r"[\s\x00-\x1f]", rest
    )


@functools.cache
def ninjs_validator() -> Draft202012Validator:
    """IPTC's ninjs 2.2 schema, with the formats of its dates and URIs checked."""
    schema = json.loads((SCHEMAS / "ninjs-schema_2.2.json").read_text())
    geojson = json.loads((SCHEMAS / "GeoJSON.json").read_text())
    registry = Registry().with_resource(GEOJSON_URI, Resource.from_contents(geojson))
    return Draft202012Validator(schema, registry=registry, format_checker=FORMATS)


def ninjs_errors(document) -> list[str]:
    """What the schema says is wrong with ``document`` (parsed JSON): none when valid."""
    errors = sorted(ninjs_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    messages = [f"{error.json_path}: {shorten(error.message)}" for error in errors]
    if len(messages) > MAX_MESSAGES:
        messages = [*messages[:MAX_MESSAGES], f"… and {len(messages) - MAX_MESSAGES} more"]
    return messages


def shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


# Reading -----------------------------------------------------------------------------


class NinjsError(Exception):
    """A document that cannot be read or imported; ``messages`` say why."""

    def __init__(self, *messages: str):
        super().__init__("\n".join(messages))
        self.messages = list(messages)


def ninjs_parse(raw: bytes) -> dict:
    """The document in ``raw`` (JSON), once the schema has found nothing wrong."""
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise NinjsError(f"This is not JSON: {shorten(str(error))}.") from error
    problems = ninjs_errors(document)
    if problems:
        raise NinjsError(f"This is not a valid ninjs {NINJS_VERSION} document:", *problems)
    return document


def ninjs_read(location: str, *, stdin=None) -> bytes:
    """The bytes of a document from a file, ``-`` (standard input) or an http(s) URL,
    at most NINJS_IMPORT_MAX_BYTES of them."""
    limit = settings.NINJS_IMPORT_MAX_BYTES
    if location.startswith(("http://", "https://")):
        return fetch(location, limit)
    try:
        if location == "-":
            raw = (stdin or sys.stdin.buffer).read(limit + 1)
        else:
            with open(location, "rb") as file:
                raw = file.read(limit + 1)
    except OSError as error:
        raise NinjsError(f"{location} cannot be read: {error.strerror or error}.") from error
    if len(raw) > limit:
        raise NinjsError(too_large(limit))
    return raw


def too_large(limit: int) -> str:
    return f"The document is larger than {limit:,} bytes (NINJS_IMPORT_MAX_KB)."


def fetch(url: str, limit: int) -> bytes:
    """GET ``url`` with timeouts and a size cap, following a few redirects, each to
    http(s) and, unless the operator allows others, a public address."""
    try:
        url, answer = outbound.get(
            url,
            allow_private=settings.NINJS_IMPORT_ALLOW_PRIVATE,
            timeout=settings.NINJS_IMPORT_TIMEOUT,
            max_bytes=limit,
            headers={"Accept": f"{MEDIA_TYPE}, application/json", "User-Agent": "Newsroom"},
            max_redirects=MAX_REDIRECTS,
        )
    except outbound.Refused as error:
        raise NinjsError(f"{url} is refused: {error}") from error
    except (OSError, http.client.HTTPException) as error:
        reason = str(error) or type(error).__name__
        raise NinjsError(f"{url} could not be reached: {reason}.") from error
    if answer.status != 200:
        raise NinjsError(f"{url} answered {answer.status}, not a document.")
    if len(answer.body) > limit:
        raise NinjsError(too_large(limit))
    return answer.body


# Importing ---------------------------------------------------------------------------


@dataclass
class ImportResult:
    story: Story
    # "created", "updated" or "unchanged"
    outcome: str
    notes: list[str] = field(default_factory=list)

    @property
    def admin_url(self) -> str:
        return absolute(reverse("admin:articles_story_change", args=[self.story.pk]))


def ninjs_import(document: dict, *, user=None) -> ImportResult:
    """Create, or update, the draft for ``document`` (a parsed ninjs document),
    matched by its ``uri``; checked against the schema first.

    The same document again changes nothing; an older version than the one imported
    is left; a story published since its import is never overwritten. Raises
    NinjsError with the reasons, and then nothing has been saved.
    """
    problems = ninjs_errors(document)
    if problems:
        raise NinjsError(f"This is not a valid ninjs {NINJS_VERSION} document:", *problems)
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
    version = parse_time(document.get("versioncreated"))
    try:
        with transaction.atomic():
            story = Story.objects.select_for_update().filter(ninjs_uri=document["uri"]).first()
            if story is not None:
                if story.status not in (Story.Status.DRAFT, Story.Status.REVIEW):
                    raise NinjsError(
                        f"“{story.headline}” (imported from {document['uri']}) has been "
                        f"{story.get_status_display().lower()} since: it is left as it is."
                    )
                if story.ninjs_digest == digest:
                    return ImportResult(story, "unchanged", ["This version was imported already."])
                older = version and story.ninjs_version_at and version < story.ninjs_version_at
                if older:
                    return ImportResult(
                        story, "unchanged", ["A newer version was imported already."]
                    )
            result = ImportResult(story or Story(), "updated" if story else "created")
            fill_story(result, document, user=user)
            result.story.ninjs_uri = document["uri"]
            result.story.ninjs_version_at = version
            result.story.ninjs_digest = digest
            result.story.save()
            relate(result, document)
    except ValidationError as error:
        raise NinjsError("The document cannot be imported:", *field_messages(error)) from error
    except IntegrityError as error:
        # Another import of the same uri committed first.
        raise NinjsError(
            f"{document['uri']} was being imported at the same time: try again."
        ) from error
    return result


def field_messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return error.messages
    return [
        f"{name}: {message}"
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def parse_time(value):
    return datetime.datetime.fromisoformat(value) if value else None


def text(value: str, contenttype: str = "") -> str:
    """One line of plain text from a headline or description, markup or not."""
    if "html" in contenttype:
        value = strip_tags(value)
    return " ".join(xml_text(value).split())


def pick(entries, *roles, contenttype: str = ""):
    """The first of ``entries`` with one of ``roles`` (None: no role), preferring
    ``contenttype``."""
    found = [e for e in entries or [] if e.get("role") in roles]
    preferred = [e for e in found if e.get("contenttype", "") == contenttype]
    return (preferred or found or [None])[0]


def fill_story(result: ImportResult, document: dict, *, user=None) -> None:
    story = result.story
    headline = pick(document.get("headlines"), "main", None) or {"value": document.get("title", "")}
    story.headline = text(headline["value"], headline.get("contenttype", ""))
    if not story.headline:
        raise NinjsError("The document has no headline (a main headline, or a title).")
    for attribute, role in (("kicker", "kicker"), ("seo_title", "seo")):
        entry = pick(document.get("headlines"), role)
        setattr(
            story, attribute, text(entry["value"], entry.get("contenttype", "")) if entry else ""
        )
    dek = pick(document.get("descriptions"), "summary", None)
    story.dek = text(dek["value"], dek.get("contenttype", "")) if dek else ""
    seo = pick(document.get("descriptions"), "seo")
    story.seo_description = text(seo["value"], seo.get("contenttype", "")) if seo else ""
    bodies = document.get("bodies", [])
    html = [b for b in bodies if "html" in b.get("contenttype", "")]
    main = pick(bodies, "main", None, contenttype="text/html") or (html or bodies or [None])[0]
    story.body = sanitized_body(body_html(main)) if main else ""
    literal = next((g.get("literal") for g in document.get("genres", []) if g.get("literal")), "")
    story.story_type = literal if literal in Story.Type.values else Story.Type.NEWS
    canonical = next(
        (a["value"] for a in document.get("altids", []) if a.get("role") == CANONICAL), ""
    )
    story.canonical_url = canonical
    publisher = next(
        (s for s in document.get("infosources", []) if s.get("role") == PUBLISHER_ROLE), None
    )
    story.original_publisher = match_source(publisher, result) if publisher else None
    if story.original_publisher and story.original_publisher.kind not in (
        Source.Kind.PUBLICATION,
        Source.Kind.AGENCY,
    ):
        result.notes.append(f"{story.original_publisher} is not a publication: not the publisher.")
        story.original_publisher = None
    story.section = match_section(document.get("subjects", []))
    if story.pk is None:
        story.slug = slugify(story.headline)[:255] or "story"
        story.status = Story.Status.DRAFT
        story.created_by = user
    story.updated_by = user
    story.full_clean(validate_constraints=False)


def body_html(entry: dict) -> str:
    value = entry["value"]
    if "html" in entry.get("contenttype", "text/html") or not entry.get("contenttype"):
        return value
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", value) if p.strip()]
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def relate(result: ImportResult, document: dict) -> None:
    """The bylines, people, sources and tags, matched or created, replacing the draft's."""
    story = result.story
    story.bylines.all().delete()
    story.citations.all().delete()
    people = document.get("people", [])
    authors = [p for p in people if p.get("rel") == AUTHOR]
    for order, entry in enumerate(authors):
        person = match_person(entry, result)
        if person and not story.bylines.filter(person=person).exists():
            role = text(entry.get("literal", ""))[:100]
            Byline.objects.create(story=story, person=person, order=order, role=role)
    subjects = [match_person(p, result) for p in people if p.get("rel") != AUTHOR]
    story.people.set([person for person in subjects if person])
    cited = [s for s in document.get("infosources", []) if s.get("role") != PUBLISHER_ROLE]
    for order, entry in enumerate(cited):
        source, detail = match_cited_source(entry, result)
        if source and not story.citations.filter(source=source).exists():
            Citation.objects.create(story=story, source=source, detail=detail[:200], order=order)
    tags = [match_tag(s) for s in document.get("subjects", []) if s.get("rel") != SECTION]
    story.tags.set([tag for tag in tags if tag])


def own_object(uri: str | None, url_name: str):
    """The slug in ``uri`` when it is this site's page of that kind, else None."""
    if not uri or not uri.startswith(f"{settings.SITE_URL}/"):
        return None
    try:
        match = resolve(urlsplit(uri).path)
    except Resolver404:
        return None
    return match.kwargs.get("slug") if match.view_name == f"articles:{url_name}" else None


def web_values(entry: dict, role: str | None = None) -> list[str]:
    return [
        c["value"]
        for c in entry.get("contactinfo", [])
        if c.get("type") == "web" and c.get("value") and (role is None or c.get("role") == role)
    ]


def match_person(entry: dict, result: ImportResult):
    slug = own_object(entry.get("uri"), "person")
    if slug and (person := Person.objects.filter(slug=slug).first()):
        return person
    elsewhere = [u for u in [entry.get("uri"), *web_values(entry)] if u and not slug]
    for url in elsewhere:
        for person in Person.objects.filter(same_as__contains=url):
            if url in person.same_as_urls:
                return person
    name = text(entry.get("name", ""))
    if not name:
        result.notes.append(f"A person without a name is left out ({entry.get('uri', 'no uri')}).")
        return None
    person = Person.objects.filter(name__iexact=name).order_by("pk").first()
    if person is None:
        person = Person(name=name, slug=free_slug(Person, name, "person"))
        person.same_as = "\n".join(elsewhere)
        person.full_clean()
        person.save()
        result.notes.append(f"New person: {person.name}.")
    return person


def match_source(entry: dict, result: ImportResult, *, anonymous: bool = False):
    slug = own_object(entry.get("uri"), "source")
    if slug and (source := Source.objects.filter(slug=slug).first()):
        return source
    addresses = [u for u in [entry.get("uri"), *web_values(entry)] if u and not slug]
    if addresses and (source := Source.objects.filter(url__in=addresses).order_by("pk").first()):
        return source
    name = text(entry.get("name", ""))
    if not name:
        result.notes.append(f"A source without a name is left out ({entry.get('uri')}).")
        return None
    kind = Source.Kind.ANONYMOUS if anonymous else Source.Kind.PUBLICATION
    sources = Source.objects.filter(name__iexact=name).order_by("pk")
    source = (sources.filter(kind=kind) if anonymous else sources).first()
    if source is None:
        source = Source(name=name, slug=free_slug(Source, name, "source"), kind=kind)
        source.url = next((a for a in addresses if a.startswith(("http://", "https://"))), "")
        source.full_clean()
        source.save()
        result.notes.append(f"New source: {source.name}.")
    return source


def match_cited_source(entry: dict, result: ImportResult) -> tuple[Source | None, str]:
    """A cited source and the citation's detail. One without a name or page is
    anonymous: its ``literal`` is its description, perhaps with the detail after a
    comma (the form ``infosource_entry`` writes); a known anonymous source is found
    by its description."""
    if entry.get("name") or entry.get("uri"):
        return match_source(entry, result), text(entry.get("literal", ""))
    literal = text(entry.get("literal", ""))
    if not literal:
        result.notes.append("A source without a name or description is left out.")
        return None, ""
    cuts = [m.start() for m in re.finditer(", ", literal)]
    known = Source.objects.filter(
        kind=Source.Kind.ANONYMOUS, name__in=[literal, *(literal[:cut] for cut in cuts)]
    )
    source = max(known, key=lambda s: len(s.name), default=None)
    if source is not None:
        return source, literal[len(source.name) :].removeprefix(", ")
    return match_source({"name": literal}, result, anonymous=True), ""


def match_section(subjects: list[dict]):
    for entry in subjects:
        if entry.get("rel") != SECTION:
            continue
        slug = own_object(entry.get("uri"), "section")
        found = Section.objects.filter(slug=slug) if slug else Section.objects.none()
        found = found or Section.objects.filter(name__iexact=text(entry.get("name", "")))
        if found:
            return found[0]
    return None


def match_tag(entry: dict):
    slug = own_object(entry.get("uri"), "tag")
    if slug and (tag := Tag.objects.filter(slug=slug).first()):
        return tag
    name = text(entry.get("name", ""))[:100]
    if not name:
        return None
    tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
    return tag or Tag.objects.create(name=name, slug=free_slug(Tag, name, "tag", unicode=True))


def free_slug(model, name: str, fallback: str, *, unicode: bool = False) -> str:
    """A slug for ``name`` that no ``model`` row has."""
    base = slugify(name, allow_unicode=unicode)[:90] or fallback
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug
