"""One redis-py connection pool per process and server, for Django's Redis cache.

Django keeps a cache object per thread and, under gevent (bin/serve), per
greenlet: one per client connection. Each made a pool of its own, with a Redis
connection that stayed open until the garbage collector came by. Named as the
cache's ``pool_class`` option, this pool is shared by all of them; redis-py's
pools are safe to share, and start afresh in a forked worker.
"""

import threading

import redis


class SharedConnectionPool(redis.ConnectionPool):
    pools = {}
    lock = threading.Lock()

    @classmethod
    def from_url(cls, url, **kwargs):
        key = (url, repr(sorted(kwargs.items())))
        with cls.lock:
            if key not in cls.pools:
                cls.pools[key] = super().from_url(url, **kwargs)
            return cls.pools[key]
