"""Gunicorn settings for bin/serve, from the environment."""

import gc
import multiprocessing
import os

from gevent import monkey

# gevent's sockets, locks and thread locals before the app is imported: it is
# loaded here, in the master (preload_app), and what it makes as it loads (each
# module's thread locals, psycopg's way of waiting for the database) must be
# gevent's already. The workers' own patching comes too late for that.
monkey.patch_all()

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8)))
# Each worker serves many connections at once, a greenlet each, so a reader on a
# slow link (or 50 sockets dribbling headers) holds no worker up, with or without
# a buffering proxy in front: the sync worker gave each connection a whole process.
worker_class = "gevent"
worker_connections = 1000
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Seconds between requests on a kept-alive connection, and also, on gevent's
# worker, what a client has to send each request's headers before it is hung up on.
keepalive = 5
accesslog = "-"
errorlog = "-"
# One line per request, in the same key=value shape as the app's own log lines,
# each value quoted and escaped as the app's are: a path cannot start a line.
logger_class = "newsroom.access_log.AccessLogger"
access_log_format = (
    "time=%(t)s level=info logger=access request_id=%({x-request-id}o)s method=%(m)s "
    "path=%(U)s query=%(q)s status=%(s)s duration_ms=%(M)s bytes=%(B)s remote=%(h)s"
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
