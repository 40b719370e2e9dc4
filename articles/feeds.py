"""RSS 2.0 and Atom feeds of published stories: the latest, one per listing, and
the posts of a story covered live.

Entries carry every byline, the tags as categories, the standfirst as summary,
the sanitised body (up to FEED_ITEM_MAX_BYTES), the lead image as an enclosure,
and publication and update times.

Every text is escaped once, by the feed generator's XML writer. Titles are plain
text in both formats (Atom says so; RSS readers such as Feedly show an escaped
title's entities). What the formats read as HTML (RSS's descriptions, Atom's
summary) gets the plain text made into HTML first, by ``escape()``.
"""

import copy
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, format_html

from articles import body, views
from articles.models import HEAVY_FIELDS, Byline, LivePost, Story
from articles.purge import add_keys, story_keys
from articles.story_page import body_images, live_stories, summary
from articles.text import xml_safe

# Full text makes each entry large; 20 is more than WordPress (10) or Ghost (15) give.
FEED_LENGTH = 20
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
# A body larger than this is not carried whole: the entry gives the standfirst and a
# link instead. 20 entries stay under about 2 MB for readers that poll every few
# minutes, and a cut-off body would pass part of a story off as the whole of it.
FEED_ITEM_MAX_BYTES = 100_000


class XmlSafeFeed:
    """A feed generator that drops the characters XML cannot carry from every text
    it is given: rows saved before the admin cleaned them, or by ``update()``, must
    not stop the feed (Django refuses to write them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*xml_safe(args), **xml_safe(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*xml_safe(args), **xml_safe(kwargs))


class StoryRss(XmlSafeFeed, Rss201rev2Feed):
    """RSS 2.0 with one dc:creator per byline and the body in content:encoded."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC_NS, "xmlns:content": CONTENT_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("content:encoded", item["content"])


class StoryAtom(XmlSafeFeed, Atom1Feed):
    """Atom with one author per byline and the body as HTML content."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if url:
                handler.addQuickElement("uri", url)
            handler.endElement("author")
        handler.addQuickElement("content", item["content"], {"type": "html"})


@dataclass
class Listing:
    """What a listing feed is about, and its stories."""

    object: object
    stories: QuerySet


class LatestStoriesFeed(Feed):
    """The latest published stories, at /feed/."""

    feed_type = StoryRss
    request = None

    def __call__(self, request, *args, **kwargs):
        # Item methods need the request for absolute addresses. URLconfs share one
        # instance between threads, so each request gets its own copy.
        feed = copy.copy(self)
        feed.request = request
        feed.keys = list(self.listing_keys)
        response = Feed.__call__(feed, request, *args, **kwargs)
        add_keys(response, feed.keys)
        return response

    # What the feed shows besides its entries (``articles.purge``).
    listing_keys = ("feed",)

    def shown(self, stories: list[Story]) -> list[Story]:
        """``stories``, noted as shown by this feed's response."""
        self.keys += story_keys(stories)
        self.keys += [f"tag-{tag.pk}" for story in stories for tag in story.tags.all()]
        return stories

    def title(self, obj=None):
        return settings.SITE_NAME

    def about(self, obj=None) -> str:
        """What the feed is, in plain text."""
        return f"The latest stories from {settings.SITE_NAME}."

    def description(self, obj=None):
        # RSS readers take a channel's description as HTML.
        return escape(self.about(obj))

    def link(self):
        return "/"

    def author_name(self):
        return settings.SITE_NAME

    def items(self):
        return self.shown(with_bodies(with_feed_data(Story.objects.published()), self.request))

    def item_title(self, story):
        # Django's default escapes the title once more than the XML writer does.
        return story.headline

    def item_description(self, story):
        # Both formats read the summary as HTML; the standfirst is plain text.
        return escape(story.seo_description or story.dek)

    def item_content(self, story) -> str:
        """The body as HTML, or the standfirst and a link when the body is too large."""
        if len(story.feed_body.encode()) <= FEED_ITEM_MAX_BYTES:
            return story.feed_body
        return format_html(
            '<p>{}</p><p><a href="{}">Read the whole story</a></p>',
            story.seo_description or story.dek,
            self.request.build_absolute_uri(story.get_absolute_url()),
        )

    def item_pubdate(self, story):
        return story.published_at

    def item_updateddate(self, story):
        # A story covered live is updated by each of its posts.
        return max(filter(None, [story.updated_at, story.last_post_at]))

    def item_categories(self, story):
        return [tag.name for tag in story.tags.all()]

    def item_enclosures(self, story):
        # A rendition, never the original: renditions carry no camera or location data.
        image = story.lead_image
        enclosure = image.renditions.get("enclosure") if image else None
        if not enclosure:
            return []
        name, length = enclosure
        url = self.request.build_absolute_uri(image.file.storage.url(name))
        return [Enclosure(url, str(length), "image/jpeg")]

    def item_extra_kwargs(self, story):
        authors = [
            (byline.person.name, self.request.build_absolute_uri(byline.person.get_absolute_url()))
            for byline in story.bylines.all()
        ]
        if not authors and story.original_publisher:
            authors = [(story.original_publisher.name, None)]
        return {"authors": authors, "content": self.item_content(story)}


class LatestStoriesAtomFeed(LatestStoriesFeed):
    """The latest published stories as Atom, at /feed/atom/."""

    feed_type = StoryAtom

    def subtitle(self, obj=None):
        # Atom's subtitle is text.
        return self.about(obj)


class ListingFeed(LatestStoriesFeed):
    """The stories of one listing page, at ``<listing>/feed/``.

    Subclasses name the listing's view; the feed shows what its first page shows.
    """

    listing_view = None

    def get_object(self, request, slug):
        view = self.listing_view()
        view.setup(request, slug=slug)
        view.get_queryset()  # 404 for an unknown slug
        self.keys = list(view.listing_keys)
        return Listing(view.object, view.stories())

    def title(self, listing):
        return f"{listing.object} · {settings.SITE_NAME}"

    def about(self, listing):
        return f"The latest stories from {settings.SITE_NAME}: {listing.object}."

    def link(self):
        return self.request.path.removesuffix("feed/")

    def items(self, listing):
        return self.shown(with_bodies(with_feed_data(listing.stories), self.request))


def with_feed_data(stories):
    """The newest FEED_LENGTH stories with what an entry shows: the whole body, the
    bylines' names, the picture and the tags, in a fixed number of queries."""
    bylines = Byline.objects.select_related("person").only(
        "story_id", "person_id", "order", "role", "person__name", "person__slug"
    )
    stories = stories.select_related("original_publisher", "lead_image").defer("search_vector")
    latest_post = LivePost.objects.filter(story=OuterRef("pk")).order_by("-published_at")
    stories = stories.annotate(last_post_at=Subquery(latest_post.values("published_at")[:1]))
    return stories.prefetch_related(Prefetch("bylines", queryset=bylines), "tags")[:FEED_LENGTH]


def with_bodies(stories, request) -> list[Story]:
    """The stories, each with its body as feeds carry it (``feed_body``: no editors'
    notes, pictures as plain images, embeds as links), all their pictures read in
    one query."""
    stories = list(stories)
    images = body.load_images(set().union(*(body.image_ids(story.body) for story in stories)))
    for story in stories:
        story.feed_body = body.render_body(
            story.body, images, for_feed=True, absolute=request.build_absolute_uri
        )
    return stories


class SectionFeed(ListingFeed):
    listing_view = views.SectionDetailView


class TagFeed(ListingFeed):
    listing_view = views.TagDetailView


class PersonFeed(ListingFeed):
    listing_view = views.PersonDetailView


class SourceFeed(ListingFeed):
    listing_view = views.SourceDetailView


class LiveStoryFeed(Feed):
    """The posts of a public story covered live, newest first, as Atom, at
    /<yyyy>/<mm>/<dd>/<slug>/live/feed/: one entry per post, linked to its place
    on the story's page."""

    feed_type = StoryAtom
    request = None
    # A day's coverage, about; posts are short.
    length = 50

    def __call__(self, request, *args, **kwargs):
        feed = copy.copy(self)
        feed.request = request
        feed.keys = []
        response = Feed.__call__(feed, request, *args, **kwargs)
        add_keys(response, feed.keys)
        return response

    def get_object(self, request, year, month, day, slug):
        published_on = views.publication_day(year, month, day)
        story = live_stories(slug, published_on).defer(*HEAVY_FIELDS).first()
        if story is None:
            raise Http404("No live coverage here.")
        self.keys.append(f"story-{story.pk}")
        return story

    def title(self, story):
        return f"Live: {story.headline} · {settings.SITE_NAME}"

    def subtitle(self, story):
        return f"Every update of {settings.SITE_NAME}’s live coverage, newest first."

    def link(self, story):
        return story.get_absolute_url()

    def author_name(self):
        return settings.SITE_NAME

    def items(self, story):
        posts = list(LivePost.objects.filter(story=story).select_related("author")[: self.length])
        images = body_images(post.body for post in posts)
        absolute = self.request.build_absolute_uri
        self.keys += [f"person-{post.author_id}" for post in posts]
        for post in posts:
            post.story = story
            post.feed_body = body.render_body(post.body, images, for_feed=True, absolute=absolute)
        return posts

    def item_title(self, post):
        return summary(post)

    def item_description(self, post):
        return None

    def item_link(self, post):
        return post.get_absolute_url()

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_extra_kwargs(self, post):
        person = post.author
        url = self.request.build_absolute_uri(person.get_absolute_url())
        return {"authors": [(person.name, url)], "content": post.feed_body}
