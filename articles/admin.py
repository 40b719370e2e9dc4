import operator
from functools import reduce

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminFileWidget, AdminSplitDateTime
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Case, Count, Prefetch, Q, Value, When
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from js_asset import Media as JsMedia
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles import autosave
from articles.cache import lock_for_change
from articles.diff import compare_versions
from articles.embeds import EmbedError, embed_from_url
from articles.images import (
    HELD_GONE,
    SafeImageField,
    delete_files,
    held_thumbnail,
    read_metadata,
    upload_held,
    upload_hold,
)
from articles.models import (
    HEAVY_FIELDS,
    Byline,
    Citation,
    Correction,
    Image,
    LivePost,
    Page,
    Person,
    Section,
    Source,
    Story,
    StoryRedirect,
    address_clash,
)
from articles.pagination import EstimatedCountPaginator
from articles.sanitize import sanitized_body
from articles.tasks import clear_held_uploads, run_in_background
from articles.text import XmlTextAdminMixin, tag_names
from articles.workflow import (
    TRANSITIONS,
    WorkflowError,
    can_change_shown,
    can_edit,
    can_post,
    can_publish,
    conflict_message,
    coverage_closed_message,
    desk_time,
    last_change,
    live_post_recorded,
    stories_open_for_posts,
    story_end_coverage,
    story_revoke_previews,
    story_start_coverage,
    story_transition,
    transitions_for,
)

# Web addresses typed without a scheme are taken as https (Django 6's default).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def story_admin_links(stories, empty="None yet."):
    """A list of links to the admin change pages of ``stories``."""
    links = format_html_join(
        "",
        '<li><a href="{}">{}</a> <small>({})</small></li>',
        (
            (
                reverse("admin:articles_story_change", args=[story.pk]),
                story,
                story.get_status_display(),
            )
            for story in stories
        ),
    )
    return format_html("<ul>{}</ul>", links) if links else empty


def thumbnail(image, size=96):
    if image is None or not image.file:
        return "—"
    if not image.ready:
        # A job makes the renditions once the upload has been saved.
        return "Being prepared…"
    return format_html(
        '<img src="{}" alt="{}" width="{}">',
        image.thumbnail_url(),
        image.alt_text,
        size,
    )


def may_create_tags(user) -> bool:
    """Editors add tags as they tag a story; reporters choose from those there are."""
    return user.has_perm("taggit.add_tag")


def story_state(story: Story) -> str:
    """The status as the desk says it: "Scheduled for 14 Feb 2025, 06:00"."""
    if story.is_scheduled():
        return f"Scheduled for {date_format(timezone.localtime(story.published_at), 'j M Y, H:i')}"
    return story.get_status_display()


class BylineInline(XmlTextAdminMixin, admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["person"]
    fields = ["person", "role", "order"]
    verbose_name = "byline"


class CitationInline(XmlTextAdminMixin, admin.TabularInline):
    model = Citation
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "detail", "order"]
    verbose_name = "source cited"
    verbose_name_plural = "sources cited"


class CorrectionForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Once made, a correction stands as readers saw it: a disabled field
            # keeps its stored text whatever a form sends.
            text = self.fields["text"]
            text.disabled = True
            text.help_text = "Corrections are never changed or removed: add another instead."


class CorrectionInline(XmlTextAdminMixin, admin.StackedInline):
    """Corrections are append-only: added here, never changed, removed or reverted."""

    model = Correction
    form = CorrectionForm
    extra = 0
    can_delete = False
    fields = ["text", "created_at"]
    readonly_fields = ["created_at"]

    def has_view_permission(self, request, obj=None):
        # Those who only read corrections (reporters) see the section when there are some.
        if obj is not None and not self.has_add_permission(request, obj):
            # Asked several times a request: the story's answer is kept on it.
            if not hasattr(obj, "has_corrections"):
                obj.has_corrections = obj.corrections.exists()
            return super().has_view_permission(request, obj) and obj.has_corrections
        return super().has_view_permission(request, obj)


def https_url_fields(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.update(URL_FIELDS[models.URLField])
    return db_field.formfield(**kwargs)


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time boxes, each with a label of its own: the admin's
    template names them in plain text, which screen readers do not tie to a box."""

    template_name = "articles/widgets/split_datetime.html"


def input_pattern(setting: str) -> str:
    """The first input format of the active language, as people read it: "DD/MM/YYYY"."""
    pattern = get_format(setting)[0]
    for code, shown in {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%H": "HH", "%M": "MM"}.items():
        pattern = pattern.replace(code, shown)
    return pattern.replace(":%S", "")


class DeskDateTimeField(forms.SplitDateTimeField):
    """The admin's date and time boxes, with errors that say what to type."""

    def __init__(self, **kwargs):
        kwargs["error_messages"] = {
            "invalid_date": f"Enter the date as {input_pattern('DATE_INPUT_FORMATS')}, "
            "or pick it from the calendar.",
            "invalid_time": f"Enter the time as {input_pattern('TIME_INPUT_FORMATS')} "
            "on the 24-hour clock, e.g. 09:30, or pick it from the clock.",
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)


class LivePostForm(forms.ModelForm):
    """A live post, on the story form's inline or on its own page. A new post goes
    out when it is saved (its time is now unless one is given)."""

    class Meta:
        model = LivePost
        fields = ["published_at", "author", "headline", "body", "pinned", "key_event"]
        field_classes = {"published_at": DeskDateTimeField}
        widgets = {"published_at": LabelledSplitDateTime}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        when = self.fields.get("published_at")
        if when is not None:
            when.required = False
            if self.instance.pk is None:
                # Not the time the form was opened: the time it is saved.
                when.initial = None
                when.show_hidden_initial = False

    def clean_body(self):
        return sanitized_body(self.cleaned_data["body"])

    def clean(self):
        cleaned = super().clean()
        if "published_at" in self.fields and not cleaned.get("published_at"):
            # Left empty: a new post goes out now; a post keeps the time it had.
            cleaned["published_at"] = (
                self.instance.published_at if self.instance.pk else timezone.now()
            )
        return cleaned


class LivePostFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        story = self.instance
        touched = any(
            form.has_changed() or (self.can_delete and self._should_delete_form(form))
            for form in self.forms
        )
        # Checked on the story as this save locked it: coverage may have ended meanwhile.
        if touched and not story.is_live():
            raise ValidationError(coverage_closed_message(story), code="coverage_closed")


class LivePostInline(XmlTextAdminMixin, admin.StackedInline):
    """The story's live posts, newest first, on its form while it is covered live."""

    model = LivePost
    form = LivePostForm
    formset = LivePostFormSet
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["published_at", "author", "headline", "body", ("pinned", "key_event")]
    classes = ["live-posts"]
    # A post's own page links to it on the site; here the link would sit in a row's title.
    view_on_site = False

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is not None and can_post(request.user, obj) else 0

    def has_add_permission(self, request, obj):
        allowed = super().has_add_permission(request, obj)
        return allowed and obj is not None and can_post(request.user, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_post(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_post(request.user, obj))


class TagPicker(forms.SelectMultiple):
    """The story's tags as a picker over the tags there are (the admin's select2 and
    its autocomplete view, ranked by TagAdmin), where those who may add a tag type
    a new one. The chosen tags are the options, by name, so a name with a comma or
    quotes goes as it is; without JavaScript it is a plain list to keep or drop from.
    """

    def __init__(self, *, create: bool = False, attrs=None):
        super().__init__(attrs)
        self.create = create

    def format_value(self, value):
        return tag_names(value)

    def optgroups(self, name, value, attrs=None):
        options = [
            self.create_option(name, tag, tag, True, index) for index, tag in enumerate(value)
        ]
        return [(None, options, 0)]

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        return {
            **attrs,
            "class": "tag-autocomplete",
            "data-url": reverse("admin:autocomplete"),
            "data-create": "true" if self.create else "false",
        }

    @property
    def media(self):
        # The same files as the admin's own autocomplete boxes, so each loads once.
        extra = "" if settings.DEBUG else ".min"
        return forms.Media(
            js=[
                f"admin/js/vendor/jquery/jquery{extra}.js",
                f"admin/js/vendor/select2/select2.full{extra}.js",
                "admin/js/jquery.init.js",
                "articles/admin/pickers.js",
            ],
            css={
                "screen": [
                    f"admin/css/vendor/select2/select2{extra}.css",
                    "admin/css/autocomplete.css",
                ]
            },
        )


class StoryAdminForm(forms.ModelForm):
    # The edit token of the story as the user opened it; see StoryAdmin.revision_view.
    opened_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    story_before_revert = None

    class Meta:
        model = Story
        fields = [
            *["story_type", "kicker", "headline", "slug", "dek", "body", "published_at"],
            *["section", "tags"],
            *["people", "lead_image", "related", "original_publisher", "canonical_url"],
            *["seo_title", "seo_description"],
        ]
        formfield_callback = https_url_fields
        field_classes = {"published_at": DeskDateTimeField}
        widgets = {
            "published_at": LabelledSplitDateTime,
            "dek": forms.Textarea(attrs={"rows": 3}),
            "seo_description": forms.Textarea(attrs={"rows": 2}),
        }

    # The writer's autosaved copy, when they chose to restore it.
    autosaved = None
    # Whether the user may add tags that do not exist yet (StoryAdmin.get_form says).
    may_create_tags = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            opened = self.story_before_revert or self.instance
            self.fields["opened_token"].initial = opened.edit_token
        if self.autosaved is not None and not self.is_bound:
            self.initial.update(self.autosaved.fields)
            if self.instance.pk:
                # Saved as if from the moment the copy was begun: the conflict rule holds.
                self.fields["opened_token"].initial = self.autosaved.opened_token

    def clean_body(self):
        return sanitized_body(self.cleaned_data["body"])

    def clean_tags(self):
        names = self.cleaned_data["tags"]
        if names and not self.may_create_tags:
            known = Tag.objects.filter(
                reduce(operator.or_, (Q(name__iexact=name) for name in names))
            ).values_list("name", flat=True)
            known = {name.casefold() for name in known}
            new = [name for name in names if name.casefold() not in known]
            if new:
                raise ValidationError(
                    "Only an editor can add a new tag, and %(names)s %(is)s not one yet. "
                    "Choose from the tags there are, or ask an editor to add it.",
                    code="new_tag",
                    params={
                        "names": ", ".join(f"“{name}”" for name in new),
                        "is": "is" if len(new) == 1 else "are",
                    },
                )
        return names

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        # Locked until the admin's transaction ends, so two saves cannot interleave
        # (the content's version first: the order every writer takes its locks in).
        lock_for_change()
        current = self.story_before_revert or (
            Story.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=self.instance.pk)
        )
        opened = cleaned.get("opened_token")
        if opened is None or str(opened) != str(current.edit_token):
            raise ValidationError(conflict_message(current), code="conflict")
        if "published_at" in self.fields:
            self.check_published_at(current, cleaned.get("published_at"))
        if current.status in {Story.Status.PUBLISHED, Story.Status.WITHDRAWN}:
            clash = address_clash(
                current.pk,
                cleaned.get("slug", current.slug),
                cleaned.get("published_at", current.published_at),
            )
            if clash:
                self.add_error("slug", clash)
        return cleaned

    def check_published_at(self, current: Story, new):
        now = timezone.now()
        if new is None:
            self.add_error("published_at", "A published story needs a publication time.")
        elif current.is_scheduled() and new <= now:
            self.add_error(
                "published_at",
                "The scheduled time must be in the future. To publish now, use “Publish now”.",
            )
        elif not current.is_scheduled() and new > now:
            self.add_error(
                "published_at",
                "A public story’s time cannot move into the future: "
                "unpublish it, then schedule it.",
            )


def zone_name() -> str:
    """The newsroom's time zone as the desk reads it: "Europe/London, GMT+0"."""
    now = timezone.localtime()
    offset = now.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    gmt = f"GMT{sign}{hours}" + (f":{rest:02d}" if rest else "")
    return f"{timezone.get_current_timezone_name()}, {gmt}"


class TransitionForm(forms.Form):
    edit_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    publish_at = DeskDateTimeField(
        label="Publish at",
        required=False,
        widget=LabelledSplitDateTime,
        help_text="In the newsroom’s time zone.",
    )

    reason = forms.CharField(
        label="Why is it withdrawn?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Readers see this at the story’s address, and it is kept in its history.",
    )

    def __init__(self, *args, schedule=False, withdraw=False, **kwargs):
        super().__init__(*args, **kwargs)
        if schedule:
            self.fields["publish_at"].required = True
            self.fields["publish_at"].help_text = f"In the newsroom’s time zone: {zone_name()}."
        else:
            del self.fields["publish_at"]
        if not withdraw:
            del self.fields["reason"]

    def clean_publish_at(self):
        value = self.cleaned_data["publish_at"]
        if value is not None and value <= timezone.now():
            raise ValidationError("Choose a time in the future.")
        return value


class PopularTagFilter(admin.SimpleListFilter):
    """The story list's tag filter: the most used tags, not every tag there is.

    An archive has thousands of tags; the filter offers the ones most stories
    carry (counted at most every few minutes) and keeps the chosen one listed.
    """

    title = "tag"
    parameter_name = "tag"
    shown = 15
    counted_for_seconds = 300

    def lookups(self, request, model_admin):
        popular = cache.get_or_set("admin:popular-tags", self.most_used, self.counted_for_seconds)
        chosen = self.value()
        if chosen and chosen not in dict(popular):
            popular = [*popular, *Tag.objects.filter(slug=chosen).values_list("slug", "name")]
        return popular

    def most_used(self):
        tags = Tag.objects.annotate(uses=Count("articles_taggedstory_items"))
        return list(tags.order_by("-uses", "name").values_list("slug", "name")[: self.shown])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset


@admin.register(Story)
class StoryAdmin(XmlTextAdminMixin, VersionAdmin):
    form = StoryAdminForm
    change_form_template = "admin/articles/story/change_form.html"
    revision_form_template = "admin/articles/story/revision_form.html"
    object_history_template = "admin/articles/story/object_history.html"
    list_display = ["headline", "state", "section", "byline", "published_at", "is_public"]
    list_filter = ["status", "story_type", "section", PopularTagFilter, "published_at"]
    list_select_related = ["section"]
    search_fields = ["headline", "dek", "body"]
    prepopulated_fields = {"slug": ["headline"]}
    # Quick at any archive size: no second full count, an estimate when unfiltered.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    autocomplete_fields = ["section", "people", "related", "original_publisher", "lead_image"]
    formfield_overrides = URL_FIELDS
    inlines = [BylineInline, CitationInline, CorrectionInline, LivePostInline]
    actions = ["submit_for_review", "publish_now", "schedule", "unpublish", "withdraw"]
    fieldsets = [
        (
            None,
            {"fields": ["story_type", "kicker", "headline", "slug", "dek", "body", "opened_token"]},
        ),
        ("Publishing", {"fields": ["state", "published_at", "section", "tags"]}),
        (
            "People and pictures",
            {"fields": ["people", "lead_image", "lead_image_preview", "related"]},
        ),
        (
            "Advanced",
            {
                "classes": ["collapse"],
                "fields": ["original_publisher", "canonical_url", "seo_title", "seo_description"],
            },
        ),
    ]

    class Media:
        css = {"all": ["articles/admin/story_form.css"]}
        js = [
            "articles/admin/story_form.js",
            "articles/admin/ordering.js",
            "articles/admin/autosave.js",
            "articles/admin/lead_image_preview.js",
        ]

    # Permissions

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return can_edit(request.user, obj)

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is None or not obj.has_live_coverage():
            # Posts come with live coverage, started from the story's form.
            inlines = [inline for inline in inlines if inline is not LivePostInline]
        return inlines

    def get_readonly_fields(self, request, obj=None):
        readonly = ["state", "lead_image_preview"]
        publishable = obj is not None and obj.status in {
            Story.Status.PUBLISHED,
            Story.Status.WITHDRAWN,
        }
        if not (can_publish(request.user) and publishable):
            readonly.append("published_at")
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.story_before_revert = getattr(request, "story_before_revert", None)
        form.autosaved = self.restored_autosave(request, obj)
        form.may_create_tags = may_create_tags(request.user)
        return form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            create = may_create_tags(request.user)
            kwargs["widget"] = TagPicker(create=create)
            kwargs["help_text"] = "Type part of a tag’s name, then choose it." + (
                " Type a new name to add a tag." if create else ""
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def restored_autosave(self, request, obj):
        if request.method != "GET" or request.GET.get("autosave") != "restore":
            return None
        return autosave.offered(request.user, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            # Nothing to protect: a new story, or one this user only reads.
            main = {**fieldsets[0][1]}
            main["fields"] = [name for name in main["fields"] if name != "opened_token"]
            fieldsets = [(None, main), *fieldsets[1:]]
        return fieldsets

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # A journalist's new story carries their byline first, until they change it.
        if isinstance(inline, BylineInline) and obj.pk is None and request.method == "GET":
            person = Person.objects.filter(user=request.user).first()
            if person is not None:
                kwargs["initial"] = [{"person": person.pk, "order": 0}]
        # A new post is signed by whoever writes it, until they choose someone else
        # (on a save too: a post nobody wrote is left unsaved, as unchanged).
        if isinstance(inline, LivePostInline):
            person = Person.objects.filter(user=request.user).first()
            if person is not None:
                kwargs["initial"] = [{"author": person.pk}]
        return kwargs

    def get_queryset(self, request):
        stories = super().get_queryset(request).defer("search_vector")
        match = request.resolver_match
        if match and match.url_name == "articles_story_changelist":
            # A row shows no body: 100 rows of it are most of what the list would load.
            stories = stories.defer(*HEAVY_FIELDS)
        return stories.prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("person"))
        )

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # Only the list as it opens, in any order and on any page, is estimated.
        unfiltered = not set(request.GET) - {"o", "p"}
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page, estimate=unfiltered
        )

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        # Django's own renders a form widget through the template engine per row:
        # half the time of a 100-row list. The same markup, written out.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="Select this object for an action - {}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            obj,
        )

    # Columns

    @admin.display(description="Status", ordering="status")
    def state(self, obj):
        return story_state(obj)

    @admin.display(description="Lead image as chosen")
    def lead_image_preview(self, obj):
        # lead_image_preview.js swaps the picture in as soon as another is picked.
        chosen = obj.lead_image if obj and obj.lead_image_id else None
        return format_html(
            '<div class="lead-image-preview" data-thumbnail-url="{}" data-image-id="{}" '
            'aria-live="polite">{}</div>',
            reverse("admin:articles_image_thumbnail", args=["__id__"]),
            chosen.pk if chosen else "",
            thumbnail(chosen, size=240),
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

    # Saving

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        before = getattr(request, "story_before_revert", None)
        if before is not None:
            # A revert restores the words, not the story's place in the workflow.
            obj.status, obj.published_at = before.status, before.published_at
            obj.live_from, obj.live_until = before.live_from, before.live_until
            obj.created_by_id = before.created_by_id
            obj.address_when_loaded = before.address()
        elif change:
            # Saved with its inlines in save_related, once they are known: a save
            # that changes nothing writes nothing, and leaves no empty revision.
            request.story_to_save = obj
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = getattr(request, "story_to_save", None)
        if obj is not None:
            del request.story_to_save
            if not form.has_changed() and not any(formset.has_changed() for formset in formsets):
                request.story_unchanged = True
                # The inlines save nothing; the form's relations are left alone, as
                # taggit would signal a change of tags even when they are the same.
                for formset in formsets:
                    self.save_formset(request, form, formset, change=change)
                return
            super().save_model(request, obj, form, change)
        super().save_related(request, form, formsets, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is LivePost:
            for post_form in formset.forms:
                if post_form.instance.pk is None:
                    post_form.instance.created_by = request.user
        super().save_formset(request, form, formset, change)

    def log_change(self, request, obj, message):
        if getattr(request, "story_unchanged", False):
            return None
        return super().log_change(request, obj, message)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "story_unchanged", False) and level == messages.SUCCESS:
            message = "Nothing had changed, so nothing was saved."
        return super().message_user(request, message, level, *args, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is None:
            draft = Story(status=Story.Status.DRAFT)
            names = ["submit", "publish", "schedule"] if can_publish(request.user) else ["submit"]
            transitions = [t for t in map(TRANSITIONS.get, names) if t.allowed_for(draft)]
        elif self.has_change_permission(request, obj) and not hasattr(
            request, "story_before_revert"
        ):
            transitions = transitions_for(request.user, obj)
        else:
            transitions = []
        # The editor's import map is an inline script: it carries the page's CSP nonce.
        context["media"] = JsMedia.from_media(context["media"], nonce=request.csp_nonce)
        # A preview link shows the story to anyone: only those who may edit it get one.
        previewable = (
            obj is not None and obj.pk and obj.is_previewable() and can_edit(request.user, obj)
        )
        editable = not hasattr(request, "story_before_revert") and (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        )
        if editable:
            context["autosave_url"] = self.autosave_url(obj)
            copy = autosave.offered(request.user, obj) if request.method == "GET" else None
            if copy is not None:
                restored = self.restored_autosave(request, obj) is not None
                context.update(
                    autosave=copy,
                    autosave_restored=restored,
                    autosave_saved_at=autosave.saved_at(copy),
                    # Someone saved the story after the copy was begun.
                    autosave_overtaken=obj is not None
                    and str(copy.opened_token) != str(obj.edit_token)
                    and last_change(obj),
                )
        context.update(
            workflow_transitions=transitions,
            preview_url=obj.get_preview_url() if previewable else None,
            revoke_previews_url=self.revoke_previews_url(obj) if previewable else None,
            # During a revert the form holds the old revision; the story's state stays.
            story_state=story_state(getattr(request, "story_before_revert", None) or obj)
            if obj is not None
            else None,
            live=self.live_context(request, obj),
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def live_context(self, request, obj):
        """The live desk above the story form: its coverage, and what this user may do."""
        if obj is None or obj.pk is None or hasattr(request, "story_before_revert"):
            return None
        editable = can_edit(request.user, obj)
        context = {"story": obj, "open": obj.is_live(), "started": obj.has_live_coverage()}
        if editable and not obj.has_live_coverage():
            context["start_url"] = self.live_url(obj, "start")
        if editable and obj.is_live():
            context["end_url"] = self.live_url(obj, "end")
        if obj.has_live_coverage():
            context["posts_url"] = (
                reverse("admin:articles_livepost_changelist") + "?" + urlencode({"story": obj.pk})
            )
            if obj.live_from:
                context["live_from"] = desk_time(obj.live_from)
            if obj.live_until:
                context["live_until"] = desk_time(obj.live_until)
        if can_post(request.user, obj) and request.user.has_perm("articles.add_livepost"):
            context["post_url"] = (
                reverse("admin:articles_livepost_add") + "?" + urlencode({"story": obj.pk})
            )
        if not (editable or context["started"]):
            return None
        return context

    def live_url(self, story, action):
        return reverse("admin:articles_story_live", args=[story.pk, action])

    def live_view(self, request, object_id, action):
        """Confirm, then start or end a story's live coverage."""
        story = self.get_object(request, unquote(object_id))
        if story is None or action not in {"start", "end"}:
            raise Http404("No such story or action.")
        if not can_edit(request.user, story):
            raise PermissionDenied
        back = HttpResponseRedirect(reverse("admin:articles_story_change", args=[story.pk]))
        start = action == "start"
        if request.method == "POST":
            service = story_start_coverage if start else story_end_coverage
            try:
                service(story=story, user=request.user)
            except WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                done = "is now covered live" if start else "is no longer covered live"
                self.message_user(request, f"“{story}” {done}.")
            return back
        problem = None
        if start and story.is_live():
            problem = f"“{story}” is covered live already."
        elif start and story.has_live_coverage() or not start and not story.is_live():
            problem = coverage_closed_message(story)
        if problem:
            self.message_user(request, problem, messages.ERROR)
            return back
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": story,
            "start": start,
            "title": ("Start live coverage" if start else "End live coverage") + ": are you sure?",
        }
        return TemplateResponse(request, "admin/articles/story/confirm_live.html", context)

    def response_add(self, request, obj, post_url_continue=None):
        autosave.forget(request.user, None)
        return self.after_save(request, obj) or super().response_add(request, obj)

    def response_change(self, request, obj):
        autosave.forget(request.user, obj)
        response = self.after_save(request, obj)
        if response is None and hasattr(request, "story_before_revert"):
            # Back to the story reverted, not the list.
            self.message_user(request, f"“{obj}” was reverted. Its status and corrections stay.")
            return HttpResponseRedirect(reverse("admin:articles_story_change", args=[obj.pk]))
        return response or super().response_change(request, obj)

    def after_save(self, request, obj):
        """Run the workflow button the user pressed with Save, if any."""
        transition = TRANSITIONS.get(request.POST.get("_transition", ""))
        if transition is None:
            return None
        if transition.needs_confirmation:
            return HttpResponseRedirect(self.transition_url(obj, transition.name))
        try:
            story_transition(story=obj, user=request.user, name=transition.name)
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, f"“{obj}” was saved and {transition.done}.")
        return HttpResponseRedirect(reverse("admin:articles_story_change", args=[obj.pk]))

    # Workflow views

    def get_urls(self):
        return [
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="articles_story_transition",
            ),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="articles_story_compare",
            ),
            path(
                "agenda/",
                self.admin_site.admin_view(self.agenda_view),
                name="articles_story_agenda",
            ),
            path(
                "autosave/",
                self.admin_site.admin_view(self.autosave_view),
                name="articles_story_autosave_new",
            ),
            path(
                "<path:object_id>/autosave/",
                self.admin_site.admin_view(self.autosave_view),
                name="articles_story_autosave",
            ),
            path(
                "<path:object_id>/live/<str:action>/",
                self.admin_site.admin_view(self.live_view),
                name="articles_story_live",
            ),
            path(
                "<path:object_id>/revoke-previews/",
                self.admin_site.admin_view(self.revoke_previews_view),
                name="articles_story_revoke_previews",
            ),
            path(
                "embed/",
                self.admin_site.admin_view(self.embed_view),
                name="articles_story_embed",
            ),
            *super().get_urls(),
        ]

    def embed_view(self, request):
        """POST ``url``: what the story editor stores for an embed of it, as JSON
        (``attrs``, and a ``warning`` when the provider gave no details), or 400 and
        an ``error`` for an address no known provider serves."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        try:
            embed = embed_from_url(str(request.POST.get("url", "")))
        except EmbedError as error:
            return JsonResponse({"error": str(error)}, status=400)
        warning = ""
        if embed.problem:
            warning = (
                f"{embed.problem}, so the embed is kept as a link without its title. "
                "Readers can still open it; add a caption if it needs one."
            )
        return JsonResponse({"attrs": embed.attributes(), "warning": warning})

    def transition_url(self, story, name):
        return reverse("admin:articles_story_transition", args=[story.pk, name])

    def autosave_url(self, story):
        if story is None:
            return reverse("admin:articles_story_autosave_new")
        return reverse("admin:articles_story_autosave", args=[story.pk])

    def agenda_view(self, request):
        """The schedule as the desk plans it: stories still to go out, day by day."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        stories = (
            Story.objects.scheduled()
            .defer(*HEAVY_FIELDS)
            .select_related("section")
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("person")))
            .order_by("published_at", "pk")
        )
        today = timezone.localdate()
        days = []
        for story in stories:
            moment = timezone.localtime(story.published_at)
            if not days or days[-1]["date"] != moment.date():
                days.append({"date": moment.date(), "stories": []})
            story.local_time = moment
            days[-1]["stories"].append(story)
        for day in days:
            ahead = (day["date"] - today).days
            day["name"] = {0: "Today", 1: "Tomorrow"}.get(ahead, date_format(day["date"], "l"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Scheduled stories",
            "days": days,
            "zone": zone_name(),
            "may_reschedule": can_publish(request.user),
        }
        return TemplateResponse(request, "admin/articles/story/agenda.html", context)

    def autosave_view(self, request, object_id=None):
        """POST: keep the writer's copy of the story form; with ``discard``, throw it away."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = None
        if object_id is not None:
            story = self.get_object(request, unquote(object_id))
            if story is None:
                raise Http404("No such story.")
            if not self.has_change_permission(request, story):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        if "discard" in request.POST:
            autosave.forget(request.user, story)
            self.message_user(request, "Your unsaved work was discarded.")
            back = reverse("admin:articles_story_change", args=[story.pk]) if story else None
            return HttpResponseRedirect(back or reverse("admin:articles_story_add"))
        form = self.get_form(request, story, change=story is not None)
        return autosave.store(user=request.user, story=story, form_class=form, data=request.POST)

    def transition_view(self, request, object_id, name):
        """Confirm one transition of one story; the story must not have changed meanwhile."""
        story = self.get_object(request, unquote(object_id))
        transition = TRANSITIONS.get(name)
        if story is None or transition is None:
            raise Http404("No such story or action.")
        if transition not in transitions_for(request.user, story):
            raise PermissionDenied
        initial = {"edit_token": story.edit_token}
        if story.is_scheduled():
            initial["publish_at"] = timezone.localtime(story.published_at)
        form = TransitionForm(
            request.POST or None,
            initial=initial,
            schedule=transition.name == "schedule",
            withdraw=transition.name == "withdraw",
        )
        if request.method == "POST" and form.is_valid():
            try:
                story_transition(
                    story=story,
                    user=request.user,
                    name=transition.name,
                    token=form.cleaned_data["edit_token"],
                    publish_at=form.cleaned_data.get("publish_at"),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                story.refresh_from_db()
                self.message_user(request, f"“{story}” was {transition.done}.")
                return HttpResponseRedirect(reverse("admin:articles_story_change", args=[story.pk]))
        return self.render_confirmation(request, transition, [story], form)

    def revoke_previews_url(self, story):
        return reverse("admin:articles_story_revoke_previews", args=[story.pk])

    def revoke_previews_view(self, request, object_id):
        """Confirm, then make every preview link given out for one story stop working."""
        story = self.get_object(request, unquote(object_id))
        if story is None:
            raise Http404("No such story.")
        if not can_edit(request.user, story):
            raise PermissionDenied
        if request.method == "POST":
            story_revoke_previews(story=story, user=request.user)
            self.message_user(
                request,
                f"Every preview link of “{story}” given out so far now answers “not found”. "
                "The Preview link on this page is a new one.",
            )
            return HttpResponseRedirect(reverse("admin:articles_story_change", args=[story.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": story,
            "title": "Revoke preview links: are you sure?",
        }
        template = "admin/articles/story/confirm_revoke_previews.html"
        return TemplateResponse(request, template, context)

    def render_confirmation(self, request, transition, stories, form, action=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{transition.label}: are you sure?",
            "transition": transition,
            "stories": stories,
            "form": form,
            "media": self.media + form.media,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/story/confirm_transition.html", context)

    # List actions

    def run_transition(self, request, queryset, name, publish_at=None, tokens=None, reason=""):
        transition = TRANSITIONS[name]
        done, refused = [], []
        for story in queryset:
            token = (tokens or {}).get(story.pk)
            try:
                story_transition(
                    story=story,
                    user=request.user,
                    name=name,
                    token=token,
                    publish_at=publish_at,
                    reason=reason,
                )
            except WorkflowError as error:
                refused.append(str(error))
            else:
                done.append(story)
        if done:
            count = f"{len(done)} {'story' if len(done) == 1 else 'stories'}"
            self.message_user(request, f"{count} {transition.done}.")
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    def confirm_then_run(self, request, queryset, name, action):
        transition = TRANSITIONS[name]
        stories = list(queryset)
        form = TransitionForm(
            request.POST if "confirm" in request.POST else None,
            schedule=name == "schedule",
            withdraw=name == "withdraw",
        )
        if "confirm" in request.POST and form.is_valid():
            tokens = {}
            for story in stories:
                token = request.POST.get(f"token-{story.pk}")
                tokens[story.pk] = token or "missing"
            self.run_transition(
                request,
                queryset,
                name,
                form.cleaned_data.get("publish_at"),
                tokens=tokens,
                reason=form.cleaned_data.get("reason", ""),
            )
            return None
        return self.render_confirmation(request, transition, stories, form, action=action)

    @admin.action(description="Submit for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self.run_transition(request, queryset, "submit")

    @admin.action(description="Publish now…", permissions=["publish"])
    def publish_now(self, request, queryset):
        return self.confirm_then_run(request, queryset, "publish", "publish_now")

    @admin.action(description="Schedule…", permissions=["publish"])
    def schedule(self, request, queryset):
        return self.confirm_then_run(request, queryset, "schedule", "schedule")

    @admin.action(description="Unpublish to draft…", permissions=["publish"])
    def unpublish(self, request, queryset):
        return self.confirm_then_run(request, queryset, "unpublish", "unpublish")

    @admin.action(description="Withdraw…", permissions=["publish"])
    def withdraw(self, request, queryset):
        return self.confirm_then_run(request, queryset, "withdraw", "withdraw")

    # Revisions

    def revision_view(self, request, object_id, version_id, extra_context=None):
        story = self.get_object(request, unquote(object_id))
        if story is None:
            raise Http404("No such story.")
        if not self.has_change_permission(request, story):
            raise PermissionDenied
        # What the editor saw before the old revision was loaded into the form.
        request.story_before_revert = story
        # Corrections are never taken back: the revert keeps every one made since.
        request.corrections_before_revert = list(story.corrections.all())
        # Nor are live posts: readers have seen them, and the coverage may have ended.
        request.live_posts_before_revert = list(story.live_posts.all())
        if request.method == "GET":
            extra_context = {**(extra_context or {}), **self.revert_context(story, version_id)}
        return super().revision_view(request, object_id, version_id, extra_context)

    def revert_context(self, story, version_id):
        """What reverting to revision ``version_id`` would change, from the latest revision."""
        versions = Version.objects.get_for_object(story).select_related("revision")
        chosen = versions.filter(pk=version_id).first()
        latest = versions.first()
        if chosen is None or latest is None:
            return {}
        # A revert leaves them as they are.
        kept = {"Corrections", "Publication time", "Live coverage", "Live posts"}
        changes = [c for c in compare_versions(latest, chosen) if c["label"] not in kept]
        return {"revert_changes": [change for change in changes if change["changed"]]}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        kept = getattr(request, "corrections_before_revert", None)
        if kept is not None:
            # Inside the revert's transaction, after the old revision was applied.
            Correction.objects.filter(story_id=unquote(object_id)).exclude(
                pk__in=[correction.pk for correction in kept]
            ).delete()
            for correction in kept:
                correction.save()
        posts = getattr(request, "live_posts_before_revert", None)
        if posts is not None:
            before = request.story_before_revert
            Story.objects.filter(pk=before.pk).update(
                live_from=before.live_from, live_until=before.live_until
            )
            restore_live_posts(before.pk, posts)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        # A recovered story comes back in its old status, which may be public.
        if not can_publish(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not can_publish(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        versions = (
            Version.objects.get_for_object_reference(Story, unquote(object_id))
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")
        )
        context = {"story_versions": versions, **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def compare_view(self, request, object_id):
        """Two revisions of a story side by side: what changed in every field and relation."""
        story = self.get_object(request, unquote(object_id))
        if story is None:
            raise Http404("No such story.")
        if not self.has_view_or_change_permission(request, story):
            raise PermissionDenied
        versions = Version.objects.get_for_object(story).select_related("revision__user")
        try:
            older = versions.get(pk=int(request.GET.get("from", "")))
            newer = versions.get(pk=int(request.GET.get("to", "")))
        except (ValueError, Version.DoesNotExist) as error:
            raise Http404("Choose two revisions of this story.") from error
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        changes = compare_versions(older, newer)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": story,
            "title": f"Compare revisions of “{story}”",
            "older": older,
            "newer": newer,
            "changed": [change for change in changes if change["changed"]],
            "unchanged": [change["label"] for change in changes if not change["changed"]],
        }
        return TemplateResponse(request, "admin/articles/story/compare.html", context)


def restore_live_posts(story_id, posts: list[LivePost]) -> None:
    """Put ``story_id``'s live posts back as ``posts`` (read before a revert): those
    the revert removed, changed or brought back are written as they were, times included."""
    fields = [f.attname for f in LivePost._meta.get_fields() if f.concrete and not f.primary_key]
    LivePost.objects.filter(story_id=story_id).exclude(pk__in=[p.pk for p in posts]).delete()
    now = {
        row["pk"]: row for row in LivePost.objects.filter(story_id=story_id).values("pk", *fields)
    }
    for post in posts:
        values = {name: getattr(post, name) for name in fields}
        current = now.get(post.pk)
        if current is None:
            LivePost.objects.bulk_create([post])
        elif all(current[name] == value for name, value in values.items()):
            continue
        # update() writes every value as given, the post's own updated_at too.
        LivePost.objects.filter(pk=post.pk).update(**values)


class ShownByStoriesAdmin(admin.ModelAdmin):
    """What published stories show (people, sources, pictures): reporters see it read-only,
    with why, and a forged save or delete is refused; see ``workflow.can_change_shown``."""

    change_form_template = "admin/articles/shown_change_form.html"

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and can_change_shown(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and can_change_shown(request.user, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if not can_change_shown(request.user, obj):
            context["shown_notice"] = (
                f"A published story shows this {self.opts.verbose_name}, "
                "so only an editor can change it. Ask an editor for the change."
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


class NameMatchesFirst:
    """Search results, the pickers' too, with matches on the name first: typing
    "Putin" offers Vladimir Putin before his spokesman, whose title names him.

    The changelist still sorts by the column chosen; the pickers keep this order.
    """

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            rank = Case(
                When(name__iexact=term, then=Value(0)),
                When(name__istartswith=term, then=Value(1)),
                # "talks" finds "Geneva talks" before "Stalks".
                When(name__icontains=f" {term}", then=Value(2)),
                When(name__icontains=term, then=Value(3)),
                default=Value(4),
                output_field=models.IntegerField(),
            )
            queryset = queryset.annotate(name_rank=rank).order_by("name_rank", "name", "pk")
        return queryset, may_have_duplicates


@admin.register(Person)
class PersonAdmin(NameMatchesFirst, XmlTextAdminMixin, ShownByStoriesAdmin):
    list_display = ["name", "title", "user"]
    search_fields = ["name", "title", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user", "photo"]
    readonly_fields = ["photo_preview", "written", "appears_in"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    *["name", "slug", "title", "bio", "photo", "photo_preview"],
                    *["aliases", "same_as", "user"],
                ]
            },
        ),
        ("Stories", {"fields": ["written", "appears_in"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        # Whose sign-in a person is decides whose stories are "their own" (can_edit).
        return readonly if can_publish(request.user) else [*readonly, "user"]

    @admin.display(description="Photo as chosen")
    def photo_preview(self, obj):
        return thumbnail(obj.photo if obj and obj.photo_id else None, size=160)

    @admin.display(description="Stories written")
    def written(self, obj):
        return story_admin_links(obj.stories_written.order_by("-published_at", "-created_at"))

    @admin.display(description="Stories they appear in")
    def appears_in(self, obj):
        return story_admin_links(obj.stories_about.order_by("-published_at", "-created_at"))


@admin.register(Source)
class SourceAdmin(NameMatchesFirst, XmlTextAdminMixin, ShownByStoriesAdmin):
    list_display = ["name", "kind", "url", "person"]
    list_filter = ["kind"]
    list_select_related = ["person"]
    search_fields = ["name", "description", "url", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["person"]
    formfield_overrides = URL_FIELDS


# Taggit's own, with the tags picker's ranking: a tag that starts with the typed text first.
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(NameMatchesFirst, TaggitTagAdmin):
    pass


@admin.register(Section)
class SectionAdmin(XmlTextAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)

        class PositionForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                # The list's box has no label of its own: name it after its section.
                name = self.instance.name if self.instance.pk else "new section"
                self.fields["position"].widget.attrs["aria-label"] = f"Position of {name}"

        return PositionForm


class PageAdminForm(forms.ModelForm):
    class Meta:
        model = Page
        fields = ["title", "slug", "kind", "body", "in_footer", "position"]

    def clean_body(self):
        return sanitized_body(self.cleaned_data["body"])


@admin.register(Page)
class PageAdmin(XmlTextAdminMixin, admin.ModelAdmin):
    """The site's own pages (About, Contact, the policies), linked from every page's footer."""

    form = PageAdminForm
    list_display = ["title", "kind", "url", "in_footer", "position", "updated_at"]
    list_filter = ["kind", "in_footer"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "body"]}),
        ("Footer", {"fields": ["in_footer", "position"]}),
    ]

    class Media:
        css = {"all": ["articles/admin/story_form.css"]}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The editor's import map is an inline script: it carries the page's CSP nonce.
        context["media"] = JsMedia.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="address", ordering="slug")
    def url(self, obj):
        address = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', address, address)


class HeldUploadWidget(forms.Widget):
    """An upload kept from the last try: its picture, and a box to keep it (ticked)."""

    template_name = "articles/widgets/held_upload.html"
    filename = ""

    def id_for_label(self, id_):
        return f"{id_}_keep" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ref = urlencode({"ref": value})
        context["preview_url"] = f"{reverse('admin:articles_image_held')}?{ref}"
        context["filename"] = self.filename
        return context


class ImageAdminForm(forms.ModelForm):
    # The signed reference to an upload kept from a try the form refused.
    held_file = forms.CharField(required=False, widget=forms.HiddenInput, label="Chosen file")
    user = None  # set by ImageAdmin.get_form

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "copyright", "focal_x", "focal_y"]
        field_classes = {"file": SafeImageField}
        # Steps of 1%: arrow keys move the point, and a click lands on a step.
        focal = {"step": "0.01", "min": "0", "max": "1", "class": "focal-input"}
        widgets = {
            # Django 6 heads a file box with a legend, not a label: name the box itself.
            "file": AdminFileWidget(attrs={"aria-label": "Picture file"}),
            "caption": forms.Textarea(attrs={"rows": 3}),
            "focal_x": forms.NumberInput(attrs=focal),
            "focal_y": forms.NumberInput(attrs=focal),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.held_name = self.held_error = None
        reference = self.data.get(self.add_prefix("held_file")) if self.is_bound else None
        kept = self.data.get(self.add_prefix("held_file_keep"))
        # A file chosen now wins over the one kept from before.
        if reference and kept and not self.files.get(self.add_prefix("file")):
            try:
                self.held_name, upload = upload_held(reference, self.user)
            except ValidationError as error:
                self.held_error = error
                self.fields["file"].error_messages["required"] = HELD_GONE
            else:
                self.files = self.files.copy()
                self.files[self.add_prefix("file")] = upload

    def clean(self):
        cleaned = super().clean()
        if self.held_error and not self.has_error("file"):
            self.add_error("file", self.held_error)
        upload = cleaned.get("file")
        if upload and "file" in self.changed_data:
            # Wire photos carry caption, credit and copyright: nobody retypes them.
            metadata = read_metadata(upload)
            for field in ("caption", "credit", "copyright"):
                if not cleaned.get(field) and metadata.get(field):
                    cleaned[field] = metadata[field]
            if not cleaned.get("credit") and metadata.get("byline"):
                cleaned["credit"] = metadata["byline"]
        if upload and not cleaned.get("credit"):
            self.add_error(
                "credit",
                "Give the picture’s credit, e.g. “Reuters/Jane Doe” (the file does not name one).",
            )
        return cleaned

    def full_clean(self):
        super().full_clean()
        upload = getattr(self, "cleaned_data", {}).get("file")
        if not self._errors or not isinstance(upload, UploadedFile) or self.user is None:
            return
        # The file passed its checks but the form did not: keep it for the next try, so
        # correcting the alt text does not mean choosing the file again.
        reference = self.data.get(self.add_prefix("held_file")) if self.held_name else None
        if reference is None:
            reference = upload_hold(upload, self.user)
            transaction.on_commit(lambda: run_in_background(clear_held_uploads), robust=True)
        self.data = self.data.copy()
        self.data[self.add_prefix("held_file")] = reference
        self.data[self.add_prefix("held_file_keep")] = "on"
        widget = HeldUploadWidget()
        widget.filename = upload.name
        self.fields["held_file"].widget = widget
        # The kept file stands in for the empty file box.
        self.fields["file"].required = False


@admin.register(Image)
class ImageAdmin(XmlTextAdminMixin, ShownByStoriesAdmin):
    form = ImageAdminForm
    list_display = ["thumbnail_column", "alt_text", "credit", "size", "created_at"]
    list_display_links = ["thumbnail_column", "alt_text"]
    search_fields = ["alt_text", "caption", "credit", "copyright"]
    readonly_fields = ["preview", "used_in"]
    fieldsets = [
        (None, {"fields": ["file", "held_file", "alt_text", "caption", "credit", "copyright"]}),
        (
            "Focal point",
            {
                "fields": ["preview", ("focal_x", "focal_y")],
                "description": "Click the picture on what matters most: every crop keeps it "
                "in (the share card, and the shapes search engines show).",
            },
        ),
        (None, {"fields": ["used_in"]}),
    ]

    class Media:
        css = {"all": ["articles/admin/pictures.css"]}
        js = ["articles/admin/image_form.js"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            # A focal point is set on the picture once it has been uploaded.
            return self.fieldsets[:1]
        return super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("held/", view(self.held_view), name="articles_image_held"),
            path("chooser/", view(self.chooser_view), name="articles_image_chooser"),
            path(
                "<path:object_id>/thumbnail/",
                view(self.thumbnail_view),
                name="articles_image_thumbnail",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.held_name:
            # Stored under its own name now: the kept copy has done its job.
            names = [form.held_name]
            transaction.on_commit(lambda: delete_files(names), robust=True)

    def held_view(self, request):
        """A small JPEG of an upload kept for this user's next try (HeldUploadWidget)."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        try:
            _, upload = upload_held(request.GET.get("ref", ""), request.user)
        except ValidationError as error:
            raise Http404("No such picture is kept for you.") from error
        response = HttpResponse(held_thumbnail(upload), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    def thumbnail_view(self, request, object_id):
        """The picture's admin thumbnail, as JSON, for the story form's chooser."""
        image = self.get_object(request, unquote(object_id))
        if image is None or not self.has_view_permission(request, image):
            raise Http404("No such picture.")
        return JsonResponse(
            {
                "id": image.pk,
                "ready": image.ready,
                "url": image.thumbnail_url(),
                "alt": image.alt_text,
                "html": str(thumbnail(image, size=240)),
            }
        )

    def chooser_view(self, request):
        """The story editor's picture chooser, as JSON: pictures matching ``?q=``
        (newest first, at most 24), or those with the ids in ``?id=`` (repeated)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        images = Image.objects.all()
        ids = [int(value) for value in request.GET.getlist("id") if value.isdigit()][:50]
        if ids:
            images = images.filter(pk__in=ids)
        else:
            images, _ = self.get_search_results(request, images, request.GET.get("q", "")[:200])
        return JsonResponse(
            {
                "results": [
                    {
                        "id": image.pk,
                        "alt": image.alt_text,
                        "caption": image.caption,
                        "credit": image.credit,
                        "thumbnail": image.thumbnail_url() or "",
                        "ready": image.ready,
                    }
                    for image in images.order_by("-created_at", "-pk")[:24]
                ]
            }
        )

    @admin.display(description="Picture")
    def thumbnail_column(self, obj):
        return thumbnail(obj, size=96)

    @admin.display(description="Size")
    def size(self, obj):
        return f"{obj.ratio_width} × {obj.ratio_height}" if obj.ratio_width else "—"

    @admin.display(description="Picture")
    def preview(self, obj):
        if not obj.pk or not obj.ready:
            return thumbnail(obj if obj.pk else None, size=320)
        # image_form.js marks the focal point on it and lets a click move it.
        return format_html(
            '<div class="focal-picker" data-focal-x="{}" data-focal-y="{}">{}'
            '<span class="focal-marker" aria-hidden="true"></span></div>',
            obj.focal_x,
            obj.focal_y,
            thumbnail(obj, size=320),
        )

    @admin.display(description="Used in")
    def used_in(self, obj):
        if not obj.pk:
            return "—"
        stories = story_admin_links(obj.lead_of.order_by("-published_at"), empty="")
        in_posts = LivePost.objects.with_picture_in_body(obj.pk).values("story_id")
        in_body = Story.objects.filter(
            Q(pk__in=Story.objects.with_picture_in_body(obj.pk).values("pk")) | Q(pk__in=in_posts)
        )
        bodies = story_admin_links(
            in_body.defer(*HEAVY_FIELDS).order_by("-published_at", "-pk")[:50], empty=""
        )
        people = format_html_join(
            "",
            '<li><a href="{}">{}</a> <small>(photo)</small></li>',
            (
                (reverse("admin:articles_person_change", args=[p.pk]), p.name)
                for p in obj.portraits.all()
            ),
        )
        if not stories and not bodies and not people:
            return "Not used yet."
        parts = [
            (heading, links)
            for heading, links in [
                ("Lead picture of", stories),
                ("In the body of", bodies),
                ("Photo of", format_html("<ul>{}</ul>", people) if people else ""),
            ]
            if links
        ]
        return format_html_join("", "<p>{}:</p>{}", parts)


class LiveStoryFilter(admin.SimpleListFilter):
    """Posts by story: the stories most recently covered live, and the chosen one."""

    title = "story"
    parameter_name = "story"
    shown = 20

    def lookups(self, request, model_admin):
        covered = Story.objects.filter(live_from__isnull=False).order_by("-live_from", "-pk")
        covered = covered.values_list("pk", "headline")[: self.shown]
        found = [(str(pk), name) for pk, name in covered]
        chosen = self.value()
        if chosen and chosen.isdigit() and chosen not in dict(found):
            found += [
                (str(pk), name)
                for pk, name in Story.objects.filter(pk=chosen).values_list("pk", "headline")
            ]
        return found

    def queryset(self, request, queryset):
        chosen = self.value()
        if not chosen:
            return queryset
        return queryset.filter(story_id=chosen) if chosen.isdigit() else queryset.none()


class LivePostAdminForm(LivePostForm):
    """A post on its own page: no story form to save with it, so no conflict with
    whoever edits the story meanwhile."""

    user = None  # set by LivePostAdmin.get_form

    class Meta(LivePostForm.Meta):
        fields = ["story", *LivePostForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        story = self.fields.get("story")
        if story is not None:
            # Offered: the stories this user may post on now. Taken: any covered live,
            # so a story whose coverage ended meanwhile gets a message that says so.
            covered = Story.objects.filter(live_from__isnull=False)
            offered = covered if self.is_bound else stories_open_for_posts(self.user)
            story.queryset = offered.defer(*HEAVY_FIELDS)
            story.help_text = "A story covered live now, which you may edit."
            # A story added or changed from here would not be covered live yet.
            story.widget.can_add_related = story.widget.can_change_related = False
        if self.instance.pk and not self.instance.story.is_live():
            for field in self.fields.values():
                field.disabled = True

    def clean(self):
        cleaned = super().clean()
        story = cleaned.get("story") if "story" in self.fields else self.instance.story
        if story is None:
            return cleaned
        # The story's row is locked until the post is saved: its coverage cannot end between.
        lock_for_change()
        current = Story.objects.select_for_update(of=("self",)).defer(*HEAVY_FIELDS)
        current = current.get(pk=story.pk)
        if not current.is_live():
            raise ValidationError(coverage_closed_message(current), code="coverage_closed")
        if not can_post(self.user, current):
            raise ValidationError(
                f"Only those who may edit “{current}” may post on it.", code="not_allowed"
            )
        return cleaned


@admin.register(LivePost)
class LivePostAdmin(XmlTextAdminMixin, admin.ModelAdmin):
    """Live posts, each on a page of its own: the quickest way to post while a story
    is covered live. The story's form lists them too."""

    form = LivePostAdminForm
    change_form_template = "admin/articles/livepost/change_form.html"
    list_display = ["published_at", "post", "story", "author", "pinned", "key_event"]
    list_display_links = ["published_at", "post"]
    list_filter = [LiveStoryFilter, "key_event", "pinned"]
    search_fields = ["headline", "body"]
    autocomplete_fields = ["author"]
    fields = ["story", "published_at", "author", "headline", "body", ("pinned", "key_event")]
    show_full_result_count = False

    class Media:
        css = {"all": ["articles/admin/story_form.css"]}

    def get_queryset(self, request):
        posts = super().get_queryset(request).select_related("story", "author")
        return posts.defer("story__body", "story__search_vector")

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        # Once coverage has ended the post opens read-only (LivePostAdminForm).
        return allowed and (obj is None or can_edit(request.user, obj.story))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_post(request.user, obj.story))

    def get_readonly_fields(self, request, obj=None):
        return ["story"] if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        person = Person.objects.filter(user=request.user).first()
        if person is not None:
            initial.setdefault("author", person.pk)
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The editor's import map is an inline script: it carries the page's CSP nonce.
        context["media"] = JsMedia.from_media(context["media"], nonce=request.csp_nonce)
        if obj is not None and not obj.story.is_live():
            context.update(
                closed_notice=coverage_closed_message(obj.story),
                show_save=False,
                show_save_and_continue=False,
                show_save_and_add_another=False,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.story.is_published() else None

    @admin.display(description="Post")
    def post(self, obj):
        return str(obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        done = "changed" if change else "added"
        live_post_recorded(post=obj, user=request.user, message=f"Live post {done}: “{obj}”")

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        live_post_recorded(post=obj, user=request.user, message=f"Live post removed: “{obj}”")

    def delete_queryset(self, request, queryset):
        for post in queryset.select_related("story"):
            if not can_post(request.user, post.story):
                raise PermissionDenied
        for post in queryset:
            self.delete_model(request, post)

    def story_posts_url(self, obj):
        return (
            reverse("admin:articles_livepost_changelist") + "?" + urlencode({"story": obj.story_id})
        )

    def response_post_save_add(self, request, obj):
        return HttpResponseRedirect(self.story_posts_url(obj))

    def response_post_save_change(self, request, obj):
        return HttpResponseRedirect(self.story_posts_url(obj))

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST:
            self.message_user(request, f"Posted “{obj}”. Write the next one.", messages.SUCCESS)
            add = reverse("admin:articles_livepost_add")
            return HttpResponseRedirect(f"{add}?{urlencode({'story': obj.story_id})}")
        return super().response_add(request, obj, post_url_continue)


@admin.register(StoryRedirect)
class StoryRedirectAdmin(XmlTextAdminMixin, admin.ModelAdmin):
    """Old addresses of published stories; made when a slug or date changes."""

    list_display = ["old_path", "story", "created_at"]
    search_fields = ["old_path", "story__headline"]
    raw_id_fields = ["story"]
