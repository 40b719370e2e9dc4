import datetime
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlencode

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.functional import cached_property
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.generic import (
    DayArchiveView,
    ListView,
    MonthArchiveView,
    YearArchiveView,
)
from taggit.models import Tag

from articles.body import strip_notes
from articles.cache import fragment
from articles.images import draw_card
from articles.models import (
    PREVIEW_SALT,
    Correction,
    ListingEntry,
    Person,
    Section,
    Source,
    Story,
    StoryRedirect,
)
from articles.pages import page_view
from articles.pagination import NextPage, NextPagePaginator
from articles.purge import add_keys, object_keys, story_keys
from articles.search import SEARCH_WINDOW, clean_query, search_results, snippet
from articles.sitemaps import SITEMAPS, NewsSitemap, news_files
from articles.story_page import live_coverage, story_page
from articles.workflow import shown_publicly


class StoryCardsMixin:
    """A list view whose page is story cards (``StoryQuerySet.cards()``), 20 a page,
    never counted.

    A page's story ids are kept as a fragment (``articles.cache.fragment``) under
    the page's address and number, and its cards as markup (the templates'
    ``{% cache %}``), until the content changes: a page whose markup is kept
    reads no story.
    """

    paginate_by = 20
    paginator_class = NextPagePaginator

    def paginate_queryset(self, queryset, page_size):
        cards = queryset.cards()
        paginator = self.get_paginator(cards, page_size)
        number = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1
        try:
            number = paginator.validate_number(paginator.num_pages if number == "last" else number)
        except InvalidPage as error:
            raise Http404("No such page.") from error

        read = {}

        def build():
            try:
                page = paginator.page(number)
            except InvalidPage:
                return None
            stories = read["stories"] = list(page.object_list)
            newest = max((story.updated_at for story in stories), default=None)
            return [story.pk for story in stories], page.has_more, story_keys(stories), newest

        found = fragment(self.request, f"cards-page:{self.request.path}:{number}", build)
        if found is None:
            raise Http404("No such page.")
        ids, has_more, self.card_keys, self.modified_at = found
        stories = read["stories"] if "stories" in read else PageStories(cards, ids)
        page = NextPage(stories, number, paginator, has_more)
        return paginator, page, page.object_list, page.has_other_pages()

    # What the page shows besides its cards (``articles.purge``).
    listing_keys = ()

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        add_keys(response, [*self.listing_keys, *getattr(self, "card_keys", ())])
        set_last_modified(response, getattr(self, "modified_at", None))
        return response


def set_last_modified(response, moment) -> None:
    """Last-Modified from the content the page shows (the page cache fills in the
    content's state for pages that say nothing)."""
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())


class PageStories:
    """A page's stories by their ids, read when first iterated: not at all when
    the page's cards are kept as markup."""

    def __init__(self, queryset, ids):
        self.queryset, self.ids = queryset, ids

    @cached_property
    def stories(self):
        found = {story.pk: story for story in self.queryset.filter(pk__in=self.ids)}
        return [found[pk] for pk in self.ids if pk in found]

    def __iter__(self):
        return iter(self.stories)

    def __len__(self):
        return len(self.ids)


class StoryListView(StoryCardsMixin, ListView):
    """The front page: the latest published stories."""

    template_name = "articles/story_list.html"
    listing_keys = ("front",)

    def get_queryset(self):
        # The section of each story, for the front page's blocks: a join, not a query.
        return Story.objects.published().select_related("section")

    def get_context_data(self, **kwargs):
        # Called by the template only when the page's markup is not kept.
        return super().get_context_data(front_page=front_page, **kwargs)


@dataclass
class FrontPage:
    """The first page of the front page: a lead, a row under it, then a block for
    each section (in the sections' order) and one for stories in none."""

    lead: Story | None
    row: list[Story]
    blocks: list[tuple[Section | None, list[Story]]]


ROW_SIZE = 3


def front_page(stories) -> FrontPage:
    stories = list(stories)
    by_section: dict[Section | None, list[Story]] = {}
    for story in stories[1 + ROW_SIZE :]:
        by_section.setdefault(story.section, []).append(story)
    # Sections in their order (Meta.ordering), stories in none last.
    blocks = sorted(
        by_section.items(),
        key=lambda item: (False, item[0].position, item[0].name) if item[0] else (True,),
    )
    return FrontPage(stories[0] if stories else None, stories[1 : 1 + ROW_SIZE], blocks)


class ListingView(StoryCardsMixin, ListView):
    """Published stories belonging to one section, tag, person or source.

    Subclasses set ``model`` (the thing listed by) and ``kind`` (its
    ``ListingEntry.Kind``): a page's stories are chosen from the listing's
    entries (kept by the database, ``articles.triggers``), one range of one
    index at any depth. Template ``articles/<model>_detail.html``; context
    ``object`` and the page.
    """

    slug_field = "slug"
    kind = None

    def get_template_names(self):
        return [f"articles/{self.model._meta.model_name}_detail.html"]

    def get_queryset(self):
        slug = self.kwargs["slug"]
        # Kept with the page's other fragments until the content changes; a listing
        # that does not exist raises Http404 in the making, and nothing is kept.
        self.object = fragment(
            self.request,
            f"listed:{self.model._meta.label_lower}:{slug}",
            lambda: get_object_or_404(self.object_queryset(), **{self.slug_field: slug}),
        )
        return self.stories()

    def object_queryset(self):
        return self.model._default_manager.all()

    def stories(self):
        """The listing's stories, newest first."""
        now = timezone.now()
        entries = ListingEntry.objects.filter(
            kind=self.kind, key=self.object.pk, published_at__lte=now
        ).order_by("-published_at", "-created_at")
        stories = Story.objects.published(at=now).filter(pk__in=entries.values("story_id"))
        return stories

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)

    @property
    def listing_keys(self):
        return object_keys(self.key_kind, self.object.pk)


class SectionDetailView(ListingView):
    """A section's stories: one range of the story table's section index."""

    model = Section
    key_kind = "section"

    def stories(self):
        return Story.objects.published().filter(section=self.object)


class ShownByPublicStoriesMixin:
    """Tags, people and sources are made for drafts before anything about them is
    public (a confidential source, an embargoed topic): their page and feed answer
    404 until a public story shows them, like everything else not public."""

    def object_queryset(self):
        public = shown_publicly(self.model, Story.objects.published())
        return super().object_queryset().filter(public)


class TagDetailView(ShownByPublicStoriesMixin, ListingView):
    model = Tag
    kind = ListingEntry.Kind.TAG
    key_kind = "tag"


class SourceDetailView(ShownByPublicStoriesMixin, ListingView):
    model = Source
    kind = ListingEntry.Kind.SOURCE
    key_kind = "source"


class PersonDetailView(ShownByPublicStoriesMixin, ListingView):
    """Stories by and about a person, one list paginated together, shown in two groups."""

    model = Person
    kind = ListingEntry.Kind.PERSON
    key_kind = "person"

    def object_queryset(self):
        return super().object_queryset().select_related("photo")

    @property
    def listing_keys(self):
        photo = [f"image-{self.object.photo_id}"] if self.object.photo_id else []
        return [*super().listing_keys, *photo]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Called by the template, only when the page's cards are not kept as markup.
        context["story_groups"] = lambda: self.story_groups(context["object_list"])
        return context

    def story_groups(self, cards):
        """The page's stories by the person, and the others (about them)."""
        stories_by, stories_about = [], []
        for card in cards:
            if any(line.person_id == self.object.pk for line in card.bylines.all()):
                stories_by.append(card)
            else:
                stories_about.append(card)
        return stories_by, stories_about


def page_not_found(request, exception=None):
    """The site's 404: a search already filled in with the words of the address, and
    the latest stories, so that a reader who followed a broken link still gets on."""
    words = re.findall(r"[^\W\d_]{2,}", unquote(request.path).replace("-", " "))
    latest = (
        Story.objects.published()
        .only("headline", "slug", "status", "published_at")
        .order_by("-published_at")[:5]
    )
    context = {"guess": " ".join(words)[:100], "latest": latest}
    return render(request, "404.html", context, status=404)


def page_detail(request, slug):
    """One of the site's own pages (About, Contact…) at /<slug>/.

    Template ``articles/page_detail.html``, context ``site_page`` (the ``Page``),
    ``body`` (drawn for readers) and ``summary``. 404 for any other address.
    """
    found = page_view(request, slug)
    if found is None:
        raise Http404("No such page.")
    context = {"site_page": found.page, "body": found.body, "summary": found.summary}
    response = render(request, "articles/page_detail.html", context)
    set_last_modified(response, found.page.updated_at)
    return response


def publication_day(year: int, month: int, day: int) -> datetime.date:
    """The day of a story's address; 404 for a date that does not exist."""
    try:
        return datetime.date(year, month, day)
    except (ValueError, OverflowError) as error:
        raise Http404("No such date.") from error


def story_detail(request, year, month, day, slug):
    """A published story at /<yyyy>/<mm>/<dd>/<slug>/.

    Template ``articles/story_detail.html``, context ``story``. A wrong date or
    an old address redirects to the story's address; a withdrawn story answers
    410 with ``articles/story_withdrawn.html``.
    """
    published_on = publication_day(year, month, day)
    page = fragment(
        request, f"story:{request.path}", lambda: story_page(slug=slug, day=published_on)
    )
    if page is None:
        withdrawn = (
            Story.objects.withdrawn().filter(slug=slug, published_at__date=published_on).first()
        )
        if withdrawn is not None:
            response = render(
                request, "articles/story_withdrawn.html", {"story": withdrawn}, status=410
            )
            add_keys(response, [f"story-{withdrawn.pk}"])
            set_last_modified(response, withdrawn.updated_at)
            return response
        moved = (
            StoryRedirect.objects.filter(old_path=request.path)
            .filter(Q(story__in=Story.objects.published()) | Q(story__in=Story.objects.withdrawn()))
            .select_related("story")
            .first()
        )
        if moved is not None:
            return moved_to(request, moved.story)
        # A mistyped date: the slug alone finds the story only if no other day has it.
        namesakes = list(Story.objects.published().filter(slug=slug).order_by()[:2])
        if len(namesakes) == 1:
            return moved_to(request, namesakes[0])
        raise Http404("No such story.")

    response = render_story(request, page)
    add_keys(response, page.keys())
    set_last_modified(response, page.updated_at)
    return response


def with_query(request, url: str) -> str:
    """``url`` with the request's query string: campaign tags (``?utm_source=``) and
    the like survive a redirect."""
    query = iri_to_uri(request.META.get("QUERY_STRING", ""))
    return f"{url}?{query}" if query else url


def moved_to(request, story):
    response = redirect(with_query(request, story.get_absolute_url()), permanent=True)
    add_keys(response, [f"story-{story.pk}"])
    return response


def story_live(request, year, month, day, slug):
    """The live coverage of a story covered live, at /<yyyy>/<mm>/<dd>/<slug>/live/:
    what its page shows of it (``articles/story_live.html``, context ``live``), for
    open pages to poll. The same address for every reader, so that caches share it;
    404 for a story not public or never covered live."""
    published_on = publication_day(year, month, day)
    live = fragment(
        request, f"live:{request.path}", lambda: live_coverage(slug=slug, day=published_on)
    )
    if live is None:
        raise Http404("No live coverage here.")
    response = render(request, "articles/story_live.html", {"story": live.story, "live": live})
    # A part of the story's page, not a page for search engines.
    response["X-Robots-Tag"] = "noindex"
    add_keys(response, live.keys())
    set_last_modified(response, live.updated_at)
    return response


def render_story(request, page, **context):
    """``articles/story_detail.html`` with ``story`` and its ``page`` (a ``StoryPage``)."""
    context.update(
        story=page.story,
        page=page,
        bylines=page.bylines,
        live_poll_seconds=settings.LIVE_POLL_SECONDS,
    )
    return render(request, "articles/story_detail.html", context)


@never_cache
def story_preview(request, token):
    """A draft, a story in review or a scheduled one, as readers will see it, for
    whoever holds a valid signed link.

    Template ``articles/story_detail.html`` with ``preview`` set. Once the story is
    public the link redirects to its page; a withdrawn story, a tampered, expired or
    revoked link (``Story.preview_key`` changed), and links made before they carried
    the key answer 404. Never cached, never indexed.
    """
    try:
        pk, key = signing.loads(
            token, salt=PREVIEW_SALT, max_age=datetime.timedelta(days=settings.PREVIEW_LINK_DAYS)
        )
    # Expired links raise BadSignature too; older links hold a bare id.
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise Http404("This preview link is not valid.") from error
    page = story_page(pk=pk)
    if page is None or page.story.preview_key.hex != key:
        raise Http404("No such story.")
    if page.story.is_published():
        return redirect(with_query(request, page.story.get_absolute_url()))
    if not page.story.is_previewable():
        raise Http404("No such story.")
    response = render_story(request, page, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def story_card(request, pk, digest):
    """The drawn share card of a published story without a picture (PNG).

    Drawn by a job when the story goes public or its headline changes
    (``articles.tasks.draw_share_card``) and kept in media storage; a request that
    comes before the job draws it here. ``digest`` changes with the headline, so an
    old address redirects.
    """
    story = Story.objects.published().select_related("section").filter(pk=pk).first()
    if story is None:
        raise Http404("No such story.")
    current = story.card_digest()
    if digest != current:
        url = reverse("articles:card", kwargs={"pk": pk, "digest": current})
        return redirect(with_query(request, url), permanent=True)
    name = f"cards/{pk}-{current}.png"
    if not default_storage.exists(name):
        picture = draw_card(
            headline=story.headline,
            kicker=story.kicker,
            section=story.section.name if story.section else "",
            site_name=settings.SITE_NAME,
        )
        saved = default_storage.save(name, ContentFile(picture))
        if saved != name:  # the job stored it meanwhile: one copy is enough
            default_storage.delete(saved)
    response = FileResponse(default_storage.open(name), content_type="image/png")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


class SearchPaginator(Paginator):
    """Pages of search results (ids, best first): the best 500 of them, 25 pages;
    ``capped`` when more matched."""

    def __init__(self, results, per_page):
        limit = SEARCH_WINDOW - 1
        super().__init__(results[:limit], per_page)
        self.capped = len(results) > limit


def search(request):
    """Published stories matching ``?q=``, best first, at /search/.

    Template ``articles/search.html``; context ``query``, ``page_obj`` (cards
    with a highlighted ``snippet``) and ``paginator``. Any query gives a page;
    a page number past the end answers 404.
    """
    query = clean_query(request.GET.get("q", ""))
    paginator = SearchPaginator(search_results(query), 20)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404("No such page.") from error
    # Each result's snippet is cut from its body.
    found = Story.objects.published().filter(pk__in=page.object_list).cards(with_body=True)
    found = {story.pk: story for story in found}
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    for story in page.object_list:
        story.snippet = snippet(f"{story.dek} {strip_notes(story.body)}", query)
    context = {
        "query": query,
        "page_obj": page,
        "paginator": paginator,
        "page_query": urlencode({"q": query}),
    }
    response = render(request, "articles/search.html", context)
    add_keys(response, ["search", *story_keys(page.object_list)])
    set_last_modified(response, max((s.updated_at for s in page.object_list), default=None))
    return response


def news_sitemap(request):
    """The Google News sitemap at /news-sitemap.xml (``articles/news_sitemap.xml``)."""
    response = sitemap_views.sitemap(
        request, {"news": NewsSitemap}, template_name="articles/news_sitemap.xml"
    )
    response.context_data.update(
        publication_name=settings.NEWS_PUBLICATION_NAME,
        publication_language=settings.NEWS_PUBLICATION_LANGUAGE,
    )
    add_keys(response, ["sitemap"])
    return response


def sitemap_index(request):
    """/sitemap.xml: Django's index of the sitemaps (``SITEMAPS``), and every file of
    the news sitemap, so that crawlers reach all of them past 1,000 stories."""
    response = sitemap_views.index(request, SITEMAPS, sitemap_url_name="articles:sitemap-section")
    response.context_data["sitemaps"] += news_files(request)
    add_keys(response, ["sitemap"])
    return response


def robots_txt(request):
    """/robots.txt (``robots.txt``): crawlers stay out of the admin, previews and
    search; the sitemap index and every file of the news sitemap."""
    context = {"news_sitemaps": [item.location for item in news_files(request)]}
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")


class CorrectionListView(ListView):
    """Every correction to a public or withdrawn story, newest first, at /corrections/."""

    paginate_by = 50
    paginator_class = NextPagePaginator

    def get_queryset(self):
        # A withdrawn story's corrections stay listed, marked withdrawn.
        shown = Q(story__in=Story.objects.published()) | Q(story__in=Story.objects.withdrawn())
        return Correction.objects.filter(shown).select_related("story")

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        shown = [f"story-{item.story_id}" for item in context["object_list"]]
        add_keys(response, ["corrections", *shown])
        newest = max((item.created_at for item in context["object_list"]), default=None)
        set_last_modified(response, newest)
        return response


class StoryArchiveMixin(StoryCardsMixin):
    """Published stories by date of publication: /<yyyy>/, /<yyyy>/<mm>/, /<yyyy>/<mm>/<dd>/.

    Template ``articles/story_archive.html``; a period without stories answers 404.
    """

    date_field = "published_at"
    listing_keys = ("archive",)
    month_format = "%m"
    day_format = "%d"
    template_name = "articles/story_archive.html"

    def get_queryset(self):
        return Story.objects.published()

    def get_dated_items(self):
        try:
            return super().get_dated_items()
        except OverflowError as error:  # the day after 31 December 9999
            raise Http404("Date out of range.") from error

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = next(unit for unit in ("day", "month", "year") if unit in context)
        context["archive_unit"] = unit
        context["archive_pager"] = [
            (rel, date, archive_url(date, unit))
            for rel, date in [
                ("prev", context[f"previous_{unit}"]),
                ("next", context[f"next_{unit}"]),
            ]
            if date
        ]
        return context


def archive_url(date, unit):
    parts = {"year": date.year, "month": date.month, "day": date.day}
    names = {"year": ["year"], "month": ["year", "month"], "day": ["year", "month", "day"]}
    return reverse(f"articles:{unit}", kwargs={name: parts[name] for name in names[unit]})


class StoryYearArchiveView(StoryArchiveMixin, YearArchiveView):
    make_object_list = True


class StoryMonthArchiveView(StoryArchiveMixin, MonthArchiveView):
    pass


class StoryDayArchiveView(StoryArchiveMixin, DayArchiveView):
    pass
