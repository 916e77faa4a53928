"""Celery adapters for the leaderboard services (beat runs them; completions start one)."""

from celery import shared_task

from leaderboards.services import leaderboards_catch_up, leaderboards_process_global


@shared_task(name="leaderboards.aggregate_tournaments")
def aggregate_tournaments() -> int:
    return leaderboards_catch_up()


@shared_task(name="leaderboards.aggregate_global")
def aggregate_global() -> int:
    return leaderboards_process_global()
