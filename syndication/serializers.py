"""What the API gives of each object. Every serializer reads only what
``syndication.views`` has fetched with it: no query of its own."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from taggit.models import Tag

from articles.models import Byline, Citation, Correction, Image, Person, Section, Source, Story


def page_path(obj) -> str | None:
    if isinstance(obj, Tag):
        return reverse("articles:tag", kwargs={"slug": obj.slug})
    return obj.get_absolute_url()


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class PageUrlField(serializers.Field):
    """The object's page for readers, as an absolute URL; null when it has none."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        path = page_path(value)
        return self.context["request"].build_absolute_uri(path) if path else None


class SectionSerializer(serializers.ModelSerializer):
    url = PageUrlField()

    class Meta:
        model = Section
        fields = ["id", "name", "slug", "description", "url"]


class PersonSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    same_as = serializers.ListField(
        child=serializers.URLField(), source="same_as_urls", read_only=True
    )

    class Meta:
        model = Person
        fields = ["id", "name", "slug", "title", "bio", "same_as", "url"]


class SourceSerializer(serializers.ModelSerializer):
    """A source as the story page shows it: an anonymous one by its description."""

    url = PageUrlField()
    anonymous = serializers.BooleanField(source="is_anonymous", read_only=True)
    website = serializers.CharField(source="url", read_only=True)
    person = serializers.PrimaryKeyRelatedField(source="person_id", read_only=True)

    class Meta:
        model = Source
        fields = ["id", "name", "slug", "kind", "anonymous", "description", "website", "person"]
        fields += ["url"]

    def to_representation(self, source):
        data = super().to_representation(source)
        if source.is_anonymous():
            # Described as the story does, and nothing that would name them.
            data.update(website="", person=None)
        return data


class TagSerializer(serializers.ModelSerializer):
    url = PageUrlField()

    class Meta:
        model = Tag
        fields = ["id", "name", "slug", "url"]


class BylineSerializer(serializers.ModelSerializer):
    person = PersonSerializer()

    class Meta:
        model = Byline
        fields = ["person", "role"]


class CitationSerializer(serializers.ModelSerializer):
    source = SourceSerializer()

    class Meta:
        model = Citation
        fields = ["source", "detail"]


class RenditionSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    type = serializers.CharField(help_text="image/jpeg or image/webp")


class ImageSerializer(serializers.ModelSerializer):
    alt = serializers.CharField(source="alt_text")
    renditions = serializers.SerializerMethodField()

    class Meta:
        model = Image
        fields = ["id", "alt", "caption", "credit", "copyright", "width", "height", "renditions"]

    @extend_schema_field(RenditionSerializer(many=True))
    def get_renditions(self, image):
        """Each resized copy, smallest first; empty while they are being made."""
        absolute = self.context["request"].build_absolute_uri
        return [
            {"url": absolute(url), "width": width, "height": height, "type": f"image/{kind}"}
            for kind in ("jpeg", "webp")
            for width, height, url in image.sources(kind)
        ]


class CorrectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Correction
        fields = ["id", "created_at", "text"]


class StoryCorrectionSerializer(CorrectionSerializer):
    """A correction with the story it corrects, for the corrections' own list."""

    story = serializers.SerializerMethodField()

    class Meta(CorrectionSerializer.Meta):
        fields = [*CorrectionSerializer.Meta.fields, "story"]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "uri": {"type": "string"},
                "headline": {"type": "string"},
                "url": {"type": "string", "format": "uri", "nullable": True},
                "api_url": {"type": "string", "format": "uri"},
            },
            "required": ["id", "uri", "headline", "url", "api_url"],
        }
    )
    def get_story(self, correction):
        story = correction.story
        absolute = self.context["request"].build_absolute_uri
        path = story.get_absolute_url()
        return {
            "id": story.pk,
            "uri": story.uri,
            "headline": story.headline,
            "url": absolute(path) if path else None,
            "api_url": absolute(reverse("syndication:story", kwargs={"pk": story.pk})),
        }


class StorySerializer(serializers.ModelSerializer):
    url = PageUrlField()
    type = serializers.CharField(source="story_type")
    body = serializers.SerializerMethodField()
    section = SectionSerializer(allow_null=True)
    bylines = BylineSerializer(many=True)
    people = PersonSerializer(many=True)
    sources = CitationSerializer(many=True, source="citations")
    tags = serializers.SerializerMethodField()
    lead_image = ImageSerializer(allow_null=True)
    corrections = CorrectionSerializer(many=True)
    original_publisher = SourceSerializer(allow_null=True)
    embargoed = serializers.SerializerMethodField()

    class Meta:
        model = Story
        fields = [
            *["id", "uri", "url", "headline", "kicker", "dek", "body", "type", "section"],
            *["bylines", "people", "sources", "tags", "lead_image", "published_at"],
            *["updated_at", "embargoed", "corrections", "canonical_url", "original_publisher"],
        ]

    def get_body(self, story) -> str:
        """The body as readers get it: editors' notes left out, pictures and embeds
        as links with absolute addresses (as in the feeds)."""
        from articles.body import render_body

        request = self.context["request"]
        images = self.context.get("images", {})
        return render_body(story.body, images, for_feed=True, absolute=request.build_absolute_uri)

    @extend_schema_field(TagSerializer(many=True))
    def get_tags(self, story):
        tags = [item.tag for item in story.tagged_items.all()]
        return TagSerializer(tags, many=True, context=self.context).data

    @extend_schema_field(
        serializers.DateTimeField(
            allow_null=True,
            help_text="For keys that may read embargoed stories: when a scheduled story "
            "may be published. Null once it is public.",
        )
    )
    def get_embargoed(self, story):
        if story.published_at and story.published_at > timezone.now():
            return serializers.DateTimeField().to_representation(story.published_at)
        return None
