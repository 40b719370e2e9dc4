"""WSGI app of the bare floor: `gunicorn --config gunicorn.conf.py bench.floor.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

# Not setdefault: the benchmark's environment is the site's, which may name its settings.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.floor.settings"

application = get_wsgi_application()
