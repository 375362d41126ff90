# One image for the web app, the Celery worker and Celery beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=portal.settings

# libmagic1: evidence files are checked by content (python-magic); libcairo2 and a font render
# the badge SVG to PNG (cairosvg).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 libcairo2 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 portal

WORKDIR /app
COPY . .
# The README's install step: the project and its pinned ranges from pyproject.toml.
RUN pip install --upgrade pip && pip install .

# Static files are collected at build time and served by whitenoise.
RUN DEBUG=0 SECRET_KEY=collectstatic-only DATABASE_URL=postgres://unused@localhost/unused \
    STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput \
    && mkdir -p /data/evidence && chown -R portal:portal /data /app

USER portal
ENV STATIC_ROOT=/app/staticfiles EVIDENCE_ROOT=/data/evidence
EXPOSE 8000
# Workers, threads, bind address and access log: gunicorn.conf.py (the compose file's web service too).
CMD ["gunicorn", "portal.wsgi:application", "--config", "gunicorn.conf.py"]
