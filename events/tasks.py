from celery import shared_task

from events.partitions import rotate


@shared_task(name="events.rotate_partitions")
def rotate_partitions() -> dict:
    """Daily: create the next months' partitions, archive and drop those past retention."""
    return rotate()
