"""Partners' webhook endpoints, the events they hear of, and each delivery's record."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from webhooks.signing import new_secret

# How long a rotated-out secret still signs deliveries, beside the new one.
SECRET_GRACE = timedelta(hours=24)


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class EventType(models.TextChoices):
    STORY_PUBLISHED = "story.published", "Story published"
    STORY_UPDATED = "story.updated", "Story updated while public"
    STORY_CORRECTED = "story.corrected", "Correction added to a public story"
    STORY_WITHDRAWN = "story.withdrawn", "Story withdrawn"
    STORY_CANCELED = "story.canceled", "Story taken off the site (back to the desk or deleted)"
    LIVE_POST_ADDED = "live_post.added", "Live post added to a public story"


# The events that say whether a story is out: partners' view of it follows the last one.
LIFECYCLE = [EventType.STORY_PUBLISHED, EventType.STORY_WITHDRAWN, EventType.STORY_CANCELED]


class Endpoint(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"

    name = models.CharField(max_length=100, help_text="The partner, as the desk knows it.")
    url = models.URLField(
        "URL",
        max_length=500,
        help_text="Where deliveries are posted: an HTTPS address on the public internet.",
    )
    events = models.JSONField(
        default=list, help_text="The events the partner is sent. Nothing else goes to them."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    paused_reason = models.CharField(max_length=300, blank=True, editable=False)
    paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Signing needs the secret itself, so it is kept as given (see docs/webhooks.md).
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def signing_secrets(self, at=None) -> list[str]:
        """The secrets a delivery is signed with now: the current one, and the one
        it replaced during its grace period."""
        at = at or timezone.now()
        found = [self.secret]
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > at:
            found.append(self.previous_secret)
        return found

    def rotate_secret(self) -> str:
        """A new secret from now; the old one still signs for ``SECRET_GRACE``. Returns it."""
        self.previous_secret = self.secret
        self.previous_secret_until = timezone.now() + SECRET_GRACE
        self.secret = new_secret()
        return self.secret

    def wants(self, event_type: str) -> bool:
        return event_type in self.events


class Event(models.Model):
    """Something partners are told of. A story's events keep its ``uri`` if it is deleted."""

    type = models.CharField(max_length=30, choices=EventType.choices)
    story = models.ForeignKey(
        "articles.Story", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uri = models.CharField("story URI", max_length=300)
    # What ``data`` says, when it is known as the event happens (a live post, a deleted story);
    # a story's ninjs is read at the first delivery, once everything saved with it is there.
    data = models.JSONField(null=True, blank=True)
    # The bytes sent, fixed at the first delivery: every retry sends the same.
    body = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        indexes = [models.Index(fields=["story", "-created_at"], name="webhooks_event_story_idx")]

    def __str__(self):
        return f"{self.type} {self.uri}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILING = "failing", "Failing"
        GIVEN_UP = "given_up", "Given up"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The message's webhook-id: the same on every attempt, so partners can drop repeats.
    message_id = models.CharField(
        "message id", max_length=40, unique=True, default=new_message_id, editable=False
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(help_text="Given up if not delivered by then.")
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField("last response code", null=True, blank=True)
    last_response = models.CharField("last response", max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "failing"]),
                name="webhooks_delivery_due_idx",
            )
        ]

    def __str__(self):
        return f"{self.event.type} to {self.endpoint}"


def retry_window() -> timedelta:
    return timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
