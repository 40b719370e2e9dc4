"""Test settings: the real settings with a few speed-ups for the suite."""

import os
import secrets

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ["DEBUG"] = "0"

from newsroom.settings import *  # noqa: E402, F403

# A second database standing in for a read replica; the router uses it only in
# the tests that turn REPLICA_READS on.
DATABASES["replica"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "NAME": f"{DATABASES['default']['NAME']}_replica",  # noqa: F405
}
REPLICA_READS = False

# The database server is shared: each run of the suite creates (and drops) test
# databases of its own, never one with a fixed name another run may be using.
TEST_RUN = f"{os.getpid()}_{secrets.token_hex(3)}"
for _alias, _database in DATABASES.items():  # noqa: F405
    if "postgresql" in _database["ENGINE"]:
        _database["TEST"] = {"NAME": f"test_{_database['NAME']}_{TEST_RUN}"}

# Hashing passwords slowly is the point in production and a waste in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests must not depend on collectstatic having run.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The page cache is on, as in production: every test reads through it.
PAGE_CACHE = True

# The test client speaks plain HTTP; the HTTPS redirect has tests of its own.
SECURE_SSL_REDIRECT = False

# Serve static files straight from the project, as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
