from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from articles import feeds, views
from articles.purge import with_keys
from articles.sitemaps import SITEMAPS


class FixedDigitsConverter:
    digits = 2

    def __init__(self):
        self.regex = f"[0-9]{{{self.digits}}}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):0{self.digits}d}"


class YearConverter(FixedDigitsConverter):
    digits = 4


class UnicodeSlugConverter:
    """Tag slugs keep non-ASCII letters (“київ”); control characters never match."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(YearConverter, "yyyy")
register_converter(UnicodeSlugConverter, "uslug")
register_converter(FixedDigitsConverter, "dd")

app_name = "articles"

urlpatterns = [
    path("", views.StoryListView.as_view(), name="index"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/", views.story_detail, name="story"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/live/", views.story_live, name="story-live"),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/live/feed/",
        feeds.LiveStoryFeed(),
        name="story-live-feed",
    ),
    path("<yyyy:year>/", views.StoryYearArchiveView.as_view(), name="year"),
    path("<yyyy:year>/<dd:month>/", views.StoryMonthArchiveView.as_view(), name="month"),
    path("<yyyy:year>/<dd:month>/<dd:day>/", views.StoryDayArchiveView.as_view(), name="day"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("corrections/feed/", feeds.CorrectionsFeed(), name="corrections-feed"),
    path("corrections/feed/atom/", feeds.CorrectionsAtomFeed(), name="corrections-feed-atom"),
    path("sections/<slug:slug>/", views.SectionDetailView.as_view(), name="section"),
    path("tags/<uslug:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source"),
    path("feed/", feeds.LatestStoriesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestStoriesAtomFeed(), name="feed-atom"),
    path("sections/<slug:slug>/feed/", feeds.SectionFeed(), name="section-feed"),
    path("tags/<uslug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("people/<slug:slug>/feed/", feeds.PersonFeed(), name="person-feed"),
    path("sources/<slug:slug>/feed/", feeds.SourceFeed(), name="source-feed"),
    path("preview/<str:token>/", views.story_preview, name="preview"),
    path("cards/<int:pk>-<slug:digest>.png", views.story_card, name="card"),
    path("search/", views.search, name="search"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path(
        "sitemap-<str:section>.xml",
        with_keys("sitemap")(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS, "template_name": "articles/sitemap.xml"},
        name="sitemap-section",
    ),
    path("news-sitemap.xml", views.news_sitemap, name="news-sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    # Last: the site's own pages take any address no route above answers.
    path("<slug:slug>/", views.page_detail, name="page"),
]
