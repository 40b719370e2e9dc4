"""The bare floor's one URL: the story page's bytes, kept in memory."""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

# Read once a worker, as its first request loads the URLconf (the warm-up run).
PAGE = Path(os.environ["BENCH_FLOOR_FILE"]).read_bytes()
LENGTH = str(len(PAGE))


def floor(request):
    response = HttpResponse(PAGE, content_type="text/html; charset=utf-8")
    # Sent by the site's CommonMiddleware; without it gunicorn would chunk the body.
    response["Content-Length"] = LENGTH
    return response


urlpatterns = [path("bench/floor/", floor)]
