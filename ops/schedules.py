"""Every periodic schedule, in one place. Stored in django-celery-beat's tables after each
migrate (so staff can see and edit them in admin); an edited interval is left as staff set it."""

from __future__ import annotations

SCHEDULES = [
    # (name, task, every seconds)
    ("Rotate event partitions (daily)", "events.rotate_partitions", 24 * 60 * 60),
    ("Tournament leaderboards (every 4 minutes)", "leaderboards.aggregate_tournaments", 4 * 60),
    ("Global leaderboards (every 10 minutes)", "leaderboards.aggregate_global", 10 * 60),
]


def ensure_schedules(**kwargs) -> None:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    for name, task, seconds in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        interval, _ = IntervalSchedule.objects.get_or_create(every=seconds,
                                                             period=IntervalSchedule.SECONDS)
        PeriodicTask.objects.create(name=name, task=task, interval=interval)
