"""Start an aggregation as soon as a match completes (or a completed match changes), after the
scoring transaction commits; beat's 4-minute run catches anything this misses."""

import logging
import time

from django.db import transaction
from django.dispatch import receiver

from cricket.engine.state import ENDED
from games.signals import action_recorded

logger = logging.getLogger(__name__)


# A run is queued a moment ahead; completions committed before it starts are all counted by
# it, so a burst (an archive import: many matches a second) queues one run, not one per match.
DEBOUNCE_SECONDS = 2.0
_queued_until = 0.0


def _start_aggregation() -> None:
    from leaderboards.tasks import aggregate_tournaments

    global _queued_until
    now = time.monotonic()
    if now < _queued_until:
        return
    _queued_until = now + DEBOUNCE_SECONDS  # after a failure too: beat runs it meanwhile
    try:  # the ball is already committed: a broker outage must not turn it into an error
        aggregate_tournaments.apply_async(retry=False, countdown=DEBOUNCE_SECONDS)
    except Exception:
        logger.warning("Could not queue a leaderboard aggregation; beat will run it.",
                       exc_info=True)


@receiver(action_recorded, dispatch_uid="leaderboards.completion")
def aggregate_on_completion(sender, match, entry, before, after, **kwargs):
    if after["status"] in ENDED or before["status"] in ENDED:
        transaction.on_commit(_start_aggregation)
