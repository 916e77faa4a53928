"""Async reads for the consumers: a match's version, what a fan missed from a stream's buffer,
and a stream's snapshot (the JSON view, or the centre page whole)."""

from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from redis.exceptions import RedisError

from core.replicas import replica_reads
from games.models import Match
from games.selectors import match_get_for_fans, match_payload, match_seq
from realtime import page_feed
from realtime.buffer import buffer_newest, buffer_since
from realtime.delta import fan_view, snapshot_message


@database_sync_to_async
def match_version(match_id: int) -> int | None:
    return Match.objects.filter(pk=match_id).values_list("seq", flat=True).first()


async def missed_deltas(match_id: int, since: int, current: int | None,
                        stream: str = "delta") -> list[str] | None:
    if current is None or since > current:
        return None
    return await sync_to_async(buffer_since, thread_sensitive=False)(match_id, since, current,
                                                                    stream)


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


def _published(match_id: int, stream: str) -> int | None:
    """The newest version the stream has been sent for, from its buffer in Redis: the JSON
    deltas carry every version; the page only while its fans watch, so its buffer counts only
    if it is as new as the deltas'."""
    newest = buffer_newest(match_id, "delta")
    if stream == "delta" or newest is None:
        return newest
    page = buffer_newest(match_id, "page")
    return page if page is not None and page >= newest else None


async def resume_point(match_id: int, stream: str = "delta") -> int | None:
    """The version a fan (re)connecting now is brought to: the newest its stream has been sent
    (the next comes live), read from Redis, so a reconnect storm does not reach the database;
    else the match's version from the database (None: no such match)."""
    try:
        newest = await sync_to_async(_published, thread_sensitive=False)(match_id, stream)
    except (RedisError, OSError):
        newest = None
    return newest if newest is not None else await match_version(match_id)


def page_snapshot(match_id: int) -> tuple[int, str]:
    """(version, the centre page whole): the newest rendering kept in Redis when it is as new
    as what has been published (no database read), else the current version rendered here and
    kept for the next fan."""
    kept = page_feed.read_latest(match_id)
    newest = buffer_newest(match_id, "delta")
    if kept is not None and newest is not None and kept[0] >= newest:
        return kept[0], page_feed.page_message(*kept)
    current = match_seq(match_id=match_id)
    if current is None:
        raise Match.DoesNotExist(match_id)
    if kept is None or kept[0] != current:
        match = match_get_for_fans(match_id=match_id)
        kept = (match.seq, page_feed.render(match))
        page_feed.keep_latest(match_id, *kept)
    return kept[0], page_feed.page_message(*kept)


_page_snapshot = database_sync_to_async(replica_reads(page_snapshot))
_pending: dict[tuple, asyncio.Future] = {}


async def stream_snapshot(match_id: int, stream: str = "delta") -> tuple[int, str]:
    """A stream's snapshot. The page's is made once at a time per match in this process: a
    thousand fans coming back together wait for one rendering, not a thousand."""
    if stream != "page":
        return await snapshot_text(match_id)
    key = (asyncio.get_running_loop(), match_id)
    pending = _pending.get(key)
    if pending is not None:
        return await asyncio.shield(pending)
    future = _pending[key] = asyncio.get_running_loop().create_future()
    try:
        result = await _page_snapshot(match_id)
        future.set_result(result)
        return result
    except asyncio.CancelledError:
        future.cancel()
        raise
    except Exception as error:
        future.set_exception(error)
        future.exception()  # retrieved: no warning if nobody else waited
        raise
    finally:
        del _pending[key]
