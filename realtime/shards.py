"""The realtime Redis servers: the channel layer's pub/sub and the delta buffer spread over
``REALTIME_REDIS_URLS`` (one server unless several are given), one match on one server.

channels-redis's pub/sub layer already shards: it picks a host for each group channel by a
consistent hash of the channel's name. The delta buffer and our own publisher pick the server by
the same hash of the same name, so a match's group, its buffered deltas and its publishes all
live on one server: a fan's resume and the live stream it joins never straddle two servers, and
a server that fails takes only its own matches' feed away (the relay catches them up).
"""

from __future__ import annotations

import redis
from channels_redis.utils import _consistent_hash
from django.conf import settings

from games.models import match_group_name

_clients: dict[str, redis.Redis] = {}


def urls() -> list[str]:
    return settings.REALTIME_REDIS_URLS


def group_channel(group: str) -> str:
    """The layer's own name for a group's pub/sub channel (RedisPubSubChannelLayer)."""
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "")
    return f"{prefix}__group__{group}"


def url_for_group(group: str) -> str:
    servers = urls()
    return servers[_consistent_hash(group_channel(group), len(servers))]


def client_for_url(url: str) -> redis.Redis:
    """A client for a realtime server (database 1, where the buffer is kept; PUBLISH ignores
    the database). Short timeouts, like the cache's: a server away fails fast."""
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(f"{url}/1", socket_connect_timeout=0.5,
                                             socket_timeout=0.5)
    return _clients[url]


def client_for_group(group: str) -> redis.Redis:
    return client_for_url(url_for_group(group))


def client_for_match(match_id: int) -> redis.Redis:
    return client_for_group(match_group_name(match_id))
