"""The admin of partners' feeds and the items seen in them (registered in ``ingest.admin``)."""

from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from articles.tasks import run_in_background
from ingest.tasks import LEASE, poll_feed


class PartnerFeedAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "section", "active", "polled_at", "result"]
    list_filter = ["active", "section"]
    search_fields = ["name", "url"]
    autocomplete_fields = ["section", "publisher"]
    readonly_fields = ["polled_at", "last_result", "failures", "etag", "last_modified"]
    fieldsets = [
        (None, {"fields": ["name", "url", "section", "publisher", "active", "poll_minutes"]}),
        ("Last poll", {"fields": ["polled_at", "last_result", "failures"]}),
        (
            "Advanced",
            {
                "classes": ["collapse"],
                "fields": ["etag", "last_modified"],
                "description": "What the partner's server said of the feed's last version, "
                "sent back so that an unchanged feed is not sent again.",
            },
        ),
    ]
    actions = ["poll_now"]
    # A partner's address typed without a scheme is taken as https, as elsewhere in the admin.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="Last result", ordering="last_result")
    def result(self, feed):
        if feed.failures > 1:
            return f"{Truncator(feed.last_result).chars(100)} ({feed.failures} polls in a row)"
        return Truncator(feed.last_result).chars(100)

    @admin.action(description="Poll now", permissions=["change"])
    def poll_now(self, request, queryset):
        feeds = list(queryset.filter(active=True).values_list("pk", flat=True))
        for pk in feeds:
            run_in_background(poll_feed, pk, True)
        if feeds:
            minutes = int(LEASE.total_seconds() // 60)
            self.message_user(
                request,
                f"Polling {len(feeds)} feed{'s' * (len(feeds) != 1)}: see each one's last "
                f"result. A feed polled in the last {minutes} minutes is left as it is.",
                messages.SUCCESS,
            )
        inactive = queryset.filter(active=False).count()
        if inactive:
            self.message_user(
                request,
                f"{inactive} inactive feed{'s' * (inactive != 1)} not polled: make "
                f"{'them' if inactive != 1 else 'it'} active first.",
                messages.WARNING,
            )


class FeedItemAdmin(admin.ModelAdmin):
    """What each feed gave, for the record: read-only. Deleting an item lets its next
    poll take it in again."""

    list_display = ["guid", "feed", "story_link", "duplicate_of", "seen_at"]
    list_filter = ["feed", ("duplicate_of", admin.EmptyFieldListFilter)]
    list_select_related = ["feed", "story", "duplicate_of"]
    search_fields = ["guid"]
    date_hierarchy = "seen_at"
    fields = ["guid", "feed", "story_link", "duplicate_of", "fingerprint", "seen_at"]
    readonly_fields = fields

    @admin.display(description="Draft", ordering="story")
    def story_link(self, item):
        if item.story_id is None:
            return "—"
        url = reverse("admin:articles_story_change", args=[item.story_id])
        return format_html('<a href="{}">{}</a>', url, item.story.headline)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
