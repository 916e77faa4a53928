"""The Celery application; periodic schedules live in the database (django-celery-beat)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorekeeper.settings.local")

app = Celery("scorekeeper")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="scorekeeper.ping")
def ping(value: str) -> str:
    """Echo: the smallest real task, used by the readiness probe's tests and by operators."""
    return value
