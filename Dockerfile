# The newsroom web service: gunicorn serving the Django project.
# Debian 13 (trixie) ships the PostgreSQL 17 client, matching the compose database.
# Python 3.13 installs Django 6.1: the newest pair CI tests (.ci/run).
FROM python:3.13-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# pg_dump and pg_restore, for `manage.py backup` and `restore` inside the container.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies in their own layer: rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

COPY . .
# Static files are collected at build time; the throwaway key never leaves this step.
RUN pip install --no-deps . \
    && DEBUG=0 SECRET_KEY=build-time-only python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin newsroom \
    && mkdir -p /app/media /app/backups \
    && chown newsroom /app/media /app/backups

USER newsroom

# Container paths: collected when the image was built, media on its volume.
ENV PORT=8000 \
    COLLECTSTATIC=0 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]

CMD ["bin/serve"]
