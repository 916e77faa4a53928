"""The only way match changes reach fans: after commit, buffer the delta and publish it once."""

from __future__ import annotations

import json
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.dispatch import receiver

from games.selectors import match_payload
from games.signals import action_recorded
from realtime.buffer import buffer_append
from realtime.delta import deliveries_changed, delta_message, keyed_view

DELTA_EVENT = "match.delta"


def broadcast_on_commit(*, group: str, match_id: int, version: int, message: dict) -> None:
    """Serialize a delta once, buffer it and publish it to a match's group, after the current
    transaction commits (never for a rolled-back action); ``t`` is stamped at commit. One Redis
    PUBLISH whatever the number of fans or server processes."""

    def send() -> None:
        text = json.dumps({**message, "t": time.time()}, separators=(",", ":"))
        buffer_append(match_id, version, text)
        async_to_sync(get_channel_layer().group_send)(
            group, {"type": DELTA_EVENT, "match": match_id, "v": version, "text": text})

    transaction.on_commit(send, robust=True)


@receiver(action_recorded, dispatch_uid="realtime.publish_delta")
def publish_delta(sender, match, entry, before, after, config, **kwargs):
    before_view = keyed_view(match_payload(match=match, config=config, state=before,
                                          seq=entry.seq - 1))
    after_view = keyed_view(match_payload(match=match, config=config, state=after,
                                         seq=entry.seq))
    message = delta_message(
        match_id=match.pk, version=entry.seq,
        entry={"seq": entry.seq, "kind": entry.kind, "action": entry.payload},
        before_view=before_view, after_view=after_view,
        deliveries=deliveries_changed(entry.kind, entry.payload, entry.seq, after),
    )
    broadcast_on_commit(group=match.group_name, match_id=match.pk, version=entry.seq,
                        message=message)
