"""System checks run before the site serves (``bin/serve``: ``check --deploy --tag serving``)."""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import Error, register

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
