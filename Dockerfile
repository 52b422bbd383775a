# Production image: the web server (gunicorn), the Celery worker and beat all run from it.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DEBUG=0 \
    VAR_DIR=/data/var \
    PRIVATE_MEDIA_ROOT=/data/private \
    STATIC_ROOT=/app/staticfiles

# WeasyPrint's system libraries (Pango, HarfBuzz) and fontconfig; the fonts it
# embeds ship with the application under static/.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 bkn && mkdir -p /data/var /data/private && chown -R bkn /data

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --chown=bkn . .
# collectstatic needs settings, not secrets: a throwaway key for this one step.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

USER bkn
EXPOSE 8000
CMD ["gunicorn", "bkn_award.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "120", "--access-logfile", "-"]
