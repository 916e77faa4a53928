"""Start an aggregation as soon as a match completes (or a completed match changes), after the
scoring transaction commits; beat's 4-minute run catches anything this misses."""

import logging

from django.db import transaction
from django.dispatch import receiver

from games.signals import action_recorded

ENDED = ("completed", "abandoned")
logger = logging.getLogger(__name__)


def _start_aggregation() -> None:
    from leaderboards.tasks import aggregate_tournaments

    try:  # the ball is already committed: a broker outage must not turn it into an error
        aggregate_tournaments.apply_async(retry=False)
    except Exception:
        logger.warning("Could not queue a leaderboard aggregation; beat will run it.",
                       exc_info=True)


@receiver(action_recorded, dispatch_uid="leaderboards.completion")
def aggregate_on_completion(sender, match, entry, before, after, **kwargs):
    if after["status"] in ENDED or before["status"] in ENDED:
        transaction.on_commit(_start_aggregation)
