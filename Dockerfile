# Production image for web (gunicorn), Celery worker and Celery beat: one image, three commands
# (docker-compose.yml). The same packages and commands are proven natively by .ci/run.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage

# WeasyPrint's libraries (Pango >= 1.44, HarfBuzz subsetting) and Times New Roman look-alike
# fonts with full Vietnamese coverage (Liberation Serif, Tinos); poppler-utils for pdftotext checks;
# postgresql-client for `manage.py backup` / `restore` (pg_dump, pg_restore).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-liberation2 fonts-croscore poppler-utils \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected at build time (hashed names, pre-compressed), served by WhiteNoise.
# collectstatic needs settings but no database; the key below exists only during this step.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home portal \
    && mkdir -p /app/media \
    && chown portal:portal /app/media

USER portal
EXPOSE 8000

# Overridden per service in docker-compose.yml.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
