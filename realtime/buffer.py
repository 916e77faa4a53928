"""The bounded per-match buffer of recent deltas in Redis, from which reconnecting fans resume;
kept on the match's realtime server (realtime/shards.py)."""

from __future__ import annotations

from django.conf import settings

from realtime.shards import client_for_match

BUFFER_SIZE = 500  # deltas kept per match: a fan away longer than this gets a snapshot
BUFFER_TTL = 2 * 24 * 3600


def buffer_key(match_id: int) -> str:
    return f"{settings.CACHES['default']['KEY_PREFIX']}:deltas:{match_id}"


def buffer_append(match_id: int, version: int, text: str, *,
                  publish: tuple[str, bytes] | None = None) -> None:
    """Keep ``text`` as the match's delta at ``version``; with ``publish`` (a pub/sub channel on
    the match's server and a message), also PUBLISH it in the same transaction: one round trip,
    and a fan never sees a delta that a resume from the buffer could not."""
    key = buffer_key(match_id)
    pipe = client_for_match(match_id).pipeline(transaction=True)
    pipe.zremrangebyscore(key, version, version)  # a re-publish of a version replaces it
    pipe.zadd(key, {text: version})
    pipe.zremrangebyrank(key, 0, -(BUFFER_SIZE + 1))
    pipe.expire(key, BUFFER_TTL)
    if publish is not None:
        pipe.publish(*publish)
    pipe.execute()


def buffer_since(match_id: int, since: int, until: int) -> list[str] | None:
    """Deltas ``since`` < v <= ``until`` in order, or None if any of them is no longer kept."""
    if until <= since:
        return []
    raw = client_for_match(match_id).zrangebyscore(
        buffer_key(match_id), since + 1, until, withscores=True)
    versions = [int(score) for _, score in raw]
    if versions != list(range(since + 1, until + 1)):
        return None
    return [text.decode() if isinstance(text, bytes) else text for text, _ in raw]
