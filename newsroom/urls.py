from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from newsroom.views import bench_floor, favicon, healthz, media_file

admin.site.site_header = f"{settings.SITE_NAME} admin"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Content"

# The readers' 404 page, with a search and the latest stories.
handler404 = "articles.views.page_not_found"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("api/", include("syndication.urls")),
    path("", include("articles.urls")),
]

if settings.BENCH_FLOOR_FILE:
    urlpatterns.insert(0, path("bench/floor/", bench_floor, name="bench-floor"))

if settings.SERVE_MEDIA:
    urlpatterns.insert(
        0, path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", media_file, name="media")
    )
