"""What a story page shows, read through the ORM in a fixed number of queries.

The story with its section, picture and original publisher (one query), its
bylines, sources, people, topics and corrections (one prefetch each), its
related stories (one query), its live posts with their authors when it is
covered live (one query) and the pictures in its body and posts (one query),
whatever their number.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe

from articles import body
from articles.models import Byline, Citation, LivePost, Person, Story, TaggedStory

# Stories published before and after a story among which its suggestions are
# found: the work per story stays the same at any archive size.
NEIGHBOURS = 250
RELATED_SHOWN = 4
# For a story with fewer neighbours than that on one side.
EARLIEST = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC)


@dataclass
class LiveCoverage:
    """A story's live coverage as readers see it: its posts newest first, the pinned
    ones apart, and the key events."""

    story: Story
    posts: list[LivePost]
    images: dict

    @property
    def is_open(self) -> bool:
        return self.story.is_live()

    @property
    def pinned(self) -> list[LivePost]:
        return [post for post in self.posts if post.pinned]

    @property
    def stream(self) -> list[LivePost]:
        """The posts not pinned, newest first."""
        return [post for post in self.posts if not post.pinned]

    @property
    def key_events(self) -> list[LivePost]:
        return [post for post in self.posts if post.key_event]

    @property
    def updated_at(self) -> datetime.datetime:
        """When readers' view of the story last changed: the story or one of its posts."""
        return max([self.story.updated_at, *(post.updated_at for post in self.posts)])

    @cached_property
    def bodies(self) -> dict[int, SafeString]:
        """Each post's body as readers get it, by post id (as ``StoryPage.body``)."""
        return {post.pk: mark_safe(body.render_body(post.body, self.images)) for post in self.posts}

    def body(self, post: LivePost) -> SafeString:
        return self.bodies[post.pk]

    def summary(self, post: LivePost) -> str:
        return summary(post)

    @property
    def has_embeds(self) -> bool:
        return any(body.has_embeds(post.body) for post in self.posts)

    def keys(self) -> list[str]:
        """The surrogate keys of what the coverage shows (``articles.purge``): its
        story (whose key a post purges), the posts' authors and pictures."""
        keys = [f"story-{self.story.pk}"]
        keys += [f"person-{post.author_id}" for post in self.posts if post.author_id]
        keys += [f"image-{pk}" for pk in sorted(self.images)]
        return keys


def summary(post: LivePost, words: int = 20) -> str:
    """What a post is about in a line: its headline, or the start of its text."""
    if post.headline:
        return post.headline
    text = body.public_text(post.body).split()
    return " ".join(text[:words]) + ("…" if len(text) > words else "")


def live_posts_of(stories: list[Story]) -> None:
    """Fetch the live posts of those of ``stories`` that are covered live, with their
    authors, in one query."""
    covered = [story for story in stories if story.has_live_coverage()]
    if covered:
        posts = LivePost.objects.select_related("author")
        prefetch_related_objects(covered, Prefetch("live_posts", queryset=posts))


def body_images(bodies) -> dict:
    """The library pictures shown in any of ``bodies`` (stories' or posts'), in one query."""
    return body.load_images(set().union(*(body.image_ids(html) for html in bodies)))


@dataclass
class StoryPage:
    story: Story
    related: list[Story]

    @property
    def bylines(self) -> list[Byline]:
        return self.story.bylines.all()

    @property
    def citations(self) -> list[Citation]:
        return self.story.citations.all()

    @property
    def people(self) -> list[Person]:
        return self.story.people.all()

    @property
    def tags(self):
        return [item.tag for item in self.story.tagged_items.all()]

    @property
    def corrections(self):
        return self.story.corrections.all()

    @cached_property
    def posts(self) -> list[LivePost]:
        if not self.story.has_live_coverage():
            return []
        return list(self.story.live_posts.all())

    @cached_property
    def images(self) -> dict:
        """The library pictures of the body and of the live posts, in one query."""
        return body_images([self.story.body, *(post.body for post in self.posts)])

    @cached_property
    def body(self) -> SafeString:
        """The body as readers get it: no editors' notes, the library's pictures drawn
        (one query for all of them), embeds readers load only if they ask."""
        # Sanitised on save, and render_body escapes what it adds.
        return mark_safe(body.render_body(self.story.body, self.images))

    @cached_property
    def live(self) -> LiveCoverage | None:
        """The story's live coverage, if it has been covered live."""
        if not self.story.has_live_coverage():
            return None
        return LiveCoverage(story=self.story, posts=self.posts, images=self.images)

    @property
    def updated_at(self) -> datetime.datetime:
        """When readers' view of the story last changed: the story, its newest
        correction or live post (its Last-Modified and dateModified)."""
        changed = self.live.updated_at if self.live else self.story.updated_at
        return max([changed, *(correction.created_at for correction in self.corrections)])

    def keys(self) -> list[str]:
        """The surrogate keys of what the page shows (``articles.purge``), from what
        it has read: the story and everything of others it names."""
        story = self.story
        keys = [f"story-{story.pk}"]
        if story.section_id:
            keys.append(f"section-{story.section_id}")
        keys += [
            f"image-{pk}" for pk in [story.lead_image_id, *sorted(body.image_ids(story.body))] if pk
        ]
        if story.original_publisher_id:
            keys.append(f"source-{story.original_publisher_id}")
        keys += [f"person-{line.person_id}" for line in self.bylines]
        keys += [f"person-{person.pk}" for person in self.people]
        for citation in self.citations:
            keys.append(f"source-{citation.source_id}")
            if citation.source.person_id:
                keys.append(f"person-{citation.source.person_id}")
        keys += [f"tag-{item.tag_id}" for item in self.story.tagged_items.all()]
        keys += [f"story-{other.pk}" for other in self.related]
        if self.live:
            keys += self.live.keys()
        return keys

    @property
    def has_embeds(self) -> bool:
        return body.has_embeds(self.story.body) or bool(self.live and self.live.has_embeds)


def page_stories():
    """Stories with everything their page shows."""
    return (
        Story.objects.defer("search_vector")
        .select_related("section", "lead_image", "original_publisher")
        .prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("person__photo")),
            Prefetch("citations", queryset=Citation.objects.select_related("source__person")),
            Prefetch("people", queryset=Person.objects.order_by("name", "pk")),
            Prefetch(
                "tagged_items",
                queryset=TaggedStory.objects.select_related("tag").order_by("tag__name", "tag"),
            ),
            "corrections",
        )
    )


def story_page(
    *, slug: str | None = None, day: datetime.date | None = None, pk: int | None = None
) -> StoryPage | None:
    """The public story published on ``day`` (in the site's time zone) at ``slug``,
    or any story by ``pk`` (a preview), with all its page shows; None if there is none."""
    if slug is not None:
        stories = page_stories().published().filter(slug=slug, published_at__date=day)
    else:
        stories = page_stories().filter(pk=pk)
    story = stories.first()
    if story is None:
        return None
    live_posts_of([story])
    return StoryPage(story=story, related=related_stories(story))


# What the live coverage's own address reads of its story: its address, its times.
LIVE_STORY_FIELDS = [
    *["id", "headline", "slug", "status", "published_at", "updated_at"],
    *["live_from", "live_until"],
]


def live_stories(slug: str, day: datetime.date):
    """The public story at ``slug`` published on ``day``, if it is covered live."""
    return Story.objects.published().filter(
        slug=slug, published_at__date=day, live_from__isnull=False
    )


def live_coverage(*, slug: str, day: datetime.date) -> LiveCoverage | None:
    """The live coverage of the public story published on ``day`` at ``slug``, for the
    address open pages poll: the story's few fields, its posts with their authors
    (one query) and their pictures (one query). None if it is not covered live."""
    story = live_stories(slug, day).only(*LIVE_STORY_FIELDS).first()
    if story is None:
        return None
    live_posts_of([story])
    posts = list(story.live_posts.all())
    return LiveCoverage(story=story, posts=posts, images=body_images(p.body for p in posts))


def related_stories(story: Story, limit: int = RELATED_SHOWN) -> list[Story]:
    """The editors' choice, newest first, then suggestions: among the NEIGHBOURS
    public stories published before the story and as many after, those sharing
    most of its people and tags, newest first among equals."""
    when = story.published_at or timezone.now()
    public = Story.objects.published()
    before = public.filter(published_at__lte=when).exclude(pk=story.pk)
    after = public.filter(published_at__gt=when).exclude(pk=story.pk)
    earliest = before.order_by("-published_at", "-pk").values("published_at")[
        NEIGHBOURS - 1 : NEIGHBOURS
    ]
    latest = after.order_by("published_at", "pk").values("published_at")[
        NEIGHBOURS - 1 : NEIGHBOURS
    ]
    chosen = Story.related.through.objects.filter(from_story_id=story.pk)
    moment = DateTimeField()
    around = public.filter(
        published_at__gte=Coalesce(Subquery(earliest), Value(EARLIEST, output_field=moment)),
        published_at__lte=Coalesce(Subquery(latest), Value(LATEST, output_field=moment)),
    )
    tag_ids = [item.tag_id for item in story.tagged_items.all()]
    person_ids = [person.pk for person in story.people.all()]
    shared_tags = (
        TaggedStory.objects.filter(content_object=OuterRef("pk"), tag_id__in=tag_ids)
        .order_by()
        .values("content_object")
        .annotate(count=Count("pk"))
        .values("count")
    )
    shared_people = (
        Story.people.through.objects.filter(story_id=OuterRef("pk"), person_id__in=person_ids)
        .order_by()
        .values("story")
        .annotate(count=Count("pk"))
        .values("count")
    )
    candidates = around.order_by().values("pk").union(chosen.values("to_story_id"))
    return list(
        public.exclude(pk=story.pk)
        .filter(pk__in=candidates)
        .annotate(
            chosen=Exists(chosen.filter(to_story_id=OuterRef("pk"))),
            shared=Coalesce(Subquery(shared_tags), 0) + Coalesce(Subquery(shared_people), 0),
        )
        .filter(Q(chosen=True) | Q(shared__gt=0))
        # The editors' choice in order of publication, whatever it shares.
        .annotate(rank=Case(When(chosen=True, then=Value(0)), default="shared"))
        .order_by("-chosen", "-rank", "-published_at", "-pk")
        .only("pk", "headline", "slug", "story_type", "status", "published_at")[:limit]
    )
