# Production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

# MPLCONFIGDIR: matplotlib (the statistics charts) keeps its font cache there, since the app
# user's home is read-only.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    MPLCONFIGDIR=/tmp/matplotlib

# Pango/HarfBuzz and Noto fonts for WeasyPrint (Latin, Cyrillic, Arabic, Chinese); gettext
# compiles the translation catalogues.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
       fonts-noto-core fonts-noto-cjk curl gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN pip install -r requirements.txt -c constraints.txt

COPY . .
# collectstatic needs settings but no real secrets or services.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" DATABASE_URL=sqlite:////tmp/build.sqlite3 CELERY_BROKER_URL=memory:// \
    sh -c "python manage.py collectstatic --noinput && python manage.py compilemessages -v 0"

RUN useradd --system --uid 10001 --home /app poa \
    && mkdir -p /app/media && chown poa /app/media
USER poa

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
