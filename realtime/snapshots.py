"""Async reads for the consumers: a match's version, its buffered deltas, its snapshot."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async

from games.models import Match
from games.selectors import match_get_for_fans, match_payload
from realtime.buffer import buffer_since
from realtime.delta import fan_view, snapshot_message
from scorekeeper.replicas import replica_reads


@database_sync_to_async
def match_version(match_id: int) -> int | None:
    return Match.objects.filter(pk=match_id).values_list("seq", flat=True).first()


async def missed_deltas(match_id: int, since: int, current: int | None) -> list[str] | None:
    if current is None or since > current:
        return None
    return await sync_to_async(buffer_since, thread_sensitive=False)(match_id, since, current)


def snapshot_view(match: Match) -> dict:
    """The fan's view of a match (``realtime.delta.fan_view``)."""
    return fan_view(match_payload(match=match))


def match_snapshot(match_id: int) -> tuple[int, str]:
    """(version, the serialized snapshot message) of a match as it is committed now."""
    match = match_get_for_fans(match_id=match_id)
    return match.seq, snapshot_message(match_id=match.pk, version=match.seq,
                                       view=snapshot_view(match))


# A fan's snapshot comes from the replica when it has the match's current version (the relay's
# from the primary): a reconnect storm reads the copies.
snapshot_text = database_sync_to_async(replica_reads(match_snapshot))
