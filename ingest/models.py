from django.conf import settings
from django.db import models
from taggit.models import Tag

from articles.models import Person, Section, Source, Story


class Origin(models.Model):
    """Where an ingested draft came from, as its input stated it."""

    class Kind(models.TextChoices):
        HTML = "html", "Web page"
        TEXT = "text", "Plain text"
        NINJS = "ninjs", "ninjs wire item"
        NEWSML = "newsml", "NewsML-G2 wire item"
        FEED = "feed", "Partner feed"

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="origin")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.URLField(
        "original address", max_length=2000, blank=True, help_text="As the input gave it."
    )
    publisher = models.CharField("original publisher", max_length=200, blank=True)
    published_at = models.DateTimeField("originally published", null=True, blank=True)
    authors = models.CharField("original byline", max_length=500, blank=True)
    # The file name or address the editor gave, for the record.
    given_as = models.CharField(max_length=2000, blank=True)
    removed = models.JSONField(
        default=list, blank=True, help_text="Junk the cleaning rules removed."
    )
    ingested_at = models.DateTimeField(auto_now_add=True)
    ingested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "imported story"
        verbose_name_plural = "imported stories"
        ordering = ["-ingested_at"]

    def __str__(self):
        return self.url or self.given_as or self.get_kind_display()


class Suggestion(models.Model):
    """One person, source, tag or section that ingest found in a draft's text;
    nothing is attached to the story until an editor accepts it."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        BYLINE = "byline", "Byline"
        SOURCE = "source", "Source"
        TAG = "tag", "Tag"
        SECTION = "section", "Section"

    class State(models.TextChoices):
        PENDING = "pending", "To decide"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="suggestions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    # A person's title as the text gives it ("Secretary of State").
    title = models.CharField(max_length=200, blank=True)
    # A source's kind, detail in this story, and whether it is unnamed; a byline's role.
    source_kind = models.CharField(max_length=20, choices=Source.Kind.choices, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    anonymous = models.BooleanField(default=False)
    # The newsroom's record it matched; empty when it would be a new one.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The sentence the suggestion came from.
    evidence = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["story", "kind", "order"]
        indexes = [models.Index(fields=["story", "state"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


class PartnerFeed(models.Model):
    """A partner's RSS or Atom feed, polled for new items, each into a draft."""

    name = models.CharField(max_length=200)
    url = models.URLField("feed address", max_length=2000, unique=True)
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Drafts from this feed go to this section.",
    )
    publisher = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The partner, as a source: the drafts' original publisher.",
    )
    active = models.BooleanField(default=True)
    poll_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="How often to look for new items."
    )
    # Conditional GET, so an unchanged feed costs the partner nothing.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_result = models.TextField(blank=True, editable=False)
    failures = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class FeedItem(models.Model):
    """An item seen in a partner's feed, kept so that it is ingested once."""

    feed = models.ForeignKey(PartnerFeed, on_delete=models.CASCADE, related_name="items")
    guid = models.CharField(max_length=2000)
    # 64-bit SimHash of the item's text, to spot the same copy under another id.
    fingerprint = models.BigIntegerField()
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="feed_item_once"),
        ]
        indexes = [models.Index(fields=["seen_at"])]

    def __str__(self):
        return self.guid
