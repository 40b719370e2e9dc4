from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html

from webhooks import outbound
from webhooks.delivery import deliveries_retry, endpoint_pause, endpoint_resume
from webhooks.models import Delivery, Endpoint, EventType


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="Where deliveries are posted: an HTTPS address on the public internet.",
    )
    events = forms.MultipleChoiceField(
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events the partner is sent. Nothing else goes to them.",
    )

    class Meta:
        model = Endpoint
        fields = ["name", "url", "events"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            outbound.target(url)
        except outbound.Refused as error:
            raise forms.ValidationError(str(error)) from None
        return url


def secret_page(request, model_admin, title: str, endpoints: list[Endpoint]):
    """The only page that shows a secret: after the endpoint is added, or its secret rotated."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "endpoints": endpoints,
        "opts": model_admin.opts,
    }
    response = TemplateResponse(request, "admin/webhooks/endpoint/secret.html", context)
    add_never_cache_headers(response)
    response["Cache-Control"] += ", no-store"
    return response


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "event_list", "status", "paused_reason", "log", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "url"]
    readonly_fields = ["status", "paused_reason", "paused_at", "consecutive_failures"]
    actions = ["rotate_secret", "pause", "resume"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    @admin.display(description="events")
    def event_list(self, obj):
        return ", ".join(obj.events)

    @admin.display(description="deliveries")
    def log(self, obj):
        url = reverse("admin:webhooks_delivery_changelist")
        return format_html('<a href="{}?endpoint__id__exact={}">Log</a>', url, obj.pk)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, f"“{obj}” was added.", messages.SUCCESS)
        return secret_page(request, self, "The endpoint's signing secret", [obj])

    @admin.action(description="Rotate the secret of the selected endpoints", permissions=["change"])
    def rotate_secret(self, request, queryset):
        endpoints = list(queryset)
        for endpoint in endpoints:
            endpoint.rotate_secret()
            endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
        return secret_page(request, self, "New signing secrets", endpoints)

    @admin.action(description="Pause the selected endpoints", permissions=["change"])
    def pause(self, request, queryset):
        for endpoint in queryset.filter(status=Endpoint.Status.ACTIVE):
            endpoint_pause(endpoint)
            endpoint.save()
        self.message_user(request, "Paused: what is due waits until they are resumed.")

    @admin.action(description="Resume the selected endpoints", permissions=["change"])
    def resume(self, request, queryset):
        sent = sum(endpoint_resume(e) for e in queryset.filter(status=Endpoint.Status.PAUSED))
        self.message_user(request, f"Resumed; {sent} waiting deliveries are being sent.")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: read-only, with "retry now"."""

    list_display = [
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_response",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "endpoint", "event__type"]
    search_fields = ["event__uri", "message_id"]
    list_select_related = ["event", "endpoint"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    fields = [
        "event_type",
        "story_uri",
        "endpoint",
        "message_id",
        "status",
        "attempts",
        "last_status_code",
        "last_response",
        "last_attempt_at",
        "next_attempt_at",
        "expires_at",
        "created_at",
        "delivered_at",
        "payload",
    ]
    readonly_fields = fields

    @admin.display(description="event", ordering="event__type")
    def event_type(self, obj):
        return obj.event.type

    @admin.display(description="story URI")
    def story_uri(self, obj):
        return obj.event.uri

    @admin.display(description="payload (as sent)")
    def payload(self, obj):
        return format_html("<pre>{}</pre>", obj.event.body) if obj.event.body else "Not sent yet."

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("webhooks.change_delivery")

    @admin.action(description="Retry the selected deliveries now", permissions=["retry"])
    def retry_now(self, request, queryset):
        count = deliveries_retry(queryset)
        self.message_user(
            request,
            f"{count} deliveries will be tried again now "
            "(those to paused endpoints once they are resumed).",
        )
