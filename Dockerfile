# The image every role runs (deploy/k8s/: the command picks the role, as in the Procfile).
# docker build -t scorekeeper . — production settings; secrets come from the environment.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/production.txt
COPY . .
# Static files are collected into the image (WhiteNoise serves them); the URLs and the
# throwaway key only let the settings load — nothing connects to them while collecting.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    DATABASE_URL=postgres://build@127.0.0.1/build \
    REDIS_URL=redis://127.0.0.1:6379 python manage.py collectstatic --noinput \
 && useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin scorekeeper
USER 10001
EXPOSE 8000
CMD ["python", "-m", "config.processes", "web"]
