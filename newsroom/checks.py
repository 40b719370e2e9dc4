"""System checks run before the site serves (``bin/serve``: ``check --deploy --tag serving``)."""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

SERVING = "serving"


@register(SERVING, deploy=True)
def static_files_collected(app_configs, **kwargs):
    """With hashed static file names, every page needs the collected manifest:
    without it every page (the error pages and the admin's sign-in too) fails."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []
    if staticfiles_storage.exists(staticfiles_storage.manifest_name):
        return []
    return [
        Error(
            f"The static files have not been collected into STATIC_ROOT ({settings.STATIC_ROOT}).",
            hint="Run `manage.py collectstatic`, or leave COLLECTSTATIC unset so that "
            "bin/serve collects them; STATIC_ROOT must be a folder this host can write to.",
            id="newsroom.E001",
        )
    ]


# How settings.purge_backends() makes each backend, for the hint.
PURGE_HINTS = {
    "varnish": "PURGE_VARNISH_URLS takes comma-separated addresses of Varnish's purge "
    "listeners, such as http://proxy:6091.",
    "fastly": "Set both FASTLY_SERVICE_ID and FASTLY_API_TOKEN, or neither.",
    "cloudflare": "Set both CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_TOKEN, or neither.",
    "cloudfront": "CLOUDFRONT_DISTRIBUTION_ID names the distribution; PURGE_PATHS the "
    "function giving the paths of keys.",
}


@register(SERVING)
def purge_backends_complete(app_configs, **kwargs):
    """A cache that cannot be purged keeps showing what editors changed: a backend
    half configured (a service id without its token) stops the site from starting."""
    from newsroom.frontcache import build

    errors = []
    for name, entry in getattr(settings, "PURGE_BACKENDS", {}).items():
        try:
            build({name: entry})
        except ImproperlyConfigured as error:
            hint = PURGE_HINTS.get(name, "PURGE_BACKENDS is a dict like CACHES.")
            errors.append(
                Error(
                    str(error),
                    hint=f"{hint} See docs/configuration.md.",
                    id="newsroom.E002",
                )
            )
    return errors
