"""RSS 2.0 and Atom feeds of published stories: the latest, one per listing, and
the posts of a story covered live.

Entries carry every byline, the tags as categories, the standfirst as summary,
the sanitised body (up to FEED_ITEM_MAX_BYTES), the lead image as an enclosure
and as Media RSS (with its credit and copyright), the original publisher of a
republished story, and publication and update times. Ids are tag: URIs that
never change (``Story.uri``), not addresses. Feeds carry the site's logo and
rights, and the WebSub hub when one is configured (``newsroom.frontcache``
pings it when a feed changes).

Every text is escaped once, by the feed generator's XML writer. Titles are plain
text in both formats (Atom says so; RSS readers such as Feedly show an escaped
title's entities). What the formats read as HTML (RSS's descriptions, Atom's
summary) gets the plain text made into HTML first, by ``escape()``.
"""

import copy
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, format_html

from articles import body, purge_paths, views
from articles.models import HEAVY_FIELDS, Byline, Correction, Image, LivePost, Story
from articles.purge import add_keys, story_keys
from articles.story_page import body_images, live_stories, summary
from articles.text import xml_safe

# Full text makes each entry large; 20 is more than WordPress (10) or Ghost (15) give.
FEED_LENGTH = 20
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
# The date in feeds' own tag: URIs (tag:<URI_AUTHORITY>,2026:feed): the year they
# were first given. A tag URI's date never changes, or the id would.
FEED_URI_YEAR = "2026"
# What readers' apps show beside a feed: the wide logo (Atom's 2:1 logo, RSS's
# image) and the square icon.
FEED_LOGO = "img/logo.png"
FEED_ICON = "img/favicon.svg"
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


@dataclass
class Media:
    """A picture as Media RSS gives it: a rendition, a thumbnail and their rights."""

    url: str
    width: int
    height: int
    size: int | None
    thumbnail: tuple[str, int, int]
    description: str
    credit: str
    copyright: str


def add_media(handler, media: Media | None) -> None:
    """``media:content`` with its thumbnail, description, credit and copyright
    (Media RSS 1.5), the same in RSS items and Atom entries."""
    if media is None:
        return
    attributes = {
        "url": media.url,
        "medium": "image",
        "type": "image/jpeg",
        "width": str(media.width),
        "height": str(media.height),
    }
    if media.size is not None:
        attributes["fileSize"] = str(media.size)
    handler.startElement("media:content", attributes)
    url, width, height = media.thumbnail
    handler.addQuickElement(
        "media:thumbnail", None, {"url": url, "width": str(width), "height": str(height)}
    )
    handler.addQuickElement("media:description", media.description, {"type": "plain"})
    if media.credit:
        handler.addQuickElement("media:credit", media.credit)
    if media.copyright:
        handler.addQuickElement("media:copyright", media.copyright)
    handler.endElement("media:content")


class StoryRss(XmlSafeFeed, Rss201rev2Feed):
    """RSS 2.0 with one dc:creator per byline, the body in content:encoded, Media
    RSS, the original publisher as <source>, the logo as <image>, the hub."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:dc": DC_NS,
            "xmlns:content": CONTENT_NS,
            "xmlns:media": MEDIA_NS,
        }

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("hub"):
            handler.addQuickElement("atom:link", None, {"rel": "hub", "href": self.feed["hub"]})
        if self.feed.get("logo"):
            # RSS wants the channel's own title and link on its image.
            handler.startElement("image", {})
            handler.addQuickElement("url", self.feed["logo"])
            handler.addQuickElement("title", self.feed["title"])
            handler.addQuickElement("link", self.feed["link"])
            handler.endElement("image")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("content:encoded", item["content"])
        if item.get("source"):
            name, url = item["source"]
            handler.addQuickElement("source", name, {"url": url})
        add_media(handler, item.get("media"))


class StoryAtom(XmlSafeFeed, Atom1Feed):
    """Atom with one author per byline, the body as HTML content, Media RSS, the
    original publisher's story as a ``via`` link, the logo, icon and hub."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("hub"):
            handler.addQuickElement("link", "", {"rel": "hub", "href": self.feed["hub"]})
        if self.feed.get("icon"):
            handler.addQuickElement("icon", self.feed["icon"])
        if self.feed.get("logo"):
            handler.addQuickElement("logo", self.feed["logo"])

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if url:
                handler.addQuickElement("uri", url)
            handler.endElement("author")
        handler.addQuickElement("content", item["content"], {"type": "html"})
        if item.get("source"):
            name, url = item["source"]
            handler.addQuickElement("link", "", {"rel": "via", "href": url, "title": name})
        add_media(handler, item.get("media"))


def feed_uri(name: str) -> str:
    """A feed's id for life (``tag:example.com,2026:feed``): it survives new addresses."""
    return f"tag:{settings.URI_AUTHORITY},{FEED_URI_YEAR}:{name}"


def feed_rights() -> str:
    """FEED_RIGHTS, or "© <this year> <SITE_NAME>"."""
    return settings.FEED_RIGHTS or f"© {timezone.now().year} {settings.SITE_NAME}"


class SiteFeed(Feed):
    """What every feed of the site carries: rights, logo and icon, the WebSub hub
    and its own address, a stable id; each request on its own copy."""

    request = None
    # What the feed shows besides its entries (``articles.purge``).
    listing_keys: tuple[str, ...] = ()

    def __call__(self, request, *args, **kwargs):
        # Item methods need the request for absolute addresses. URLconfs share one
        # instance between threads, so each request gets its own copy.
        feed = copy.copy(self)
        feed.request = request
        feed.keys = list(self.listing_keys)
        response = Feed.__call__(feed, request, *args, **kwargs)
        add_keys(response, feed.keys)
        return response

    def feed_copyright(self):
        return feed_rights()

    def feed_url(self):
        # The address the hub is told of (SITE_URL's) must be the one subscribers
        # know the feed by; without a hub, the address it was asked at.
        if settings.WEBSUB_HUB_URL:
            return f"{settings.SITE_URL}{self.request.path}"
        return None

    def feed_extra_kwargs(self, obj):
        absolute = self.request.build_absolute_uri
        return {
            "hub": settings.WEBSUB_HUB_URL or None,
            "logo": absolute(static(FEED_LOGO)),
            "icon": absolute(static(FEED_ICON)),
        }


@dataclass
class Listing:
    """What a listing feed is about, and its stories."""

    object: object
    stories: QuerySet


class LatestStoriesFeed(SiteFeed):
    """The latest published stories, at /feed/."""

    feed_type = StoryRss
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

    def feed_guid(self, obj=None):
        # The same in RSS and Atom: one feed of stories.
        return feed_uri("stories")

    def author_name(self):
        return settings.SITE_NAME

    def items(self):
        return self.shown(with_bodies(with_feed_data(Story.objects.published()), self.request))

    def item_guid(self, story):
        return story.uri

    item_guid_is_permalink = False

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

    def item_media(self, story) -> Media | None:
        """The lead picture as Media RSS: the enclosure's rendition, the smallest as
        thumbnail, with what the picture shows, its credit and copyright."""
        image = story.lead_image
        if image is None or not image.ready:
            return None
        return image_media(image, self.request.build_absolute_uri)

    def item_source(self, story) -> tuple[str, str] | None:
        """A republished story's original publisher: its name, and the original
        story's address (else the publisher's)."""
        publisher = story.original_publisher
        if publisher is None:
            return None
        url = story.canonical_url or publisher.url
        return (publisher.name, url) if url else None

    def item_extra_kwargs(self, story):
        authors = [
            (byline.person.name, self.request.build_absolute_uri(byline.person.get_absolute_url()))
            for byline in story.bylines.all()
        ]
        if not authors and story.original_publisher:
            authors = [(story.original_publisher.name, None)]
        return {
            "authors": authors,
            "content": self.item_content(story),
            "media": self.item_media(story),
            "source": self.item_source(story),
        }


def image_media(image: Image, absolute) -> Media | None:
    storage = image.file.storage
    jpegs = image.renditions.get("jpeg") or []
    enclosure = image.renditions.get("enclosure")
    if not jpegs:
        return None
    # The enclosure's rendition (about 1,280 wide), with its size; the smallest as thumbnail.
    chosen = [entry for entry in jpegs if enclosure and entry[2] == enclosure[0]]
    width, height, name = chosen[0] if chosen else jpegs[-1]
    small_width, small_height, small_name = min(jpegs, key=lambda entry: entry[0])
    return Media(
        url=absolute(storage.url(name)),
        width=width,
        height=height,
        size=enclosure[1] if chosen else None,
        thumbnail=(absolute(storage.url(small_name)), small_width, small_height),
        description=image.alt_text,
        credit=image.credit,
        copyright=image.copyright,
    )


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

    def feed_guid(self, listing):
        # By the object's id: a renamed tag keeps its feed.
        return feed_uri(f"{type(listing.object).__name__.lower()}-{listing.object.pk}")

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


class LiveStoryFeed(SiteFeed):
    """The posts of a public story covered live, newest first, as Atom, at
    /<yyyy>/<mm>/<dd>/<slug>/live/feed/: one entry per post, linked to its place
    on the story's page."""

    feed_type = StoryAtom
    # A day's coverage, about; posts are short.
    length = 50

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

    def feed_guid(self, story):
        return live_uri(story)

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

    def item_guid(self, post):
        return f"{live_uri(post.story)}/post-{post.pk}"

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_extra_kwargs(self, post):
        person = post.author
        url = self.request.build_absolute_uri(person.get_absolute_url())
        return {"authors": [(person.name, url)], "content": post.feed_body}


def live_uri(story: Story) -> str:
    """The id of a story's live coverage; its posts' ids begin with it."""
    return f"{story.uri}/live"


class CorrectionsFeed(SiteFeed):
    """Corrections to public stories, newest first, at /corrections/feed/: one item
    per correction, linked to its story, with an id of its own."""

    feed_type = StoryRss
    listing_keys = ("corrections",)

    def title(self):
        return f"Corrections · {settings.SITE_NAME}"

    def about(self) -> str:
        return f"Every correction {settings.SITE_NAME} makes to its stories, newest first."

    def description(self):
        return escape(self.about())

    def link(self):
        return reverse("articles:corrections")

    def feed_guid(self):
        return feed_uri("corrections")

    def author_name(self):
        return settings.SITE_NAME

    def items(self):
        corrections = list(
            Correction.objects.filter(story__in=Story.objects.published())
            .select_related("story")
            .defer(*(f"story__{field}" for field in HEAVY_FIELDS))[:FEED_LENGTH]
        )
        self.keys += [f"story-{correction.story_id}" for correction in corrections]
        return corrections

    def item_title(self, correction):
        return f"Correction: {correction.story.headline}"

    def item_description(self, correction):
        return escape(correction.text)

    def item_link(self, correction):
        return correction.story.get_absolute_url()

    def item_guid(self, correction):
        return f"{correction.story.uri}/correction-{correction.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, correction):
        return correction.created_at

    def item_updateddate(self, correction):
        return correction.created_at

    def item_extra_kwargs(self, correction):
        return {"authors": [], "content": format_html("<p>{}</p>", correction.text)}


class CorrectionsAtomFeed(CorrectionsFeed):
    """The corrections as Atom, at /corrections/feed/atom/."""

    feed_type = StoryAtom

    def subtitle(self):
        return self.about()


# --- Which feeds a change touches (for the WebSub hub) ---------------------------

SITE_FEEDS = ("articles:feed", "articles:feed-atom")
CORRECTIONS_FEEDS = ("articles:corrections-feed", "articles:corrections-feed-atom")


def feed_paths_for_keys(keys: Iterable[str]) -> list[str]:
    """The paths of the feeds showing what surrogate keys name
    (``settings.WEBSUB_FEED_PATHS``).

    ``feed`` and ``corrections`` are the site's and the corrections' feeds;
    ``list-<kind>-<id>`` that listing's feed; ``story-<id>`` every feed it is (or
    was) in: the site's, its section's, tags', people's and sources', its live
    coverage's and the corrections'; a tag, person, source or picture the feeds
    of the stories showing it. ``all`` (a restore) and more stories than
    ``MAX_STORIES`` are the site's and the corrections' feeds.
    """
    paths: set[str] = set()
    story_ids: set[int] = set()
    try:
        for key in set(keys):
            if key in {"feed", "all"}:
                paths.update(reverse(name) for name in SITE_FEEDS)
            if key in {"corrections", "all"}:
                paths.update(reverse(name) for name in CORRECTIONS_FEEDS)
            match = purge_paths.KEY.fullmatch(key)
            if match is None:
                continue
            listing, kind, pk = match[1], match[2], int(match[3])
            if kind == "story" and not listing:
                story_ids.add(pk)
            elif kind in purge_paths.LISTED:
                paths.update(listing_feed_paths(kind, [pk]))
                if kind != "section" and not listing:
                    story_ids.update(purge_paths.shown_by(kind, pk)[1])
            elif kind == "image":
                story_ids.update(purge_paths.shown_by(kind, pk)[1])
            if len(story_ids) > purge_paths.MAX_STORIES:
                raise purge_paths.TooMany
        paths.update(story_feed_paths(story_ids))
    except purge_paths.TooMany:
        paths.update(reverse(name) for name in (*SITE_FEEDS, *CORRECTIONS_FEEDS))
    return sorted(paths)


def listing_feed_paths(kind: str, ids: Iterable[int]) -> list[str]:
    """The feeds of the listings ``ids`` of a kind (section, tag, person, source)."""
    model = purge_paths.LISTED[kind]
    slugs = model.objects.filter(pk__in=ids).values_list("slug", flat=True)
    return [reverse(f"articles:{kind}-feed", kwargs={"slug": slug}) for slug in slugs]


def story_feed_paths(ids: set[int]) -> set[str]:
    """Every feed that shows, or showed until this change, one of the stories ``ids``."""
    if not ids:
        return set()
    stories = list(
        Story.objects.filter(pk__in=ids)
        .prefetch_related("bylines", "people", "citations", "tags")
        .annotate(corrected=Exists(Correction.objects.filter(story=OuterRef("pk"))))
        .only("pk", "slug", "status", "published_at", "section", "original_publisher", "live_from")
    )
    if len(stories) < len(ids):
        # A deleted story: it was in the site's feeds at least.
        return {reverse(name) for name in SITE_FEEDS}
    shown = [story for story in stories if story.published_at is not None]
    if not shown:
        # Never published: no feed has shown it.
        return set()
    paths = {reverse(name) for name in SITE_FEEDS}
    listed: dict[str, set[int]] = {"section": set(), "tag": set(), "person": set(), "source": set()}
    for story in shown:
        if story.section_id:
            listed["section"].add(story.section_id)
        listed["tag"].update(tag.pk for tag in story.tags.all())
        listed["person"].update(line.person_id for line in story.bylines.all())
        listed["person"].update(person.pk for person in story.people.all())
        listed["source"].update(citation.source_id for citation in story.citations.all())
        if story.original_publisher_id:
            listed["source"].add(story.original_publisher_id)
        if story.corrected:
            paths.update(reverse(name) for name in CORRECTIONS_FEEDS)
        if story.live_from:
            paths.add(story.get_live_feed_url())
    for kind, listing_ids in listed.items():
        if listing_ids:
            paths.update(listing_feed_paths(kind, listing_ids))
    return paths
