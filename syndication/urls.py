from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from syndication import views

app_name = "syndication"

router = SimpleRouter()
router.register("people", views.PersonViewSet, basename="person")
router.register("sources", views.SourceViewSet, basename="source")
router.register("sections", views.SectionViewSet, basename="section")
router.register("tags", views.TagViewSet, basename="tag")
router.register("corrections", views.CorrectionViewSet, basename="correction")

v1 = [
    path("stories/", views.StoryList.as_view(), name="stories"),
    path("stories/by-path/", views.StoryByPath.as_view(), name="story-by-path"),
    path("stories/<int:pk>/", views.StoryDetail.as_view(), name="story"),
    path("stories/<int:pk>.ninjs.json", views.NinjsDetail.as_view(), name="story-ninjs"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="syndication:schema", template_name="syndication/swagger_ui.html"
        ),
        name="docs",
    ),
    *router.urls,
]

urlpatterns = [
    path("v1/", include(v1)),
    path("oembed", views.OEmbed.as_view(), name="oembed"),
    # Anything else under /api/ is a JSON 404, not the site's page.
    re_path(r"", views.not_found),
]
