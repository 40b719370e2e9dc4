"""Gunicorn settings for bin/serve, from the environment."""

import gc
import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
# One line per request, in the same key=value shape as the app's own log lines.
access_log_format = (
    "time=%(t)s level=info logger=access request_id=%({x-request-id}o)s method=%(m)s "
    'path="%(U)s" query="%(q)s" status=%(s)s duration_ms=%(M)s bytes=%(B)s remote=%(h)s'
)
# The app is loaded once, in the master: workers fork ready to serve and share its
# memory, and a recycled worker starts in milliseconds, not a second of imports.
preload_app = True
# Recycle workers now and then so that a slow leak never takes the site down.
max_requests = 20000
max_requests_jitter = 2000


def pre_fork(server, worker):
    # Frozen before the fork, the app's objects are never written to by a
    # worker's collector, so their memory pages stay shared.
    gc.freeze()


def post_worker_init(worker):
    # Django and the project, loaded, live as long as the worker: keep the
    # collector's full passes from walking them again (65 ms each, measured).
    gc.freeze()
