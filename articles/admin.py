from django.contrib import admin
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from articles.models import Byline, Citation, Correction, Image, Person, Section, Source, Story


def admin_links(objects, empty="None yet."):
    """A list of links to the admin change pages of ``objects``."""
    links = format_html_join(
        "",
        '<li><a href="{}">{}</a> <small>({})</small></li>',
        (
            (
                reverse(
                    f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
                ),
                obj,
                obj.get_status_display(),
            )
            for obj in objects
        ),
    )
    return format_html("<ul>{}</ul>", links) if links else empty


# Web addresses typed without a scheme are taken as https (Django 6's default).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["person"]
    fields = ["person", "role", "order"]
    verbose_name = "byline"


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "detail", "order"]
    verbose_name = "source cited"
    verbose_name_plural = "sources cited"


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["text", "created_at"]


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "section", "byline", "published_at", "is_public"]
    list_filter = ["status", "section", "tags", "published_at"]
    list_select_related = ["section"]
    search_fields = ["headline", "dek", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "people", "related", "original_publisher"]
    raw_id_fields = ["lead_image"]
    formfield_overrides = URL_FIELDS
    inlines = [BylineInline, CitationInline, CorrectionInline]
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "slug", "dek", "body"]}),
        ("Publishing", {"fields": ["status", "published_at", "section", "tags"]}),
        ("People and pictures", {"fields": ["people", "lead_image", "related"]}),
        (
            "Advanced",
            {
                "classes": ["collapse"],
                "fields": ["original_publisher", "canonical_url", "seo_title", "seo_description"],
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("person")))
        )

    @admin.display(description="Authors")
    def byline(self, obj):
        return ", ".join(byline.person.name for byline in obj.bylines.all()) or "—"

    @admin.display(description="Public", boolean=True)
    def is_public(self, obj):
        return obj.is_published()

    def view_on_site(self, obj):
        # Only public stories have a page readers can see.
        return obj.get_absolute_url() if obj.is_published() else None


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "user"]
    search_fields = ["name", "title"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    raw_id_fields = ["photo"]
    readonly_fields = ["written", "appears_in"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "title", "bio", "photo", "same_as", "user"]}),
        ("Stories", {"fields": ["written", "appears_in"]}),
    ]

    @admin.display(description="Stories written")
    def written(self, obj):
        return admin_links(obj.stories_written.order_by("-published_at", "-created_at"))

    @admin.display(description="Stories they appear in")
    def appears_in(self, obj):
        return admin_links(obj.stories_about.order_by("-published_at", "-created_at"))


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "url", "person"]
    list_filter = ["kind"]
    list_select_related = ["person"]
    search_fields = ["name", "description", "url"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["person"]
    formfield_overrides = URL_FIELDS


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["alt_text", "credit", "width", "height", "created_at"]
    search_fields = ["alt_text", "caption", "credit"]
