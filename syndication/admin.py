from django.contrib import admin, messages
from django.utils import timezone

from syndication.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Partners' keys. A key is shown once, in the message after it is created;
    only its digest is kept. Revoking is final: issue a new key instead."""

    list_display = ["name", "prefix", "contact", "can_read_embargoed", "requests_per_minute"]
    list_display += ["created_at", "last_used_at", "is_active"]
    list_filter = ["can_read_embargoed", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "contact", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    fields = ["name", "contact", "can_read_embargoed", "requests_per_minute", *readonly_fields]
    actions = ["revoke"]

    @admin.display(boolean=True, description="active")
    def is_active(self, key):
        return key.is_active()

    def save_model(self, request, obj, form, change):
        secret = None if change else obj.issue()
        super().save_model(request, obj, form, change)
        if secret:
            self.message_user(
                request,
                f"The key for “{obj.name}” is {secret} — copy it now and send it to the "
                "partner safely: it is not kept and will not be shown again.",
                messages.WARNING,
            )

    @admin.action(description="Revoke selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.active().update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} key(s): they are refused from now on.")
