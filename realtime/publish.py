"""The only way match changes reach fans: after commit, buffer the delta and publish it once."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import OrderedDict

from channels.layers import get_channel_layer
from django.db import transaction
from django.dispatch import receiver

from games.selectors import match_payload
from games.signals import action_recorded
from realtime.buffer import buffer_append
from realtime.delta import deliveries_changed, delta_message, keyed_view

DELTA_EVENT = "match.delta"
logger = logging.getLogger(__name__)

_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


def _publisher_loop() -> asyncio.AbstractEventLoop:
    """One long-lived event loop per process for publishing from synchronous code.

    ``async_to_sync`` would start a fresh loop per call, and the channel layer opens a Redis
    connection per loop: a connection per published delta. This loop keeps one.
    """
    global _loop
    with _loop_lock:
        if _loop is None or _loop.is_closed():
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="realtime-publisher",
                             daemon=True).start()
        return _loop


async def _buffer_and_send(group: str, match_id: int, version: int, text: str) -> None:
    try:
        buffer_append(match_id, version, text)  # on the publisher's own thread: may block it
        await get_channel_layer().group_send(
            group, {"type": DELTA_EVENT, "match": match_id, "v": version, "text": text})
    except Exception:  # the scorer's action is committed; fans heal by resync / snapshot
        logger.exception("could not publish match %s version %s", match_id, version)


def publish(group: str, match_id: int, version: int, text: str) -> None:
    """Queue a delta for the publisher loop, which sends them in the order they are queued.

    The scorer does not wait for Redis: the action is already committed, and a fan that misses
    a delta (Redis briefly down) sees the gap and resyncs from the buffer or a snapshot.
    """
    asyncio.run_coroutine_threadsafe(_buffer_and_send(group, match_id, version, text),
                                     _publisher_loop())


def _remember(match_id: int, seq: int, view: dict) -> None:
    _last_views[match_id] = (seq, view)
    _last_views.move_to_end(match_id)
    while len(_last_views) > _LAST_VIEWS_KEPT:
        _last_views.popitem(last=False)


def broadcast_on_commit(*, group: str, match_id: int, version: int, message: dict) -> None:
    """Serialize a delta once, buffer it and publish it to a match's group, after the current
    transaction commits (never for a rolled-back action); ``t`` is stamped at commit. One Redis
    PUBLISH whatever the number of fans or server processes."""

    def send() -> None:
        text = json.dumps({**message, "t": time.time()}, separators=(",", ":"))
        publish(group, match_id, version, text)

    transaction.on_commit(send, robust=True)


# The last view computed per match in this process: the next action's "before" is usually it.
_last_views: OrderedDict[int, tuple[int, dict]] = OrderedDict()
_LAST_VIEWS_KEPT = 1000


def _view(match, config, state: dict, seq: int) -> dict:
    return keyed_view(match_payload(match=match, config=config, state=state, seq=seq))


@receiver(action_recorded, dispatch_uid="realtime.publish_delta")
def publish_delta(sender, match, entry, before, after, config, **kwargs):
    cached = _last_views.get(match.pk)
    if cached is not None and cached[0] == entry.seq - 1:
        before_view = cached[1]
    else:
        before_view = _view(match, config, before, entry.seq - 1)
    after_view = _view(match, config, after, entry.seq)
    # Remembered only once committed: a rolled-back action must not become the next "before".
    transaction.on_commit(lambda: _remember(match.pk, entry.seq, after_view))
    message = delta_message(
        match_id=match.pk, version=entry.seq,
        entry={"seq": entry.seq, "kind": entry.kind, "action": entry.payload},
        before_view=before_view, after_view=after_view,
        deliveries=deliveries_changed(entry.kind, entry.payload, entry.seq, after),
    )
    broadcast_on_commit(group=match.group_name, match_id=match.pk, version=entry.seq,
                        message=message)
