# One image for web (gunicorn), worker and beat (Celery) — see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    PATH=/app/.venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production

# System libraries from the one apt list: "build" (gettext) and "pdf" (WeasyPrint) rows.
COPY scripts/apt-packages.txt /tmp/apt-packages.txt
RUN apt-get update \
 && sed -e 's/#.*//' /tmp/apt-packages.txt \
    | awk '$3 == "build" || $3 == "pdf" { print $1 }' \
    | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/apt-packages.txt

RUN pip install --no-cache-dir "uv==0.13.9"

WORKDIR /app
# Locked dependencies first, so this layer is cached until uv.lock changes. No dev group.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# Translations and static files are built into the image. These two commands need no secrets:
# they run with the base settings (same static storage — WhiteNoise's manifest — as production).
RUN DJANGO_SETTINGS_MODULE=config.settings.base python manage.py compilemessages \
        --ignore=.venv -v 0 \
 && DJANGO_SETTINGS_MODULE=config.settings.base python manage.py collectstatic --noinput -v 0 \
 && useradd --system --uid 10001 --home-dir /app terpadu \
 && mkdir -p /app/var/private \
 && chown -R terpadu:terpadu /app/var

USER terpadu
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
