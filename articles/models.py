import uuid
from datetime import timedelta
from pathlib import Path

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models, transaction
from django.db.models import F, Prefetch, Q, Value
from django.db.models.functions import Cast, Concat, TruncDate
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles.body import public_text
from articles.sanitize import BODY_EDITOR_EXTENSIONS, PAGE_EDITOR_EXTENSIONS, sanitize_html

PREVIEW_SALT = "articles.story.preview"


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Sections are listed in the site's navigation in this order."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


# What the check by route cannot see: folders with no page of their own
# (``/api/v1/…``, ``/cards/1-….png``) and names of files at the root
# (``/robots.txt``, ``/healthz``) that a page of that name would be taken for.
RESERVED_PAGE_SLUGS = {"api", "cards", "healthz", "favicon", "robots", "sitemap", "bench"}


def validate_page_slug(slug: str) -> None:
    """A page lives at /<slug>/ at the site's root, after every other route: refused
    when the site already answers there or below (``/search/``, ``/sections/…``, a
    year's archive), which would hide the page or the site's own pages."""
    own = {
        *RESERVED_PAGE_SLUGS,
        *(
            prefix.strip("/").split("/")[0]
            for prefix in (settings.ADMIN_URL, settings.STATIC_URL, settings.MEDIA_URL)
        ),
    }
    if slug.lower() in own or any(answered_by_route(path) for path in (f"/{slug}/", f"/{slug}/x/")):
        raise ValidationError(
            "“/%(slug)s/” is one of the site's own addresses, or begins them: choose another slug.",
            code="reserved_slug",
            params={"slug": slug},
        )


def answered_by_route(path: str) -> bool:
    """Whether a route other than the site's own pages' answers ``path``."""
    try:
        return resolve(path).view_name != "articles:page"
    except Resolver404:
        return False


class Page(models.Model):
    """One of the site's own pages (About, Contact, Masthead, Ethics policy,
    Corrections policy…), at /<slug>/ and linked from every page's footer."""

    class Kind(models.TextChoices):
        ABOUT = "about", "About"
        CONTACT = "contact", "Contact"
        MASTHEAD = "masthead", "Masthead"
        ETHICS = "ethics", "Ethics policy"
        CORRECTIONS_POLICY = "corrections_policy", "Corrections policy"
        OTHER = "other", "Other"

    title = models.CharField(max_length=200, help_text="The page's heading and its link text.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        validators=[validate_page_slug],
        help_text="The page's address at the site's root: “about” is /about/.",
    )
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.OTHER,
        help_text="What the page is to search engines: the newsroom's data names its "
        "about, contact, masthead, ethics and corrections policy pages. One page each; "
        "any number of “Other”.",
    )
    body = ProseEditorField(blank=True, extensions=PAGE_EDITOR_EXTENSIONS, sanitize=sanitize_html)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Pages are listed in the site's footer in this order."
    )
    in_footer = models.BooleanField(
        "in the footer", default=True, help_text="Linked from the footer of every page."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=~Q(kind="other"),
                name="page_kind_unique",
                violation_error_message="There is already a page of this kind: edit that "
                "page, or make this one “Other”.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:page", kwargs={"slug": self.slug})


def validate_same_as(value: str) -> None:
    validate_url = URLValidator(schemes=["http", "https"])
    for line in value.splitlines():
        if line.strip():
            try:
                validate_url(line.strip())
            except ValidationError as error:
                raise ValidationError(f"“{line.strip()}” is not a valid web address.") from error


def original_upload_to(instance, filename: str) -> str:
    # Unguessable names: originals keep their camera metadata and are never served.
    extension = Path(filename).suffix.lower()[:8]
    return f"originals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Image(models.Model):
    file = models.ImageField(
        upload_to=original_upload_to,
        width_field="width",
        height_field="height",
        help_text="JPEG, PNG, WebP or GIF. Readers get resized copies without camera "
        "or location data.",
    )
    alt_text = models.CharField(
        max_length=300,
        help_text="What the picture shows, for readers who cannot see it. Required.",
    )
    caption = models.TextField(
        blank=True, help_text="Filled in from the photo's own caption when it has one."
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="e.g. “Reuters/Jane Doe”. Filled in from the photo when it has one.",
    )
    copyright = models.CharField(max_length=200, blank=True)
    # Fractions of the upright picture's width and height: any crop keeps this point in.
    focal_x = models.FloatField(
        "focal point across",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Where what matters is, from the left edge (0) to the right (1).",
    )
    focal_y = models.FloatField(
        "focal point down",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Where what matters is, from the top (0) to the bottom (1).",
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    renditions = models.JSONField(default=dict, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            )
        ]

    def __str__(self):
        return self.alt_text

    def save(self, *args, **kwargs):
        from articles.cache import lock_for_change
        from articles.images import (
            crops_made,
            delete_files,
            delete_unless_committed,
            rendition_names,
        )

        # Files live outside the database: what this save writes is removed again unless
        # its row commits, and what it replaces only once it has. Renditions are made by
        # a job (``articles.tasks.make_image_renditions``) once the row has committed.
        using = kwargs.get("using")
        storage = self.file.storage
        before = None
        try:
            with transaction.atomic(using=using):
                if not self._state.adding:
                    # The job writes this row too, and takes this lock first: it cannot
                    # store a set between this read and this save's write.
                    lock_for_change()
                    before = (
                        Image.objects.filter(pk=self.pk)
                        .values("file", "renditions", "focal_x", "focal_y")
                        .first()
                    )
                replaced = before is None or self.file.name != before["file"]
                moved = not replaced and (before["focal_x"], before["focal_y"]) != self.focal
                if replaced:
                    self.renditions = {}
                elif kwargs.get("update_fields") is None:
                    # This copy of the renditions may be older than the job's: keep the job's.
                    self.renditions = before["renditions"]
                    kwargs["update_fields"] = [
                        field.name
                        for field in self._meta.get_fields()
                        if field.concrete
                        and not field.many_to_many
                        and not field.primary_key
                        and field.name != "renditions"
                    ]
                super().save(*args, **kwargs)
        except BaseException:
            if self.file and self.file._committed and self.file.name != (before or {}).get("file"):
                delete_files([self.file.name], storage)
            raise
        if replaced and self.file:
            delete_unless_committed([self.file.name], storage, using=using)
        if replaced and before:
            gone = [*rendition_names(before["renditions"]), before["file"]]
            transaction.on_commit(lambda: delete_files(filter(None, gone), storage), using=using)
        # A picture whose renditions predate its focal point, or today's crop sizes,
        # gets its crops (``manage.py make_crops`` asks for every such picture).
        uncropped = self.ready and not crops_made(self.renditions)
        if self.file and (not self.ready or moved or uncropped):
            from articles.tasks import make_image_renditions, run_in_background

            # A job that fails leaves the picture as it is; saving it again asks again.
            # A new focal point has the job crop again; the resized copies stay.
            pk, name = self.pk, self.file.name
            transaction.on_commit(
                lambda: run_in_background(make_image_renditions, pk, name), using=using, robust=True
            )

    def delete(self, *args, **kwargs):
        from articles.cache import lock_for_change
        from articles.images import delete_files, rendition_names

        using = kwargs.get("using")
        storage = self.file.storage
        with transaction.atomic(using=using):
            # What the job stored since this copy was read goes too; holding the lock
            # it takes first, the job cannot store more before the row is gone.
            lock_for_change()
            current = Image.objects.filter(pk=self.pk).values("file", "renditions").first()
            current = current or {"file": self.file.name, "renditions": self.renditions}
            result = super().delete(*args, **kwargs)
        names = [*rendition_names(current["renditions"]), current["file"]]
        transaction.on_commit(lambda: delete_files(filter(None, names), storage), using=using)
        return result

    @property
    def focal(self) -> tuple[float, float]:
        return (self.focal_x, self.focal_y)

    @property
    def ready(self) -> bool:
        """Whether readers can be shown it: its renditions have been made."""
        return bool(self.renditions.get("jpeg"))

    def sources(self, kind: str) -> list[tuple[int, int, str]]:
        """(width, height, url) of each rendition in ``kind`` ("webp" or "jpeg")."""
        storage = self.file.storage
        return [(w, h, storage.url(name)) for w, h, name in self.renditions.get(kind, [])]

    def srcset(self, kind: str) -> str:
        return ", ".join(f"{url} {w}w" for w, h, url in self.sources(kind))

    def fallback(self, near: int = 960) -> tuple[int, int, str] | None:
        """The JPEG rendition closest to ``near`` pixels wide, for <img src>."""
        sources = self.sources("jpeg")
        return min(sources, key=lambda s: abs(s[0] - near)) if sources else None

    def thumbnail_url(self) -> str | None:
        smallest = self.sources("webp")[:1]
        return smallest[0][2] if smallest else None

    @property
    def share_url(self) -> str | None:
        name = self.renditions.get("share")
        return self.file.storage.url(name) if name else None

    def crop_sources(self) -> list[tuple[int, int, str]]:
        """(width, height, url) of the 16:9, 4:3 and 1:1 crops around the focal point,
        for structured data."""
        from articles.images import CROP_SHAPES

        crops = self.renditions.get("crops", {})
        return [
            (crops[shape][0], crops[shape][1], self.file.storage.url(crops[shape][2]))
            for shape in CROP_SHAPES
            if shape in crops
        ]

    @property
    def ratio_height(self) -> int | None:
        """Height of the upright picture (EXIF orientation applied)."""
        return self.renditions.get("height") or self.height

    @property
    def ratio_width(self) -> int | None:
        return self.renditions.get("width") or self.width


class Person(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(
        max_length=200, blank=True, help_text="e.g. “President of Russia”, “Moscow correspondent”."
    )
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="portraits"
    )
    same_as = models.TextField(
        blank=True,
        validators=[validate_same_as],
        help_text="Authority pages about this person (Wikidata, official site), one URL per line.",
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other names copy uses for this person, one per line "
        "(“Zelensky”, “President Zelenskyy”). Ingest matches them.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="For staff journalists: the account they sign in with.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:person", kwargs={"slug": self.slug})

    @property
    def same_as_urls(self) -> list[str]:
        return lines(self.same_as)

    @property
    def alias_list(self) -> list[str]:
        return lines(self.aliases)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Source(models.Model):
    class Kind(models.TextChoices):
        PUBLICATION = "publication", "Publication"
        AGENCY = "agency", "News agency"
        PLATFORM = "platform", "Platform"
        GOVERNMENT = "government", "Government"
        OFFICIAL = "official", "Official"
        DOCUMENT = "document", "Document"
        ANONYMOUS = "anonymous", "Anonymous"

    name = models.CharField(
        max_length=200,
        help_text="For anonymous sources, describe them as the story does, "
        "e.g. “a senior member of the Ukrainian president's team”.",
    )
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PUBLICATION)
    url = models.URLField(blank=True, max_length=500)
    description = models.TextField(blank=True)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_roles",
        help_text="When the source is a person, e.g. a spokesman.",
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other names copy uses for this source, one per line "
        "(“the Kremlin”, “Moscow”). Ingest matches them.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:source", kwargs={"slug": self.slug})

    def is_anonymous(self) -> bool:
        return self.kind == self.Kind.ANONYMOUS

    @property
    def alias_list(self) -> list[str]:
        return lines(self.aliases)

    def clean(self):
        # Whoever an anonymous source is must never reach a page, a feed or the API.
        if self.is_anonymous() and self.person_id:
            raise ValidationError(
                {"person": "An anonymous source names no one: leave its person empty."}
            )


# Columns no public list shows: a story's text and its search index entry.
HEAVY_FIELDS = ("body", "search_vector")


def story_path(published_at, slug: str, zone=None) -> str:
    """/<yyyy>/<mm>/<dd>/<slug>/, the day of publication in the site's time zone."""
    day = timezone.localtime(published_at, zone)
    return reverse(
        "articles:story",
        kwargs={
            "year": f"{day.year:04d}",
            "month": f"{day.month:02d}",
            "day": f"{day.day:02d}",
            "slug": slug,
        },
    )


def address_clash(story_pk: int | None, slug: str, published_at) -> str | None:
    """Why a story cannot have ``slug`` with a publication time of ``published_at``
    (another story with an address has it that day), with a free slug to use
    instead; None when the address is free."""
    if not slug or published_at is None:
        return None
    day = timezone.localdate(published_at)
    that_day = Story.objects.filter(
        status__in=[Story.Status.PUBLISHED, Story.Status.WITHDRAWN], published_at__date=day
    ).exclude(pk=story_pk)
    if not that_day.filter(slug=slug).exists():
        return None
    taken = set(that_day.filter(slug__startswith=slug).values_list("slug", flat=True))
    number = 2
    while (free := f"{slug[: 250 - len(str(number))]}-{number}") in taken:
        number += 1
    return (
        f"Another story published on {day:%-d %B %Y} has the address "
        f"{story_path(published_at, slug)}; “{free}” is free."
    )


class BodyQuerySet(models.QuerySet):
    """Rows with a rich-text ``body``: stories and live posts."""

    def with_picture_in_body(self, image):
        """Rows whose body shows library picture ``image`` (its pk, or an expression
        such as ``OuterRef("pk")``), by its reference in the body."""
        if not hasattr(image, "resolve_expression"):
            image = Value(image)
        reference = Concat(Value('data-image-id="'), Cast(image, models.CharField()), Value('"'))
        return self.filter(body__contains=reference)


class StoryQuerySet(BodyQuerySet):
    def published(self, at=None):
        """Stories readers may see (``at`` a given moment): published, and not
        scheduled for later."""
        return self.filter(status=Story.Status.PUBLISHED, published_at__lte=at or timezone.now())

    def drafts(self):
        return self.filter(status__in=[Story.Status.DRAFT, Story.Status.REVIEW])

    def scheduled(self, after=None):
        """Published stories still to go out (after ``after``, by default now)."""
        return self.filter(status=Story.Status.PUBLISHED, published_at__gt=after or timezone.now())

    def withdrawn(self):
        """Stories that were public and have been taken down (their URL answers 410)."""
        return self.filter(status=Story.Status.WITHDRAWN, published_at__lte=timezone.now())

    def cards(self, *, with_body: bool = False):
        """What a story card shows: the picture, the original publisher and the
        bylines with their people, in two queries for any number of stories."""
        bylines = Byline.objects.select_related("person")
        stories = self.select_related("lead_image", "original_publisher")
        stories = stories.defer("search_vector") if with_body else stories.defer(*HEAVY_FIELDS)
        return stories.prefetch_related(Prefetch("bylines", queryset=bylines))


class Story(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Type(models.TextChoices):
        NEWS = "news", "News"
        ANALYSIS = "analysis", "Analysis"
        OPINION = "opinion", "Opinion"
        EXPLAINER = "explainer", "Explainer"
        INTERVIEW = "interview", "Interview"
        REVIEW = "review", "Review"
        FACT_CHECK = "fact-check", "Fact check"
        OBITUARY = "obituary", "Obituary"
        SPONSORED = "sponsored", "Sponsored"

    headline = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255,
        # The constraint below is unique per publication date; its index serves lookups.
        db_index=False,
        help_text="The last part of the story's web address. Keep it short.",
    )
    story_type = models.CharField(
        "type",
        max_length=20,
        choices=Type.choices,
        default=Type.NEWS,
        help_text="What kind of journalism this is. Readers see it above the headline.",
    )
    kicker = models.CharField(
        max_length=60, blank=True, help_text="Short label shown above the headline."
    )
    dek = models.TextField(
        "standfirst",
        max_length=300,
        blank=True,
        help_text="One or two sentences under the headline.",
    )
    body = ProseEditorField(
        blank=True,
        extensions=BODY_EDITOR_EXTENSIONS,
        sanitize=sanitize_html,
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set on first publication. A time in the future schedules the story: "
        "readers see it from that moment.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="stories"
    )
    authors = models.ManyToManyField(
        Person, through="Byline", related_name="stories_written", blank=True
    )
    people = models.ManyToManyField(
        Person,
        related_name="stories_about",
        blank=True,
        help_text="The people the story is about.",
    )
    sources = models.ManyToManyField(Source, through="Citation", related_name="stories", blank=True)
    tags = TaggableManager(through="TaggedStory", blank=True)
    lead_image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="lead_of"
    )
    original_publisher = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="republished_stories",
        limit_choices_to={"kind__in": [Source.Kind.PUBLICATION, Source.Kind.AGENCY]},
        help_text="For syndicated or republished stories: who published it first.",
    )
    canonical_url = models.URLField(
        blank=True,
        max_length=500,
        help_text="The original publisher's address for this story, if it was published "
        "elsewhere first. Search engines are pointed there.",
    )
    related = models.ManyToManyField(
        "self", symmetrical=False, blank=True, help_text="Other stories readers should see."
    )
    seo_title = models.CharField(
        max_length=70, blank=True, help_text="Title for search engines, if not the headline."
    )
    seo_description = models.CharField(
        max_length=160, blank=True, help_text="Summary for search engines, if not the standfirst."
    )
    withdrawal_reason = models.TextField(
        blank=True,
        editable=False,
        help_text="Why the story was withdrawn: readers see it at the story's address.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Changes on every save: a form that opened another token is out of date.
    edit_token = models.UUIDField(default=uuid.uuid4, editable=False)
    # Carried in preview links; a new one revokes them all. Random rather than a counter,
    # and kept out of revisions: a revert gets a fresh one and never revives old links.
    preview_key = models.UUIDField(default=uuid.uuid4, editable=False)
    # Set by "Start live coverage" and "End coverage" (articles.workflow), never by a form.
    live_from = models.DateTimeField(
        "live coverage from",
        null=True,
        blank=True,
        editable=False,
        help_text="When live coverage began: readers see the story's posts, newest first.",
    )
    live_until = models.DateTimeField(
        "live coverage until",
        null=True,
        blank=True,
        editable=False,
        help_text="When live coverage ended: its posts stay as they are from then on.",
    )
    # A draft imported from a ninjs document (articles.ninjs): the document's uri,
    # and which version of it was imported, so importing it again changes nothing.
    ninjs_uri = models.CharField(
        "ninjs uri",
        max_length=500,
        blank=True,
        editable=False,
        help_text="The uri of the ninjs document this story was imported from.",
    )
    ninjs_version_at = models.DateTimeField(null=True, blank=True, editable=False)
    ninjs_digest = models.CharField(max_length=64, blank=True, editable=False)
    # Filled in by PostgreSQL triggers (migration 0005_readers); stays empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = StoryQuerySet.as_manager()

    address_when_loaded = (None, None, None)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        get_latest_by = "published_at"
        verbose_name_plural = "stories"
        permissions = [("publish_story", "Can publish, schedule, unpublish and withdraw stories")]
        indexes = [
            # With the id and the tie-breaker, a deep page of a listing finds its
            # stories from the index alone (PostgreSQL; SQLite ignores ``include``).
            models.Index(
                fields=["status", "-published_at"],
                include=["id", "created_at"],
                name="story_status_published_idx",
            ),
            # The admin's story list, newest first.
            models.Index(fields=["-published_at", "-created_at"], name="story_newest_idx"),
            # The sitemaps' newest change.
            models.Index(fields=["-updated_at"], name="story_updated_idx"),
            # Section pages.
            models.Index(
                fields=["section", "status", "-published_at"],
                include=["id", "created_at"],
                name="story_section_published_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review"]) | Q(published_at__isnull=False),
                name="story_published_needs_published_at",
                violation_error_message="A published or withdrawn story needs a publication time.",
            ),
            # Addresses carry the date (in the site's time zone, as TruncDate takes it
            # when migrating): one slug per day among the stories that have an address.
            models.CheckConstraint(
                condition=Q(live_until__isnull=True)
                | Q(live_from__isnull=False, live_until__gte=F("live_from")),
                name="story_live_until_after_live_from",
                violation_error_message="Live coverage cannot end before it began.",
            ),
            models.UniqueConstraint(
                fields=["ninjs_uri"],
                condition=~Q(ninjs_uri=""),
                name="story_ninjs_uri_unique",
                violation_error_message="Another story was imported from this ninjs uri.",
            ),
            models.UniqueConstraint(
                "slug",
                TruncDate("published_at"),
                condition=Q(status__in=["published", "withdrawn"]),
                name="story_slug_unique_per_day",
                violation_error_message="Another story published that day has this address.",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        self.stamp_first_publication()
        self.edit_token = uuid.uuid4()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "edit_token"}
        super().save(*args, **kwargs)
        # Readers' links and search engines keep working after a slug or date change.
        old_path, new_path = self.public_path(self.address_when_loaded), self.public_path()
        if new_path:
            StoryRedirect.objects.filter(old_path=new_path).delete()
            if old_path and old_path != new_path:
                StoryRedirect.objects.update_or_create(old_path=old_path, defaults={"story": self})
        self.address_when_loaded = self.address()

    def get_absolute_url(self) -> str | None:
        """The public address; None until the story has a publication time."""
        if self.published_at is None:
            return None
        return self.public_path((self.Status.PUBLISHED, self.published_at, self.slug))

    @property
    def uri(self) -> str:
        """The story's id for life in feeds, ninjs and webhooks (RFC 4151 tag URI):
        unlike its address, it survives a new slug or date."""
        return f"tag:{settings.URI_AUTHORITY},{self.created_at:%Y-%m-%d}:story-{self.pk}"

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        story = super().from_db(db, field_names, values, **kwargs)
        # Cheap to keep; the path is only worked out if the story is saved.
        loaded = dict(zip(field_names, values, strict=True))
        story.address_when_loaded = (
            loaded.get("status"),
            loaded.get("published_at"),
            loaded.get("slug"),
        )
        return story

    def clean(self):
        if self.status == self.Status.WITHDRAWN and self.published_at is None:
            raise ValidationError(
                {"status": "Only a story that has been published can be withdrawn."}
            )
        self.stamp_first_publication()

    def address(self) -> tuple:
        """What a story's public address depends on."""
        return (self.status, self.published_at, self.slug)

    def public_path(self, address: tuple | None = None) -> str | None:
        """The address readers know the story by, once it has been published.

        ``address`` is an earlier ``address()`` of the story; by default, its current one.
        """
        status, published_at, slug = address or self.address()
        if status not in {self.Status.PUBLISHED, self.Status.WITHDRAWN} or not published_at:
            return None
        return story_path(published_at, slug)

    def stamp_first_publication(self):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def get_preview_url(self) -> str:
        """A signed link that shows the story as readers will see it, to whoever holds it,
        until it expires or the story's ``preview_key`` changes (see ``story_preview``)."""
        token = signing.dumps([self.pk, self.preview_key.hex], salt=PREVIEW_SALT, compress=True)
        return reverse("articles:preview", kwargs={"token": token})

    def is_previewable(self) -> bool:
        """Whether a preview link shows the story: a draft, one in review, or one
        scheduled (what the editor checks before the embargo lifts)."""
        return self.status in {self.Status.DRAFT, self.Status.REVIEW} or self.is_scheduled()

    @property
    def share_image_url(self) -> str:
        """The picture social networks show for the story: its lead image, or a drawn card."""
        if self.lead_image_id and self.lead_image.share_url:
            return self.lead_image.share_url
        return reverse("articles:card", kwargs={"pk": self.pk, "digest": self.card_digest()})

    def card_digest(self) -> str:
        from articles.images import card_digest

        section = self.section.name if self.section_id else ""
        return card_digest(self.headline, self.kicker, section, settings.SITE_NAME)

    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def has_live_coverage(self) -> bool:
        """Whether the story is, or was, covered live: its page shows its posts."""
        return self.live_from is not None

    def is_live(self) -> bool:
        """Coverage has begun and not ended: posts may be added, readers' pages update."""
        return self.live_from is not None and self.live_until is None

    def get_live_url(self) -> str | None:
        """The address open pages poll for the story's latest posts."""
        url = self.get_absolute_url()
        return f"{url}live/" if url else None

    def get_live_feed_url(self) -> str | None:
        url = self.get_absolute_url()
        return f"{url}live/feed/" if url else None

    def was_updated(self) -> bool:
        """Whether readers should see an "Updated" time: a change after publication."""
        return bool(
            self.published_at and self.updated_at - self.published_at > timedelta(minutes=1)
        )


class Byline(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="bylines")
    # Indexed with the story below.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="bylines", db_index=False
    )
    order = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(
        max_length=100, blank=True, help_text="Shown after the name, e.g. “in Washington”."
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["story", "person"], name="byline_unique_person"),
        ]
        indexes = [
            # A person's stories from the index alone: "has this person a public story?"
            # is one index probe, not a scan of every byline.
            models.Index(fields=["person", "story"], name="byline_person_story_idx"),
        ]

    def __str__(self):
        return f"{self.person} {self.role}".strip()


class Citation(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    detail = models.CharField(
        max_length=200, blank=True, help_text="How the source spoke, e.g. “told reporters”."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["story", "source"], name="citation_unique_source"),
        ]

    def __str__(self):
        return f"{self.source}: {self.detail}" if self.detail else str(self.source)


class Correction(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="corrections")
    created_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(help_text="What was wrong and what is right now. Shown to readers.")

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"Correction to “{self.story}” ({self.created_at:%d %b %Y})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A correction is a change readers must see: it bumps the story's "updated" time.
        Story.objects.filter(pk=self.story_id, updated_at__lt=self.created_at).update(
            updated_at=self.created_at
        )


class LivePost(models.Model):
    """One update in a story's live coverage, shown on the story's page newest first."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="live_posts")
    author = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="live_posts",
        help_text="The byline readers see on the post.",
    )
    headline = models.CharField(
        max_length=120, blank=True, help_text="Optional: a few words readers see above the post."
    )
    body = ProseEditorField(extensions=BODY_EDITOR_EXTENSIONS, sanitize=sanitize_html)
    pinned = models.BooleanField(
        default=False, help_text="Shown above the newest posts until it is unpinned."
    )
    key_event = models.BooleanField(
        "key event",
        default=False,
        help_text="Listed among the key events at the top of the coverage.",
    )
    published_at = models.DateTimeField(
        "time",
        default=timezone.now,
        help_text="The time readers see on the post. Leave it empty to post now.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BodyQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        verbose_name = "live post"
        indexes = [
            # A story's posts newest first, and its latest post's time (the feeds').
            models.Index(fields=["story", "-published_at"], name="livepost_story_newest_idx"),
        ]

    def __str__(self):
        if self.headline:
            return self.headline
        text = public_text(self.body)
        return text if len(text) <= 60 else f"{text[:59].rstrip()}…"

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str | None:
        url = self.story.get_absolute_url()
        return f"{url}#post-{self.pk}" if url else None

    def clean(self):
        # Open pages and caches show a post as soon as it is saved: a time ahead
        # would be a post readers see before its time.
        if self.published_at and self.published_at > timezone.now() + timedelta(minutes=1):
            raise ValidationError(
                {"published_at": "A post goes out when it is saved: its time cannot be ahead."}
            )


class Autosave(models.Model):
    """A writer's unsaved work on a story, kept by the story form while they type:
    their own copy, apart from the story, until they save the story or discard it.
    It never changes the story, so it can neither publish it nor write over anyone's save."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # None: a story not saved yet, from the add form.
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.CASCADE, related_name="autosaves"
    )
    # Form field name → what was typed, as the form shows it again.
    fields = models.JSONField(default=dict)
    # The story's edit token as the writer opened it: saving their copy later is
    # refused if the story has changed since (the conflict rule).
    opened_token = models.UUIDField(null=True, blank=True)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "story"], name="autosave_one_per_story"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(story__isnull=True), name="autosave_one_new_story"
            ),
        ]

    def __str__(self):
        return f"Autosave of {self.story or 'a new story'} by {self.user}"


class StoryRedirect(models.Model):
    """An old address of a published story, answered with a permanent redirect."""

    old_path = models.CharField(max_length=500, unique=True)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.old_path} → {self.story}"


class TaggedStory(TaggedItemBase):
    """A tag on a story.

    Taggit's own generic table keeps the story's id in an integer column with a
    content type beside it, so PostgreSQL cannot join it to stories by index;
    a real foreign key makes tag pages and related stories index lookups.
    """

    content_object = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = "tag"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_story_unique"),
        ]
        indexes = [
            # A tag's stories from the index alone.
            models.Index(fields=["tag", "content_object"], name="tagged_story_tag_idx"),
        ]

    def __str__(self):
        return str(self.tag)


class ListingEntry(models.Model):
    """A published story's place in one listing: one of its tags, people (by or
    about) or sources, with its times. A listing's page is one range of one
    index, however many stories the listing holds. (Sections need none: their
    stories are one range of an index of the story table.)

    Kept by the database's triggers (``articles.triggers``), whatever writes the
    stories; only published (and scheduled) stories have them.
    """

    class Kind(models.IntegerChoices):
        TAG = 2
        PERSON = 3
        SOURCE = 4

    kind = models.PositiveSmallIntegerField(choices=Kind)
    # The id of the section, tag, person or source.
    key = models.BigIntegerField()
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="listing_entries")
    published_at = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "story"], name="listing_entry_unique"),
        ]
        indexes = [
            # In the listings' order; the story's id read from the index alone.
            models.Index(
                fields=["kind", "key", "-published_at", "-created_at"],
                name="listing_entry_page_idx",
                include=["story"],
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key}: story {self.story_id}"


class ContentVersion(models.Model):
    """One row whose token the database's triggers change whenever a table that
    public pages show is written, by any path (migration 0014). The page cache
    files pages under it (see ``articles.cache``)."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True)
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return f"{self.token} at {self.changed_at:%Y-%m-%d %H:%M:%S}"


class PendingPurge(models.Model):
    """A surrogate key whose cached responses shared caches must drop (``articles.purge``).

    Written by the database's triggers (``articles.purge_triggers``) when content
    changes, whatever writes it; a job sends the keys that are due to the purge
    backends and deletes the rows. A failed purge stays, due again later.
    """

    key = models.CharField(max_length=100)
    # When the purge may go out: now, or the moment a scheduled story goes public.
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    # Purged once more shortly after: a page being made as the change committed
    # may reach the cache just after the first purge.
    again = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["due_at"], name="pending_purge_due_idx")]

    def __str__(self):
        return f"{self.key} at {self.due_at:%Y-%m-%d %H:%M:%S}"


# A story's revision holds its bylines, citations, corrections, tags and live posts.
for _model in (Byline, Citation, Correction, TaggedStory, LivePost):
    reversion.register(_model)
reversion.register(
    Story,
    follow=["bylines", "citations", "corrections", "tagged_items", "live_posts"],
    exclude=["search_vector", "preview_key"],
)
