"""The read API (``/api/v1/``), ninjs and the oEmbed provider.

Anonymous callers see what readers see: published stories and what they show.
A partner's key (``syndication.auth``) may also see scheduled stories, with their
embargo time; nobody sees drafts or stories in review here.

Responses carry an ETag and answer conditional requests with 304. Anonymous
ones are public, for as long as the pages (``CACHE_SHARED_MAX_AGE``), and name
what they show in surrogate keys, so the changes that purge pages purge them
too; keyed ones are private. The page cache leaves ``/api/`` alone.
"""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import (
    exceptions,
    generics,
    negotiation,
    pagination,
    renderers,
    serializers,
    views,
    viewsets,
)
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    schema,
)
from rest_framework.response import Response
from taggit.models import Tag

from articles.cache import request_state
from articles.models import (
    Byline,
    Citation,
    Correction,
    Person,
    Section,
    Source,
    Story,
    StoryRedirect,
    TaggedStory,
)
from articles.ninjs import for_ninjs, story_to_ninjs
from articles.purge import add_keys, finish_keys
from articles.purge import story_keys as card_keys
from articles.story_page import body_images, page_stories
from articles.views import publication_day
from articles.workflow import shown_publicly
from newsroom.middleware import PageCacheMiddleware, shared_cache_control
from syndication import serializers as api
from syndication.auth import api_key, may_read_embargoed

NINJS_TYPE = "application/ninjs+json"
# Statuses answered with a copy shared caches may keep; anything else (a 400, a
# 429 counted per caller) is for the caller alone.
SHARED_STATUS = {200, 404, 410}


class NinjsRenderer(renderers.JSONRenderer):
    media_type = NINJS_TYPE
    format = "ninjs"


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        required=False, help_text="For a 400: the message of each parameter refused."
    )


def exception_handler(exc, context):
    """Django REST framework's answers to errors, each with a ``detail``: a refused
    parameter's message there too, and all of them under ``errors``."""
    response = views.exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"": response.data}
        lines = [
            f"{name}: {' '.join(map(str, messages))}" if name else " ".join(map(str, messages))
            for name, messages in errors.items()
        ]
        response.data = {"detail": " ".join(lines), "errors": errors}
    return response


# Errors are JSON whatever was asked for (ninjs has no error document).
ERRORS = {
    (400, "application/json"): OpenApiResponse(
        ErrorSerializer, description="A filter, date or cursor is not valid."
    ),
    (401, "application/json"): OpenApiResponse(
        ErrorSerializer, description="The API key is not valid or revoked."
    ),
    (404, "application/json"): OpenApiResponse(ErrorSerializer, description="Nothing public here."),
    (429, "application/json"): OpenApiResponse(
        ErrorSerializer, description="Over the rate limit: see Retry-After."
    ),
}


def visible_stories(request, stories=None):
    """Of ``stories`` (by default all), those the caller may read: the public ones,
    and the scheduled ones for a key with the embargo right."""
    stories = Story.objects.all() if stories is None else stories
    if may_read_embargoed(request):
        return stories.filter(status=Story.Status.PUBLISHED)
    return stories.published()


def story_keys(story) -> list[str]:
    """The surrogate keys of what a story's representation shows, from what
    ``page_stories()`` has fetched."""
    keys = card_keys([story])
    if story.section_id:
        keys.append(f"section-{story.section_id}")
    keys += [f"person-{person.pk}" for person in story.people.all()]
    keys += [f"source-{citation.source_id}" for citation in story.citations.all()]
    keys += [f"tag-{item.tag_id}" for item in story.tagged_items.all()]
    return keys


class ApiView:
    """A mixin for the API's views: ETags, conditional requests, Cache-Control and
    surrogate keys (see the module's docstring)."""

    # What the response shows, added to as the view reads it.
    keys = ("api",)

    def initial(self, request, *args, **kwargs):
        self.keys = list(self.keys)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(response, "exception", False):
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = "application/json"
        response.render()
        response["Vary"] = "Accept, Authorization, X-Api-Key"
        if response.status_code not in SHARED_STATUS:
            response["Cache-Control"] = "private, no-store"
            return response
        response["ETag"] = f'"{hashlib.md5(response.content).hexdigest()}"'  # noqa: S324
        if api_key(request) is not None:
            # A partner's view may hold embargoed stories: theirs alone, checked each time.
            response["Cache-Control"] = "private, no-cache"
        else:
            add_keys(response, self.keys)
            finish_keys(response)
            response["Cache-Control"] = shared_cache_control(lambda: request_state(request))
        return PageCacheMiddleware.conditional(request, response)


class StoryCursorPagination(pagination.CursorPagination):
    """Newest first, by time of publication, which never changes once a story is
    public; ties are kept apart by the cursor's offset."""

    ordering = "-published_at"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as error:
            raise exceptions.ParseError(
                "The cursor is not valid: follow the `next` and `previous` links as given."
            ) from error


class IdCursorPagination(StoryCursorPagination):
    ordering = "id"


class CorrectionCursorPagination(StoryCursorPagination):
    ordering = "-created_at"


class StoryFilters(serializers.Serializer):
    section = serializers.SlugField(required=False, help_text="A section's slug.")
    tag = serializers.SlugField(required=False, allow_unicode=True, help_text="A tag's slug.")
    person = serializers.SlugField(
        required=False, help_text="A person's slug: stories by or about them."
    )
    source = serializers.SlugField(
        required=False, help_text="A source's slug: stories citing or republished from it."
    )
    updated_since = serializers.DateTimeField(
        required=False,
        help_text="ISO 8601; stories changed (or corrected) at or after this time.",
    )


def listed(request, model, slug: str, label: str):
    """The ``model`` with ``slug`` that the caller's stories show; 400 if none."""
    objects = model.objects.all()
    if model is not Section:
        objects = objects.filter(shown_publicly(model, visible_stories(request)))
    found = objects.filter(slug=slug).first()
    if found is None:
        raise exceptions.ValidationError({label: [f"There is no {label} “{slug}”."]})
    return found


class StoryQueryMixin(ApiView):
    serializer_class = api.StorySerializer

    def get_queryset(self):
        return visible_stories(self.request, page_stories())

    def present(self, stories, **kwargs):
        """``stories`` serialised, with the pictures their bodies show (one query)."""
        stories = list(stories)
        for story in stories:
            self.keys += story_keys(story)
        images = body_images([story.body for story in stories])
        self.keys += [f"image-{pk}" for pk in sorted(images)]
        context = {**self.get_serializer_context(), "images": images}
        return api.StorySerializer(stories, context=context, **kwargs).data


@extend_schema(
    tags=["stories"],
    parameters=[StoryFilters],
    responses={200: api.StorySerializer(many=True), **ERRORS},
)
class StoryList(StoryQueryMixin, generics.ListAPIView):
    """Stories, newest first, in pages of 20 (``page_size`` up to 100)."""

    pagination_class = StoryCursorPagination

    def get_queryset(self):
        filters = StoryFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        given = filters.validated_data
        stories = super().get_queryset()
        self.keys += ["feed", "sitemap", "corrections"]
        if "section" in given:
            section = listed(self.request, Section, given["section"], "section")
            stories = stories.filter(section=section)
            self.keys += [f"list-section-{section.pk}"]
        if "tag" in given:
            tag = listed(self.request, Tag, given["tag"], "tag")
            tagged = TaggedStory.objects.filter(content_object=OuterRef("pk"), tag=tag)
            stories = stories.filter(Exists(tagged))
            self.keys += [f"list-tag-{tag.pk}"]
        if "person" in given:
            person = listed(self.request, Person, given["person"], "person")
            by = Byline.objects.filter(story=OuterRef("pk"), person=person)
            about = Story.people.through.objects.filter(story=OuterRef("pk"), person=person)
            stories = stories.filter(Q(Exists(by)) | Q(Exists(about)))
            self.keys += [f"list-person-{person.pk}"]
        if "source" in given:
            source = listed(self.request, Source, given["source"], "source")
            cited = Citation.objects.filter(story=OuterRef("pk"), source=source)
            stories = stories.filter(Q(Exists(cited)) | Q(original_publisher=source))
            self.keys += [f"list-source-{source.pk}"]
        if "updated_since" in given:
            stories = stories.filter(updated_at__gte=given["updated_since"])
        return stories

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.present(page, many=True))


def withdrawn_notice(story) -> Response:
    return Response(
        {
            "detail": "This story has been withdrawn.",
            "id": story.pk,
            "uri": story.uri,
            "reason": story.withdrawal_reason,
        },
        status=410,
    )


WITHDRAWN = OpenApiResponse(
    inline_serializer(
        "WithdrawnNotice",
        {
            "detail": serializers.CharField(),
            "id": serializers.IntegerField(),
            "uri": serializers.CharField(),
            "reason": serializers.CharField(),
        },
    ),
    description="The story was withdrawn.",
)


class StoryDetailMixin(StoryQueryMixin):
    renderer_classes = [renderers.JSONRenderer, NinjsRenderer]

    def answer(self, request, story):
        """The story, as JSON or as ninjs (``Accept: application/ninjs+json``)."""
        if request.accepted_renderer.format == "ninjs":
            self.keys += story_keys(story)
            return Response(story_to_ninjs(for_ninjs(Story.objects.filter(pk=story.pk)).get()))
        return Response(self.present([story], many=True)[0])

    def withdrawn(self, request, **lookup):
        story = Story.objects.withdrawn().filter(**lookup).first()
        if story is None:
            raise Http404("No such story.")
        self.keys.append(f"story-{story.pk}")
        if request.accepted_renderer.format == "ninjs":
            story = for_ninjs(Story.objects.filter(pk=story.pk)).get()
            return Response(story_to_ninjs(story, pubstatus="withheld"), status=410)
        return withdrawn_notice(story)


@extend_schema(
    tags=["stories"],
    responses={
        (200, "application/json"): api.StorySerializer,
        (200, NINJS_TYPE): OpenApiTypes.OBJECT,
        (410, "application/json"): WITHDRAWN,
        (410, NINJS_TYPE): OpenApiTypes.OBJECT,
        **ERRORS,
    },
)
class StoryDetail(StoryDetailMixin, generics.GenericAPIView):
    """A story by id. With ``Accept: application/ninjs+json``, as IPTC ninjs."""

    def get(self, request, pk):
        story = self.get_queryset().filter(pk=pk).first()
        if story is None:
            return self.withdrawn(request, pk=pk)
        return self.answer(request, story)


class FirstRendererNegotiation(negotiation.BaseContentNegotiation):
    """The view's one format, whatever Accept or ``?format=`` say: the address
    names it (ninjs), or the view reads ``format`` itself (oEmbed)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return (renderers[0], renderers[0].media_type)


@extend_schema(
    tags=["stories"],
    responses={
        (200, NINJS_TYPE): OpenApiTypes.OBJECT,
        (410, NINJS_TYPE): OpenApiTypes.OBJECT,
        **{(code, kind): ERRORS[code, kind] for code, kind in ERRORS if code != 400},
    },
)
class NinjsDetail(StoryDetail):
    """A story by id as IPTC ninjs; a withdrawn one with ``pubstatus: withheld`` (410)."""

    renderer_classes = [NinjsRenderer]
    content_negotiation_class = FirstRendererNegotiation


@extend_schema(
    tags=["stories"],
    parameters=[
        OpenApiParameter(
            "path",
            str,
            required=True,
            description="The story's address on the site, e.g. /2026/12/02/slug/, "
            "or an old one, or the full URL.",
        )
    ],
    responses={
        (200, "application/json"): api.StorySerializer,
        (200, NINJS_TYPE): OpenApiTypes.OBJECT,
        (410, "application/json"): WITHDRAWN,
        (410, NINJS_TYPE): OpenApiTypes.OBJECT,
        **ERRORS,
    },
)
class StoryByPath(StoryDetailMixin, generics.GenericAPIView):
    """A story by its address on the site (old addresses too)."""

    def get(self, request):
        path = request.query_params.get("path", "").strip()
        if not path:
            raise exceptions.ValidationError(
                {"path": ["Give the story's address, e.g. ?path=/2026/12/02/slug/."]}
            )
        story_id = story_at(path)
        if story_id is None:
            raise Http404("No story at this address.")
        story = self.get_queryset().filter(pk=story_id).first()
        if story is None:
            return self.withdrawn(request, pk=story_id)
        return self.answer(request, story)


def story_at(address: str) -> int | None:
    """The id of the story (any status) whose address, current or old, is ``address``
    (a path or a URL); None when nothing is there."""
    path = urlsplit(address).path or "/"
    if not path.endswith("/"):
        path += "/"
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name != "articles:story":
        return None
    kwargs = match.kwargs
    moved = StoryRedirect.objects.filter(old_path=path).values_list("story_id", flat=True).first()
    if moved is not None:
        return moved
    try:
        day = publication_day(kwargs["year"], kwargs["month"], kwargs["day"])
    except Http404:
        return None
    shown = [Story.Status.PUBLISHED, Story.Status.WITHDRAWN]
    return (
        Story.objects.filter(status__in=shown, slug=kwargs["slug"], published_at__date=day)
        .values_list("pk", flat=True)
        .first()
    )


class PublicObjects(ApiView, viewsets.ReadOnlyModelViewSet):
    """People, sources, tags: those a story the caller may read shows (a source
    cited only by a draft stays unknown). Sections are all public."""

    pagination_class = IdCursorPagination
    lookup_value_regex = "[0-9]+"
    key_kind = ""

    def get_queryset(self):
        objects = self.model.objects.order_by("id")
        if self.model is Section:
            return objects
        return objects.filter(shown_publicly(self.model, visible_stories(self.request)))

    def object_keys(self, obj) -> list[str]:
        return [f"{self.key_kind}-{obj.pk}"]

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # A new one appears when a story that shows it is published or edited.
        self.keys += ["feed", "sitemap"]
        for obj in page:
            self.keys += self.object_keys(obj)
        return page

    def get_object(self):
        obj = super().get_object()
        self.keys += self.object_keys(obj)
        return obj


@extend_schema(tags=["people"], responses={200: api.PersonSerializer, **ERRORS})
class PersonViewSet(PublicObjects):
    """People who write or are in the stories."""

    model = Person
    serializer_class = api.PersonSerializer
    key_kind = "person"


@extend_schema(tags=["sources"], responses={200: api.SourceSerializer, **ERRORS})
class SourceViewSet(PublicObjects):
    """Sources cited by the stories, anonymous ones as the stories describe them."""

    model = Source
    serializer_class = api.SourceSerializer
    key_kind = "source"


@extend_schema(tags=["sections"], responses={200: api.SectionSerializer, **ERRORS})
class SectionViewSet(PublicObjects):
    model = Section
    serializer_class = api.SectionSerializer
    key_kind = "section"


@extend_schema(tags=["tags"], responses={200: api.TagSerializer, **ERRORS})
class TagViewSet(PublicObjects):
    model = Tag
    serializer_class = api.TagSerializer
    key_kind = "tag"


@extend_schema(tags=["corrections"], responses={200: api.StoryCorrectionSerializer, **ERRORS})
class CorrectionViewSet(PublicObjects):
    """Corrections to the stories, newest first; a withdrawn story's stay listed."""

    model = Correction
    serializer_class = api.StoryCorrectionSerializer
    pagination_class = CorrectionCursorPagination

    def get_queryset(self):
        shown = visible_stories(self.request) | Story.objects.withdrawn()
        return Correction.objects.filter(story__in=shown).select_related("story")

    def object_keys(self, correction) -> list[str]:
        return [f"story-{correction.story_id}", "corrections"]


class OEmbedQuery(serializers.Serializer):
    url = serializers.CharField(max_length=2000, help_text="A story's address on this site.")
    format = serializers.CharField(required=False, default="json", help_text="json only.")
    maxwidth = serializers.IntegerField(required=False, min_value=1)
    maxheight = serializers.IntegerField(required=False, min_value=1)


class OEmbedSerializer(serializers.Serializer):
    version = serializers.CharField()
    type = serializers.CharField()
    title = serializers.CharField()
    author_name = serializers.CharField(required=False)
    author_url = serializers.URLField(required=False)
    provider_name = serializers.CharField()
    provider_url = serializers.URLField()
    cache_age = serializers.IntegerField()
    thumbnail_url = serializers.URLField(required=False)
    thumbnail_width = serializers.IntegerField(required=False)
    thumbnail_height = serializers.IntegerField(required=False)


@extend_schema(
    tags=["oembed"],
    parameters=[OEmbedQuery],
    responses={
        200: OEmbedSerializer,
        (501, "application/json"): OpenApiResponse(
            ErrorSerializer, description="Only JSON is given."
        ),
        **ERRORS,
    },
)
class OEmbed(StoryQueryMixin, generics.GenericAPIView):
    """oEmbed 1.0 for a story's address: what other sites and chat apps show of it.

    A ``link``: the site forbids framing its pages, so there is no ``rich`` HTML
    to embed; consumers show the title, byline and thumbnail with the link.
    """

    serializer_class = OEmbedSerializer
    renderer_classes = [renderers.JSONRenderer]
    content_negotiation_class = FirstRendererNegotiation

    def get(self, request):
        query = OEmbedQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        given = query.validated_data
        if given["format"] != "json":
            raise NotImplementedFormat()
        address = urlsplit(given["url"])
        ours = {request.get_host().lower(), urlsplit(settings.SITE_URL).netloc.lower()}
        if address.scheme not in ("http", "https") or address.netloc.lower() not in ours:
            raise Http404("Not an address on this site.")
        story_id = story_at(address.path)
        # Only what readers see: the caller's key changes nothing here.
        story = page_stories().published().filter(pk=story_id).first() if story_id else None
        if story is None:
            raise Http404("No public story at this address.")
        self.keys += story_keys(story)
        absolute = request.build_absolute_uri
        answer = {
            "version": "1.0",
            "type": "link",
            "title": story.headline,
            "provider_name": settings.SITE_NAME,
            "provider_url": absolute("/"),
            "cache_age": settings.OEMBED_CACHE_AGE,
        }
        bylines = list(story.bylines.all())
        if bylines:
            answer["author_name"] = ", ".join(line.person.name for line in bylines)
            answer["author_url"] = absolute(bylines[0].person.get_absolute_url())
        thumbnail = fitting_rendition(
            story.lead_image, given.get("maxwidth"), given.get("maxheight")
        )
        if thumbnail:
            width, height, url = thumbnail
            answer.update(thumbnail_url=absolute(url), thumbnail_width=width)
            answer["thumbnail_height"] = height
        return Response(answer)


class NotImplementedFormat(exceptions.APIException):
    status_code = 501
    default_detail = "Only format=json is available."
    default_code = "not_implemented"


def fitting_rendition(image, maxwidth: int | None, maxheight: int | None):
    """The largest JPEG rendition of ``image`` within the bounds, as (width, height,
    url); None when there is no picture or none fits."""
    if image is None:
        return None
    fitting = [
        (width, height, url)
        for width, height, url in image.sources("jpeg")
        if (maxwidth is None or width <= maxwidth) and (maxheight is None or height <= maxheight)
    ]
    return max(fitting, default=None)


@api_view(["GET", "HEAD"])
@authentication_classes([])
@permission_classes([])
@schema(None)
def not_found(request):
    """Any address under /api/ that names nothing; one missing its final slash is
    redirected, as CommonMiddleware would if this view did not match everything."""
    if not request.path.endswith("/"):
        try:
            named = resolve(f"{request.path}/").url_name is not None
        except Resolver404:
            named = False
        if named:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                f"{request.path}/" + (f"?{query}" if query else "")
            )
    raise Http404("Nothing here: see /api/v1/docs/.")
