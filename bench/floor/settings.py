"""Settings of the bare floor (bench/floor): nothing but what Django needs to answer."""

SECRET_KEY = "benchmark-floor-only-secret-key-not-for-production-use-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.floor.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
TEMPLATES: list = []
USE_I18N = False
USE_TZ = True
