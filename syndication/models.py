import hashlib
import secrets

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

# What every key starts with: a leaked key is recognisable (secret scanners, logs).
KEY_PREFIX = "nrk_"
# The characters after KEY_PREFIX shown in the admin to tell keys apart.
VISIBLE_CHARACTERS = 8


def key_digest(key: str) -> str:
    """SHA-256 of a key, as kept. A key is 256 random bits, which no one can guess
    or brute-force from its digest, so a fast hash is enough (a slow password hash
    guards low-entropy secrets) and one indexed lookup finds it."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A partner's key to the content API, sent as ``Authorization: Bearer <key>``.

    Only the key's SHA-256 digest is kept; the key itself is shown once, when the
    key is created in the admin.
    """

    name = models.CharField(max_length=200, help_text="Who the key is for, e.g. “Acme News app”.")
    contact = models.CharField(
        max_length=300, blank=True, help_text="Who to reach about it: a name, an e-mail address."
    )
    prefix = models.CharField(
        max_length=20,
        unique=True,
        editable=False,
        help_text="The key's first characters, to recognise it; the rest is never shown again.",
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    can_read_embargoed = models.BooleanField(
        "may read embargoed stories",
        default=False,
        help_text="Also sees scheduled stories before their time, with their embargo time. "
        "Never drafts or stories in review.",
    )
    requests_per_minute = models.PositiveIntegerField(
        default=600,
        validators=[MinValueValidator(1)],
        help_text="Requests above this rate are refused (429) until the minute is over.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="From then on the key is refused."
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "API key"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def issue(self) -> str:
        """A new secret for this key: kept as its digest, returned to show once."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.prefix = key[: len(KEY_PREFIX) + VISIBLE_CHARACTERS]
        self.digest = key_digest(key)
        return key

    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def rate(self) -> str:
        """The rate as Django REST framework's throttles read it."""
        return f"{self.requests_per_minute}/min"

    def mark_used(self) -> None:
        """Stamp the last use, at most once a minute: not a write on every request."""
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() >= 60:
            ApiKey.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
