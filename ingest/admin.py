from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from articles.admin import StoryAdmin
from articles.models import Section, Story
from articles.text import XmlTextAdminMixin
from ingest import decisions, pipeline
from ingest.admin_feeds import FeedItemAdmin, PartnerFeedAdmin
from ingest.document import IngestError
from ingest.fetch import too_large
from ingest.models import FeedItem, Origin, PartnerFeed, Suggestion

DECISIONS = [
    (Suggestion.State.ACCEPTED, "Accept"),
    (Suggestion.State.REJECTED, "Reject"),
    (Suggestion.State.PENDING, "Later"),
]


class SuggestionForm(forms.ModelForm):
    state = forms.ChoiceField(
        label="Decision", choices=DECISIONS, widget=forms.RadioSelect, initial="pending"
    )

    class Meta:
        model = Suggestion
        fields = ["state", "name", "title", "source_kind", "detail", "anonymous"]
        widgets = {
            "name": forms.TextInput(attrs={"size": 14}),
            "title": forms.TextInput(attrs={"size": 12}),
            "detail": forms.TextInput(attrs={"size": 14}),
        }

    # What each kind of suggestion has to say; the rest is shown but not editable.
    FIELDS_OF = {
        Suggestion.Kind.PERSON: {"name", "title"},
        # A byline's role ("in Washington") is its detail.
        Suggestion.Kind.BYLINE: {"name", "detail"},
        Suggestion.Kind.SOURCE: {"name", "source_kind", "detail", "anonymous"},
        Suggestion.Kind.TAG: {"name"},
        Suggestion.Kind.SECTION: set(),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = self.FIELDS_OF.get(self.instance.kind, set())
        for name in ("name", "title", "source_kind", "detail", "anonymous"):
            if name not in own:
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        accepted = cleaned.get("state") == Suggestion.State.ACCEPTED
        suggestion = self.instance
        new_tag = suggestion.kind == Suggestion.Kind.TAG and suggestion.tag_id is None
        if accepted and new_tag and not self.may_create_tags:
            raise ValidationError(f"“{cleaned.get('name')}” is a new tag: only editors add tags.")
        if accepted and not (cleaned.get("name") or "").strip():
            raise ValidationError("Give it a name to accept it.")
        return cleaned


class SuggestionInline(XmlTextAdminMixin, admin.TabularInline):
    """The attribution ingest found in the text: nothing is attached until accepted."""

    model = Suggestion
    form = SuggestionForm
    template = "admin/ingest/suggestion_inline.html"
    fields = ["state", "name", "title", "source_kind", "detail", "anonymous"]
    extra = 0

    class Media:
        css = {"all": ["ingest/admin/suggestions.css"]}

    can_delete = False
    verbose_name = "suggestion from the text"
    verbose_name_plural = "suggested attribution"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(state=Suggestion.State.PENDING)
            .select_related("person", "source", "tag", "section")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.may_create_tags = request.user.has_perm("taggit.add_tag")
        return formset


class IngestStoryAdmin(StoryAdmin):
    """The story admin with a draft's suggested attribution, and “Import a story”."""

    change_list_template = "admin/ingest/story_change_list.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and Origin.objects.filter(story=obj).exists():
            fieldsets = [*fieldsets, ("Imported", {"fields": ["imported_from"]})]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "imported_from"]

    @admin.display(description="imported from")
    def imported_from(self, story):
        origin = Origin.objects.filter(story=story).first()
        if origin is None:
            return ""
        facts = [
            ("Input", origin.get_kind_display()),
            ("Given as", origin.given_as),
            ("Original address", origin.url),
            ("Original publisher", origin.publisher),
            (
                "Originally published",
                origin.published_at and date_format(localtime(origin.published_at), "j F Y, H:i"),
            ),
            ("Original byline", origin.authors),
            ("Removed as page furniture", "; ".join(origin.removed)),
        ]
        if story.suggestions.filter(state=Suggestion.State.PENDING).exists():
            facts.append(
                (
                    "Suggested attribution",
                    "below, each with the sentence it came from: accept, change or reject "
                    "it; nothing is added to the story until you accept it.",
                )
            )
        return format_html_join(
            "", "<div><strong>{}:</strong> {}</div>", [(k, v) for k, v in facts if v]
        )

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is not None and obj.suggestions.filter(state=Suggestion.State.PENDING).exists():
            inlines = [*inlines, SuggestionInline]
        return inlines

    def save_formset(self, request, form, formset, change):
        if formset.model is not Suggestion:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # what the change message and history list
        # People first: a named source is linked to the person accepted with it.
        ordered = sorted(formset.forms, key=lambda f: f.instance.kind != Suggestion.Kind.PERSON)
        for suggestion_form in ordered:
            suggestion = suggestion_form.instance
            if suggestion.state == Suggestion.State.ACCEPTED:
                decisions.accept(suggestion, user=request.user)
            elif suggestion.state == Suggestion.State.REJECTED:
                decisions.reject(suggestion, user=request.user)
            elif suggestion_form.has_changed():
                suggestion.save()


admin.site.unregister(Story)
admin.site.register(Story, IngestStoryAdmin)


class ImportForm(forms.Form):
    text = forms.CharField(
        label="Paste text or HTML",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
    )
    file = forms.FileField(
        label="or upload a file",
        required=False,
        help_text="A saved web page (.html), a text file, or a wire item: ninjs (.json) "
        "or NewsML-G2 (.xml).",
    )
    url = forms.URLField(
        label="or give its address",
        required=False,
        assume_scheme="https",
        max_length=2000,
        help_text="The page is fetched by the server, from the public internet only.",
        widget=forms.URLInput(attrs={"size": 70}),
    )
    section = forms.ModelChoiceField(
        Section.objects.all(), required=False, help_text="Leave empty to have one suggested."
    )

    def clean(self):
        cleaned = super().clean()
        given = [name for name in ("text", "file", "url") if cleaned.get(name)]
        if len(given) != 1:
            raise ValidationError("Paste text, upload a file or give an address: one of them.")
        return cleaned


@admin.register(Origin)
class OriginAdmin(admin.ModelAdmin):
    """The drafts ingest made, where each came from; “Add” imports a story."""

    list_display = ["story_link", "kind", "publisher", "url", "ingested_at", "ingested_by"]
    list_filter = ["kind", "ingested_at"]
    list_select_related = ["story", "ingested_by"]
    search_fields = ["story__headline", "url", "publisher", "given_as"]
    readonly_fields = [
        *["story", "kind", "url", "publisher", "published_at", "authors", "given_as"],
        *["removed", "ingested_at", "ingested_by"],
    ]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="draft", ordering="story__headline")
    def story_link(self, origin):
        url = reverse("admin:articles_story_change", args=[origin.story_id])
        return format_html('<a href="{}">{}</a>', url, origin.story.headline or "(no headline)")

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="ingest_import"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:ingest_import"))

    def import_view(self, request):
        if not (self.has_add_permission(request) and request.user.has_perm("articles.add_story")):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = self.ingest(request, form.cleaned_data)
            except IngestError as error:
                form.add_error(None, str(error))
            else:
                found = len(result.suggestions)
                self.message_user(
                    request,
                    f"Draft created from the {result.origin.get_kind_display().lower()}, "
                    f"with {found} suggestion{'s' if found != 1 else ''} to decide below.",
                    messages.SUCCESS,
                )
                for note in result.notes:
                    self.message_user(request, note, messages.INFO)
                return HttpResponseRedirect(
                    reverse("admin:articles_story_change", args=[result.story.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Import a story",
            "form": form,
            "opts": self.opts,
            "max_mb": f"{settings.INGEST_MAX_BYTES / 1_000_000:g}",
        }
        return TemplateResponse(request, "admin/ingest/import.html", context)

    def ingest(self, request, data):
        section, user = data["section"], request.user
        if data["url"]:
            return pipeline.ingest_url(data["url"], section=section, user=user)
        if data["file"]:
            upload = data["file"]
            if upload.size > settings.INGEST_MAX_BYTES:
                raise IngestError(f"{upload.name}: {too_large(settings.INGEST_MAX_BYTES)}")
            return pipeline.ingest_bytes(
                upload.read(),
                filename=upload.name,
                content_type=upload.content_type or "",
                section=section,
                user=user,
            )
        return pipeline.ingest_bytes(
            data["text"].encode("utf-8"), given_as="pasted", section=section, user=user
        )


admin.site.register(PartnerFeed, PartnerFeedAdmin)
admin.site.register(FeedItem, FeedItemAdmin)
