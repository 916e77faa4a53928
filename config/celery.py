"""The Celery application; periodic schedules live in the database (django-celery-beat)."""

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("scorekeeper")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="scorekeeper.ping")
def ping(value: str) -> str:
    """Echo: the smallest real task, used by the readiness probe's tests and by operators."""
    return value


@beat_init.connect
def _ensure_schedules(sender=None, **kwargs):
    """Beat makes sure every schedule exists when it starts (and migrate does too)."""
    from ops.schedules import ensure_schedules

    ensure_schedules()
