import mimetypes

from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, JsonResponse
from django.views.decorators.cache import never_cache

from articles.images import SAFE_MEDIA_PATH


@never_cache
def healthz(request):
    """200 {"status": "ok"} when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


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
