"""The relay: what a commit could not publish (Redis down at that moment) reaches fans as soon as
Redis answers again, without waiting for the next ball.

The scoring transaction stores each match's version (``Match.seq``) durably; the delta buffer in
Redis holds the last version published. Every second the relay compares the two for matches
changed recently and, for each one behind, publishes the match's current snapshot at its version
(through the same buffer and group as a delta: fans at an older version take it, fans already
there ignore it). Run it as its own role (``manage.py relay_deltas``; ``make run`` starts one).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.utils import timezone
from redis.exceptions import RedisError

from games.models import Match, match_group_name
from realtime import shards
from realtime.buffer import buffer_key
from realtime.publish import publish_text
from realtime.snapshots import match_snapshot

logger = logging.getLogger(__name__)

RECENT = timedelta(hours=6)  # matches changed within this long are watched
SETTLE = timedelta(seconds=1)  # a commit's own publish normally lands within this


def matches_behind() -> list[tuple[int, int]]:
    """(match id, version) of recently changed matches whose last version is not in Redis."""
    now = timezone.now()
    recent = list(Match.objects.filter(updated_at__gte=now - RECENT,
                                       updated_at__lte=now - SETTLE, seq__gt=0)
                  .values_list("pk", "seq"))
    if not recent:
        return []
    by_server: dict[str, list[tuple[int, int]]] = {}
    for match_id, seq in recent:  # one round trip per realtime server
        by_server.setdefault(shards.url_for_group(match_group_name(match_id)), []).append(
            (match_id, seq))
    behind = []
    for url, matches in by_server.items():
        pipe = shards.client_for_url(url).pipeline(transaction=False)
        for match_id, _ in matches:
            pipe.zrevrange(buffer_key(match_id), 0, 0, withscores=True)
        published = pipe.execute()
        behind += [(match_id, seq) for (match_id, seq), last in zip(matches, published,
                                                                       strict=True)
                   if not last or int(last[0][1]) < seq]
    return behind


def relay_once() -> int:
    """Publish a snapshot for every match behind; how many. Raises RedisError while Redis is
    down (the caller retries)."""
    behind = matches_behind()
    for match_id, _ in behind:
        version, text = match_snapshot(match_id)
        publish_text(match_id=match_id, version=version, text=text)
        logger.info("Relayed match %s at version %s.", match_id, version)
    return len(behind)


def relay_forever(*, interval: float = 1.0, stop=None) -> None:
    while stop is None or not stop():
        try:
            relay_once()
        except RedisError as error:
            logger.warning("Relay: Redis unavailable (%s); retrying.", error)
        time.sleep(interval)
