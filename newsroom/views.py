import mimetypes

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from articles.images import SAFE_MEDIA_PATH


@never_cache
def healthz(request):
    """200 {"status": "ok"} when the database answers and pages render, else 503.

    A cache server that does not answer is reported ("cache": "unavailable") but
    keeps the node in service: pages are then rendered from the database.
    """
    problems = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        problems["database"] = "unavailable"
    try:
        cache.set("healthz", "ok", 10)
        if cache.get("healthz") != "ok":
            problems["cache"] = "unavailable"
    except Exception:  # any client error means the cache is not serving
        problems["cache"] = "unavailable"
    try:
        # The server error page needs no database: if it cannot render, no page can.
        render_to_string("500.html")
    except Exception:  # a missing static manifest, a broken template: not serving
        problems["pages"] = "cannot render"
    if "database" in problems or "pages" in problems:
        return JsonResponse({"status": "error", **problems}, status=503)
    return JsonResponse({"status": "ok", **problems})


def media_file(request, name):
    """A rendition or share card from media storage.

    Only those: originals keep their camera and location data and are never served.
    Their names change with their content, so they may be cached for a year.
    """
    if not SAFE_MEDIA_PATH.match(name) or ".." in name or not default_storage.exists(name):
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(name), content_type=content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def bench_floor(request):
    """The benchmark's floor: a story page's bytes, with no database and no template.

    Only routed when BENCH_FLOOR_FILE names a file (see `make bench`).
    """
    if not hasattr(bench_floor, "page"):
        with open(settings.BENCH_FLOOR_FILE, "rb") as page:
            bench_floor.page = page.read()
    return HttpResponse(bench_floor.page, content_type="text/html; charset=utf-8")


def favicon(request):
    """/favicon.ico, which browsers, feed readers and crawlers ask for on pages that
    name no icon: the site's icon, at its address of the current release."""
    # Looked up per request: the static files' manifest exists only once collected.
    return redirect(static("img/favicon.svg"))
