# One image for web, worker and beat; docker-compose.yml picks the command.
FROM python:3.13-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN useradd --create-home --uid 1000 journeys
# The board report: Chromium draws its charts (kaleido, which never downloads a browser), Pango
# lays out its text (WeasyPrint), in Liberation Sans.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-liberation libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
ENV BROWSER_PATH=/usr/bin/chromium
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt
COPY . .
# The Spanish catalog's .mo is built, not kept in git (journeys/catalogs.py).
RUN python -m journeys.catalogs compile
# collectstatic needs settings that pass the production checks; these are build-time only.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost DEBUG=false \
    python manage.py collectstatic --noinput --verbosity 0
USER journeys
EXPOSE 8000
CMD ["gunicorn", "journeys.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
