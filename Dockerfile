# One image for web (gunicorn), worker and beat (Celery). Production settings; secrets come from the environment.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/app/var/media

WORKDIR /app

# Dependencies first (the layer is reused while pyproject.toml is unchanged). The wheels of psycopg2-binary,
# shapely and Pillow carry their C libraries, so no system packages are needed.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Static files (vendored, no CDN) collected with the production storage (hashed names + compressed copies).
# The secret is a throwaway for this build step only; the real one comes from the environment at run time.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret-collectstatic-only-not-a-secret \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput --verbosity 0 \
 && useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin app \
 && mkdir -p /app/var/media /app/var/beat \
 && chown -R app:app /app/var

USER app
EXPOSE 8000

# web: migrate, then serve. docker-compose.yml runs the worker and beat from the same image.
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn config.wsgi --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile - --logger-class config.gunicorn_logging.RedactingLogger --forwarded-allow-ips '*'"]
