"""Public pages may read from a PostgreSQL replica; everything else uses the primary."""

import contextvars

from django.conf import settings

PUBLIC_READ = contextvars.ContextVar("public_read", default=False)


class ReplicaRouter:
    """Reads made while serving a public page go to the "replica" database, if there is one.

    The admin, previews, sign-in, health checks and every write use the primary, so an
    editor always sees what they just saved; readers may trail by the replica's lag.
    """

    def db_for_read(self, model, **hints):
        if PUBLIC_READ.get() and settings.REPLICA_READS and "replica" in settings.DATABASES:
            return "replica"
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: objects from either belong together.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return None


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.private = tuple(
            f"/{prefix.strip('/')}/" for prefix in [settings.ADMIN_URL, "preview"]
        ) + ("/healthz",)

    def __call__(self, request):
        public = request.method in ("GET", "HEAD") and not request.path.startswith(self.private)
        token = PUBLIC_READ.set(public)
        try:
            return self.get_response(request)
        finally:
            PUBLIC_READ.reset(token)
