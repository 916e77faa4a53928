"""The only way match changes reach fans: after commit, buffer the delta and publish it once."""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections import OrderedDict

from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from redis.exceptions import RedisError

from core.after_response import after_response
from games.models import Match, match_group_name
from games.selectors import match_get, match_payload
from games.signals import action_recorded
from realtime import page_feed, shards
from realtime.buffer import STREAMS, buffer_append, buffer_key
from realtime.delta import deliveries_changed, delta_message, fan_view
from realtime.shards import client_for_match

DELTA_EVENT = "match.delta"
logger = logging.getLogger(__name__)


def delta_text(message: dict) -> str:
    """A delta as published: compact JSON stamped with the commit time ``t`` (to the ms)."""
    return json.dumps({**message, "t": round(time.time(), 3)}, separators=(",", ":"))


def _remember(match_id: int, seq: int, view: dict) -> None:
    _last_views[match_id] = (seq, view)
    _last_views.move_to_end(match_id)
    while len(_last_views) > _LAST_VIEWS_KEPT:
        _last_views.popitem(last=False)


def publish_text(*, match_id: int, version: int, text: str, stream: str = "delta") -> None:
    """Buffer a serialized message at ``version`` (where resuming fans read it) and PUBLISH it
    to the match's group, in one Redis round trip: what a commit sends, and what the relay
    sends for one that could not.

    This is ``group_send`` on the Redis pub/sub channel layer without its machinery: calling
    ``async_to_sync(layer.group_send)`` starts an event loop per call and the layer opens a
    Redis connection per loop (a publisher thread instead fought the request thread for the
    GIL). We write the layer's own wire format (its serializer, its group channel name) on the
    server the layer hashes the group to, which is the match's buffer's server
    (realtime/shards.py); the consumer tests check that the layer's subscribers receive it.
    """
    message = {"type": DELTA_EVENT, "match": match_id, "v": version, "text": text,
               "stream": stream}
    buffer_append(match_id, version, text, stream=stream, publish=(
        shards.group_channel(match_group_name(match_id)), get_channel_layer().serialize(message)))


def publish_page(*, match, version: int, state: dict) -> None:
    """The centre page's message for a committed version, if any fan watches the match's page:
    rendered once here for all of them (realtime/page_feed.py)."""
    if not page_feed.watched(match.pk):
        return
    shown = match_get(match_id=match.pk)  # with what the page names: teams, tournament, toss
    shown.seq, shown.state = version, state
    publish_text(match_id=match.pk, version=version, stream="page",
                 text=page_feed.version_text(shown, version))


# The last view computed per match in this process: the next action's "before" is usually it.
_last_views: OrderedDict[int, tuple[int, dict]] = OrderedDict()
_LAST_VIEWS_KEPT = 1000


def _unchanged_innings(before: dict, after: dict) -> int:
    """How many leading innings an action left exactly as they were (usually all but the last)."""
    count = 0
    for old, new in zip(before["innings"], after["innings"], strict=False):  # may add one
        if old != new:
            break
        count += 1
    return count


def _view(match, config, state: dict, seq: int, *, previous: dict | None = None,
          unchanged: int = 0) -> dict:
    """The keyed view at ``seq``. With ``previous`` (the view before the action), the first
    ``unchanged`` innings are taken from it as they are: only what the action touched is built,
    so a ball in a Test's fourth innings costs what a ball in the first does."""
    if previous is None:
        unchanged = 0
    kept = dict(itertools.islice(previous["innings"].items(), unchanged)) if unchanged else None
    payload = match_payload(match=match, config=config, state=state, seq=seq,
                            skip_innings=unchanged)
    return fan_view(payload, kept=kept)


@receiver(action_recorded, dispatch_uid="realtime.publish_delta")
def publish_delta(sender, match, entry, before, after, config, **kwargs):
    """Once the action commits (the match row's lock is released by then, and a rolled-back
    action publishes nothing), build its delta, buffer it and publish it: one Redis PUBLISH
    whatever the number of fans or server processes. Answers with the delta's builder (the
    write service returns it as ``Recorded.delta``): the message is built once, and the JSON
    API's answer carries it (built before that answer); the publish runs after the answer in an
    ``answer_first`` view (the pad and the JSON API), else at commit."""
    built: list[dict] = []

    def delta() -> dict:
        if not built:
            cached = _last_views.get(match.pk)
            if cached is not None and cached[0] == entry.seq - 1:
                before_view = cached[1]
            else:
                before_view = _view(match, config, before, entry.seq - 1)
            after_view = _view(match, config, after, entry.seq, previous=before_view,
                               unchanged=_unchanged_innings(before, after))
            _remember(match.pk, entry.seq, after_view)
            built.append(delta_message(
                match_id=match.pk, version=entry.seq,
                action=entry.payload,
                before_view=before_view, after_view=after_view,
                deliveries=deliveries_changed(entry.kind, entry.payload, entry.seq, after),
            ))
        return built[0]

    def send() -> None:
        publish_text(match_id=match.pk, version=entry.seq, text=delta_text(delta()))
        try:
            publish_page(match=match, version=entry.seq, state=after)
        except Exception:  # the page's fans see the gap at the next version and catch up
            logger.exception("Could not publish the page of match %s entry %s",
                             match.pk, entry.seq)

    def for_the_answer() -> dict | None:
        try:
            return delta()
        except Exception:  # the ball is committed: its answer stands without the delta
            logger.exception("Could not build the delta of match %s entry %s",
                             match.pk, entry.seq)
            return None

    # robust: the action is committed whatever happens here; a fan that misses this delta (Redis
    # briefly down) sees the gap at the next one and resyncs, and the relay republishes. The
    # scorer's answer goes first: fans get the ball the moment after.
    transaction.on_commit(lambda: after_response(send), robust=True)
    return for_the_answer


@receiver(post_save, sender=Match, dispatch_uid="realtime.forget_reused_id")
def forget_what_an_earlier_match_left(sender, instance, created, **kwargs):
    """A new match starts with nothing in Redis under its id: a database whose ids start again
    (a test database, a restored dump) must not resume its fans from another match's buffers
    or kept page."""
    if created:
        try:
            client_for_match(instance.pk).delete(
                *(buffer_key(instance.pk, stream) for stream in STREAMS),
                page_feed.latest_key(instance.pk), page_feed.watch_key(instance.pk))
        except (RedisError, OSError):  # Redis away: the buffers of ids never used expire anyway
            logger.warning("Could not clear Redis keys for new match %s", instance.pk)
